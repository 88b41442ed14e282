/**
 * The one way src/ reads and writes YAML (kubeconfigs, manifests, YAML inputs), on js-yaml.
 * The library is loaded on first use, so the runs that never parse YAML (quality-gate's line-form
 * inputs, coverage, image) do not load it: the bundler emits it as a chunk. js-yaml rather than
 * `yaml`: a step that reads a kubeconfig and renders a manifest spent ~25 ms of its start-up in
 * `yaml`'s first calls (a 125 KB chunk, much of it run once), and ~8 ms in js-yaml's.
 * Import from 'js-yaml' elsewhere in src/ only with `import type`: a value import would put the
 * library back in every bundle that imports the module.
 */
import type { Schema } from 'js-yaml';
import { describeThrown } from './errors.js';

type JsYaml = typeof import('js-yaml');

/**
 * How many values aliases may add to a document. An alias shares its anchor's object, so parsing
 * an alias bomb is cheap, but anything that walks the value (masking the secrets of a manifest,
 * substituting images, rendering it for kubectl) visits each repeat and everything in it again:
 * nine levels of nine aliases are 387 million visits. Real configuration repeats a few blocks.
 */
export const MAX_ALIAS_EXPANSION = 1000;

/** YAML that could not be read: the parser's reason and where it stopped, on one line. */
export class YamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlError';
  }
}

let loading: Promise<{ library: JsYaml; schema: Schema }> | undefined;

/**
 * js-yaml with YAML 1.2's core schema (no timestamps, no merge keys, as kubectl's JSON needs no
 * such types), where a tag it does not know (`!!js/function`, `!Ref`) keeps its node's plain data
 * instead of failing the whole document: tags never run code or change a value's meaning here.
 */
function load(): Promise<{ library: JsYaml; schema: Schema }> {
  loading ??= import('js-yaml').then((library) => {
    const anyTag = (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) => new library.Type('', { kind, multi: true, construct: (data: unknown) => data }),
    );
    return { library, schema: library.CORE_SCHEMA.extend(anyTag) };
  });
  return loading;
}

/** One YAML (or JSON) document; null when the text holds none. Throws YamlError. */
export async function parseYaml(text: string): Promise<unknown> {
  const { library, schema } = await load();
  const value = attempt(() => library.load(text, { schema }));
  checkAliases(value);
  return value ?? null;
}

/** Every document of a multi-document stream, in order; null for an empty one. Throws YamlError. */
export async function parseYamlDocuments(text: string): Promise<unknown[]> {
  const { library, schema } = await load();
  const documents = attempt(() => library.loadAll(text, undefined, { schema }));
  for (const document of documents) checkAliases(document);
  return documents.map((document) => document ?? null);
}

/**
 * YAML for kubectl, which reads YAML 1.1: strings such as `on`, `yes`, `0x1F` or `1_000` are
 * quoted, or kubectl would turn them into booleans and numbers and the API server would refuse the
 * object. Long strings stay on one line; keys keep their order.
 */
export async function renderYaml(value: unknown): Promise<string> {
  const { library } = await load();
  return library.dump(value, { lineWidth: -1, skipInvalid: true });
}

function attempt<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // js-yaml's own errors carry a reason and a position; anything else (a stack overflow on
    // hostile nesting) is still the text's fault, never a crash of the step.
    const { reason, mark } = error as { reason?: string; mark?: { line: number; column: number } };
    const where = mark ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : '';
    throw new YamlError(`${reason ?? describeThrown(error)}${where}`);
  }
}

/**
 * Refuses a value whose aliases would multiply it (an alias bomb) or make it contain itself: how
 * many values a walk that follows every alias visits, against how many there are. Each object is
 * walked once, its expanded size remembered, so a bomb is measured without being expanded.
 */
function checkAliases(value: unknown): void {
  if (!isObject(value)) return;
  const expandedSizes = new Map<object, number>();
  const open = new Set<object>();
  const stack: Array<{ node: object; children: unknown[]; next: number; size: number }> = [];
  let distinct = 0;
  let expanded = 0;
  const enter = (node: object) => {
    open.add(node);
    stack.push({ node, children: Object.values(node), next: 0, size: 1 });
    distinct += 1;
  };
  enter(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (!isObject(child)) {
        frame.size += 1;
        distinct += 1;
      } else if (open.has(child)) {
        throw new YamlError('an alias refers to a node that contains it, which has no end');
      } else if (expandedSizes.has(child)) {
        frame.size += expandedSizes.get(child)!;
      } else {
        enter(child);
      }
      continue;
    }
    stack.pop();
    open.delete(frame.node);
    expandedSizes.set(frame.node, frame.size);
    if (stack.length > 0) stack[stack.length - 1]!.size += frame.size;
    else expanded = frame.size;
  }
  if (expanded - distinct > MAX_ALIAS_EXPANSION) {
    throw new YamlError(
      `its aliases repeat more than ${MAX_ALIAS_EXPANSION} values, as an alias bomb does (${distinct} values written, ${expanded} with every alias expanded)`,
    );
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * The one way src/ reads and writes YAML (kubeconfigs, manifests, YAML inputs), on js-yaml.
 * The library is loaded on first use, so the runs that never parse YAML (quality-gate's line-form
 * inputs, coverage, image) do not load it: the bundler emits it as a chunk. js-yaml rather than
 * `yaml`: a step that reads a kubeconfig and renders a manifest spent ~25 ms of its start-up in
 * `yaml`'s first calls (a 125 KB chunk, much of it run once), and ~8 ms in js-yaml's.
 * Import from 'js-yaml' elsewhere in src/ only with `import type`: a value import would put the
 * library back in every bundle that imports the module.
 */
import { describeThrown } from './errors.js';
import { aliasProblem } from './yaml-aliases.js';
import { yamlSchemas, type YamlSchemas } from './yaml-schema.js';

type JsYaml = typeof import('js-yaml');

/** YAML that could not be read: the parser's reason and where it stopped, on one line. */
export class YamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlError';
  }
}

let loading: Promise<{ library: JsYaml; schemas: YamlSchemas }> | undefined;

function load(): Promise<{ library: JsYaml; schemas: YamlSchemas }> {
  loading ??= import('js-yaml').then((library) => ({ library, schemas: yamlSchemas(library) }));
  return loading;
}

/** One YAML (or JSON) document; null when the text holds none. Throws YamlError. */
export async function parseYaml(text: string): Promise<unknown> {
  const { library, schemas } = await load();
  const value = attempt(() => library.load(text, { schema: schemas.read }));
  checkAliases(value);
  return value ?? null;
}

/** Every document of a multi-document stream, in order; null for an empty one. Throws YamlError. */
export async function parseYamlDocuments(text: string): Promise<unknown[]> {
  const { library, schemas } = await load();
  const documents = attempt(() => library.loadAll(text, undefined, { schema: schemas.read }));
  for (const document of documents) checkAliases(document);
  return documents.map((document) => document ?? null);
}

/**
 * YAML for kubectl, which reads YAML 1.1: strings such as `on`, `yes`, `0x1F`, `1_000` or `1_` are
 * quoted, or kubectl would turn them into booleans and numbers and the API server would refuse the
 * object. Long strings stay on one line; keys keep their order; a value used twice is written
 * twice (no anchors: js-yaml finds repeats with a linear search per object, slow on a large CRD).
 */
export async function renderYaml(value: unknown): Promise<string> {
  const { library, schemas } = await load();
  return library.dump(value, {
    schema: schemas.write,
    lineWidth: -1,
    noRefs: true,
    skipInvalid: true,
  });
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

function checkAliases(value: unknown): void {
  const problem = aliasProblem(value);
  if (problem) throw new YamlError(problem);
}

/**
 * Manifests to deploy: read from files, directories and globs, with `images` lines substituted
 * into the workloads' containers. YAML is parsed as data only (a tag keeps its node's data), so a
 * manifest can never make this action run anything.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { ActionError, InputError, describeThrown } from './errors.js';
import { registerManifestSecrets } from './manifest-secrets.js';
import { asMapping, mappingOrUndefined, type Mapping } from './mapping.js';
import { parseYamlDocuments, renderYaml, YamlError } from './yaml.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export type { Mapping };

export interface ManifestDocument {
  file: string;
  /** Position in its file, from 0. */
  index: number;
  /** Position in the `items` of the List document it came from, from 0. */
  item?: number;
  object: Mapping;
}

export interface Workload {
  kind: WorkloadKind;
  name: string;
  namespace: string | undefined;
  document: ManifestDocument;
}

export interface ImageChange {
  /** e.g. deployment/web, as kubectl names it. */
  workload: string;
  namespace: string | undefined;
  container: string;
  initContainer: boolean;
  from: string;
  to: string;
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;
const IMAGES_EXAMPLE = 'ghcr.io/acme/web=ghcr.io/acme/web@sha256:…';

/** `name=ref` lines; `name` is an image repository, `ref` the image to put in its place. */
export function parseImageOverrides(lines: readonly string[]): Map<string, string> {
  const overrides = new Map<string, string>();
  for (const line of lines) {
    const separator = line.indexOf('=');
    const name = line.slice(0, separator).trim();
    const ref = line.slice(separator + 1).trim();
    if (separator <= 0 || !name || !ref) {
      throw new InputError(
        'images',
        `has '${line}', which is not a name=ref line.`,
        IMAGES_EXAMPLE,
      );
    }
    if (/\s/.test(ref) || /\s/.test(name)) {
      throw new InputError(
        'images',
        `has '${line}', whose image contains a space.`,
        IMAGES_EXAMPLE,
      );
    }
    const repository = imageRepository(name);
    if (overrides.has(repository)) {
      throw new InputError('images', `sets '${repository}' more than once.`, IMAGES_EXAMPLE);
    }
    overrides.set(repository, ref);
  }
  return overrides;
}

/** The image without its tag or digest: `reg:5000/app:v1@sha256:…` → `reg:5000/app`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}

export async function parseManifestText(text: string, file: string): Promise<ManifestDocument[]> {
  let documents: unknown[];
  try {
    documents = await parseYamlDocuments(text);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    throw new ActionError(
      `${file} is not valid YAML: ${error.message}`,
      'Check the indentation and quoting around the line named.',
    );
  }
  const parsed: ManifestDocument[] = [];
  documents.forEach((value, index) => {
    // An empty document (a stray `---`) is allowed, as kubectl allows it.
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ActionError(
        `${file} (document ${index + 1}) is not a Kubernetes object: it is a ${Array.isArray(value) ? 'list' : typeof value}, not a mapping.`,
        'Each YAML document must be one object with apiVersion, kind and metadata.',
      );
    }
    parsed.push(...unpackList({ file, index, object: value as Mapping }));
  });
  // Masked from the moment they are read, before any log or summary could show them.
  registerManifestSecrets(parsed.map((document) => document.object));
  return parsed;
}

/**
 * `kind: List` (and any `*List` with `items`, as `kubectl get -o yaml` prints) holds objects that
 * kubectl applies one by one; they are unpacked so each is seen, substituted and watched.
 */
function unpackList(document: ManifestDocument): ManifestDocument[] {
  const { kind, items } = document.object;
  if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(items)) {
    return [document];
  }
  return items.flatMap((item: unknown, position) => {
    const object = mappingOrUndefined(item);
    if (!object) {
      throw new ActionError(
        `${document.file} (document ${document.index + 1}, item ${position + 1} of its ${kind}) is not a Kubernetes object.`,
        'Each item of a List must be one object with apiVersion, kind and metadata.',
      );
    }
    return unpackList({ ...document, item: position, object });
  });
}

/** Files named directly, the manifests in directories (not recursive, as kubectl -f), and globs. */
export async function expandManifestPaths(
  patterns: readonly string[],
  cwd: string,
  input = 'manifests',
): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns) {
    const matches = isGlob(pattern)
      ? await expandGlob(pattern, cwd)
      : await expandPath(resolve(cwd, pattern), pattern, input);
    if (matches.length === 0) {
      throw new InputError(input, `'${pattern}' matches no manifest files.`, 'k8s/*.yaml');
    }
    for (const file of matches) if (!files.includes(file)) files.push(file);
  }
  return files;
}

export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

async function expandPath(path: string, pattern: string, input: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(input, `'${pattern}' does not exist.`, 'k8s/deployment.yaml');
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && MANIFEST_EXTENSIONS.test(entry.name))
    .map((entry) => join(path, entry.name))
    .sort();
}

/** `*` and `?` stay within a path segment; `**` spans any number of directories. */
async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const absolute = resolve(cwd, pattern);
  const segments = absolute.split(sep);
  const firstWild = segments.findIndex((segment) => /[*?[]/.test(segment));
  const base = segments.slice(0, firstWild).join(sep) || sep;
  const matcher = globRegex(segments.slice(firstWild).join('/'));
  const found: string[] = [];
  await walk(base, async (file) => {
    if (matcher.test(relative(base, file).split(sep).join('/'))) found.push(file);
  });
  return found.sort();
}

async function walk(directory: string, visit: (file: string) => Promise<void>): Promise<void> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') {
      await walk(path, visit);
    } else if (entry.isFile()) {
      await visit(path);
    }
  }
}

function globRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export async function readManifests(
  patterns: readonly string[],
  cwd: string,
  input = 'manifests',
): Promise<ManifestDocument[]> {
  const documents: ManifestDocument[] = [];
  for (const file of await expandManifestPaths(patterns, cwd, input)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ActionError(`Cannot read manifest ${file}: ${describeThrown(error)}`);
    }
    documents.push(...(await parseManifestText(text, relative(cwd, file) || file)));
  }
  return documents;
}

export function findWorkloads(documents: readonly ManifestDocument[]): Workload[] {
  const workloads: Workload[] = [];
  for (const document of documents) {
    const kind = document.object.kind;
    if (!WORKLOAD_KINDS.includes(kind as WorkloadKind)) continue;
    const metadata = asMapping(document.object.metadata);
    const name = metadata.name;
    if (typeof name !== 'string' || name === '') {
      throw new ActionError(`A ${String(kind)} in ${document.file} has no metadata.name.`);
    }
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    workloads.push({ kind: kind as WorkloadKind, name, namespace, document });
  }
  return workloads;
}

/** Which object a manifest document is, as the API server names it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** undefined: the kubectl context's namespace (or a cluster-scoped object). */
  namespace: string | undefined;
}

/** The objects the documents describe, in manifest order; documents without kind or name skipped. */
export function objectRefs(documents: readonly ManifestDocument[]): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const { object } of documents) {
    const metadata = asMapping(object.metadata);
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') continue;
    if (typeof metadata.name !== 'string' || metadata.name === '') continue;
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    refs.push({ apiVersion, kind, name: metadata.name, namespace });
  }
  return refs;
}

export function workloadRef(workload: Pick<Workload, 'kind' | 'name'>): string {
  return `${workload.kind.toLowerCase()}/${workload.name}`;
}

export interface Substitution {
  /** Copies of the documents with images replaced; the input is left alone. */
  documents: ManifestDocument[];
  changes: ImageChange[];
  /** `images` names that matched no container: likely a typo worth a warning. */
  unused: string[];
}

export function substituteImages(
  documents: readonly ManifestDocument[],
  overrides: ReadonlyMap<string, string>,
): Substitution {
  const copies = documents.map((document) => ({
    ...document,
    object: structuredClone(document.object),
  }));
  const changes: ImageChange[] = [];
  const used = new Set<string>();
  for (const target of podTemplates(copies)) {
    const podSpec = target.podSpec;
    for (const [field, initContainer] of [
      ['initContainers', true],
      ['containers', false],
    ] as const) {
      const containers = podSpec?.[field];
      if (!Array.isArray(containers)) continue;
      for (const container of containers.map(mappingOrUndefined)) {
        if (!container || typeof container.image !== 'string') continue;
        const repository = imageRepository(container.image);
        const replacement = overrides.get(repository);
        if (replacement === undefined) continue;
        used.add(repository);
        if (replacement === container.image) continue;
        changes.push({
          workload: target.ref,
          namespace: target.namespace,
          container: String(container.name),
          initContainer,
          from: container.image,
          to: replacement,
        });
        container.image = replacement;
      }
    }
  }
  const unused = [...overrides.keys()].filter((name) => !used.has(name));
  return { documents: copies, changes, unused };
}

/**
 * The pod specs images are substituted in: workloads', and Jobs' and CronJobs' (a migration Job
 * runs the release's image, so `images` must reach it too).
 */
function podTemplates(
  documents: readonly ManifestDocument[],
): Array<{ ref: string; namespace: string | undefined; podSpec: Mapping | undefined }> {
  const workloads = new Set(findWorkloads(documents).map((workload) => workload.document));
  const found = [];
  for (const document of documents) {
    const { kind } = document.object;
    const spec = asMapping(document.object.spec);
    const template =
      workloads.has(document) || kind === 'Job'
        ? mappingOrUndefined(spec.template)
        : kind === 'CronJob'
          ? mappingOrUndefined(asMapping(asMapping(spec.jobTemplate).spec).template)
          : undefined;
    if (!template) continue;
    const metadata = asMapping(document.object.metadata);
    found.push({
      ref: `${String(kind).toLowerCase()}/${String(metadata.name)}`,
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
      podSpec: asMapping(template.spec),
    });
  }
  return found;
}

/**
 * One multi-document YAML stream, for writing the substituted manifests to a file for kubectl.
 * Written as YAML 1.1, which kubectl reads: strings such as `on`, `yes` or `0x1F` are quoted, or
 * kubectl would turn them into booleans and numbers and the API server would refuse the object.
 */
export async function renderManifests(documents: readonly ManifestDocument[]): Promise<string> {
  const rendered: string[] = [];
  for (const document of documents) rendered.push(await renderYaml(document.object));
  return rendered.join('---\n');
}

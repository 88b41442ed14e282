/**
 * The canary of a whole release: from rendered manifests, the stable Deployment's new pod
 * template (every container, env, resources, volumes) and copies of the ConfigMaps and Secrets it
 * references, renamed for the canary so the canary's config never touches stable's. Pure: the
 * cluster side applies what this returns.
 */
import { createHash } from 'node:crypto';
import { ActionError } from '../../core/errors.js';
import type { ManifestDocument } from '../../core/manifests.js';
import { asMapping, mappingOrUndefined, mappingsOf, type Mapping } from '../../core/mapping.js';
import { canaryCopyName } from '../names.js';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; [field: string]: unknown };
  spec: Mapping & { containers: Mapping[] };
}

export type ConfigKind = 'ConfigMap' | 'Secret';

/** One image a container of the release runs. */
export interface ContainerImage {
  container: string;
  image: string;
  init: boolean;
}

/** A ConfigMap or Secret of the manifests that the canary gets its own copy of. */
export interface ConfigCopy {
  kind: ConfigKind;
  /** The stable object's name (in the manifests and on the cluster). */
  name: string;
  /** The copy's name. */
  copyName: string;
  /** The manifest's object: what stable gets at promotion. */
  object: Mapping;
}

export interface CanaryRelease {
  /** The stable Deployment's pod template as the manifests have it (promotion applies it). */
  template: PodTemplate;
  /** The same template with the copied ConfigMaps and Secrets referenced by their copies' names. */
  canaryTemplate: PodTemplate;
  copies: ConfigCopy[];
  images: ContainerImage[];
}

/** The Deployment named `name` among the documents; the error lists the Deployments there are. */
export function findDeployment(documents: readonly ManifestDocument[], name: string): Mapping {
  const deployments = documents
    .map((document) => document.object)
    .filter((object) => object.kind === 'Deployment');
  const found = deployments.find((object) => asMapping(object.metadata).name === name);
  if (found) return found;
  const names = deployments.map((object) => String(asMapping(object.metadata).name));
  throw new ActionError(
    `The manifests have no Deployment '${name}' (the deployment input), so there is no new pod template for its canary; Deployments found: ${names.join(', ') || 'none'}.`,
    "Set 'deployment' to the stable Deployment the manifests define, or add it to manifests / the kustomization.",
  );
}

/**
 * The pod template, its references and the copies the canary gets. `namespace` is the one the
 * canary runs in (the input, else the kubeconfig's): an object whose manifest names no namespace
 * lands there, so it is the same namespace as a Deployment that names it explicitly.
 */
export function deriveCanary(
  documents: readonly ManifestDocument[],
  name: string,
  namespace?: string,
): CanaryRelease {
  const deployment = findDeployment(documents, name);
  const template = mappingOrUndefined(asMapping(deployment.spec).template);
  const spec = mappingOrUndefined(template?.spec);
  if (!template || !spec || !Array.isArray(spec.containers) || spec.containers.length === 0) {
    throw new ActionError(
      `Deployment '${name}' in the manifests has no spec.template.spec.containers.`,
      'Check the manifest: a Deployment needs a pod template with at least one container.',
    );
  }
  const target = namespaceOf(deployment, namespace);
  const referenced = referencedConfig(spec);
  const copies: ConfigCopy[] = [];
  for (const document of documents) {
    const object = document.object;
    const kind = object.kind;
    if (kind !== 'ConfigMap' && kind !== 'Secret') continue;
    const metadata = asMapping(object.metadata);
    const objectName = metadata.name;
    if (typeof objectName !== 'string' || namespaceOf(object, namespace) !== target) continue;
    if (!referenced[kind].has(objectName)) continue;
    copies.push({ kind, name: objectName, copyName: canaryCopyName(objectName), object });
  }
  const renames = {
    ConfigMap: new Map(
      copies.filter((c) => c.kind === 'ConfigMap').map((c) => [c.name, c.copyName]),
    ),
    Secret: new Map(copies.filter((c) => c.kind === 'Secret').map((c) => [c.name, c.copyName])),
  };
  const rendered = structuredClone(template) as unknown as PodTemplate;
  const canaryTemplate = structuredClone(rendered);
  rewriteReferences(canaryTemplate.spec, renames);
  return { template: rendered, canaryTemplate, copies, images: templateImages(rendered) };
}

/** The namespace an object lands in: its own, else the one it is applied to. */
function namespaceOf(object: Mapping, applied: string | undefined): string | undefined {
  const own = asMapping(object.metadata).namespace;
  return typeof own === 'string' && own !== '' ? own : applied;
}

type Renames = Record<ConfigKind, ReadonlyMap<string, string>>;
type Visit = (kind: ConfigKind, holder: Mapping, field: string) => void;

/** Every place a pod spec names a ConfigMap or Secret, as (holder, field) pairs. */
function eachReference(spec: Mapping, visit: Visit): void {
  for (const field of ['initContainers', 'containers']) {
    for (const container of mappingsOf(spec[field])) {
      for (const variable of mappingsOf(container.env)) {
        const from = asMapping(variable.valueFrom);
        const configMap = mappingOrUndefined(from.configMapKeyRef);
        if (configMap) visit('ConfigMap', configMap, 'name');
        const secret = mappingOrUndefined(from.secretKeyRef);
        if (secret) visit('Secret', secret, 'name');
      }
      for (const source of mappingsOf(container.envFrom)) {
        const configMap = mappingOrUndefined(source.configMapRef);
        if (configMap) visit('ConfigMap', configMap, 'name');
        const secret = mappingOrUndefined(source.secretRef);
        if (secret) visit('Secret', secret, 'name');
      }
    }
  }
  for (const volume of mappingsOf(spec.volumes)) {
    const configMap = mappingOrUndefined(volume.configMap);
    if (configMap) visit('ConfigMap', configMap, 'name');
    const secret = mappingOrUndefined(volume.secret);
    if (secret) visit('Secret', secret, 'secretName');
    for (const source of mappingsOf(asMapping(volume.projected).sources)) {
      const projectedMap = mappingOrUndefined(source.configMap);
      if (projectedMap) visit('ConfigMap', projectedMap, 'name');
      const projectedSecret = mappingOrUndefined(source.secret);
      if (projectedSecret) visit('Secret', projectedSecret, 'name');
    }
  }
}

/** The ConfigMaps and Secrets a pod spec references by name. */
export function referencedConfig(spec: Mapping): Record<ConfigKind, Set<string>> {
  const found = { ConfigMap: new Set<string>(), Secret: new Set<string>() };
  eachReference(spec, (kind, holder, field) => {
    if (typeof holder[field] === 'string') found[kind].add(holder[field]);
  });
  return found;
}

/** Points the references named in `renames` at their new names, in place. */
export function rewriteReferences(spec: Mapping, renames: Renames): void {
  eachReference(spec, (kind, holder, field) => {
    const renamed =
      typeof holder[field] === 'string' ? renames[kind].get(holder[field]) : undefined;
    if (renamed !== undefined) holder[field] = renamed;
  });
}

export function templateImages(template: PodTemplate): ContainerImage[] {
  const images: ContainerImage[] = [];
  for (const [field, init] of [
    ['initContainers', true],
    ['containers', false],
  ] as const) {
    for (const container of mappingsOf(template.spec[field])) {
      images.push({ container: String(container.name), image: String(container.image), init });
    }
  }
  return images;
}

/**
 * What the rendered release is, independent of key order and formatting: a later job that
 * renders the same manifests gets the same digest, and any change in them a different one.
 */
export function manifestsDigest(documents: readonly ManifestDocument[]): string {
  const hash = createHash('sha256');
  for (const document of documents) hash.update(canonicalJson(document.object)).update('\n');
  return `sha256:${hash.digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Mapping)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * True when every field the manifest sets has that value on the live object. The API server adds
 * defaults (imagePullPolicy, protocol, …) the manifest leaves out, so equality would never hold;
 * lists must match element by element, so an added or removed container is a difference.
 */
export function coveredBy(wanted: unknown, live: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(live) &&
      live.length === wanted.length &&
      wanted.every((entry, index) => coveredBy(entry, live[index]))
    );
  }
  if (wanted !== null && typeof wanted === 'object') {
    const liveMapping = mappingOrUndefined(live);
    if (!liveMapping) return false;
    return Object.entries(wanted as Mapping).every(
      ([key, entry]) => entry === undefined || coveredBy(entry, liveMapping[key]),
    );
  }
  // Quantities and ports may come back as numbers or text; "1" and 1 mean the same here.
  return (
    wanted === live || (live !== undefined && live !== null && String(wanted) === String(live))
  );
}

/** A ConfigMap's or Secret's content as the manifest gives it, in the API's encoding. */
export function configContent(object: Mapping): Mapping {
  const content: Mapping = {};
  for (const field of ['data', 'binaryData', 'type', 'immutable']) {
    if (object[field] !== undefined) content[field] = object[field];
  }
  const stringData = mappingOrUndefined(object.stringData);
  if (stringData) {
    // The API server folds stringData into data, base64-encoded; compare in that form.
    const data = { ...asMapping(content.data) };
    for (const [key, value] of Object.entries(stringData)) {
      data[key] = Buffer.from(String(value)).toString('base64');
    }
    content.data = data;
  }
  return content;
}

/** True when the live object already holds the content the manifest gives it. */
export function sameConfig(object: Mapping, live: Mapping | undefined): boolean {
  if (!live) return false;
  const wanted = configContent(object);
  const has = (field: string) => asMapping(wanted[field]);
  const liveHas = (field: string) => asMapping(live[field]);
  return ['data', 'binaryData'].every((field) => {
    const a = has(field);
    const b = liveHas(field);
    return (
      Object.keys(a).length === Object.keys(b).length &&
      Object.entries(a).every(([key, value]) => String(value) === String(b[key]))
    );
  });
}

/** The canary's change as a reviewer reads it: images per container, added or removed ones, env. */
export function describeChange(stable: PodTemplate | undefined, canary: PodTemplate): string[] {
  const before = new Map((stable ? templateImages(stable) : []).map((c) => [c.container, c.image]));
  const lines: string[] = [];
  for (const { container, image, init } of templateImages(canary)) {
    const was = before.get(container);
    const what = init ? 'init container' : 'container';
    if (was === undefined) lines.push(`${what} ${container} added (${image})`);
    else if (was !== image) lines.push(`${what} ${container}: ${was} → ${image}`);
    before.delete(container);
  }
  for (const [container] of before) lines.push(`container ${container} removed`);
  return lines;
}

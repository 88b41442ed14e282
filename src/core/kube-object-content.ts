/**
 * What an object's content is, apart from how the server keeps it: the fields a restore writes
 * back and a verification compares, and the merge patch between two versions. Pure functions.
 */
import type { ObjectRef } from './manifests.js';
import { asMapping, isMapping, type Mapping } from './mapping.js';

/** Set by the server; keeping them would make a replace conflict or a create fail. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/** What an object means to its users; compared to verify a restore. */
const CONTENT_FIELDS = ['data', 'stringData', 'binaryData', 'spec', 'type', 'immutable'] as const;

/** `Kind.version.group/name` for kubectl, so a kind served by two groups is never mistaken. */
export function resourceOf(ref: ObjectRef): string {
  const [group, version] = ref.apiVersion.includes('/')
    ? ref.apiVersion.split('/', 2)
    : ['', ref.apiVersion];
  return group ? `${ref.kind}.${version}.${group}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}`;
}

/** The object as it would be written back: no status, no fields the server sets. */
export function withoutServerFields(object: Mapping): Mapping {
  const copy = structuredClone(object);
  delete copy.status;
  const metadata = asMapping(copy.metadata);
  for (const field of SERVER_METADATA) delete metadata[field];
  // The last-applied annotation is kept on purpose: restored with the object, the next
  // `kubectl apply` diffs against what was applied before this step, not against the bad change.
  return copy;
}

/** The fields a restore puts back and a verification compares. */
export function meaningful(object: Mapping): Mapping {
  const metadata = asMapping(object.metadata);
  const picked: Mapping = {
    metadata: { labels: metadata.labels, annotations: metadata.annotations },
  };
  for (const field of CONTENT_FIELDS) picked[field] = object[field];
  return picked;
}

/**
 * An RFC 7386 merge patch turning `from` into `to`: changed values set, removed keys null, lists
 * replaced whole; undefined when nothing differs.
 */
export function mergePatch(from: unknown, to: unknown): unknown {
  if (isMapping(from) && isMapping(to)) {
    const patch: Mapping = {};
    for (const [key, value] of Object.entries(to)) {
      if (value === undefined) continue;
      const inner = mergePatch(from[key], value);
      if (inner !== undefined) patch[key] = inner;
    }
    for (const [key, value] of Object.entries(from)) {
      if (value !== undefined && to[key] === undefined) patch[key] = null;
    }
    return Object.keys(patch).length > 0 ? patch : undefined;
  }
  if (to === undefined) return from === undefined ? undefined : null;
  return sameJson(from, to) ? undefined : to;
}

/**
 * The meaningful parts in which `live` differs from `previous`: content fields, labels and
 * annotations. Names only, never values, since a Secret's values must not reach any report.
 */
export function differences(previous: Mapping, live: Mapping): string[] {
  const fields: string[] = [];
  for (const field of CONTENT_FIELDS) {
    if (!sameJson(previous[field], live[field])) fields.push(field);
  }
  for (const field of ['labels', 'annotations'] as const) {
    if (!sameJson(asMapping(previous.metadata)[field], asMapping(live.metadata)[field])) {
      fields.push(`metadata.${field}`);
    }
  }
  return fields;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Key order ignored, and an empty mapping the same as none (the server drops empty ones). */
function canonical(value: unknown): string {
  const normalise = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(normalise);
    if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item as Mapping)
        .filter(([, inner]) => inner !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, normalise(inner)]);
      return entries.length === 0 ? undefined : Object.fromEntries(entries);
    }
    return item;
  };
  return JSON.stringify(normalise(value) ?? null);
}

export function uidOf(object: Mapping): string | undefined {
  const uid = asMapping(object.metadata).uid;
  return typeof uid === 'string' ? uid : undefined;
}

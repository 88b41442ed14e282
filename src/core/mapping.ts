/**
 * Reading parsed YAML and JSON (manifests, kubectl output, kubeconfigs) whose shape is not
 * trusted: one place decides what counts as a mapping, so every reader treats an array, null or
 * scalar where a mapping belongs the same way.
 */

/** A YAML or JSON mapping (object), keys to values of unknown shape. */
export type Mapping = Record<string, unknown>;

/** A mapping, not null, an array or a scalar. */
export function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The value as a mapping, or an empty one when it is not: for reading nested fields where a
 * missing level means the same as an empty one (`asMapping(object.metadata).name`).
 */
export function asMapping(value: unknown): Mapping {
  return isMapping(value) ? value : {};
}

/** The value as a mapping, or undefined when it is not: for callers that must tell the two apart. */
export function mappingOrUndefined(value: unknown): Mapping | undefined {
  return isMapping(value) ? value : undefined;
}

/** The value as an array, or an empty one when it is not. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The mapping entries of a list, skipping anything else (`spec.containers`, `items`). */
export function mappingsOf(value: unknown): Mapping[] {
  return asArray(value).filter(isMapping);
}

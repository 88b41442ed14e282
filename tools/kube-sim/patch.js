// @ts-check
/**
 * The four patch formats the API server accepts. All functions are pure: they return a new value
 * and never modify their arguments.
 */
import { childSchema } from './openapi/schemas.js';

/** @typedef {import('./openapi/schemas.js').Schema} Schema */

export class PatchError extends Error {}

/** @param {unknown} v @returns {v is Record<string, any>} */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** @template T @param {T} v @returns {T} */
const clone = (v) => (v === undefined ? v : globalThis.structuredClone(v));

/**
 * RFC 7386 JSON merge patch.
 * @param {unknown} target
 * @param {unknown} patch
 * @returns {any}
 */
export function applyMergePatch(target, patch) {
  if (!isObject(patch)) return clone(patch);
  /** @type {Record<string, any>} */
  const result = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** @param {string} pointer */
function pointerTokens(pointer) {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * @param {any} doc
 * @param {string[]} tokens
 * @param {string} path
 */
function parentOf(doc, tokens, path) {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(`doc is missing path: "${path}"`);
  }
  return node;
}

/** @param {any} doc @param {string} path */
function getAt(doc, path) {
  let node = doc;
  for (const token of pointerTokens(path)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(`doc is missing path: "${path}"`);
  }
  return node;
}

/**
 * @param {any} doc
 * @param {string} path
 * @param {'add'|'replace'|'remove'} mode
 * @param {unknown} [value]
 * @returns {any} the new document (the root may be replaced)
 */
function writeAt(doc, path, mode, value) {
  const tokens = pointerTokens(path);
  if (tokens.length === 0) {
    if (mode === 'remove') throw new PatchError('cannot remove the document root');
    return clone(value);
  }
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    const limit = mode === 'add' ? parent.length : parent.length - 1;
    if (!Number.isInteger(index) || index < 0 || index > limit) {
      throw new PatchError(`index out of range in "${path}"`);
    }
    if (mode === 'add') parent.splice(index, 0, clone(value));
    else if (mode === 'replace') parent[index] = clone(value);
    else parent.splice(index, 1);
  } else if (isObject(parent)) {
    if (mode !== 'add' && !(last in parent)) {
      throw new PatchError(`${mode} operation does not apply: doc is missing key: ${path}`);
    }
    if (mode === 'remove') delete parent[last];
    else parent[last] = clone(value);
  } else throw new PatchError(`doc is missing path: "${path}"`);
  return doc;
}

/**
 * RFC 6902 JSON patch.
 * @param {unknown} target
 * @param {unknown} operations
 * @returns {any}
 */
export function applyJsonPatch(target, operations) {
  if (!Array.isArray(operations))
    throw new PatchError('a JSON patch must be an array of operations');
  let doc = clone(target);
  for (const op of operations) {
    if (!isObject(op) || typeof op.path !== 'string')
      throw new PatchError('invalid JSON patch operation');
    switch (op.op) {
      case 'add':
      case 'replace':
        doc = writeAt(doc, op.path, op.op, op.value);
        break;
      case 'remove':
        doc = writeAt(doc, op.path, 'remove');
        break;
      case 'move': {
        const value = getAt(doc, op.from);
        doc = writeAt(doc, op.from, 'remove');
        doc = writeAt(doc, op.path, 'add', value);
        break;
      }
      case 'copy':
        doc = writeAt(doc, op.path, 'add', getAt(doc, op.from));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw new PatchError(`testing value ${op.path} failed`);
        }
        break;
      default:
        throw new PatchError(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

const ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';

/**
 * Kubernetes strategic merge patch: maps merge, lists whose schema names a merge key merge
 * element-wise, other lists are replaced; `$patch`, `$retainKeys`, `$setElementOrder/…` and
 * `$deleteFromPrimitiveList/…` directives are honoured.
 * @param {unknown} target
 * @param {unknown} patch
 * @param {Schema | undefined} schema
 * @returns {any}
 */
export function applyStrategicMergePatch(target, patch, schema) {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const rest = clone(patch);
    delete rest.$patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  /** @type {Record<string, any>} */
  const result = isObject(target) ? clone(target) : {};
  if (Array.isArray(patch.$retainKeys)) {
    for (const key of Object.keys(result)) if (!patch.$retainKeys.includes(key)) delete result[key];
  }
  /** @type {[string, unknown[]][]} */
  const orders = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(ORDER_PREFIX)) {
      orders.push([key.slice(ORDER_PREFIX.length), /** @type {unknown[]} */ (value)]);
      continue;
    }
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const field = key.slice(DELETE_PRIMITIVE_PREFIX.length);
      if (Array.isArray(result[field]) && Array.isArray(value)) {
        result[field] = result[field].filter((v) => !value.includes(v));
      }
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const sub = childSchema(schema, key);
    if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, sub);
    } else if (isObject(value)) {
      const merged = applyStrategicMergePatch(result[key], value, sub);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  for (const [field, order] of orders) {
    if (Array.isArray(result[field])) {
      const sub = childSchema(schema, field);
      result[field] = reorder(
        result[field],
        order,
        sub?.type === 'array' ? sub.mergeKey : undefined,
      );
    }
  }
  return result;
}

/**
 * @param {unknown} current
 * @param {unknown[]} patch
 * @param {Schema | undefined} schema
 */
function mergeList(current, patch, schema) {
  const strategy = schema?.type === 'array' ? (schema.strategy ?? '') : '';
  if (!strategy.includes('merge') || schema?.type !== 'array') {
    return clone(patch).filter((v) => !(isObject(v) && v.$patch));
  }
  if (patch.some((v) => isObject(v) && v.$patch === 'replace')) {
    return clone(patch.filter((v) => !(isObject(v) && v.$patch === 'replace')));
  }
  const existing = Array.isArray(current) ? clone(current) : [];
  const mergeKey = schema.mergeKey;
  if (!mergeKey) {
    // A primitive list with the merge strategy (finalizers): union, keeping the order.
    for (const v of patch) if (!existing.includes(v)) existing.push(clone(v));
    return existing;
  }
  let result = existing;
  for (const item of patch) {
    if (!isObject(item)) continue;
    const key = item[mergeKey];
    const index = result.findIndex((e) => isObject(e) && e[mergeKey] === key);
    if (item.$patch === 'delete') {
      result = result.filter((e) => !(isObject(e) && e[mergeKey] === key));
    } else if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], item, schema.items);
    } else {
      result.push(applyStrategicMergePatch(undefined, item, schema.items));
    }
  }
  return result;
}

/**
 * Items named in the order list come first, in that order; the server's other items follow.
 * @param {unknown[]} items
 * @param {unknown[]} order
 * @param {string | undefined} mergeKey
 */
function reorder(items, order, mergeKey) {
  /** @param {unknown} v */
  const identity = (v) => JSON.stringify(mergeKey && isObject(v) ? v[mergeKey] : v);
  const wanted = order.map(identity);
  const ranked = items.map((item, i) => {
    const rank = wanted.indexOf(identity(item));
    return { item, rank: rank < 0 ? wanted.length + i : rank };
  });
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.item);
}

/**
 * Server-side apply, basic form: the applied configuration is merged into the live object
 * (lists with merge keys element-wise). Fields that an earlier apply set and this one omits are
 * removed when `previous` (that manager's last applied object) is given.
 * @param {unknown} live
 * @param {unknown} applied
 * @param {Schema | undefined} schema
 * @param {unknown} [previous]
 */
export function applyServerSide(live, applied, schema, previous) {
  const merged = applyStrategicMergePatch(live, applied, schema);
  if (previous === undefined) return merged;
  return removeDropped(merged, previous, applied);
}

/**
 * @param {any} merged
 * @param {any} previous
 * @param {any} applied
 */
function removeDropped(merged, previous, applied) {
  if (!isObject(merged) || !isObject(previous)) return merged;
  for (const key of Object.keys(previous)) {
    if (!isObject(applied) || !(key in applied)) delete merged[key];
    else if (isObject(previous[key]) && isObject(applied[key])) {
      merged[key] = removeDropped(merged[key], previous[key], applied[key]);
    }
  }
  return merged;
}

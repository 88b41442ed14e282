// @ts-check
/**
 * Strict field validation (`fieldValidation=Strict`, what `kubectl apply` asks for by default):
 * unknown fields and wrongly typed values are reported with the API server's wording.
 */
import { KIND_SCHEMAS } from './schemas.js';

/** @typedef {import('./schemas.js').Schema} Schema */

/**
 * @param {string} resource
 * @param {unknown} object
 * @returns {string[]} problems such as `unknown field "spec.replica"`; empty when valid
 */
export function strictProblems(resource, object) {
  const schema = KIND_SCHEMAS[resource];
  if (!schema) return [];
  /** @type {string[]} */
  const problems = [];
  walk(schema, object, '', problems);
  return problems;
}

/**
 * @param {Schema} schema
 * @param {unknown} value
 * @param {string} path
 * @param {string[]} problems
 */
function walk(schema, value, path, problems) {
  if (value === null || value === undefined) return;
  switch (schema.type) {
    case 'open':
      return;
    case 'object':
      if (!isPlainObject(value)) return typeProblem(path, 'object', value, problems);
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        const sub = schema.properties[key];
        if (!sub) problems.push(`unknown field "${childPath}"`);
        else walk(sub, child, childPath, problems);
      }
      return;
    case 'map':
      if (!isPlainObject(value)) return typeProblem(path, 'object', value, problems);
      for (const [key, child] of Object.entries(value))
        walk(schema.values, child, `${path}.${key}`, problems);
      return;
    case 'array':
      if (!Array.isArray(value)) return typeProblem(path, 'array', value, problems);
      value.forEach((item, i) => walk(schema.items, item, `${path}[${i}]`, problems));
      return;
    case 'string':
      if (typeof value !== 'string') typeProblem(path, 'string', value, problems);
      return;
    case 'integer':
      if (!Number.isInteger(value)) typeProblem(path, 'int', value, problems);
      return;
    case 'number':
      if (typeof value !== 'number') typeProblem(path, 'number', value, problems);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeProblem(path, 'bool', value, problems);
      return;
    case 'int-or-string':
      if (typeof value !== 'string' && !Number.isInteger(value))
        typeProblem(path, 'int or string', value, problems);
      return;
  }
}

/** @param {unknown} v @returns {v is Record<string, unknown>} */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * @param {string} path
 * @param {string} expected
 * @param {unknown} value
 * @param {string[]} problems
 */
function typeProblem(path, expected, value, problems) {
  const got = Array.isArray(value) ? 'array' : typeof value;
  problems.push(
    `json: cannot unmarshal ${got} into Go value of type ${expected} (field "${path}")`,
  );
}

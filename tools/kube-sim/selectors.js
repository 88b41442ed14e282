// @ts-check
/**
 * Label and field selectors in the string forms the API accepts in `labelSelector=` and
 * `fieldSelector=` query parameters.
 */

/**
 * @typedef {{ key: string, op: 'in'|'notin'|'exists'|'!exists'|'='|'!=', values: string[] }} LabelRequirement
 * @typedef {{ path: string, op: '='|'!=', value: string }} FieldRequirement
 */

export class SelectorError extends Error {}

/**
 * Splits on commas that are not inside parentheses ("a in (x,y),b" → two terms).
 * @param {string} text
 */
function splitTerms(text) {
  /** @type {string[]} */
  const terms = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') terms.push(current.trim());
  return terms.filter((t) => t !== '');
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** @param {string} key */
function checkKey(key) {
  if (!LABEL_KEY.test(key)) throw new SelectorError(`invalid label key "${key}"`);
  return key;
}

/** @param {string} value */
function checkValue(value) {
  if (!LABEL_VALUE.test(value) || value.length > 63) {
    throw new SelectorError(`invalid label value: "${value}"`);
  }
  return value;
}

/**
 * @param {string | undefined} text
 * @returns {LabelRequirement[]}
 */
export function parseLabelSelector(text) {
  if (!text) return [];
  return splitTerms(text).map(parseLabelTerm);
}

/** @param {string} term @returns {LabelRequirement} */
function parseLabelTerm(term) {
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (setMatch) {
    const values = setMatch[3]
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .map(checkValue);
    return { key: checkKey(setMatch[1]), op: /** @type {'in'|'notin'} */ (setMatch[2]), values };
  }
  const cmp = /^([^!=\s]+)\s*(==|!=|=)\s*(.*)$/.exec(term);
  if (cmp) {
    const op = cmp[2] === '!=' ? '!=' : '=';
    return { key: checkKey(cmp[1]), op, values: [checkValue(cmp[3].trim())] };
  }
  if (term.startsWith('!'))
    return { key: checkKey(term.slice(1).trim()), op: '!exists', values: [] };
  if (/\s/.test(term)) throw new SelectorError(`unable to parse requirement: "${term}"`);
  return { key: checkKey(term), op: 'exists', values: [] };
}

/**
 * @param {LabelRequirement[]} requirements
 * @param {Record<string, string> | undefined} labels
 */
export function matchesLabels(requirements, labels) {
  const have = labels ?? {};
  return requirements.every((r) => {
    const present = Object.prototype.hasOwnProperty.call(have, r.key);
    const value = have[r.key];
    switch (r.op) {
      case 'exists':
        return present;
      case '!exists':
        return !present;
      case '=':
        return present && value === r.values[0];
      case '!=':
        return !present || value !== r.values[0];
      case 'in':
        return present && r.values.includes(value);
      case 'notin':
        return !present || !r.values.includes(value);
    }
    return false;
  });
}

/**
 * @param {string | undefined} text
 * @returns {FieldRequirement[]}
 */
export function parseFieldSelector(text) {
  if (!text) return [];
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((term) => {
      const m = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
      if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
      return { path: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() };
    });
}

/**
 * Field paths are dotted paths into the object; a missing field compares as the empty string,
 * which is how the API server treats optional fields such as spec.nodeName.
 * @param {FieldRequirement[]} requirements
 * @param {any} object
 */
export function matchesFields(requirements, object) {
  return requirements.every((r) => {
    /** @type {any} */
    let value = object;
    for (const part of r.path.split('.'))
      value = value === null || value === undefined ? undefined : value[part];
    const text = value === null || value === undefined ? '' : String(value);
    return r.op === '=' ? text === r.value : text !== r.value;
  });
}

/**
 * The string form of a structured LabelSelector (matchLabels + matchExpressions), as kubectl and
 * the Scale subresource's status.selector use it.
 * @param {{matchLabels?: Record<string,string>, matchExpressions?: {key: string, operator: string, values?: string[]}[]} | undefined} selector
 */
export function labelSelectorToString(selector) {
  if (!selector) return '';
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.sort().join(',');
}

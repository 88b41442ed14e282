// @ts-check
/**
 * pod-template-hash: FNV-32a over a canonical JSON rendering of the pod template, written out
 * with Kubernetes' "safe" alphabet (no vowels, so a hash never spells a word). Kubernetes hashes
 * a Go-specific dump of the template, so the value differs from a real cluster's; only its
 * shape (up to 10 characters from the same alphabet) and its stability are the same.
 */

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** @param {string} text */
export function fnv32a(text) {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** @param {string} text */
export function safeEncode(text) {
  return [...text].map((char) => SAFE_ALPHABET[char.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/**
 * JSON with object keys sorted and null/undefined members dropped, so that two templates that
 * differ only in key order or in an explicit null compare equal (patches reorder keys freely).
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined && member !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The template as the deployment controller compares it: without the pod-template-hash label
 * (kubectl rollout undo strips it too).
 * @param {any} template
 */
export function templateWithoutHash(template) {
  const copy = globalThis.structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  if (copy.metadata && Object.keys(copy.metadata).length === 0) delete copy.metadata;
  return copy;
}

/**
 * @param {any} a
 * @param {any} b
 */
export function templatesEqualIgnoringHash(a, b) {
  return canonicalJson(templateWithoutHash(a)) === canonicalJson(templateWithoutHash(b));
}

/**
 * @param {any} template
 * @param {number} [collisionCount]
 */
export function podTemplateHash(template, collisionCount) {
  let text = canonicalJson(templateWithoutHash(template));
  if (collisionCount) text += `#${collisionCount}`;
  return safeEncode(String(fnv32a(text)));
}

// @ts-check
// Marks a bundle's module factories for eager compilation, keeping its source map exact.
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { parse } from 'acorn';

/**
 * V8 compiles a function lazily: loading a script only pre-parses it, and the function is parsed
 * again, in full, when first called. A bundle's module factories are nearly all called at once (the
 * static imports of index.js at start, a chunk's modules when `import()` loads it), so each is
 * parsed twice; canary's main module alone is a 230 KB function. A function expression in
 * parentheses is compiled with the script that holds it (V8's heuristic for `(function () {…})()`),
 * so wrapping every factory in parentheses parses it once: 10–40 ms less per start.
 *
 * A factory is a function-valued property of an object whose keys are all numbers: webpack's module
 * table (`var t={123:(e,t,n)=>{…},…}` in index.js, `export const modules={…}` in a chunk). A
 * dependency's own table of that shape is wrapped too, which changes nothing but when it compiles.
 *
 * @param {string} code a bundle as ncc or terser wrote it
 * @param {string} map its source map (JSON)
 * @returns {{ code: string; map: string; factories: number }}
 */
export function markEagerFactories(code, map) {
  const factories = findFactories(code);
  if (factories.length === 0) return { code, map, factories: 0 };
  const positionOf = positions(code);
  /** @type {Array<{ index: number; line: number; column: number; text: string }>} */
  const insertions = factories.flatMap((factory) => [
    { ...positionOf(factory.start), text: '(' },
    { ...positionOf(factory.end), text: ')' },
  ]);
  insertions.sort((a, b) => a.index - b.index);
  let marked = '';
  let copied = 0;
  for (const insertion of insertions) {
    marked += code.slice(copied, insertion.index) + insertion.text;
    copied = insertion.index;
  }
  marked += code.slice(copied);
  return { code: marked, map: shiftMappings(map, insertions), factories: factories.length };
}

/**
 * Where each factory function starts and ends, as offsets into the code.
 * @param {string} code
 * @returns {Array<{ start: number; end: number }>}
 */
function findFactories(code) {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  /** @type {Array<{ start: number; end: number }>} */
  const factories = [];
  /** @type {unknown[]} */
  const pending = [program];
  while (pending.length > 0) {
    /** @type {any} */
    const node = pending.pop();
    if (!node || typeof node.type !== 'string') continue;
    if (isModuleTable(node)) {
      for (const property of node.properties) {
        factories.push({ start: property.value.start, end: property.value.end });
      }
    }
    for (const value of Object.values(node)) {
      pending.push(...(Array.isArray(value) ? value : [value]));
    }
  }
  return factories;
}

/**
 * The line and column of an offset as a source map counts them: lines end at `\n` only (acorn
 * also ends them at U+2028 and a lone `\r`, which a template literal may hold), columns in UTF-16
 * code units.
 * @param {string} code
 * @returns {(index: number) => { index: number; line: number; column: number }}
 */
function positions(code) {
  const lineStarts = [0];
  for (let at = code.indexOf('\n'); at !== -1; at = code.indexOf('\n', at + 1)) {
    lineStarts.push(at + 1);
  }
  return (index) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= index) low = middle;
      else high = middle - 1;
    }
    return { index, line: low, column: index - lineStarts[low] };
  };
}

/** @param {any} node */
function isModuleTable(node) {
  return (
    node.type === 'ObjectExpression' &&
    node.properties.length > 0 &&
    node.properties.every(
      (/** @type {any} */ property) =>
        property.type === 'Property' &&
        property.kind === 'init' &&
        !property.method &&
        !property.computed &&
        property.key.type === 'Literal' &&
        typeof property.key.value === 'number' &&
        (property.value.type === 'ArrowFunctionExpression' ||
          property.value.type === 'FunctionExpression'),
    )
  );
}

/**
 * Moves every generated column on a line right by the characters inserted at or before it, so
 * that each mapping still points at the token it named.
 * @param {string} map @param {Array<{ line: number; column: number; text: string }>} insertions
 */
function shiftMappings(map, insertions) {
  const parsed = JSON.parse(map);
  const lines = decode(parsed.mappings);
  for (const [lineIndex, segments] of lines.entries()) {
    const onLine = insertions.filter((insertion) => insertion.line === lineIndex);
    if (onLine.length === 0) continue;
    let passed = 0;
    let shift = 0;
    for (const segment of segments) {
      while (passed < onLine.length && onLine[passed].column <= segment[0]) {
        shift += onLine[passed].text.length;
        passed += 1;
      }
      segment[0] += shift;
    }
  }
  parsed.mappings = encode(lines);
  return JSON.stringify(parsed);
}

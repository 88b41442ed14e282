import { decode, encode } from '@jridgewell/sourcemap-codec';
import { runInNewContext } from 'node:vm';
import { minify } from 'terser';
import { describe, expect, it } from 'vitest';
import { markEagerFactories } from '../../tools/eager-factories.js';
import { moduleFactories } from '../support/js-ast.js';

/**
 * A miniature of ncc's output: a module table, a chunk's table, objects that are neither (a method
 * under a number key is no factory), and a line separator in a template literal, which ends a line
 * for acorn but not for a source map.
 */
const SOURCE = `var note = \`line\u2028separator\`; var modules = {
  17: (module) => { module.exports = function greet(name) { return "hello " + name; }; },
  23: function (module, exports, require) { exports.answer = require(17)("there"); },
};
var chunk = { 5: (module) => { module.exports = { five: 5 }; } };
var settings = { retries: () => 3, 7: 7 };
var methods = { 1() { return 1; }, 2: () => 2 };
var cache = {};
function require(id) {
  if (!cache[id]) { cache[id] = { exports: {} }; modules[id](cache[id], cache[id].exports, require); }
  return cache[id].exports;
}
result = [require(23).answer, settings.retries(), chunk[5] ? 5 : 0, methods[1](), note.length];
`;

/** The original line and column a generated position maps to, as a stack trace would show it. */
function originalAt(map: string, line: number, column: number): [number, number] | undefined {
  const segments = decode((JSON.parse(map) as { mappings: string }).mappings)[line] ?? [];
  const segment = segments.filter((candidate) => candidate[0] <= column).at(-1);
  return segment && segment.length >= 4 ? [segment[2]!, segment[3]!] : undefined;
}

/** Line and column (0-based) of every occurrence of `word` in `code`. */
function positionsOf(code: string, word: string): Array<[number, number]> {
  return code
    .split('\n')
    .flatMap((text, line) =>
      [...text.matchAll(new RegExp(`\\b${word}\\b`, 'g'))].map(
        (match) => [line, match.index] as [number, number],
      ),
    );
}

describe('markEagerFactories', () => {
  it.each([
    ['minified to one line', { beautify: false }],
    ['laid out on many lines', { beautify: true }],
  ])('parenthesises every module factory of a bundle %s', async (_, format) => {
    const built = await minify(SOURCE, {
      compress: false,
      mangle: false,
      format,
      sourceMap: { filename: 'index.js' },
    });
    const marked = markEagerFactories(built.code!, built.map as string);

    expect(marked.factories).toBe(3);
    expect(moduleFactories(built.code!)).toEqual(
      expect.arrayContaining([{ id: 17, parenthesised: false }]),
    );
    expect(moduleFactories(marked.code).sort((a, b) => a.id - b.id)).toEqual([
      { id: 5, parenthesised: true },
      { id: 17, parenthesised: true },
      { id: 23, parenthesised: true },
    ]);
    // The code does what it did.
    const before = { result: undefined as unknown };
    const after = { result: undefined as unknown };
    runInNewContext(built.code!, before);
    runInNewContext(marked.code, after);
    expect(after.result).toEqual(['hello there', 3, 5, 1, 14]);
    expect(after.result).toEqual(before.result);
    // Every name still maps to where it was written, in the factories and after them.
    for (const word of ['greet', 'answer', 'five', 'retries', 'cache', 'result']) {
      const was = positionsOf(built.code!, word).map(([line, column]) =>
        originalAt(built.map as string, line, column),
      );
      const now = positionsOf(marked.code, word).map(([line, column]) =>
        originalAt(marked.map, line, column),
      );
      expect(now, word).toEqual(was);
      expect(now.length, word).toBeGreaterThan(0);
    }
  });

  // terser escapes U+2028, but a bundle may hold one raw in a template literal: it ends a line for
  // acorn, not for a source map, so positions must be counted by \n alone.
  it('counts lines as a source map does, past a raw line separator', () => {
    const code = 'var note=`a\u2028b`;var m={1:()=>2};';
    const two = code.lastIndexOf('2');
    const map = JSON.stringify({
      version: 3,
      sources: ['m.js'],
      names: [],
      mappings: encode([
        [
          [0, 0, 0, 0],
          [two, 0, 4, 7],
        ],
      ]),
    });
    const marked = markEagerFactories(code, map);
    expect(marked.code).toBe('var note=`a\u2028b`;var m={1:(()=>2)};');
    const lines = decode((JSON.parse(marked.map) as { mappings: string }).mappings);
    expect(lines.map((segments) => segments.map((segment) => segment[0]))).toEqual([
      [0, marked.code.lastIndexOf('2')],
    ]);
    expect(originalAt(marked.map, 0, marked.code.lastIndexOf('2'))).toEqual([4, 7]);
  });

  it('leaves a bundle without a module table as it was', async () => {
    const built = await minify('export const settings = { retries: () => 3 };', {
      module: true,
      sourceMap: { filename: 'index.js' },
    });
    const marked = markEagerFactories(built.code!, built.map as string);
    expect(marked).toEqual({ code: built.code, map: built.map, factories: 0 });
  });
});

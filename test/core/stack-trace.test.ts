import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceMappedStack } from '../../src/core/stack-trace.js';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One source-map VLQ field. */
function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest) digit |= 32;
    out += BASE64[digit];
  } while (rest);
  return out;
}

describe('sourceMappedStack', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-stack-'));
    bundle = join(dir, 'index.js');
    // Line 1 of the bundle: column 0 comes from run.ts line 1, column 20 from run.ts line 42 col 5.
    const mappings = [
      [0, 0, 0, 0],
      [20, 0, 41, 4],
    ]
      .map((s) => s.map(vlq).join(''))
      .join(',');
    await writeFile(bundle, 'export function f(){throw new Error("x")}\n');
    await writeFile(
      `${bundle}.map`,
      JSON.stringify({
        version: 3,
        file: 'index.js',
        sources: ['webpack://slipway/./src/core/run.ts'],
        names: [],
        mappings,
      }),
    );
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('shows frames of a bundle with a map beside it at their source positions', () => {
    const stack = [
      'Error: x',
      `    at f (${pathToFileURL(bundle).href}:1:21)`,
      `    at ${bundle}:1:21`,
    ].join('\n');
    expect(sourceMappedStack(stack)).toBe(
      ['Error: x', '    at f (src/core/run.ts:42:5)', '    at src/core/run.ts:42:5'].join('\n'),
    );
  });

  it('leaves frames without a map, and the message, as they are', () => {
    const stack = [
      'Error: failed at /nowhere/a.js:1:2',
      '    at g (node:internal/process/task_queues:95:5)',
      `    at h (${join(dir, 'other.js')}:3:4)`,
    ].join('\n');
    expect(sourceMappedStack(stack)).toBe(stack);
  });

  it('keeps a message with a malformed file URL as it is and still maps the frames', () => {
    const stack = [
      'Error: cannot read file:///a%2F.js:1:1 or file:///b%zz.js:2:2',
      `    at f (${pathToFileURL(bundle).href}:1:21)`,
    ].join('\n');
    expect(sourceMappedStack(stack)).toBe(
      [
        'Error: cannot read file:///a%2F.js:1:1 or file:///b%zz.js:2:2',
        '    at f (src/core/run.ts:42:5)',
      ].join('\n'),
    );
  });
});

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findFiles, isPlainPath } from '../../src/core/globs.js';

// The real tinyglobby, watched: plain paths must be answered without it.
vi.mock('tinyglobby', async (importOriginal) => {
  const original = await importOriginal<typeof import('tinyglobby')>();
  return { ...original, glob: vi.fn(original.glob) };
});
const tinyglobby = await import('tinyglobby');
const { glob: realGlob } = await vi.importActual<typeof import('tinyglobby')>('tinyglobby');

const IGNORE = ['**/node_modules/**', '**/.git/**'];
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-globs-'));
  await mkdir(join(root, 'coverage'));
  await mkdir(join(root, 'node_modules/pkg'), { recursive: true });
  await mkdir(join(root, '.hidden'));
  await mkdir(join(root, 'a (1)'));
  for (const file of [
    'lcov.info',
    'coverage/lcov.info',
    'node_modules/pkg/lcov.info',
    '.hidden/lcov.info',
    'a (1)/lcov.info',
  ]) {
    await writeFile(join(root, file), 'SF:a.ts\nend_of_record\n');
  }
  await symlink(join(root, 'lcov.info'), join(root, 'link.info'));
  await symlink(join(root, 'nowhere'), join(root, 'dangling.info'));
});
afterAll(() => rm(root, { recursive: true, force: true }));
beforeEach(() => {
  vi.mocked(tinyglobby.glob).mockClear();
});

const sorted = (files: string[]) => [...files].sort();

describe('findFiles', () => {
  it.each([
    // [patterns, ignore, answered without the glob library]
    [['lcov.info'], IGNORE, true],
    [['coverage/lcov.info'], IGNORE, true],
    [['./lcov.info'], IGNORE, true],
    [['coverage/../lcov.info'], IGNORE, true],
    [['lcov.info', './lcov.info', 'coverage/lcov.info'], IGNORE, true],
    [['missing.info'], IGNORE, true],
    [['coverage'], IGNORE, false],
    [['lcov.info/x'], IGNORE, true],
    [['link.info'], IGNORE, true],
    [['dangling.info'], IGNORE, true],
    [['.hidden/lcov.info'], IGNORE, true],
    [['lcov.info'], [], true],
    [['node_modules/pkg/lcov.info'], IGNORE, false],
    [['coverage/'], IGNORE, false],
    [['a (1)/lcov.info'], IGNORE, false],
    [['**/lcov.info'], IGNORE, false],
    [['lcov.*'], IGNORE, false],
    [['lcov.info', '**/lcov.info'], IGNORE, false],
    [['lcov.info'], ['coverage/**'], false],
  ])('%j (ignore %j) matches what tinyglobby matches', async (patterns, ignore, plain) => {
    const expected = await realGlob(patterns, {
      cwd: root,
      absolute: true,
      onlyFiles: true,
      dot: true,
      ignore,
    });
    const found = await findFiles(patterns, { cwd: root, ignore });
    expect(sorted(found)).toEqual(sorted(expected));
    expect(vi.mocked(tinyglobby.glob).mock.calls.length === 0).toBe(plain);
  });

  it('takes an absolute plain path as it is', async () => {
    expect(await findFiles(join(root, 'coverage/lcov.info'), { cwd: '/' })).toEqual([
      join(root, 'coverage/lcov.info'),
    ]);
  });
});

describe('isPlainPath', () => {
  it.each([
    ['coverage/lcov.info', true],
    ['target/nextest/ci/junit.xml', true],
    ['', false],
    ['**/junit.xml', false],
    ['report-?.xml', false],
    ['report-[12].xml', false],
    ['{a,b}.xml', false],
    ['!skip.xml', false],
    ['+(a|b).xml', false],
    ['@(a).xml', false],
    ['dir\\*.xml', false],
    ['reports/', false],
  ])('%j → %s', (pattern, plain) => {
    expect(isPlainPath(pattern)).toBe(plain);
  });
});

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidReferenceError } from '../../../src/core/image-reference.js';
import {
  parseBareDigest,
  parseMergeSource,
  parseMergeSourceLines,
  readDigestDirectory,
  readMergeInput,
} from '../../../src/image/registry/merge-sources.js';

/** A digest that reads as its name in failures: sha256:aaaa... for 'a'. */
const d = (char: string) => `sha256:${char.repeat(64)}`;

describe('merge sources', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it.each<[text: string, expected: object]>([
    [d('a'), { digest: d('a') }],
    ['a'.repeat(64), { digest: d('a') }],
    [`sha256-${'a'.repeat(64)}`, { digest: d('a') }],
    [`sha512:${'b'.repeat(128)}`, { digest: `sha512:${'b'.repeat(128)}` }],
    [`ghcr.io/org/app@${d('a')}`, { registry: 'ghcr.io', repository: 'org/app', digest: d('a') }],
    [
      'ghcr.io/org/app:sha-1-arm64',
      { registry: 'ghcr.io', repository: 'org/app', tag: 'sha-1-arm64' },
    ],
  ])('reads %s', (text, expected) => {
    expect(parseMergeSource(text)).toEqual(expected);
  });

  it('rejects a short digest as a reference error the action can name its input in', () => {
    expect(parseBareDigest('sha256:abc')).toBeUndefined();
    expect(() => parseMergeSource('sha256:abc')).toThrow(InvalidReferenceError);
  });

  it('reads input lines, skipping blanks and comments, and says which line named each', () => {
    expect(
      parseMergeSourceLines(
        'merge-digests',
        `\n# amd64\n${d('a')}\n\n  ghcr.io/org/app@${d('b')}  \n`,
      ),
    ).toEqual([
      { digest: d('a'), from: 'line 3 of merge-digests' },
      {
        registry: 'ghcr.io',
        repository: 'org/app',
        digest: d('b'),
        from: 'line 5 of merge-digests',
      },
    ]);
  });

  it("reads a directory of digest files as Docker's recipe uploads them, and per-leg folders", async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'merge-digests-'));
    const digests = path.join(dir, 'digests');
    await mkdir(path.join(digests, 'digests-linux-arm64'), { recursive: true });
    await writeFile(path.join(digests, 'b'.repeat(64)), '');
    await writeFile(path.join(digests, 'digests-linux-arm64', 'a'.repeat(64)), '');
    await writeFile(path.join(digests, 'linux-s390x'), `${d('c')}\n`);
    await writeFile(path.join(digests, '.hidden'), 'ignored');
    expect(await readDigestDirectory(digests)).toEqual([
      { digest: d('b'), from: `digest file digests/${'b'.repeat(64)}` },
      { digest: d('a'), from: `digest file digests/digests-linux-arm64/${'a'.repeat(64)}` },
      { digest: d('c'), from: 'digest file digests/linux-s390x' },
    ]);
  });

  it('refuses an empty digest file whose name is no digest', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'merge-digests-'));
    await writeFile(path.join(dir, 'linux-amd64'), '');
    await expect(readDigestDirectory(dir)).rejects.toThrow(
      /linux-amd64 is empty and its name is not a digest/,
    );
  });

  it('reads an input mixing digests, references and a directory relative to the workspace', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'merge-input-'));
    await mkdir(path.join(dir, 'digests', 'digests-linux-arm64'), { recursive: true });
    await writeFile(path.join(dir, 'digests', 'digests-linux-arm64', 'a'.repeat(64)), '');
    expect(
      await readMergeInput('merge-digests', `digests\n${d('b')}\nghcr.io/org/app@${d('c')}`, dir),
    ).toEqual([
      { digest: d('a'), from: `digest file digests/digests-linux-arm64/${'a'.repeat(64)}` },
      { digest: d('b'), from: 'line 2 of merge-digests' },
      {
        registry: 'ghcr.io',
        repository: 'org/app',
        digest: d('c'),
        from: 'line 3 of merge-digests',
      },
    ]);
  });

  it.each<[name: string, setup: (dir: string) => Promise<void>, line: string, message: RegExp]>([
    [
      'an empty directory',
      (dir) => mkdir(path.join(dir, 'digests')).then(() => undefined),
      'digests',
      /^names directory digests, which holds no digest files/,
    ],
    [
      'a file instead of a directory',
      (dir) => writeFile(path.join(dir, 'list.txt'), d('a')),
      'list.txt',
      /^names list\.txt, which is a file/,
    ],
    [
      'a directory with an unusable file',
      async (dir) => {
        await mkdir(path.join(dir, 'digests'));
        await writeFile(path.join(dir, 'digests', 'linux-amd64'), '');
      },
      'digests',
      /^names directory digests, where digest file digests\/linux-amd64 is empty/,
    ],
  ])(
    'refuses %s with a message that completes "Input \'x\' "',
    async (_name, setup, line, message) => {
      dir = await mkdtemp(path.join(tmpdir(), 'merge-input-'));
      await setup(dir);
      await expect(readMergeInput('merge-digests', line, dir)).rejects.toThrow(message);
    },
  );
});

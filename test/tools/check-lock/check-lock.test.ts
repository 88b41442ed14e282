import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tools/actions.js';
import { checkLock, type Lock, type PackageJson } from '../../../tools/check-lock.js';

const run = promisify(execFile);
const CHECK_LOCK = join(REPO_ROOT, 'tools/check-lock.js');

/** A root that asks for `sarif` exactly, and a lock in which sarif asks for `dep` by `spec`. */
function tree(spec: string, field = 'dependencies'): Lock {
  return {
    name: 'demo',
    lockfileVersion: 3,
    packages: {
      '': { name: 'demo', version: '1.0.0', devDependencies: { sarif: '3.1.0' } },
      'node_modules/sarif': { version: '3.1.0', [field]: { dep: spec, other: '^1.0.0' } },
      'node_modules/dep': { version: '4.1.0' },
      'node_modules/other': { version: '1.2.0' },
    },
  };
}

function root(extra: Partial<PackageJson> = {}): PackageJson {
  return { name: 'demo', devDependencies: { sarif: '3.1.0' }, ...extra };
}

describe('checkLock on dependency specs in the lock tree', () => {
  const cases: {
    name: string;
    spec: string;
    field?: string;
    overrides?: Record<string, unknown>;
    fails: boolean;
    pinned?: string;
  }[] = [
    { name: 'a dist-tag fails', spec: 'latest', fails: true },
    { name: 'any dist-tag fails', spec: 'next', fails: true },
    {
      name: 'a dist-tag in optionalDependencies fails',
      spec: 'beta',
      field: 'optionalDependencies',
      fails: true,
    },
    {
      name: 'a dist-tag in peerDependencies fails',
      spec: 'latest',
      field: 'peerDependencies',
      fails: true,
    },
    { name: 'an npm: alias to a dist-tag fails', spec: 'npm:real-dep@latest', fails: true },
    {
      name: 'an exact override pins it',
      spec: 'latest',
      overrides: { dep: '4.1.0' },
      fails: false,
      pinned: '4.1.0',
    },
    {
      name: 'a { ".": exact } override pins it',
      spec: 'latest',
      overrides: { dep: { '.': '4.1.0' } },
      fails: false,
      pinned: '4.1.0',
    },
    {
      name: 'an override key with a spec still pins it',
      spec: 'latest',
      overrides: { 'dep@4': '4.1.0' },
      fails: false,
      pinned: '4.1.0',
    },
    {
      name: 'a "$name" override to an exact root spec pins it',
      spec: 'latest',
      overrides: { dep: '$sarif' },
      fails: false,
      pinned: '3.1.0',
    },
    {
      name: 'a range override does not pin',
      spec: 'latest',
      overrides: { dep: '^4.1.0' },
      fails: true,
    },
    {
      name: 'a nested override does not pin',
      spec: 'latest',
      overrides: { sarif: { dep: '4.1.0' } },
      fails: true,
    },
    {
      name: 'an override of another package does not pin',
      spec: 'latest',
      overrides: { other: '1.2.0' },
      fails: true,
    },
    { name: 'a caret range passes', spec: '^4.0.0', fails: false },
    { name: 'a star range passes', spec: '*', fails: false },
    { name: 'an empty spec (npm reads it as *) passes', spec: '', fails: false },
    { name: 'an exact version passes', spec: '4.1.0', fails: false },
    { name: 'an npm: alias to a range passes', spec: 'npm:real-dep@^4.0.0', fails: false },
    { name: 'a git spec is not a dist-tag', spec: 'github:owner/dep#main', fails: false },
    { name: 'a directory spec is not a dist-tag', spec: 'file:../dep', fails: false },
    {
      name: 'a tarball URL is not a dist-tag',
      spec: 'https://example.com/dep-4.1.0.tgz',
      fails: false,
    },
    { name: 'a spec npm cannot parse fails', spec: 'workspace:*', fails: true },
  ];

  it.each(cases)('$name ($spec)', ({ spec, field, overrides, fails, pinned }) => {
    const report = checkLock(tree(spec, field), root(overrides ? { overrides } : {}));
    if (fails) {
      expect(report.problems).toHaveLength(1);
      const [problem] = report.problems;
      expect(problem).toMatchObject({ asker: 'sarif@3.1.0', dependency: 'dep', spec });
      expect(problem.message).toContain(`sarif@3.1.0 asks for dep@"${spec}"`);
      expect(problem.message).toMatch(/Fix: .*replace sarif/);
    } else {
      expect(report.problems).toEqual([]);
    }
    if (pinned) {
      expect(report.pinned).toEqual([expect.objectContaining({ dependency: 'dep', pin: pinned })]);
      expect(report.pinned[0].message).toContain(`"overrides" pins dep to ${pinned}: fine`);
    } else {
      expect(report.pinned).toEqual([]);
    }
  });

  it('names a nested package by name, version and place, and suggests the locked version', () => {
    const lock: Lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'demo', devDependencies: { outer: '1.0.0' } },
        'node_modules/outer': { version: '1.0.0', dependencies: { '@scope/inner': '^2.0.0' } },
        'node_modules/outer/node_modules/@scope/inner': {
          version: '2.0.1',
          dependencies: { dep: 'latest' },
        },
        'node_modules/outer/node_modules/dep': { version: '5.0.0' },
        'node_modules/dep': { version: '4.0.0' },
      },
    };
    const { problems } = checkLock(lock, { name: 'demo', devDependencies: { outer: '1.0.0' } });
    expect(problems).toHaveLength(1);
    expect(problems[0].asker).toBe(
      '@scope/inner@2.0.1 (node_modules/outer/node_modules/@scope/inner)',
    );
    expect(problems[0].message).toContain('(the lock has 5.0.0)');
    expect(problems[0].message).toContain('"overrides": { "dep": "5.0.0" }');
    expect(problems[0].message).toContain('or replace @scope/inner.');
  });

  it('fails a lock without a packages section', () => {
    const { problems } = checkLock({ lockfileVersion: 1 }, root());
    expect(problems).toEqual([expect.objectContaining({ rule: 'lockfile' })]);
  });
});

describe('checkLock on the root package.json', () => {
  const cases: { name: string; spec: string; fails: boolean }[] = [
    { name: 'an exact version passes', spec: '1.2.3', fails: false },
    { name: 'a caret range fails', spec: '^1.2.3', fails: true },
    { name: 'a tilde range fails', spec: '~1.2.3', fails: true },
    { name: 'a dist-tag fails', spec: 'latest', fails: true },
    { name: 'an npm: alias to an exact version passes', spec: 'npm:other@1.2.3', fails: false },
    { name: 'an npm: alias to a range fails', spec: 'npm:other@^1.2.3', fails: true },
    {
      name: 'a git spec at a full commit passes',
      spec: 'github:a/b#0123456789abcdef0123456789abcdef01234567',
      fails: false,
    },
    { name: 'a git spec at a branch fails', spec: 'github:a/b#main', fails: true },
    { name: 'a local directory passes', spec: 'file:../local', fails: false },
    { name: 'a tarball URL fails', spec: 'https://example.com/x-1.2.3.tgz', fails: true },
  ];

  it.each(cases)('$name ($spec)', ({ spec, fails }) => {
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
      const packageJson: PackageJson = { name: 'demo', [field]: { 'some-dep': spec } };
      const lock: Lock = {
        lockfileVersion: 3,
        packages: {
          '': { name: 'demo', [field]: { 'some-dep': spec } },
          'node_modules/some-dep': { version: '1.2.3' },
        },
      };
      const { problems } = checkLock(lock, packageJson);
      if (!fails) {
        expect(problems).toEqual([]);
        continue;
      }
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ rule: 'not-exact', field, dependency: 'some-dep' });
      expect(problems[0].message).toContain(`package.json ${field} asks for some-dep@"${spec}"`);
      expect(problems[0].message).toContain('Fix: set it to "1.2.3"');
    }
  });
});

describe('the repository', () => {
  it('passes with its own package-lock.json and package.json', async () => {
    const lock = JSON.parse(await readFile(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
    const packageJson = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
    const report = checkLock(lock, packageJson);
    expect(report.problems).toEqual([]);
    expect(report.specs).toBeGreaterThan(100);
  });
});

describe('the check-lock CLI', () => {
  async function cli(cwd: string, args: string[] = []) {
    try {
      const { stdout, stderr } = await run(process.execPath, [CHECK_LOCK, ...args], { cwd });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, output: failure.stdout + failure.stderr };
    }
  }

  it('exits 1 naming the package that asks for a dist-tag, from the current directory or DIR', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-check-lock-'));
    try {
      await writeFile(join(dir, 'package-lock.json'), JSON.stringify(tree('latest')));
      await writeFile(join(dir, 'package.json'), JSON.stringify(root()));
      for (const result of [await cli(dir), await cli(tmpdir(), [dir])]) {
        expect(result.code).toBe(1);
        expect(result.output).toContain('sarif@3.1.0 asks for dep@"latest"');
        expect(result.output).toContain('"overrides": { "dep": "4.1.0" }');
      }

      await writeFile(
        join(dir, 'package.json'),
        JSON.stringify(root({ overrides: { dep: '4.1.0' } })),
      );
      const pinned = await cli(dir);
      expect(pinned.code).toBe(0);
      expect(pinned.output).toContain('"overrides" pins dep to 4.1.0: fine');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

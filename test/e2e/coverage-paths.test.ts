import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction } from '../support/runner.js';

const COVERAGE = join(REPO_ROOT, 'actions/coverage');
const C8 = join(REPO_ROOT, 'node_modules/c8/bin/c8.js');

/** c8's own per-package figures (Istanbul's json-summary "total"). */
async function c8Lines(
  workspace: string,
  name: string,
): Promise<{ covered: number; total: number }> {
  const summary = JSON.parse(
    await readFile(join(workspace, `packages/${name}/coverage/coverage-summary.json`), 'utf8'),
  ) as { total: { lines: { covered: number; total: number } } };
  return summary.total.lines;
}

describe('coverage bundle on a monorepo whose packages each ran c8', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'coverage-paths-'));
    await cp(join(REPO_ROOT, 'test/fixtures/coverage/projects/c8-monorepo'), workspace, {
      recursive: true,
    });
    for (const name of ['a', 'b']) {
      const run = spawnSync(
        process.execPath,
        [
          C8,
          '--reporter=lcov',
          '--reporter=json-summary',
          `--temp-directory=${join(workspace, `.c8-${name}`)}`,
          process.execPath,
          'test.js',
        ],
        { cwd: join(workspace, 'packages', name), encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
    }
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it('keeps packages/a/src/index.js and packages/b/src/index.js apart, with c8 figures', async () => {
    const run = await runAction(COVERAGE, {
      workspace,
      inputs: { files: 'packages/*/coverage/lcov.info' },
    });
    expect(run.main.exitCode).toBe(0);
    const [a, b] = [await c8Lines(workspace, 'a'), await c8Lines(workspace, 'b')];
    expect(run.main.outputs).toMatchObject({
      'lines-covered': String(a.covered + b.covered),
      'lines-total': String(a.total + b.total),
    });
    const result = JSON.parse(run.main.outputs.result) as {
      files: Array<{ path: string; lines: { covered: number; total: number } }>;
    };
    expect(Object.fromEntries(result.files.map((file) => [file.path, file.lines]))).toMatchObject({
      'packages/a/src/index.js': { covered: a.covered, total: a.total },
      'packages/b/src/index.js': { covered: b.covered, total: b.total },
    });
    expect(run.main.summary).toContain('packages/a/src/index.js');
    expect(run.main.summary).toContain('packages/b/src/index.js');
    expect(run.main.summary).not.toContain('not found in the checkout');
  });
  it('warns when artifact downloads leave both packages saying src/index.js, and says where to put them', async () => {
    for (const name of ['a', 'b']) {
      await mkdir(join(workspace, `coverage-${name}`), { recursive: true });
      await cp(
        join(workspace, `packages/${name}/coverage/lcov.info`),
        join(workspace, `coverage-${name}/lcov.info`),
      );
    }
    try {
      const run = await runAction(COVERAGE, {
        workspace,
        inputs: { files: 'coverage-*/lcov.info' },
      });
      expect(run.main.exitCode).toBe(0);
      expect(run.main.annotations).toContainEqual(
        expect.objectContaining({
          level: 'warning',
          title: 'Coverage report paths are ambiguous',
          message: expect.stringContaining(
            'src/index.js (in coverage-a/lcov.info, coverage-b/lcov.info) matches packages/a/src/index.js, packages/b/src/index.js',
          ),
        }),
      );
      expect(run.main.summary).toContain('path: packages/a/coverage');
      expect(run.main.summary).not.toContain('src=packages/a/src');
      expect(run.main.summary.match(/src\/index\.js \(packages/g)).toHaveLength(1);

      // An explicit rule wins: package a's report alone, mapped onto package a.
      const fixed = await runAction(COVERAGE, {
        workspace,
        inputs: { files: 'coverage-a/lcov.info', 'path-fixes': 'src=packages/a/src' },
      });
      const a = await c8Lines(workspace, 'a');
      expect(fixed.main.outputs).toMatchObject({
        'lines-covered': String(a.covered),
        'lines-total': String(a.total),
      });
      expect(fixed.main.summary).toContain('packages/a/src/index.js');
    } finally {
      await rm(join(workspace, 'coverage-a'), { recursive: true, force: true });
      await rm(join(workspace, 'coverage-b'), { recursive: true, force: true });
    }
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/coverage/inputs.js';
import { measureCoverage } from '../../src/coverage/measure.js';

const LCOV = (path: string, hits: number[]) =>
  ['TN:', `SF:${path}`, ...hits.map((h, i) => `DA:${i + 1},${h}`), 'end_of_record', ''].join('\n');

let workspace: string;
afterEach(() => rm(workspace, { recursive: true, force: true }));

async function repository(files: Record<string, string>): Promise<string> {
  workspace = await mkdtemp(join(tmpdir(), 'coverage-measure-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), text);
  }
  return workspace;
}

function settings(overrides: Partial<Settings>): Settings {
  return {
    files: [],
    format: 'auto',
    pathFixes: [],
    unmatchedChanges: 'fail',
    headline: 'lines',
    comment: false,
    pullRequest: 0,
    workspace,
    ...overrides,
  };
}

describe('measureCoverage', () => {
  it('reads, maps and merges two packages, keeping what lies outside the repository out of the totals', async () => {
    await repository({
      'packages/a/src/index.js': 'a\nb\n',
      'packages/b/src/index.js': 'a\nb\nc\n',
      'packages/a/coverage/lcov.info': LCOV('src/index.js', [1, 0]),
      'packages/b/coverage/lcov.info':
        LCOV('src/index.js', [1, 1, 1]) + LCOV('/usr/include/stdio.h', [1]),
    });
    const measured = await measureCoverage(settings({}));

    expect(measured.files.map((file) => file.path)).toEqual([
      'packages/a/src/index.js',
      'packages/b/src/index.js',
    ]);
    expect(measured.outside).toEqual(['/usr/include/stdio.h']);
    expect(measured.totals.lines).toEqual({ covered: 4, total: 5 });
    expect(measured.headline).toMatchObject({ definition: 'lines', covered: 4, total: 5 });
    expect(measured.reportsRead).toEqual([
      'lcov: packages/a/coverage/lcov.info',
      'lcov: packages/b/coverage/lcov.info',
    ]);
    expect(measured.reportFiles).toEqual([
      join(workspace, 'packages/a/coverage/lcov.info'),
      join(workspace, 'packages/b/coverage/lcov.info'),
    ]);
    expect(measured.notes.join('\n')).toContain('/usr/include/stdio.h');
  });
});

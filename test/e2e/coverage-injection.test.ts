/**
 * Report paths are untrusted: a pull request names its directories. A name that carries a
 * workflow command must reach the log as text, and commands after it must still work.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction } from '../support/runner.js';

const COVERAGE = join(REPO_ROOT, 'actions/coverage');

it('logs a hostile report directory as text and keeps commands on after it', async () => {
  const workspace = await mkdtemp(join(tmpdir(), 'coverage-hostile-'));
  const hostileDir = join(workspace, 'x\n::stop-commands::zzz');
  await mkdir(join(workspace, 'src'), { recursive: true });
  await mkdir(hostileDir, { recursive: true });
  await writeFile(join(workspace, 'src/a.js'), 'a\nb\n');
  await writeFile(
    join(hostileDir, 'lcov.info'),
    'TN:\nSF:src/a.js\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\n',
  );

  const run = await runAction(COVERAGE, {
    workspace,
    inputs: { files: '*/lcov.info', 'min-total': '90' },
  });

  expect(run.main.exitCode).toBe(1);
  // The gate's own failure is still an annotation: the directory name did not stop commands.
  expect(run.main.annotations.filter((a) => a.level === 'error')).toHaveLength(1);
  expect(run.main.annotations[0].message).toContain('total line coverage');
  expect(run.main.log).toContain('x\\n::stop-commands::zzz');
  expect(run.main.log).not.toMatch(/^::stop-commands::/m);
});

/**
 * A post step reads what to clean up from saved state, which arrives through the environment.
 * It deletes only what its own main step created, whatever the state names.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction } from '../support/runner.js';

const IMAGE = join(REPO_ROOT, 'actions/image');

it('image post deletes nothing outside its own slipway directories under RUNNER_TEMP', async () => {
  const runnerTemp = await mkdtemp(join(tmpdir(), 'runner-temp-'));
  const outside = await mkdtemp(join(tmpdir(), 'precious-'));
  const insideNotOurs = await mkdtemp(join(runnerTemp, 'other-tool-'));
  await writeFile(join(outside, 'keep.txt'), 'data');
  const run = await runAction(IMAGE, {
    runnerTemp,
    inputs: { images: 'ghcr.io/octo-org/app', build: 'false' },
    beforePost: (main) => {
      main.state['slipway-credential-files'] = JSON.stringify([outside, insideNotOurs, '/']);
    },
  });
  expect(run.main.exitCode).toBe(0);
  expect(run.post?.exitCode).toBe(0);
  expect(existsSync(join(outside, 'keep.txt'))).toBe(true);
  expect(existsSync(insideNotOurs)).toBe(true);
  expect(run.post?.annotations.map((a) => a.message).join('\n')).toContain(
    'a post step removes only what its main step created',
  );
});

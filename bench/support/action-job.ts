import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as runner from '../../tools/action-runner/index.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const ACTIONS = ['quality-gate', 'coverage', 'image', 'rollout', 'canary'] as const;
export type ActionName = (typeof ACTIONS)[number];

export function bundlePath(action: ActionName): string {
  return join(REPO, 'actions', action, 'dist/index.js');
}

export interface ActionJob {
  workspace: string;
  /** A fresh environment for one run of the main step: runner variables, inputs, step files. */
  stepEnv(): Promise<NodeJS.ProcessEnv>;
}

/**
 * A job for starting an action's bundle directly, as the runner starts it (`node dist/index.js`
 * in the job tools/action-runner prepares for tests), so that a benchmark can time that one
 * process. NODE_EXTRA_CA_CERTS is left out: GitHub's runners do not set it.
 */
export async function actionJob(
  action: ActionName,
  inputs: Record<string, string>,
  files: Record<string, string> = {},
): Promise<ActionJob> {
  const job = await runner.prepareJob(join(REPO, 'actions', action), {
    inputs,
    // Start-up only: nothing here talks to GitHub.
    githubToken: '',
  });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(job.workspace, name), content);
  }
  const env: NodeJS.ProcessEnv = { ...job.env, GITHUB_JOB: 'bench' };
  delete env.NODE_EXTRA_CA_CERTS;
  let step = 0;
  return {
    workspace: job.workspace,
    async stepEnv() {
      return { ...env, ...(await runner.stepFiles(job.jobRoot, `step-${++step}`)) };
    },
  };
}

import { cp, mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../tools/actions.js';
import type { EventSpec } from '../support/runner.js';

export const IMAGE = join(REPO_ROOT, 'actions/image');
const EVENTS = join(REPO_ROOT, 'test/fixtures/image/events');

/** A recorded event: the runner's variables (.env) and the payload (.json). */
export function recordedEvent(name: string): { event: EventSpec; env: Record<string, string> } {
  const env = Object.fromEntries(
    readFileSync(join(EVENTS, `${name}.env`), 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const payload = JSON.parse(readFileSync(join(EVENTS, `${name}.json`), 'utf8'));
  const rest = Object.fromEntries(
    Object.entries(env).filter(([key]) => key !== 'GITHUB_EVENT_PATH' && key !== 'GITHUB_API_URL'),
  );
  return {
    event: { name: env.GITHUB_EVENT_NAME, ref: env.GITHUB_REF, sha: env.GITHUB_SHA, payload },
    // No API: the action must get repository data from the payload.
    env: { ...rest, GITHUB_API_URL: 'http://127.0.0.1:9' },
  };
}

/** A workspace holding the tiny FROM-scratch build context. */
export async function buildContext(): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'image-ws-'));
  await cp(join(REPO_ROOT, 'test/fixtures/image/app'), workspace, { recursive: true });
  return workspace;
}

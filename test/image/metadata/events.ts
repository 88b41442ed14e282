import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  repositoryInfoFromPayload,
  type MetadataContext,
  type MetadataInputs,
} from '../../../src/image/metadata/index.js';

const EVENTS = fileURLToPath(new URL('../../fixtures/image/events/', import.meta.url));

/** The frozen run time of every row: late on 9 January in UTC, already 10 January in Tokyo. */
export const NOW = new Date('2026-01-09T23:45:00.000Z');

export const IMAGE = 'ghcr.io/octo-org/app';

/** `ghcr.io/octo-org/app:<name>` for each name. */
export function imageTags(...names: string[]): string[] {
  return names.map((name) => `${IMAGE}:${name}`);
}

/** A run as the runner describes it: the fixture's .env (GITHUB_*) and its event payload. */
export function loadEvent(
  fixture: string,
  overrides: Partial<MetadataContext> = {},
): MetadataContext {
  const env = parseDotenv(readFileSync(`${EVENTS}${fixture}.env`, 'utf8'));
  const payload = JSON.parse(readFileSync(`${EVENTS}${env.GITHUB_EVENT_PATH}`, 'utf8')) as Record<
    string,
    unknown
  >;
  return {
    eventName: env.GITHUB_EVENT_NAME,
    ref: env.GITHUB_REF,
    sha: env.GITHUB_SHA,
    payload,
    repository: repositoryInfoFromPayload(payload),
    now: NOW,
    env: {},
    ...overrides,
  };
}

export function inputsOf(partial: Partial<MetadataInputs>): MetadataInputs {
  return { images: [], tags: [], flavor: [], labels: [], annotations: [], ...partial };
}

function parseDotenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) env[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return env;
}

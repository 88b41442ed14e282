import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  commitDateFromPayload,
  computeMetadata,
  repositoryInfoFromPayload,
  type RepositoryInfo,
} from '../../../src/image/metadata/index.js';
import { inputsOf, loadEvent } from './events.js';

const EVENTS = fileURLToPath(new URL('../../fixtures/image/events/', import.meta.url));

function payloadOf(fixture: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${EVENTS}${fixture}.json`, 'utf8')) as Record<string, unknown>;
}

const OCTO_SERVICE: RepositoryInfo = {
  name: 'octo-service',
  description: 'Checkout and payment service',
  htmlUrl: 'https://github.com/octo-org/octo-service',
  license: 'MIT',
  defaultBranch: 'main',
};

describe('repositoryInfoFromPayload', () => {
  it.each<[string, Record<string, unknown>, RepositoryInfo]>([
    ['push', payloadOf('push-main'), OCTO_SERVICE],
    ['pull_request', payloadOf('pull_request'), OCTO_SERVICE],
    ['release', payloadOf('release'), OCTO_SERVICE],
    ['schedule', payloadOf('schedule'), OCTO_SERVICE],
    [
      'no repository object',
      { schedule: '0 0 * * *' },
      {
        name: '',
        htmlUrl: '',
        description: undefined,
        license: undefined,
        defaultBranch: undefined,
      },
    ],
    [
      'no license and a null description',
      {
        repository: {
          name: 'tool',
          html_url: 'https://github.com/o/tool',
          description: null,
          license: null,
          default_branch: 'trunk',
        },
      },
      {
        name: 'tool',
        htmlUrl: 'https://github.com/o/tool',
        description: undefined,
        license: undefined,
        defaultBranch: 'trunk',
      },
    ],
  ])('%s', (_name, payload, expected) => {
    expect(repositoryInfoFromPayload(payload)).toEqual(expected);
  });
});

describe('commitDateFromPayload', () => {
  it.each<[string, string, string, string | undefined]>([
    [
      'push: the matching commit',
      'push-main',
      'c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5',
      '2026-01-09T23:04:05.000Z',
    ],
    [
      'tag push: head_commit',
      'push-tag-v1.2.3',
      '90dd6032fac8bda1b6c4436a2e65de27961ed071',
      '2026-01-08T09:15:00.000Z',
    ],
    ['another commit: unknown', 'push-main', '0000000000000000000000000000000000000000', undefined],
    [
      'pull request: unknown',
      'pull_request',
      '5f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
      undefined,
    ],
  ])('%s', (_name, fixture, sha, expected) => {
    expect(commitDateFromPayload(payloadOf(fixture), sha)?.toISOString()).toBe(expected);
  });

  it('a commit date from the caller wins over the payload', () => {
    const metadata = computeMetadata(
      inputsOf({ tags: ["type=raw,value={{commit_date 'YYYYMMDD'}}"] }),
      loadEvent('push-main', { commitDate: new Date('2025-12-31T12:00:00Z') }),
    );
    expect(metadata.tags).toEqual(['20251231']);
  });

  it('the API default branch decides type=edge when the payload has none', () => {
    const context = loadEvent('push-dev', {
      payload: {},
      repository: { ...OCTO_SERVICE, defaultBranch: 'dev' },
    });
    expect(computeMetadata(inputsOf({ tags: ['type=edge'] }), context).tags).toEqual(['edge']);
  });
});

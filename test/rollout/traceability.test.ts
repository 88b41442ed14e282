import { describe, expect, it } from 'vitest';
import { readGitHubContext } from '../../src/core/github.js';
import {
  changeCause,
  runUrl,
  traceabilityPatch,
  withTraceability,
} from '../../src/rollout/traceability.js';

const SHA = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

function context(env: Record<string, string | undefined> = {}) {
  return readGitHubContext({
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'release',
    GITHUB_REF: 'refs/tags/v1.2.3',
    ...env,
  });
}

describe('traceability', () => {
  it.each([
    { env: {}, url: 'https://github.com/acme/shop/actions/runs/4242' },
    { env: { GITHUB_RUN_ATTEMPT: '1' }, url: 'https://github.com/acme/shop/actions/runs/4242' },
    {
      env: { GITHUB_RUN_ATTEMPT: '3' },
      url: 'https://github.com/acme/shop/actions/runs/4242/attempts/3',
    },
    {
      env: { GITHUB_SERVER_URL: 'https://ghe.example.com/' },
      url: 'https://ghe.example.com/acme/shop/actions/runs/4242',
    },
  ])('run URL with $env', ({ env, url }) => {
    expect(runUrl(context(env))).toBe(url);
  });

  it.each([
    {
      env: {},
      images: ['example/app:v2'],
      cause:
        'v1.2.3 (3f2a9c1) by octocat: example/app:v2 — https://github.com/acme/shop/actions/runs/4242',
    },
    {
      env: { GITHUB_REF: '' },
      images: [],
      cause: '3f2a9c1 by octocat — https://github.com/acme/shop/actions/runs/4242',
    },
    {
      env: { GITHUB_REF: 'refs/heads/main' },
      images: ['a:1', 'b:2'],
      cause: 'main (3f2a9c1) by octocat: a:1, b:2 — https://github.com/acme/shop/actions/runs/4242',
    },
  ])('change cause for $env', ({ env, images, cause }) => {
    expect(changeCause(context(env), images)).toBe(cause);
  });

  it('annotates the workload and its pod template as a merge patch', () => {
    expect(traceabilityPatch(context(), ['example/app:v2'])).toEqual({
      metadata: {
        annotations: {
          'slipway/run-url': 'https://github.com/acme/shop/actions/runs/4242',
          'slipway/commit': SHA,
          'slipway/ref': 'refs/tags/v1.2.3',
          'slipway/actor': 'octocat',
          'kubernetes.io/change-cause':
            'v1.2.3 (3f2a9c1) by octocat: example/app:v2 — https://github.com/acme/shop/actions/runs/4242',
        },
      },
      spec: {
        template: {
          metadata: {
            annotations: {
              'slipway/run-url': 'https://github.com/acme/shop/actions/runs/4242',
              'slipway/commit': SHA,
              'slipway/ref': 'refs/tags/v1.2.3',
              'slipway/actor': 'octocat',
            },
          },
        },
      },
    });
  });

  it('merges into a manifest, keeping what the manifest already says', () => {
    const manifest = {
      kind: 'Deployment',
      metadata: { name: 'web', annotations: { team: 'shop' } },
      spec: {
        replicas: 2,
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] } },
      },
    };
    const merged = withTraceability(manifest, traceabilityPatch(context())) as typeof manifest & {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(merged.metadata.annotations).toMatchObject({ team: 'shop', 'slipway/actor': 'octocat' });
    expect(merged.spec.replicas).toBe(2);
    expect(merged.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(merged.spec.template.metadata.annotations['slipway/commit']).toBe(SHA);
    expect(merged.spec.template.spec.containers).toEqual([{ name: 'web' }]);
    expect(manifest.metadata.annotations).toEqual({ team: 'shop' });
  });
});

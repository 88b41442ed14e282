import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';
import { readSettings } from '../../src/rollout/inputs.js';
import { captureStdout } from '../support/capture-stdout.js';

afterEach(() => {
  vi.unstubAllEnvs();
  forgetSecretsForTesting();
});

function withInputs(inputs: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(inputs)) {
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value ?? '');
  }
}

describe('rollout inputs', () => {
  it('applies the defaults', async () => {
    withInputs({ manifests: 'k8s/web.yaml' });
    expect(await readSettings()).toEqual({
      kubeconfig: undefined,
      context: undefined,
      namespace: undefined,
      manifests: ['k8s/web.yaml'],
      kustomize: undefined,
      preDeploy: [],
      images: new Map(),
      setImage: undefined,
      dryRun: true,
      serverSide: false,
      timeoutMs: 300_000,
      recoveryTimeoutMs: 300_000,
      smokeTests: [],
      rollbackOnFailure: true,
      environment: undefined,
      environmentUrl: undefined,
      notifyWebhook: undefined,
      githubToken: undefined,
    });
  });

  it('reads a kustomization directory', async () => {
    withInputs({ kustomize: ' k8s/overlays/prod ', images: 'web=web:2' });
    expect(await readSettings()).toMatchObject({ kustomize: 'k8s/overlays/prod', manifests: [] });
  });

  it('reads every input', async () => {
    withInputs({
      kubeconfig: 'a2luZDogQ29uZmln',
      context: 'staging',
      namespace: 'shop',
      manifests: 'k8s/*.yaml\nextra/',
      'pre-deploy': 'jobs/migrate.yaml',
      images:
        'ghcr.io/acme/web=ghcr.io/acme/web@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'dry-run': 'false',
      'server-side': 'TRUE',
      timeout: '90s',
      'smoke-tests': '- name: health\n  url: https://staging.example.com/healthz\n  retries: 1',
      'rollback-on-failure': 'false',
      environment: 'staging',
      'environment-url': 'https://staging.example.com',
      'notify-webhook': 'https://hooks.slack.com/services/T1/B2/secretpart',
      'github-token': 'ghs_token',
    });
    let settings: Awaited<ReturnType<typeof readSettings>> | undefined;
    const { commands } = await captureStdout(async () => (settings = await readSettings()));
    expect(settings).toMatchObject({
      kubeconfig: 'a2luZDogQ29uZmln',
      context: 'staging',
      namespace: 'shop',
      manifests: ['k8s/*.yaml', 'extra/'],
      preDeploy: ['jobs/migrate.yaml'],
      images: new Map([
        [
          'ghcr.io/acme/web',
          'ghcr.io/acme/web@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        ],
      ]),
      dryRun: false,
      serverSide: true,
      timeoutMs: 90_000,
      smokeTests: [{ name: 'health', retries: 1 }],
      rollbackOnFailure: false,
      environment: 'staging',
      environmentUrl: 'https://staging.example.com',
      notifyWebhook: 'https://hooks.slack.com/services/T1/B2/secretpart',
      githubToken: 'ghs_token',
    });
    expect(commands).toContainEqual(expect.objectContaining({ command: 'add-mask' }));
    expect(maskSecrets('posting to https://hooks.slack.com/services/T1/B2/secretpart')).toBe(
      'posting to ***',
    );
  });

  it.each([
    { deployment: 'web', workload: 'deployment/web' },
    { deployment: 'Deployment/web', workload: 'deployment/web' },
    { deployment: 'statefulset/db', workload: 'statefulset/db' },
    { deployment: 'daemonset/agent', workload: 'daemonset/agent' },
  ])('a set-image deploy of $deployment', async ({ deployment, workload }) => {
    withInputs({ deployment, container: 'main', image: 'ghcr.io/acme/web:v2' });
    expect((await readSettings()).setImage).toEqual({
      workload,
      container: 'main',
      image: 'ghcr.io/acme/web:v2',
    });
  });

  it.each([
    { inputs: {}, input: 'manifests', problem: 'nothing to deploy' },
    {
      inputs: { kustomize: 'k8s/overlays/prod', manifests: 'k8s' },
      input: 'kustomize',
      problem: 'and manifests are both set',
    },
    {
      inputs: { 'pre-deploy': 'jobs/', deployment: 'web', container: 'web', image: 'web:2' },
      input: 'deployment',
      problem: 'cannot be combined with kustomize or pre-deploy',
    },
    {
      inputs: { images: 'web=web:2', deployment: 'web', container: 'web', image: 'web:2' },
      input: 'images',
      problem: 'no manifests were given',
    },
    { inputs: { container: 'web', image: 'web:2' }, input: 'deployment', problem: 'is required' },
    { inputs: { deployment: 'web', container: 'web' }, input: 'image', problem: 'is required' },
    { inputs: { deployment: 'web', image: 'web:2' }, input: 'container', problem: 'is required' },
    {
      inputs: { deployment: 'web', container: 'web', image: 'web:2; rm -rf /' },
      input: 'image',
      problem: 'has an invalid image reference',
    },
    {
      inputs: { deployment: 'service/web', container: 'web', image: 'web:2' },
      input: 'deployment',
      problem: 'workload name',
    },
    {
      inputs: { deployment: 'a/b/c', container: 'web', image: 'web:2' },
      input: 'deployment',
      problem: 'workload name',
    },
    {
      inputs: { manifests: 'k8s', namespace: 'Shop' },
      input: 'namespace',
      problem: 'DNS-1123 label',
    },
    {
      inputs: { manifests: 'k8s', namespace: 'a..b' },
      input: 'namespace',
      problem: "contains '.'",
    },
    {
      inputs: { deployment: 'a..b', container: 'web', image: 'web:2' },
      input: 'deployment',
      problem: "'a..b' is not: it has an empty part between dots",
    },
    {
      inputs: { deployment: 'web', container: 'Web_1', image: 'web:2' },
      input: 'container',
      problem: 'DNS-1123 label',
    },
    {
      inputs: { deployment: 'web', container: 'web', image: 'UPPER/Case::bad@@' },
      input: 'image',
      // The same words as canary's image input and image's promote-from: one grammar in core.
      problem:
        "has an invalid image reference 'UPPER/Case::bad@@': digest '@' must look like sha256:<64 hex digits>.",
    },
    {
      inputs: { manifests: 'k8s', images: 'web=UPPER/Case::bad@@' },
      input: 'images',
      problem: "has an invalid image reference 'UPPER/Case::bad@@'",
    },
    {
      inputs: {
        manifests: 'k8s',
        kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []',
      },
      input: 'kubeconfig',
      problem: 'has no current-context',
    },
    { inputs: { manifests: 'k8s', images: 'web' }, input: 'images', problem: 'name=ref' },
    { inputs: { manifests: 'k8s', 'dry-run': 'yes' }, input: 'dry-run', problem: 'true or false' },
    { inputs: { manifests: 'k8s', timeout: '300' }, input: 'timeout', problem: "write '300s'" },
    { inputs: { manifests: 'k8s', timeout: '500ms' }, input: 'timeout', problem: 'at least 1s' },
    {
      inputs: { manifests: 'k8s', 'smoke-tests': '- name: [' },
      input: 'smoke-tests',
      problem: 'not valid YAML',
    },
    {
      inputs: { manifests: 'k8s', 'smoke-tests': '- name: a' },
      input: 'smoke-tests',
      problem: 'exactly one of url or service',
    },
    {
      inputs: { manifests: 'k8s', 'environment-url': 'https://x.example' },
      input: 'environment',
      problem: 'must be set',
    },
    {
      inputs: { manifests: 'k8s', environment: 'e', 'environment-url': 'staging' },
      input: 'environment-url',
      problem: 'http(s) URL',
    },
    {
      inputs: { manifests: 'k8s', 'notify-webhook': 'javascript:alert(1)' },
      input: 'notify-webhook',
      problem: 'http(s) URL',
    },
  ])('refuses $inputs naming $input', async ({ inputs, input, problem }) => {
    withInputs(inputs);
    let thrown: unknown;
    try {
      await readSettings();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).input).toBe(input);
    expect((thrown as InputError).message).toContain(problem);
  });
});

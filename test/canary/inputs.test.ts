import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';
import { readSettings } from '../../src/canary/inputs.js';
import type { Settings } from '../../src/canary/types.js';
import { captureStdout } from '../support/capture-stdout.js';

afterEach(() => {
  vi.unstubAllEnvs();
  forgetSecretsForTesting();
});

/** The runner's INPUT_* variables; a table row's missing keys stay unset. */
type Inputs = Record<string, string | undefined>;

function withInputs(inputs: Inputs) {
  for (const [name, value] of Object.entries(inputs)) {
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value ?? '');
  }
}

async function failureOf(inputs: Inputs): Promise<InputError> {
  withInputs(inputs);
  try {
    await readSettings();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected an InputError for ${JSON.stringify(inputs)}`);
}

/** What every run that shifts traffic must say. */
const minimal = {
  deployment: 'web',
  image: 'ghcr.io/acme/web:1.2.3',
  service: 'web',
  'prometheus-url': 'http://prometheus.monitoring:9090',
};

describe('canary inputs', () => {
  it('applies the defaults of the brief', async () => {
    withInputs(minimal);
    const expected: Settings = {
      kubeconfig: undefined,
      context: undefined,
      namespace: undefined,
      deployment: 'web',
      container: undefined,
      image: 'ghcr.io/acme/web:1.2.3',
      service: 'web',
      mode: 'auto',
      pauseAt: 10,
      traffic: 'replicas',
      route: undefined,
      steps: [10, 25, 50, 75, 100],
      intervalMs: 60_000,
      checkIntervalMs: 10_000,
      stepTimeoutMs: 300_000,
      minRequests: 100,
      prometheus: { url: 'http://prometheus.monitoring:9090', headers: new Map() },
      maxErrorRate: 0.01,
      maxLatencyP95Ms: 100,
      metrics: {
        preset: 'app',
        requestMetric: 'http_requests_total',
        latencyMetric: 'http_request_duration_seconds',
        statusLabel: 'code',
        trackLabel: 'track',
        namespaceLabel: 'namespace',
        selector: '',
      },
      checks: [],
      alpha: 0.01,
      warmUpMs: undefined,
      errorMargin: { relative: 0, absolute: 0 },
      latencyMargin: { relative: 0.05, absolute: 0.002 },
      timeoutMs: 300_000,
      recoveryTimeoutMs: 300_000,
      leaseMs: 120_000,
      onStale: 'abort',
      force: false,
      staleOnly: false,
      environment: undefined,
      environmentUrl: undefined,
      notifyWebhook: undefined,
      githubToken: undefined,
    };
    expect(await readSettings()).toEqual(expected);
  });

  it('reads the notice inputs as rollout does and masks the webhook', async () => {
    const webhook = 'https://hooks.slack.com/services/T1/B2/canarysecretpart';
    withInputs({
      ...minimal,
      environment: ' production ',
      'environment-url': 'https://shop.example.com',
      'notify-webhook': webhook,
      'github-token': 'ghs_canarytoken',
    });
    let settings: Settings | undefined;
    const { commands } = await captureStdout(async () => (settings = await readSettings()));
    expect(settings).toMatchObject({
      environment: 'production',
      environmentUrl: 'https://shop.example.com',
      notifyWebhook: webhook,
      githubToken: 'ghs_canarytoken',
    });
    expect(commands).toContainEqual(
      expect.objectContaining({ command: 'add-mask', message: webhook }),
    );
    expect(maskSecrets(`posting to ${webhook}`)).toBe('posting to ***');
    const error = await failureOf({
      ...minimal,
      environment: '',
      'environment-url': 'https://shop.example.com',
    });
    expect(error.input).toBe('environment');
  });

  it('reads every input and masks the Prometheus header values', async () => {
    withInputs({
      ...minimal,
      kubeconfig: 'a2luZDogQ29uZmln',
      context: 'prod-eu',
      namespace: 'shop',
      container: 'app',
      image: 'registry.example:5000/acme/web@sha256:' + 'a'.repeat(64),
      mode: 'start',
      'pause-at': '25',
      traffic: 'gateway-api',
      route: 'web-route',
      steps: '5, 25, 100',
      interval: '2m',
      'check-interval': '15s',
      'step-timeout': '20m',
      'min-requests': '0',
      'prometheus-url': 'https://prom.example.com/',
      'prometheus-headers': 'Authorization: Bearer s3cr3t-token\nX-Scope-OrgID: tenant-1',
      'max-error-rate': '0.5%',
      'max-latency-p95': '0.25s',
      'request-metric': 'http_server_requests_total',
      'latency-metric': 'http_server_duration_seconds',
      'status-label': 'status',
      'track-label': 'variant',
      'namespace-label': 'kubernetes_namespace',
      'metrics-selector': '{ app = "web", job=~"kubernetes-.*" }',
      checks: '- name: p99\n  query: sum(rate(x{ns="{{namespace}}"}[{{interval}}]))\n  max: 0.25',
      alpha: '0.05',
      timeout: '10m',
    });
    let settings: Settings | undefined;
    const { commands } = await captureStdout(async () => (settings = await readSettings()));
    expect(settings).toMatchObject({
      kubeconfig: 'a2luZDogQ29uZmln',
      context: 'prod-eu',
      namespace: 'shop',
      container: 'app',
      mode: 'start',
      pauseAt: 25,
      traffic: 'gateway-api',
      route: 'web-route',
      steps: [5, 25, 100],
      intervalMs: 120_000,
      checkIntervalMs: 15_000,
      stepTimeoutMs: 1_200_000,
      minRequests: 0,
      prometheus: {
        url: 'https://prom.example.com',
        headers: new Map([
          ['Authorization', 'Bearer s3cr3t-token'],
          ['X-Scope-OrgID', 'tenant-1'],
        ]),
      },
      maxErrorRate: 0.005,
      maxLatencyP95Ms: 250,
      metrics: {
        requestMetric: 'http_server_requests_total',
        latencyMetric: 'http_server_duration_seconds',
        statusLabel: 'status',
        trackLabel: 'variant',
        namespaceLabel: 'kubernetes_namespace',
        selector: 'app="web",job=~"kubernetes-.*"',
      },
      checks: [
        {
          name: 'p99',
          query: 'sum(rate(x{ns="{{namespace}}"}[{{interval}}]))',
          min: undefined,
          max: 0.25,
        },
      ],
      alpha: 0.05,
      timeoutMs: 600_000,
    });
    expect(commands.filter((command) => command.command === 'add-mask')).not.toHaveLength(0);
    expect(maskSecrets('Authorization: Bearer s3cr3t-token')).toBe('Authorization: ***');
    expect(maskSecrets('token=s3cr3t-token')).toBe('token=***');
  });

  it.each([
    { inputs: { 'max-error-rate': '1%' }, field: 'maxErrorRate', value: 0.01 },
    { inputs: { 'max-error-rate': '0.01' }, field: 'maxErrorRate', value: 0.01 },
    { inputs: { 'max-error-rate': '2.5 %' }, field: 'maxErrorRate', value: 0.025 },
    { inputs: { 'max-latency-p95': '100ms' }, field: 'maxLatencyP95Ms', value: 100 },
    { inputs: { 'max-latency-p95': '0.25s' }, field: 'maxLatencyP95Ms', value: 250 },
    { inputs: { 'max-latency-p95': '1s500ms' }, field: 'maxLatencyP95Ms', value: 1_500 },
    { inputs: { interval: '30s' }, field: 'stepTimeoutMs', value: 150_000 },
    { inputs: { steps: '10%,50%,100%' }, field: 'steps', value: [10, 50, 100] },
    { inputs: { steps: '100' }, field: 'steps', value: [100] },
    { inputs: { steps: '20,100' }, field: 'pauseAt', value: 20 },
    { inputs: { mode: 'start', 'pause-at': '0' }, field: 'pauseAt', value: 0 },
    { inputs: { mode: 'PROMOTE' }, field: 'mode', value: 'promote' },
    { inputs: { traffic: 'nginx', route: 'web' }, field: 'route', value: 'web' },
    { inputs: { traffic: 'istio', route: 'web.vs' }, field: 'route', value: 'web.vs' },
    { inputs: { alpha: '0.5' }, field: 'alpha', value: 0.5 },
    { inputs: { deployment: 'web.v2' }, field: 'deployment', value: 'web.v2' },
  ])('reads $inputs as $field = $value', async ({ inputs, field, value }) => {
    withInputs({ ...minimal, ...inputs });
    expect((await readSettings())[field as keyof Settings]).toEqual(value);
  });

  it('needs only the deployment to abort, and keeps the analysis settings out of it', async () => {
    withInputs({ deployment: 'web', mode: 'abort' });
    expect(await readSettings()).toMatchObject({
      mode: 'abort',
      deployment: 'web',
      image: undefined,
      service: undefined,
      prometheus: undefined,
    });
  });

  it('warns that pause-at does nothing outside start mode', async () => {
    withInputs({ ...minimal, 'pause-at': '25' });
    const { commands } = await captureStdout(() => readSettings());
    expect(commands).toContainEqual(
      expect.objectContaining({
        command: 'warning',
        message: "Input 'pause-at' is used only with mode: start; mode auto ignores it.",
      }),
    );
  });

  it.each([
    {
      input: 'force',
      message: "Input 'force' is used only with mode: promote or abort; mode auto ignores it.",
    },
    {
      input: 'stale-only',
      message: "Input 'stale-only' is used only with mode: abort; mode auto ignores it.",
    },
  ])('warns that $input does nothing in mode auto', async ({ input, message }) => {
    withInputs({ ...minimal, [input]: 'true' });
    const { commands } = await captureStdout(() => readSettings());
    expect(commands).toContainEqual(expect.objectContaining({ command: 'warning', message }));
  });

  it.each([
    { inputs: { 'on-stale': 'revert' }, input: 'on-stale', problem: 'abort' },
    { inputs: { lease: '5s' }, input: 'lease', problem: '10s' },
    { inputs: { 'recovery-timeout': 'soon' }, input: 'recovery-timeout', problem: 'duration' },
    { inputs: { force: 'yes' }, input: 'force', problem: 'true or false' },
  ])('refuses $input: $inputs', async ({ inputs, input, problem }) => {
    withInputs({ ...minimal, ...inputs });
    await expect(readSettings()).rejects.toThrow(new RegExp(`${input}.*${problem}`, 's'));
  });

  it.each([
    { inputs: { deployment: '' }, input: 'deployment', problem: 'is required' },
    { inputs: { deployment: 'Web' }, input: 'deployment', problem: 'a Deployment name' },
    { inputs: { deployment: 'w'.repeat(64) }, input: 'deployment', problem: 'at most 63' },
    { inputs: { image: '' }, input: 'image', problem: 'is required' },
    {
      inputs: { image: 'UPPER/Case::bad@@' },
      input: 'image',
      // The same words as rollout's image input and image's promote-from: one grammar in core.
      problem:
        "has an invalid image reference 'UPPER/Case::bad@@': digest '@' must look like sha256:<64 hex digits>.",
    },
    { inputs: { deployment: 'a..b' }, input: 'deployment', problem: 'empty part between dots' },
    {
      inputs: { 'prometheus-url': 'prometheus:9090' },
      input: 'prometheus-url',
      problem: 'http(s) URL',
    },
    {
      inputs: { image: 'ghcr.io/acme/web:1 ghcr.io/acme/api:1' },
      input: 'image',
      problem: 'has an invalid image reference',
    },
    {
      inputs: { image: 'web:1.2;rm -rf /' },
      input: 'image',
      problem: 'has an invalid image reference',
    },
    {
      inputs: { image: 'ghcr.io/Acme/web:1' },
      input: 'image',
      problem: 'has an invalid image reference',
    },
    { inputs: { service: '' }, input: 'service', problem: 'is required' },
    { inputs: { service: '1web' }, input: 'service', problem: "'-canary' suffix" },
    { inputs: { service: 's'.repeat(57) }, input: 'service', problem: 'at most 56' },
    { inputs: { namespace: 'Shop' }, input: 'namespace', problem: 'a namespace name' },
    { inputs: { container: 'app_1' }, input: 'container', problem: 'a container name' },
    { inputs: { mode: 'rollback' }, input: 'mode', problem: 'auto, start, promote, abort' },
    { inputs: { traffic: 'linkerd' }, input: 'traffic', problem: 'replicas, gateway-api' },
    { inputs: { traffic: 'gateway-api' }, input: 'route', problem: 'name the HTTPRoute' },
    { inputs: { traffic: 'nginx' }, input: 'route', problem: 'name the Ingress' },
    { inputs: { traffic: 'istio' }, input: 'route', problem: 'name the VirtualService' },
    { inputs: { route: 'web' }, input: 'route', problem: 'only for traffic gateway-api' },
    { inputs: { steps: '10,ten,100' }, input: 'steps', problem: "whole percentages, got 'ten'" },
    { inputs: { steps: '0,50,100' }, input: 'steps', problem: 'between 1 and 100, got 0' },
    { inputs: { steps: '10,150' }, input: 'steps', problem: 'between 1 and 100, got 150' },
    { inputs: { steps: '50,25,100' }, input: 'steps', problem: 'must increase, but 25 follows 50' },
    { inputs: { steps: '10,10,100' }, input: 'steps', problem: 'must increase' },
    { inputs: { steps: '10,25,50' }, input: 'steps', problem: 'must end with 100' },
    {
      inputs: { mode: 'start', 'pause-at': '30' },
      input: 'pause-at',
      problem: 'must be 0 or one of the steps below 100 (0, 10, 25, 50, 75), got 30',
    },
    { inputs: { mode: 'start', 'pause-at': '100' }, input: 'pause-at', problem: 'got 100' },
    { inputs: { mode: 'start', 'pause-at': 'half' }, input: 'pause-at', problem: 'whole' },
    { inputs: { interval: '60' }, input: 'interval', problem: "write '60s'" },
    { inputs: { interval: '500ms' }, input: 'interval', problem: 'at least 1s' },
    { inputs: { 'check-interval': '0s' }, input: 'check-interval', problem: 'at least 1s' },
    {
      inputs: { interval: '5s' },
      input: 'check-interval',
      problem: 'must be at most interval (5s)',
    },
    {
      inputs: { interval: '2m', 'step-timeout': '1m' },
      input: 'step-timeout',
      problem: 'must be at least interval (2m)',
    },
    { inputs: { 'min-requests': '-1' }, input: 'min-requests', problem: 'between 0' },
    { inputs: { 'min-requests': '1e3' }, input: 'min-requests', problem: 'whole number' },
    { inputs: { 'prometheus-url': '' }, input: 'prometheus-url', problem: 'is required' },
    {
      inputs: { 'prometheus-url': 'prometheus:9090' },
      input: 'prometheus-url',
      problem: 'http(s) URL',
    },
    {
      inputs: { 'prometheus-headers': 'Authorization Bearer xyz' },
      input: 'prometheus-headers',
      problem: "not 'Name: value' (header 1)",
    },
    {
      inputs: { 'prometheus-headers': 'X-A: 1\nx-a: 2' },
      input: 'prometheus-headers',
      problem: "sets 'x-a' more than once",
    },
    { inputs: { 'max-error-rate': 'low' }, input: 'max-error-rate', problem: 'a percentage' },
    { inputs: { 'max-error-rate': '1' }, input: 'max-error-rate', problem: "write '1%'" },
    { inputs: { 'max-error-rate': '0%' }, input: 'max-error-rate', problem: 'above 0%' },
    { inputs: { 'max-error-rate': '100%' }, input: 'max-error-rate', problem: 'below 100%' },
    { inputs: { 'max-latency-p95': '100' }, input: 'max-latency-p95', problem: "write '100ms'" },
    { inputs: { 'max-latency-p95': '0ms' }, input: 'max-latency-p95', problem: 'above 0' },
    { inputs: { 'request-metric': 'http-requests' }, input: 'request-metric', problem: 'metric' },
    {
      inputs: { 'latency-metric': 'http_request_duration_seconds_bucket' },
      input: 'latency-metric',
      problem: 'without its _bucket suffix',
    },
    { inputs: { 'status-label': 'status code' }, input: 'status-label', problem: 'label name' },
    { inputs: { 'track-label': '__name__' }, input: 'track-label', problem: "'__'" },
    { inputs: { 'track-label': 'code' }, input: 'track-label', problem: 'must differ' },
    {
      inputs: { 'namespace-label': 'code' },
      input: 'namespace-label',
      problem: 'must differ from status-label',
    },
    {
      inputs: { 'metrics-selector': 'app=web' },
      input: 'metrics-selector',
      problem: "is not a list of PromQL label matchers: cannot read 'app=web'",
    },
    {
      inputs: { 'metrics-selector': 'app="web" job="x"' },
      input: 'metrics-selector',
      problem: 'needs a comma between matchers',
    },
    {
      inputs: { 'metrics-selector': 'track="stable"' },
      input: 'metrics-selector',
      problem: "must not match on 'track'",
    },
    { inputs: { checks: '- name: [' }, input: 'checks', problem: 'not valid YAML' },
    { inputs: { checks: 'name: p99' }, input: 'checks', problem: 'must be a YAML list' },
    { inputs: { checks: '- just text' }, input: 'checks', problem: 'item 1 that is not a mapping' },
    { inputs: { checks: '- query: up\n  max: 1' }, input: 'checks', problem: 'without a name' },
    { inputs: { checks: '- name: a\n  max: 1' }, input: 'checks', problem: 'without a query' },
    {
      inputs: { checks: '- name: a\n  query: up' },
      input: 'checks',
      problem: "check 'a' without min or max",
    },
    {
      inputs: { checks: '- name: a\n  query: up\n  max: high' },
      input: 'checks',
      problem: 'max is not a number',
    },
    {
      inputs: { checks: '- name: a\n  query: up\n  min: 2\n  max: 1' },
      input: 'checks',
      problem: 'min 2 is above its max 1',
    },
    {
      inputs: { checks: '- name: a\n  query: up\n  maximum: 1' },
      input: 'checks',
      problem: "unknown key 'maximum'",
    },
    {
      inputs: { checks: '- name: a\n  query: up{job="{{job}}"}\n  max: 1' },
      input: 'checks',
      problem: 'unknown placeholder {{job}}',
    },
    {
      inputs: { checks: '- name: a\n  query: up\n  max: 1\n- name: a\n  query: up\n  min: 0' },
      input: 'checks',
      problem: "names 'a' more than once",
    },
    { inputs: { alpha: '0' }, input: 'alpha', problem: 'above 0' },
    { inputs: { alpha: '0.6' }, input: 'alpha', problem: 'between 0 and 0.5' },
    { inputs: { timeout: '7h' }, input: 'timeout', problem: 'at most 6h' },
  ])('refuses $inputs naming $input', async ({ inputs, input, problem }) => {
    const error = await failureOf({ ...minimal, ...inputs });
    expect(error.input).toBe(input);
    expect(error.message).toContain(problem);
    expect(error.hint).toMatch(new RegExp(`^For example: ${input}: \\S`));
  });

  it('masks a password given in the Prometheus URL', async () => {
    withInputs({ ...minimal, 'prometheus-url': 'https://reader:pa%24%24word@prom.example.com' });
    await captureStdout(() => readSettings());
    expect(maskSecrets('pa%24%24word and pa$$word')).toBe('*** and ***');
  });

  it('never repeats a malformed header line, which may hold a credential', async () => {
    const error = await failureOf({ ...minimal, 'prometheus-headers': 'Bearer s3cr3t-token' });
    expect(`${error.message} ${error.hint}`).not.toContain('s3cr3t-token');
  });

  it('gives a working check-interval when the interval is short', async () => {
    const error = await failureOf({ ...minimal, interval: '5s' });
    expect(error.hint).toBe('For example: check-interval: 1s');
  });
});

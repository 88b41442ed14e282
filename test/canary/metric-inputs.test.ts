import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readMetricNames } from '../../src/canary/metric-inputs.js';
import type { MetricNames, TrafficMode } from '../../src/canary/types.js';
import { captureStdout } from '../support/capture-stdout.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

type Inputs = Record<string, string>;

/** What the runner passes when a workflow sets nothing: action.yml's defaults. */
const DEFAULTS: Inputs = {
  metrics: 'app',
  'request-metric': 'http_requests_total',
  'latency-metric': 'http_request_duration_seconds',
  'status-label': 'code',
  'track-label': 'track',
  'namespace-label': 'namespace',
};

function withInputs(inputs: Inputs) {
  for (const [name, value] of Object.entries({ ...DEFAULTS, ...inputs })) {
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  }
}

async function read(inputs: Inputs, traffic?: TrafficMode) {
  withInputs(inputs);
  let names: MetricNames | undefined;
  const { commands } = await captureStdout(() => (names = readMetricNames(traffic)));
  const warnings = commands.filter((c) => c.command === 'warning').map((c) => c.message);
  return { names: names as MetricNames, warnings };
}

function failureOf(inputs: Inputs, traffic?: TrafficMode): InputError {
  withInputs(inputs);
  try {
    readMetricNames(traffic);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected an InputError for ${JSON.stringify(inputs)}`);
}

const APP_NAMES = {
  requestMetric: 'http_requests_total',
  latencyMetric: 'http_request_duration_seconds',
  statusLabel: 'code',
  trackLabel: 'track',
  namespaceLabel: 'namespace',
};

describe('metric inputs', () => {
  it.each<{ name: string; inputs: Inputs; traffic?: TrafficMode; names: MetricNames }>([
    {
      name: 'app by default, without a selector',
      inputs: {},
      names: { preset: 'app', ...APP_NAMES, selector: '' },
    },
    {
      name: 'an unset metrics input is app',
      inputs: { metrics: '' },
      names: { preset: 'app', ...APP_NAMES, selector: '' },
    },
    {
      name: 'app with its own names and a selector',
      inputs: {
        'request-metric': 'http_server_requests_total',
        'track-label': 'variant',
        'metrics-selector': 'app="web"',
      },
      names: {
        preset: 'app',
        ...APP_NAMES,
        requestMetric: 'http_server_requests_total',
        trackLabel: 'variant',
        selector: 'app="web"',
      },
    },
    {
      name: 'istio in any letter case, with a selector narrowing it',
      inputs: { metrics: 'Istio', 'metrics-selector': 'source_workload_namespace="frontend"' },
      traffic: 'replicas',
      names: {
        preset: 'istio',
        ...APP_NAMES,
        selector: 'source_workload_namespace="frontend"',
      },
    },
    {
      name: 'nginx with traffic nginx',
      inputs: { metrics: 'nginx', 'metrics-selector': '{host="web.example.com"}' },
      traffic: 'nginx',
      names: { preset: 'nginx', ...APP_NAMES, selector: 'host="web.example.com"' },
    },
  ])('$name', async ({ inputs, traffic, names }) => {
    const result = await read(inputs, traffic);
    expect(result.names).toEqual(names);
    expect(result.warnings).toEqual([]);
  });

  it.each([
    { preset: 'istio', input: 'request-metric', value: 'http_server_requests_total' },
    { preset: 'istio', input: 'status-label', value: 'status' },
    { preset: 'nginx', input: 'track-label', value: 'variant' },
    { preset: 'nginx', input: 'namespace-label', value: 'kubernetes_namespace' },
    { preset: 'nginx', input: 'latency-metric', value: 'not a metric' },
  ])('metrics $preset ignores $input, and says so', async ({ preset, input, value }) => {
    const { names, warnings } = await read({ metrics: preset, [input]: value }, 'nginx');
    expect(warnings).toEqual([
      `Input '${input}' is used only with metrics: app; metrics: ${preset} ignores it.`,
    ]);
    expect(names).toEqual({ preset, ...APP_NAMES, selector: '' });
  });

  it.each<{ inputs: Inputs; traffic?: TrafficMode; input: string; problem: string; hint: string }>([
    {
      inputs: { metrics: 'prometheus' },
      input: 'metrics',
      problem: "must be one of app, istio, nginx, got 'prometheus'.",
      hint: 'For example: metrics: app',
    },
    {
      inputs: { metrics: 'envoy-gateway' },
      input: 'metrics',
      problem: 'one Envoy cluster per rule',
      hint: 'For example: metrics: app',
    },
    {
      inputs: { metrics: 'nginx' },
      traffic: 'gateway-api',
      input: 'metrics',
      problem: 'only traffic: nginx gives them one, and traffic is gateway-api',
      hint: 'For example: metrics: app',
    },
    {
      inputs: { 'metrics-selector': 'track="stable"' },
      input: 'metrics-selector',
      problem: "must not match on 'track'",
      hint: 'For example: metrics-selector: app="web"',
    },
    {
      inputs: { metrics: 'istio', 'metrics-selector': 'destination_workload="web"' },
      input: 'metrics-selector',
      problem: "must not match on 'destination_workload'",
      hint: 'For example: metrics-selector: source_workload_namespace="frontend"',
    },
    {
      inputs: { metrics: 'nginx', 'metrics-selector': 'canary!=""' },
      traffic: 'nginx',
      input: 'metrics-selector',
      problem: "must not match on 'canary'",
      hint: 'For example: metrics-selector: host="web.example.com"',
    },
    {
      inputs: { metrics: 'nginx', 'metrics-selector': 'exported_namespace="prod"' },
      traffic: 'nginx',
      input: 'metrics-selector',
      problem: "must not match on 'exported_namespace'",
      hint: 'For example: metrics-selector: host="web.example.com"',
    },
    {
      inputs: { 'request-metric': 'http-requests' },
      input: 'request-metric',
      problem: 'must be a Prometheus metric name',
      hint: 'For example: request-metric: http_requests_total',
    },
  ])('refuses $inputs naming $input', ({ inputs, traffic, input, problem, hint }) => {
    const error = failureOf(inputs, traffic);
    expect(error.input).toBe(input);
    expect(error.message).toContain(problem);
    expect(error.hint).toBe(hint);
  });

  it('lets istio match on the reporter, which replaces the default one', async () => {
    const { names } = await read({ metrics: 'istio', 'metrics-selector': 'reporter="source"' });
    expect(names.selector).toBe('reporter="source"');
  });
});

/**
 * The inputs that say which request metrics are read (`metrics`), where the app's own are and how
 * their series are labelled, and `metrics-selector`, which picks this workload's series.
 */
import * as core from '@actions/core';
import { InputError } from '../core/errors.js';
import { readEnum, readString } from '../core/inputs.js';
import { LABEL_NAME, METRIC_NAME } from './input-grammar.js';
import { METRICS_PRESETS, reservedLabels, type MetricsPreset } from './metrics/sources.js';
import type { MetricNames, TrafficMode } from './types.js';

const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\\n]|\\.)*")\s*/y;

/** The inputs only `metrics: app` reads, with their defaults (as in action.yml). */
const APP_INPUTS = {
  'request-metric': 'http_requests_total',
  'latency-metric': 'http_request_duration_seconds',
  'status-label': 'code',
  'track-label': 'track',
  'namespace-label': 'namespace',
} as const;

/** What the action reads when every metrics input is left as it is. */
export const DEFAULT_APP_METRICS: MetricNames = {
  preset: 'app',
  requestMetric: APP_INPUTS['request-metric'],
  latencyMetric: APP_INPUTS['latency-metric'],
  statusLabel: APP_INPUTS['status-label'],
  trackLabel: APP_INPUTS['track-label'],
  namespaceLabel: APP_INPUTS['namespace-label'],
  selector: '',
};

const SELECTOR_EXAMPLES: Record<MetricsPreset, string> = {
  app: 'app="web"',
  istio: 'source_workload_namespace="frontend"',
  nginx: 'host="web.example.com"',
};

/**
 * With `traffic` (as read from the traffic input), a preset that cannot tell the canary's
 * requests apart in that traffic mode is refused here, before anything is changed.
 */
export function readMetricNames(traffic?: TrafficMode): MetricNames {
  if (core.getInput('metrics').trim().toLowerCase() === 'envoy-gateway') {
    // Asked for, and looked into: Envoy Gateway makes one Envoy cluster per HTTPRoute rule
    // (envoy_cluster_name="httproute/<ns>/<route>/rule/<n>") and balances between its backendRefs
    // inside it, so its metrics cannot tell the canary Service from the stable one.
    throw new InputError(
      'metrics',
      "is envoy-gateway, but Envoy Gateway counts the requests of an HTTPRoute rule's backends together (one Envoy cluster per rule), so its metrics cannot tell the canary from stable; read the pods' own metrics (app) or Istio's.",
      'app',
    );
  }
  const preset = readEnum('metrics', METRICS_PRESETS, 'app');
  if (preset === 'nginx' && traffic !== undefined && traffic !== 'nginx') {
    throw new InputError(
      'metrics',
      `is nginx, which tells the canary's requests by ingress-nginx's canary label; only traffic: nginx gives them one, and traffic is ${traffic}.`,
      'app',
    );
  }
  const names = preset === 'app' ? readAppNames() : ignoreAppNames(preset);
  return { preset, ...names, selector: readSelector({ preset, ...names }) };
}

function readAppNames(): Omit<MetricNames, 'preset' | 'selector'> {
  const metric = (name: keyof typeof APP_INPUTS) => {
    const fallback = APP_INPUTS[name];
    const value = readString(name, { default: fallback })?.trim() || fallback;
    if (!METRIC_NAME.test(value)) {
      throw new InputError(name, `must be a Prometheus metric name, got '${value}'.`, fallback);
    }
    return value;
  };
  const label = (name: keyof typeof APP_INPUTS) => {
    const fallback = APP_INPUTS[name];
    const value = readString(name, { default: fallback })?.trim() || fallback;
    if (!LABEL_NAME.test(value) || value.startsWith('__')) {
      throw new InputError(
        name,
        `must be a Prometheus label name (letters, digits and '_', not starting with '__'), got '${value}'.`,
        fallback,
      );
    }
    return value;
  };
  const latencyMetric = metric('latency-metric');
  if (latencyMetric.endsWith('_bucket')) {
    throw new InputError(
      'latency-metric',
      `names the histogram without its _bucket suffix, which is added when the buckets are read; got '${latencyMetric}'.`,
      latencyMetric.slice(0, -'_bucket'.length),
    );
  }
  const names = {
    requestMetric: metric('request-metric'),
    latencyMetric,
    statusLabel: label('status-label'),
    trackLabel: label('track-label'),
    namespaceLabel: label('namespace-label'),
  };
  const { statusLabel, trackLabel, namespaceLabel } = names;
  if (trackLabel === statusLabel || trackLabel === namespaceLabel) {
    throw new InputError(
      'track-label',
      `must differ from status-label (${statusLabel}) and namespace-label (${namespaceLabel}), since one label cannot tell tracks and also statuses or namespaces apart; got '${trackLabel}'.`,
      'track',
    );
  }
  if (statusLabel === namespaceLabel) {
    throw new InputError(
      'namespace-label',
      `must differ from status-label, which is also '${statusLabel}'.`,
      'namespace',
    );
  }
  return names;
}

/**
 * The other presets know their metrics' names and labels; an app input set to something else
 * than its default is said to do nothing (the runner passes the defaults, so those are silent).
 */
function ignoreAppNames(preset: MetricsPreset): Omit<MetricNames, 'preset' | 'selector'> {
  for (const [name, fallback] of Object.entries(APP_INPUTS)) {
    const value = core.getInput(name).trim();
    if (value !== '' && value !== fallback) {
      core.warning(
        `Input '${name}' is used only with metrics: app; metrics: ${preset} ignores it.`,
      );
    }
  }
  return {
    requestMetric: APP_INPUTS['request-metric'],
    latencyMetric: APP_INPUTS['latency-metric'],
    statusLabel: APP_INPUTS['status-label'],
    trackLabel: APP_INPUTS['track-label'],
    namespaceLabel: APP_INPUTS['namespace-label'],
  };
}

/**
 * Label matchers as PromQL writes them inside braces (`app="web", job=~"k8s.*"`), normalised to
 * `name op "value"` joined by commas; '' when empty. The namespace and track labels are the
 * action's own to set, so they are refused here.
 */
export function parseSelector(
  text: string,
  reserved: readonly string[],
): string | { problem: string } {
  const matchers: string[] = [];
  const source = text.trim().replace(/^\{([\s\S]*)\}$/, '$1');
  let at = 0;
  while (at < source.length) {
    MATCHER.lastIndex = at;
    const match = MATCHER.exec(source);
    if (!match) {
      return {
        problem: `is not a list of PromQL label matchers: cannot read '${source.slice(at)}'.`,
      };
    }
    const [, name, operator, value] = match;
    if (reserved.includes(name)) {
      return { problem: `must not match on '${name}': the action selects that label itself.` };
    }
    matchers.push(`${name}${operator}${value}`);
    at = MATCHER.lastIndex;
    if (at < source.length) {
      if (source[at] !== ',') {
        return { problem: `needs a comma between matchers, at '${source.slice(at)}'.` };
      }
      at += 1;
    }
  }
  return matchers.join(',');
}

function readSelector(names: Omit<MetricNames, 'selector'>): string {
  const example = SELECTOR_EXAMPLES[names.preset ?? 'app'];
  const text = readString('metrics-selector', { example }) ?? '';
  const parsed = parseSelector(text, reservedLabels({ ...names, selector: '' }));
  if (typeof parsed !== 'string') {
    throw new InputError('metrics-selector', parsed.problem, example);
  }
  return parsed;
}

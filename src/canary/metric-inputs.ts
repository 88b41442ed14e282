/**
 * The inputs that say where the request metrics are and how their series are labelled, including
 * the selector that keeps other workloads' series in the namespace out of "stable".
 */
import { InputError } from '../core/errors.js';
import { readString } from '../core/inputs.js';
import { LABEL_NAME, METRIC_NAME } from './input-grammar.js';
import type { MetricNames } from './types.js';

const SELECTOR_EXAMPLE = 'app="web"';
const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\\n]|\\.)*")\s*/y;

export function readMetricNames(): MetricNames {
  const metric = (name: string, fallback: string) => {
    const value = readString(name, { default: fallback })?.trim() || fallback;
    if (!METRIC_NAME.test(value)) {
      throw new InputError(name, `must be a Prometheus metric name, got '${value}'.`, fallback);
    }
    return value;
  };
  const label = (name: string, fallback: string) => {
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
  const latencyMetric = metric('latency-metric', 'http_request_duration_seconds');
  if (latencyMetric.endsWith('_bucket')) {
    throw new InputError(
      'latency-metric',
      `names the histogram without its _bucket suffix, which is added when the buckets are read; got '${latencyMetric}'.`,
      latencyMetric.slice(0, -'_bucket'.length),
    );
  }
  const names = {
    requestMetric: metric('request-metric', 'http_requests_total'),
    latencyMetric,
    statusLabel: label('status-label', 'code'),
    trackLabel: label('track-label', 'track'),
    namespaceLabel: label('namespace-label', 'namespace'),
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
  return { ...names, selector: readSelector(names) };
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
  const text = readString('metrics-selector', { example: SELECTOR_EXAMPLE }) ?? '';
  const parsed = parseSelector(text, [names.namespaceLabel, names.trackLabel]);
  if (typeof parsed !== 'string') {
    throw new InputError('metrics-selector', parsed.problem, SELECTOR_EXAMPLE);
  }
  return parsed;
}

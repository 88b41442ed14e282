/**
 * Which Prometheus series hold the canary's and stable's requests: the selectors the collector
 * reads, and how a series' labels tell its track. One source per `metrics` preset: the app's own
 * metrics, Istio's standard metrics, or ingress-nginx's.
 */
import { ActionError } from '../../core/errors.js';
import { canaryName, canaryServiceName } from '../names.js';
import { TRACK_LABEL } from '../cluster/workload.js';
import type { CanaryTarget } from '../target.js';
import type { MetricNames } from '../types.js';
import { promqlString } from './promql.js';

export type Track = 'canary' | 'stable';
export type MetricsPreset = NonNullable<MetricNames['preset']>;
export const METRICS_PRESETS: readonly MetricsPreset[] = ['app', 'istio', 'nginx'];

export interface SeriesSource {
  /** One line for the summary: which series were compared as canary and as stable. */
  description: string;
  /** Series selector (no range) of the request counter; both tracks' series match it. */
  requestSelector: string;
  /** Series selector (no range) of the latency histogram's `_bucket` series. */
  latencySelector: string;
  /** The track a series belongs to, from its labels; undefined leaves it out. */
  trackOf(labels: Record<string, string>): Track | undefined;
  /** The label that holds the response status on request series. */
  statusLabel: string;
  /** Whether a request series counts server errors (5xx). */
  isError(labels: Record<string, string>): boolean;
  /** Seconds per unit of the histogram's `le` label: 1, or 0.001 for milliseconds. */
  leSeconds: number;
  /** What the user should know about how the series were chosen (logged as warnings). */
  warnings?: string[];
}

/** A Kubernetes label selector, as a Deployment's spec.selector holds it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/**
 * What the sources need to know about the workload whose tracks are compared: its target (the
 * canary's Deployment and Service are the stable ones' names.ts twins; nginx reads the route).
 */
export interface SourceContext extends Pick<
  CanaryTarget,
  'deployment' | 'service' | 'traffic' | 'route'
> {
  /** The namespace the workload runs in (and its metrics are labelled with). */
  namespace: string;
  /** The stable Deployment's spec.selector; undefined when it was not read. */
  stableSelector: LabelSelector | undefined;
}

/** Labels each preset selects itself, so metrics-selector must not match on them. */
export function reservedLabels(names: MetricNames): string[] {
  switch (names.preset ?? 'app') {
    case 'app':
      return [names.namespaceLabel, names.trackLabel];
    case 'istio':
      return ['destination_workload', 'destination_workload_namespace'];
    case 'nginx':
      return ['ingress', 'service', 'canary', 'namespace', 'exported_namespace'];
  }
}

/** The series source for the `metrics` preset, for the workload in `context`. */
export function seriesSourceFor(names: MetricNames, context: SourceContext): SeriesSource {
  switch (names.preset ?? 'app') {
    case 'app':
      return appSeriesSource(names, context.namespace, {
        deployment: context.deployment,
        selector: context.stableSelector,
      });
    case 'istio':
      return istioSeriesSource(names.selector, context);
    case 'nginx':
      return nginxSeriesSource(names.selector, context);
  }
}

/**
 * The app's own metrics, split by the track label. Stable is this workload's series: those the
 * `metrics-selector` matchers pick when it is set, else those the stable Deployment's own
 * selector picks (the canary's pods carry the same labels plus `track: canary`). Without either,
 * every series in the namespace.
 */
export function appSeriesSource(
  names: MetricNames,
  namespace: string,
  stable?: { deployment: string; selector: LabelSelector | undefined },
): SeriesSource {
  const warnings: string[] = [];
  let matchers: string[];
  let from: string;
  if (names.selector) {
    matchers = [names.selector];
    from = 'matchers from metrics-selector';
  } else if (stable?.selector) {
    const translated = matchersFromLabelSelector(stable.selector, {
      keys: [TRACK_LABEL],
      labels: [names.trackLabel, names.namespaceLabel],
    });
    matchers = translated.matchers;
    for (const skipped of translated.skipped) {
      warnings.push(
        `The label ${skipped} of Deployment ${stable.deployment}'s selector is not used to select its metrics.`,
      );
    }
    from =
      matchers.length > 0
        ? `matchers from Deployment ${stable.deployment}'s selector`
        : `the whole namespace: Deployment ${stable.deployment}'s selector gave no matchers`;
    if (matchers.length === 0) {
      warnings.push(
        `Deployment ${stable.deployment}'s selector gave no label to select its metrics by, so every series in namespace ${namespace} that is not the canary counts as stable; set metrics-selector (e.g. app="${stable.deployment}") to narrow it.`,
      );
    }
  } else {
    matchers = [];
    from = 'the whole namespace';
  }
  const selector = `{${[`${names.namespaceLabel}=${promqlString(namespace)}`, ...matchers].join(',')}}`;
  return {
    description: `${names.requestMetric}${selector} (${from}): canary where ${names.trackLabel}="canary", stable the rest`,
    requestSelector: `${names.requestMetric}${selector}`,
    latencySelector: `${names.latencyMetric}_bucket${selector}`,
    trackOf: (labels) => (labels[names.trackLabel] === 'canary' ? 'canary' : 'stable'),
    statusLabel: names.statusLabel,
    isError: (labels) => (labels[names.statusLabel] ?? '').startsWith('5'),
    leSeconds: 1,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * Istio's standard metrics as the server-side proxies report them (reporter="destination"):
 * destination_workload is the Deployment's name, so `<deployment>` is stable and
 * `<deployment>-canary` the canary, and nothing else in the namespace can count. Durations are
 * in milliseconds. A `reporter` matcher in metrics-selector replaces reporter="destination".
 */
export function istioSeriesSource(extra: string, context: SourceContext): SeriesSource {
  const { namespace, deployment } = context;
  const canary = canaryName(deployment);
  const reporter = /(^|,)reporter(=|!=|=~|!~)"/.test(extra) ? [] : ['reporter="destination"'];
  const matchers = [
    ...reporter,
    `destination_workload_namespace=${promqlString(namespace)}`,
    `destination_workload=~${promqlString(`${regexQuote(deployment)}|${regexQuote(canary)}`)}`,
    ...(extra ? [extra] : []),
  ];
  const selector = `{${matchers.join(',')}}`;
  return {
    description: `istio_requests_total${selector}: canary where destination_workload="${canary}", stable where destination_workload="${deployment}"`,
    requestSelector: `istio_requests_total${selector}`,
    latencySelector: `istio_request_duration_milliseconds_bucket${selector}`,
    trackOf: (labels) => {
      if (labels.destination_workload_namespace !== namespace) return undefined;
      if (labels.destination_workload === deployment) return 'stable';
      if (labels.destination_workload === canary) return 'canary';
      return undefined;
    },
    statusLabel: 'response_code',
    isError: (labels) => (labels.response_code ?? '').startsWith('5'),
    leSeconds: 0.001,
  };
}

/**
 * ingress-nginx's metrics for Ingress `route`'s paths to the stable Service. With traffic: nginx
 * the canary Ingress is merged into that Ingress's locations, so every request keeps the
 * `ingress` and `service` labels of the user's Ingress, and those nginx sent to the canary carry
 * `canary="<namespace>-<service>-canary-<port>"` (the alternative upstream); the others have no
 * `canary` label. The Ingress's namespace is in `namespace`, or in `exported_namespace` when the
 * scrape configuration set `namespace` to the controller's own.
 */
export function nginxSeriesSource(extra: string, context: SourceContext): SeriesSource {
  const { namespace, service, route } = context;
  if (context.traffic !== 'nginx' || !service || !route) {
    throw new ActionError(
      `metrics: nginx tells the canary's requests by ingress-nginx's canary label, which only traffic: nginx (with a route and a service) gives them; traffic is ${context.traffic}.`,
      "Use traffic: nginx, or metrics: app (the pods' own metrics) with this traffic mode.",
    );
  }
  const upstream = `${namespace}-${canaryServiceName(service)}-`;
  const matchers = [
    `ingress=${promqlString(route)}`,
    `service=${promqlString(service)}`,
    ...(extra ? [extra] : []),
  ];
  const selector = `{${matchers.join(',')}}`;
  return {
    description: `nginx_ingress_controller_requests${selector} of namespace ${namespace}: canary where canary="${upstream}<port>", stable where canary is empty`,
    requestSelector: `nginx_ingress_controller_requests${selector}`,
    latencySelector: `nginx_ingress_controller_response_duration_seconds_bucket${selector}`,
    trackOf: (labels) => {
      if ((labels.exported_namespace ?? labels.namespace) !== namespace) return undefined;
      const alternative = labels.canary ?? '';
      if (alternative === '') return 'stable';
      return alternative.startsWith(upstream) ? 'canary' : undefined;
    },
    statusLabel: 'status',
    isError: (labels) => (labels.status ?? '').startsWith('5'),
    leSeconds: 1,
  };
}

/**
 * The Prometheus label a pod label becomes under the usual relabelling
 * (`labelmap: __meta_kubernetes_pod_label_(.+)`): Kubernetes SD replaces every character other
 * than letters, digits and '_' with '_', so app.kubernetes.io/name becomes app_kubernetes_io_name.
 */
export function prometheusLabelName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * PromQL matchers that select what a Kubernetes label selector selects: matchLabels become `=`,
 * In `=~"a|b"`, NotIn `!~"a|b"`, Exists `!=""` and DoesNotExist `=""`. Keys in `reserved.keys`,
 * and keys that become a label in `reserved.labels`, are left to the caller; so are keys that do
 * not become a Prometheus label name (one starting with a digit) and unknown operators. Each
 * skipped key is named in `skipped`, except the reserved Kubernetes keys.
 */
export function matchersFromLabelSelector(
  selector: LabelSelector,
  reserved: { keys: readonly string[]; labels: readonly string[] },
): { matchers: string[]; skipped: string[] } {
  const matchers: string[] = [];
  const skipped: string[] = [];
  const usable = (key: string): string | undefined => {
    if (reserved.keys.includes(key)) return undefined;
    const name = prometheusLabelName(key);
    if (reserved.labels.includes(name)) {
      skipped.push(`'${key}' (the action selects ${name} itself)`);
      return undefined;
    }
    if (!/^[a-zA-Z_]/.test(name) || name.startsWith('__')) {
      skipped.push(`'${key}' (${name} is not a Prometheus label name)`);
      return undefined;
    }
    return name;
  };
  const add = (matcher: string) => {
    if (!matchers.includes(matcher)) matchers.push(matcher);
  };
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const name = usable(key);
    if (name) add(`${name}=${promqlString(value)}`);
  }
  for (const expression of selector.matchExpressions ?? []) {
    const name = usable(expression.key);
    if (!name) continue;
    const values = expression.values ?? [];
    const alternatives = promqlString(values.map(regexQuote).join('|'));
    switch (expression.operator) {
      case 'In':
        if (values.length === 1) add(`${name}=${promqlString(values[0])}`);
        else if (values.length > 1) add(`${name}=~${alternatives}`);
        else skipped.push(`'${expression.key}' (In without values)`);
        break;
      case 'NotIn':
        if (values.length === 1) add(`${name}!=${promqlString(values[0])}`);
        else if (values.length > 1) add(`${name}!~${alternatives}`);
        break;
      case 'Exists':
        add(`${name}!=""`);
        break;
      case 'DoesNotExist':
        add(`${name}=""`);
        break;
      default:
        skipped.push(`'${expression.key}' (unknown operator ${expression.operator})`);
    }
  }
  return { matchers, skipped };
}

/** A literal for a PromQL (RE2) regular expression, which is anchored at both ends. */
export function regexQuote(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

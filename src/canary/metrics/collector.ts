import { ActionError } from '../../core/errors.js';
import type { MetricNames, Observation, TrackCounts } from '../types.js';
import type { PrometheusClient, Sample } from './prometheus.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Turns raw counter series into counts per track, cumulative since the first read.
 *
 * It reads every series unaggregated and takes each one's increase itself, rather than asking
 * Prometheus for sum(increase(...[window])): increase() extrapolates to the window's edges and
 * needs two samples per series inside the window, which hides the first requests of a new canary
 * pod and gives fractional counts. Taking deltas per series, identified by its full label set,
 * also makes a pod restart (a counter reset) visible, like Prometheus' own rate() does.
 */
export class MetricsCollector {
  private readonly requestQuery: string;
  private readonly latencyQuery: string;
  private baseline = false;
  /** Each series' last value, keyed by its label set. */
  private lastValues = new Map<string, number>();
  private totals = { canary: emptyTotals(), stable: emptyTotals() };

  constructor(
    private readonly client: Pick<PrometheusClient, 'query'>,
    private readonly names: MetricNames,
    namespace: string,
    private readonly now: () => number = Date.now,
  ) {
    for (const metric of [names.requestMetric, names.latencyMetric]) {
      if (!METRIC_NAME.test(metric)) {
        throw new ActionError(`'${metric}' is not a Prometheus metric name.`);
      }
    }
    for (const label of [names.statusLabel, names.trackLabel, names.namespaceLabel]) {
      if (!LABEL_NAME.test(label)) {
        throw new ActionError(`'${label}' is not a Prometheus label name.`);
      }
    }
    const matchers = [`${names.namespaceLabel}=${promqlString(namespace)}`, names.selector];
    const selector = `{${matchers.filter(Boolean).join(',')}}`;
    this.requestQuery = `${names.requestMetric}${selector}`;
    this.latencyQuery = `${names.latencyMetric}_bucket${selector}`;
  }

  queries(): { requests: string; latency: string } {
    return { requests: this.requestQuery, latency: this.latencyQuery };
  }

  /** The first call sets the baseline and returns zeros; a failed read changes nothing. */
  async read(): Promise<Observation> {
    const [requests, latency] = await Promise.all([
      this.client.query(this.requestQuery),
      this.client.query(this.latencyQuery),
    ]);
    const atMs = this.now();
    const lastValues = new Map(this.lastValues);
    const totals = {
      canary: cloneTotals(this.totals.canary),
      stable: cloneTotals(this.totals.stable),
    };
    const increase = (key: string, value: number): number => {
      const last = lastValues.get(key);
      lastValues.set(key, value);
      if (!this.baseline) return 0;
      // A series first seen after the baseline started from zero since (a new pod, a first 5xx).
      if (last === undefined) return value;
      // A drop means the process restarted: everything it counted since is new.
      return value >= last ? value - last : value;
    };

    for (const sample of requests) {
      const delta = increase(`r${seriesKey(sample.labels)}`, sample.value);
      const track = totals[this.trackOf(sample)];
      track.requests += delta;
      if ((sample.labels[this.names.statusLabel] ?? '').startsWith('5')) track.errors += delta;
    }
    for (const sample of latency) {
      const le = sample.labels.le;
      const bound = le === '+Inf' ? Infinity : Number(le);
      if (le === undefined || Number.isNaN(bound)) continue;
      const delta = increase(`l${seriesKey(sample.labels)}`, sample.value);
      const track = totals[this.trackOf(sample)];
      if (bound === Infinity) track.latencyCount += delta;
      else track.buckets.set(bound, (track.buckets.get(bound) ?? 0) + delta);
    }

    this.lastValues = lastValues;
    this.totals = totals;
    this.baseline = true;
    return { atMs, canary: toCounts(totals.canary), stable: toCounts(totals.stable) };
  }

  private trackOf(sample: Sample): 'canary' | 'stable' {
    return sample.labels[this.names.trackLabel] === 'canary' ? 'canary' : 'stable';
  }
}

/**
 * A PromQL double-quoted string. PromQL unquotes like Go, which reads every escape JSON writes
 * (\", \\, \n, \uXXXX), so JSON's quoting is exact.
 */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

interface Totals {
  requests: number;
  errors: number;
  buckets: Map<number, number>;
  latencyCount: number;
}

function emptyTotals(): Totals {
  return { requests: 0, errors: 0, buckets: new Map(), latencyCount: 0 };
}

function cloneTotals(totals: Totals): Totals {
  return { ...totals, buckets: new Map(totals.buckets) };
}

function toCounts(totals: Totals): TrackCounts {
  return {
    requests: totals.requests,
    errors: totals.errors,
    buckets: [...totals.buckets].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count })),
    latencyCount: totals.latencyCount,
  };
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

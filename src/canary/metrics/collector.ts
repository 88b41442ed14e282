import type { Observation, TrackCounts } from '../types.js';
import type { PrometheusClient, SeriesSamples } from './prometheus.js';
import type { SeriesSource, Track } from './sources.js';
import { SeriesCounter } from './series-counter.js';

export interface CollectorOptions {
  /** How often read() is called; the range asked for always reaches back past the last read. */
  checkIntervalMs: number;
  now?: () => number;
}

/** The range of the first read, long enough to see each series' scrape interval. */
const FIRST_RANGE_SECONDS = 120;
/** The longest range asked for, however long Prometheus was away. */
const MAX_RANGE_SECONDS = 900;

/**
 * Turns raw counter series into counts per track, cumulative since the first read, all measured
 * at one instant.
 *
 * Pods are scraped at different moments, so the newest sample of a canary series and of a stable
 * series can be many seconds apart: a dependency blip both tracks suffered then shows in stable's
 * counters a scrape before it shows in the canary's, which looks like a canary problem at the next
 * check. So every read fetches each series' raw samples (a range vector, evaluated at an explicit
 * time) and reads every counter at the same aligned instant: the newest moment every live series
 * has been scraped at or after, interpolating linearly between the two samples around it. A
 * counter that drops restarted (a pod restart), and counts on from zero as rate() does. A series
 * that appears after the first read starts from its first sample, as increase() does: an old
 * series that only now matches, or was not scraped before, must not add its whole history.
 */
export class MetricsCollector {
  private readonly counters = new Map<string, SeriesCounter>();
  /** Request series' label sets without the status: a series is known for each. */
  private readonly podsWithRequests = new Set<string>();
  private alignedAt: number | undefined;
  private lastReadAt: number | undefined;
  private scrapeIntervalSeconds: number | undefined;
  private totals = { canary: emptyCounts(), stable: emptyCounts() };
  private readonly now: () => number;

  constructor(
    private readonly client: Pick<PrometheusClient, 'series'>,
    private readonly source: SeriesSource,
    private readonly options: CollectorOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  queries(): { requests: string; latency: string } {
    return { requests: this.source.requestSelector, latency: this.source.latencySelector };
  }

  /** The scrape interval the samples show (the median gap between a series' samples). */
  get scrapeIntervalMs(): number | undefined {
    return this.scrapeIntervalSeconds === undefined
      ? undefined
      : Math.round(this.scrapeIntervalSeconds * 1000);
  }

  /**
   * The first call sets the baseline and returns zeros; a failed read changes nothing. Without
   * new samples the last observation comes back unchanged.
   */
  async read(): Promise<Observation> {
    const atSeconds = this.now() / 1000;
    const rangeSeconds = this.rangeFor(atSeconds);
    const [requests, latency] = await Promise.all([
      this.client.series(this.source.requestSelector, rangeSeconds, atSeconds),
      this.client.series(this.source.latencySelector, rangeSeconds, atSeconds),
    ]);
    this.lastReadAt = atSeconds;
    this.take(requests, 'requests');
    this.take(latency, 'latency');
    for (const { labels } of requests) this.podsWithRequests.add(this.withoutStatus(labels));
    this.scrapeIntervalSeconds = medianGap(this.counters.values()) ?? this.scrapeIntervalSeconds;
    const aligned = this.alignedInstant();
    if (aligned !== undefined && (this.alignedAt === undefined || aligned > this.alignedAt)) {
      const previous = this.alignedAt;
      this.alignedAt = aligned;
      this.advance(aligned, previous);
    }
    return this.observation();
  }

  private rangeFor(atSeconds: number): number {
    if (this.alignedAt === undefined || this.scrapeIntervalSeconds === undefined) {
      return FIRST_RANGE_SECONDS;
    }
    const since = atSeconds - Math.min(this.alignedAt, this.lastReadAt ?? this.alignedAt);
    const wanted = since + 3 * this.scrapeIntervalSeconds + this.options.checkIntervalMs / 1000;
    return Math.min(MAX_RANGE_SECONDS, Math.max(10, wanted));
  }

  private take(answer: SeriesSamples[], kind: 'requests' | 'latency'): void {
    for (const { labels, points } of answer) {
      const track = this.source.trackOf(labels);
      if (track === undefined || points.length === 0) continue;
      const key = `${kind}${seriesKey(labels)}`;
      let counter = this.counters.get(key);
      if (!counter) {
        const role = roleOf(kind, labels, this.source);
        if (role === undefined) continue;
        counter = new SeriesCounter(track, role, this.bornSinceLastRead(kind, labels));
        this.counters.set(key, counter);
      }
      counter.add(points);
    }
  }

  /**
   * Client libraries create a labelled series at its first increment: a pod's first 5xx series
   * appears mid-run while its 200 series was there before. Such a series counted from zero; any
   * other new series (a pod only now found) counts from its first sample.
   */
  private bornSinceLastRead(kind: 'requests' | 'latency', labels: Record<string, string>): boolean {
    if (kind !== 'requests' || this.alignedAt === undefined) return false;
    return this.podsWithRequests.has(this.withoutStatus(labels));
  }

  private withoutStatus(labels: Record<string, string>): string {
    return seriesKey(labels, this.source.statusLabel);
  }

  /**
   * The newest instant every live series has a sample at or after. A series whose newest sample
   * is older than two scrape intervals (and a check) is gone — its pod was replaced — and does
   * not hold the others back.
   */
  private alignedInstant(): number | undefined {
    const interval = this.scrapeIntervalSeconds ?? 0;
    // Measured from the newest sample, not the runner's clock, which may be skewed from
    // Prometheus' by more than a scrape interval.
    let newestOfAll = -Infinity;
    for (const counter of this.counters.values()) {
      newestOfAll = Math.max(newestOfAll, counter.newestAt ?? -Infinity);
    }
    const liveSince = newestOfAll - (2 * interval + this.options.checkIntervalMs / 1000);
    let aligned: number | undefined;
    for (const counter of this.counters.values()) {
      const newest = counter.newestAt;
      if (newest === undefined || newest < liveSince) continue;
      aligned = aligned === undefined ? newest : Math.min(aligned, newest);
    }
    return aligned;
  }

  private advance(aligned: number, previous: number | undefined): void {
    for (const counter of this.counters.values()) {
      const grown = counter.advanceTo(aligned, previous);
      const increase = previous === undefined ? 0 : grown;
      const counts = this.totals[counter.track];
      const role = counter.role;
      // Every bound is listed from the start, so the judge's bucket tests include each one.
      if (role.kind === 'latency' && role.le !== Infinity && !counts.buckets.has(role.le)) {
        counts.buckets.set(role.le, 0);
      }
      if (increase <= 0) continue;
      if (role.kind === 'requests') {
        counts.requests += increase;
        if (role.error) counts.errors += increase;
      } else if (role.le === Infinity) {
        counts.latencyCount += increase;
      } else {
        counts.buckets.set(role.le, (counts.buckets.get(role.le) ?? 0) + increase);
      }
    }
  }

  private observation(): Observation {
    return {
      atMs: Math.round((this.alignedAt ?? this.now() / 1000) * 1000),
      canary: toCounts(this.totals.canary),
      stable: toCounts(this.totals.stable),
      scrapeIntervalMs: this.scrapeIntervalMs,
    };
  }
}

export type SeriesRole = { kind: 'requests'; error: boolean } | { kind: 'latency'; le: number };

function roleOf(
  kind: 'requests' | 'latency',
  labels: Record<string, string>,
  source: SeriesSource,
): SeriesRole | undefined {
  if (kind === 'requests') return { kind, error: source.isError(labels) };
  const le = labels.le;
  const bound = le === '+Inf' ? Infinity : Number(le) * source.leSeconds;
  if (le === undefined || le.trim() === '' || Number.isNaN(bound)) return undefined;
  return { kind, le: bound };
}

interface MutableCounts {
  requests: number;
  errors: number;
  buckets: Map<number, number>;
  latencyCount: number;
}

function emptyCounts(): MutableCounts {
  return { requests: 0, errors: 0, buckets: new Map(), latencyCount: 0 };
}

function toCounts(totals: MutableCounts): TrackCounts {
  return {
    requests: totals.requests,
    errors: totals.errors,
    buckets: [...totals.buckets].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count })),
    latencyCount: totals.latencyCount,
  };
}

function medianGap(counters: Iterable<SeriesCounter>): number | undefined {
  const gaps: number[] = [];
  for (const counter of counters) {
    const gap = counter.typicalGap;
    if (gap !== undefined) gaps.push(gap);
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

/** The series' identity: its labels, sorted, leaving out `except`. */
function seriesKey(labels: Record<string, string>, except?: string): string {
  const entries = Object.entries(labels).filter(([name]) => name !== except);
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export type { Track };

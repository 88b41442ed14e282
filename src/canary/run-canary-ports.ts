/**
 * What running a canary needs from the world, as ports (like progression.ts has): the cluster
 * side, Prometheus and a clock. main.ts plugs in CanaryCluster, the Prometheus client and the
 * cancellation's clock; the unit tests plug in fakes held in memory, so start, promote and abort
 * are tested without a cluster and in milliseconds.
 */
import { ActionError, describeThrown } from '../core/errors.js';
import { PROXY_CREDENTIALS_HINT } from '../core/http-proxy.js';
import type { PromotionReport } from './cluster/revert.js';
import type { ReportFacts } from './report.js';
import type { CanaryPhase } from './cluster/cluster-state.js';
import { runChecks, type CheckOutcome, type QueryVariables } from './metrics/checks.js';
import { MetricsCollector } from './metrics/collector.js';
import { PrometheusClient } from './metrics/prometheus.js';
import { missingSeriesWarning } from './metrics/series-check.js';
import type { LabelSelector, SeriesSource } from './metrics/sources.js';
import type {
  CanaryReport,
  CleanupReport,
  CustomCheck,
  Observation,
  PrometheusSettings,
  StepRecord,
} from './types.js';

/** A canary a previous job left: where it stands. */
export interface ResumedCanary {
  weight: number;
  canaryImage: string;
  phase: CanaryPhase;
}

/** An abort's end: `finished` when a promotion under way was finished instead of rolled back. */
export interface AbortEnd {
  cleanup: CleanupReport;
  finished: boolean;
}

/** The canary pods' health during the progression; neither method throws. */
export interface PodHealthPort {
  /** Restarts from now on count against the canary. */
  baseline(): Promise<void>;
  /** A sentence why the pods are not healthy, or undefined. */
  check(): Promise<string | undefined>;
}

/** The cluster side of one canary (CanaryCluster): every change it makes, and what it knows. */
export interface CanaryClusterPort extends ReportFacts {
  /** What this run did about a stale canary it found, for the report. */
  readonly notes: string[];
  /** begin() got as far as creating canary objects. */
  readonly created: boolean;
  /** A canary of a whole release: what it runs and what changed, once started or resumed. */
  readonly canaryRelease?: Pick<CanaryReport, 'canaryImage' | 'canaryChange'> | undefined;
  /** The namespace the metrics are labelled with. */
  readonly namespace: string;
  readonly stableSelector: LabelSelector | undefined;
  /** Creates the canary without traffic and waits until it is ready. */
  begin(): Promise<void>;
  /** The canary a previous job left; undefined when there is none. */
  resume(intent: 'promote' | 'abort'): Promise<ResumedCanary | undefined>;
  /** This job owns the canary from now on. */
  takeOver(): Promise<void>;
  /** Who owns the canary when alive; false when stale; undefined when there is none. */
  liveOwner(): Promise<string | false | undefined>;
  /** Gives the canary `weight` percent; returns what it got. */
  shiftTo(weight: number): Promise<number>;
  /** `mode: start` is done: the canary waits for a person. */
  pause(): Promise<void>;
  /** Stable takes the canary's release; reports a rollback instead of throwing. */
  promote(): Promise<PromotionReport>;
  /** All traffic back on stable, the canary gone, verified. */
  revert(): Promise<CleanupReport>;
  /** `mode: abort` from any phase. */
  abort(): Promise<AbortEnd>;
  /** The cluster as it is now, for a report after a recovery ran out of time. */
  observe(): Promise<CleanupReport | undefined>;
  recoveryTookMs(): number | undefined;
  podHealth(graceMs: number): PodHealthPort;
  recordStep(record: StepRecord): void;
}

/** Prometheus as the run uses it. */
export interface MetricsPort {
  /** Throws an ActionError when Prometheus does not answer (before the cluster is changed). */
  reachable(): Promise<void>;
  /** A warning when no request series match; undefined when some do or Prometheus failed. */
  missingSeries(source: SeriesSource): Promise<string | undefined>;
  /** Reads both tracks' counts, cumulative since the first read. */
  reader(source: SeriesSource, checkIntervalMs: number): () => Promise<Observation>;
  runChecks(checks: readonly CustomCheck[], variables: QueryVariables): Promise<CheckOutcome[]>;
}

export interface Clock {
  now(): number;
  /** Resolves true after ms, or false early when the run is cancelled. */
  sleep(ms: number): Promise<boolean>;
  cancelled(): boolean;
}

export interface RunCanaryPorts {
  cluster: CanaryClusterPort;
  /** undefined without `prometheus-url` (which only mode abort may leave out). */
  metrics: MetricsPort | undefined;
  clock: Clock;
  /** Called just before stable gets the new release: from then on, finishing means promoting. */
  promoting(): void;
}

/** The real Prometheus behind the MetricsPort. */
export function prometheusMetrics(settings: PrometheusSettings): MetricsPort {
  const client = new PrometheusClient({ url: settings.url, headers: settings.headers });
  return {
    async reachable() {
      try {
        await client.query('vector(1)');
      } catch (error) {
        // A proxy that wants credentials is the one thing to fix, not prometheus-url.
        const proxyRefused = error instanceof ActionError && error.hint === PROXY_CREDENTIALS_HINT;
        throw new ActionError(
          `Prometheus does not answer, so nothing was changed in the cluster: ${describeThrown(error)}`,
          proxyRefused
            ? PROXY_CREDENTIALS_HINT
            : 'Check prometheus-url (and prometheus-headers if it needs authentication), e.g. http://prometheus.monitoring:9090.',
        );
      }
    },
    missingSeries: (source) => missingSeriesWarning(client, source),
    reader(source, checkIntervalMs) {
      const collector = new MetricsCollector(client, source, { checkIntervalMs });
      return () => collector.read();
    },
    runChecks: (checks, variables) => runChecks(client, checks, variables),
  };
}

/**
 * The words the canary modules share: counts read from Prometheus, what the judge says about them,
 * and what a run did. Kept in one place so the judge, the engine and the summary cannot drift.
 */

import type { ClusterIdentity } from '../core/cluster-identity.js';
import type { NoticeSettings } from '../core/notice-inputs.js';
import type { Margin } from './judge/judge.js';
import type { CanaryTarget } from './target.js';

export type { Margin };
export type CanaryMode = 'auto' | 'start' | 'promote' | 'abort';
export type TrafficMode = 'replicas' | 'gateway-api' | 'nginx' | 'istio';
export type Decision = 'promoted' | 'aborted' | 'started' | 'paused' | 'kept';

/** One histogram bucket: how many requests took at most `le` seconds (cumulative, as Prometheus). */
export interface LatencyBucket {
  le: number;
  count: number;
}

/** Counts for one track, cumulative since the canary began to receive traffic. */
export interface TrackCounts {
  requests: number;
  /** Requests answered with a 5xx status. */
  errors: number;
  /** Finite buckets in ascending `le`; the +Inf bucket is `latencyCount`. */
  buckets: LatencyBucket[];
  latencyCount: number;
}

/** What one check (one Prometheus scrape cycle) saw for both tracks. */
export interface Observation {
  /** The instant the counts are for (every series read at that same instant). */
  atMs: number;
  canary: TrackCounts;
  stable: TrackCounts;
  /** The scrape interval the samples show; undefined before two samples of a series. */
  scrapeIntervalMs?: number;
}

/** A window's figures as a reviewer reads them. */
export interface WindowStats {
  requests: number;
  /** Share of 5xx in [0, 1]; undefined without requests. */
  errorRate: number | undefined;
  /** Estimated from the histogram buckets; undefined without observations. */
  p95Ms: number | undefined;
}

export interface CheckResult {
  name: string;
  /** undefined when the query returned no data. */
  value: number | undefined;
  min: number | undefined;
  max: number | undefined;
  passed: boolean;
}

export type StepDecision = 'passed' | 'aborted' | 'paused' | 'cancelled';

export interface StepRecord {
  /** The weight asked for, in percent. */
  weight: number;
  /** The weight the traffic provider could give (replicas mode approximates by pod counts). */
  achievedWeight: number;
  startedAt: string;
  durationMs: number;
  canary: WindowStats;
  stable: WindowStats;
  /** The sequential test's anytime-valid p-value at the end of the step (smaller = worse canary). */
  pValue: number | undefined;
  checks: CheckResult[];
  decision: StepDecision;
  reason: string | undefined;
  /** What the reader should know though it did not decide the step (stable breaching a limit). */
  warnings?: string[];
}

export interface CleanupReport {
  /** Stable's container image after the run. */
  stableImage: string | undefined;
  stableHealthy: boolean;
  /** kind/name of canary objects still in the cluster after the run. */
  leftoverObjects: string[];
  /** Weight the route gives the canary after the run (0 after abort and promote). */
  canaryWeight: number;
  /** How long putting the cluster back took, retries through API faults included. */
  recoveryMs?: number;
}

export interface CanaryReport {
  decision: Decision;
  /** One sentence: why this decision, with the numbers that decided it. */
  reason: string;
  mode: CanaryMode;
  traffic: TrafficMode;
  namespace: string | undefined;
  deployment: string;
  container: string;
  stableImage: string | undefined;
  /** The chosen container's image; for a release without one, `container=image` for each. */
  canaryImage: string;
  /** A canary of a whole release: its change, line by line (images per container, env/config). */
  canaryChange?: string[];
  steps: StepRecord[];
  finalWeight: number;
  durationMs: number;
  /**
   * From the canary's first traffic to an abort decided on its figures (worse than stable, over a
   * limit, a failed check); undefined for aborts for want of data and when not aborted.
   */
  detectionMs: number | undefined;
  cleanup: CleanupReport | undefined;
  notes: string[];
  /** Which series were compared as canary and as stable (the metrics source's description). */
  metricsSource?: string;
  /** Which cluster this step worked on; a matrix over clusters has one summary per cluster. */
  cluster?: ClusterIdentity;
}

/** A user's PromQL check from the `checks` input, judged on the canary at the end of each step. */
export interface CustomCheck {
  name: string;
  /** PromQL with {{namespace}}, {{track}} and {{interval}} placeholders. */
  query: string;
  min: number | undefined;
  max: number | undefined;
}

/** Where the standard request metrics live and how their series are labelled. */
export interface MetricNames {
  /**
   * Which metrics are read (the `metrics` input): the app's own (`app`, with the names and labels
   * below), Istio's standard metrics or ingress-nginx's. Undefined means `app`.
   */
  preset?: 'app' | 'istio' | 'nginx';
  requestMetric: string;
  /** Histogram base name; its `_bucket` series are read. */
  latencyMetric: string;
  statusLabel: string;
  trackLabel: string;
  namespaceLabel: string;
  /**
   * PromQL label matchers from `metrics-selector` (`app="web"`). For `app` they pick this
   * workload's series out of the namespace instead of the stable Deployment's selector; for the
   * other presets they narrow the preset's series further. '' when not set.
   */
  selector: string;
}

export interface PrometheusSettings {
  url: string;
  /** Extra request headers (e.g. Authorization); values are secrets. */
  headers: Map<string, string>;
}

/** Every input, read and checked once. */
/** The target fields (namespace, deployment, container, service, traffic, route) are its own. */
export interface Settings extends NoticeSettings, CanaryTarget {
  kubeconfig: string | undefined;
  context: string | undefined;
  /** The new image (the one-line shortcut); undefined with `source` and in abort mode. */
  image: string | undefined;
  /** The whole release (manifests or kustomize, images substituted); undefined with `image`. */
  source?: import('./source-input.js').ReleaseSource;
  mode: CanaryMode;
  /** Weight where `start` stops; 0 = canary created without traffic. Defaults to steps[0]. */
  pauseAt: number;
  steps: number[];
  intervalMs: number;
  checkIntervalMs: number;
  stepTimeoutMs: number;
  minRequests: number;
  /** undefined only in abort mode. */
  prometheus: PrometheusSettings | undefined;
  /** Fraction in [0, 1]. */
  maxErrorRate: number;
  maxLatencyP95Ms: number;
  metrics: MetricNames;
  checks: CustomCheck[];
  /** What runs during each step to give a low-traffic canary requests (`load-test`); none when unset. */
  loadTest?: import('./load-test-input.js').LoadTest;
  alpha: number;
  /** How long a new weight's first data is recorded but not judged; undefined = 3 scrape intervals. */
  warmUpMs: number | undefined;
  /** How much worse than stable the canary's 5xx rate may be (relative, and absolute as a fraction). */
  errorMargin: Margin;
  /** How much slower than stable the canary may be (relative, and absolute in seconds). */
  latencyMargin: Margin;
  /** Longest wait for one rollout (canary ready, stable promoted or verified). */
  timeoutMs: number;
  /** How long putting the cluster back (revert, finishing a promotion) may retry through API faults. */
  recoveryTimeoutMs: number;
  /** The owner renews its lease on the canary this often × 4; a lease not renewed is stale. */
  leaseMs: number;
  /** A canary left by a lost runner: put the cluster back first (abort), or stop (fail). */
  onStale: 'abort' | 'fail';
  /** promote/abort may take over a live canary of another workflow run. */
  force: boolean;
  /** abort only a canary whose lease expired (the reaper); a live one is kept. */
  staleOnly: boolean;
}

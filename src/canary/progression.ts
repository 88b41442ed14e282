/**
 * The step loop: shift weight, read Prometheus every check interval, let the judge speak, and pass
 * a step only when it has lasted `interval`, seen `min-requests` canary requests and met every
 * limit. It touches the cluster and Prometheus only through the ports it is given, so it is tested
 * with fakes and a fake clock.
 */
import { describeThrown } from '../core/errors.js';
import { SequentialJudge } from './judge/judge.js';
import { checkSlo } from './judge/slo.js';
import { loadStatistics } from './judge/statistics.js';
import { subtractCounts } from './judge/latency.js';
import type { CheckOutcome } from './metrics/checks.js';
import type { Observation, Settings, StepRecord, TrackCounts } from './types.js';

export interface ProgressionPorts {
  /** Sets the canary's weight and waits until the canary can serve it; returns the achieved weight. */
  shiftTo(weight: number): Promise<number>;
  readMetrics(): Promise<Observation>;
  runChecks(intervalSeconds: number): Promise<CheckOutcome[]>;
  /** Called as each step ends, so a cancellation can still report the steps so far. */
  stepFinished(record: StepRecord): void;
  /**
   * Whether the canary's pods are healthy right now: a sentence why not (restarts, crash loops,
   * pods not ready) aborts the step whatever the metrics say. Called at every check.
   */
  canaryHealth?(): Promise<string | undefined>;
  /**
   * Starts what runs while a step is judged (the load test), once the weight is set; the step
   * stops it as it ends, whatever the decision.
   */
  duringStep?(weight: number): StepActivity;
  now(): number;
  /** Resolves after ms, or early (false) when the run is cancelled. */
  sleep(ms: number): Promise<boolean>;
  cancelled(): boolean;
}

export interface StepActivity {
  /** Ends the activity; never throws. */
  stop(): Promise<void>;
}

export type ProgressionEnd = 'completed' | 'aborted' | 'cancelled';

export interface ProgressionResult {
  end: ProgressionEnd;
  steps: StepRecord[];
  /** Why the progression aborted or was cancelled. */
  reason: string | undefined;
  /**
   * From the first canary traffic to an abort decided on the canary's figures (the comparison
   * with stable, a limit or a check); undefined for no data, outages and no abort.
   */
  detectionMs: number | undefined;
  finalWeight: number;
}

export type ProgressionSettings = Pick<
  Settings,
  | 'intervalMs'
  | 'checkIntervalMs'
  | 'stepTimeoutMs'
  | 'minRequests'
  | 'maxErrorRate'
  | 'maxLatencyP95Ms'
  | 'alpha'
  | 'checks'
  | 'warmUpMs'
  | 'errorMargin'
  | 'latencyMargin'
>;

/** Scrape intervals the default warm-up lasts: a new weight's first scrapes are not judged. */
export const WARM_UP_SCRAPES = 3;

/** The warm-up: as set, or three scrape intervals as the samples show them. */
export function warmUpOf(settings: ProgressionSettings, observation: Observation): number {
  return settings.warmUpMs ?? WARM_UP_SCRAPES * (observation.scrapeIntervalMs ?? 0);
}

/** How long Prometheus may fail in a row before the canary is aborted for want of evidence. */
export function metricsOutageLimitMs(settings: ProgressionSettings): number {
  return Math.max(2 * settings.checkIntervalMs, Math.min(settings.intervalMs, 30_000));
}

interface StepOutcome {
  record: StepRecord;
  detected: boolean;
}

export async function progress(
  weights: readonly number[],
  settings: ProgressionSettings,
  ports: ProgressionPorts,
): Promise<ProgressionResult> {
  await loadStatistics();
  const judge = new SequentialJudge(settings);
  const steps: StepRecord[] = [];
  let trafficStartedAt: number | undefined;
  let latest: Observation | undefined;
  let finalWeight = 0;
  for (const weight of weights) {
    if (ports.cancelled()) return cancelled(steps, finalWeight);
    const startedAt = ports.now();
    let achieved: number;
    try {
      achieved = await ports.shiftTo(weight);
    } catch (error) {
      const reason = `could not shift ${weight}% of traffic to the canary: ${describeThrown(error)}`;
      steps.push(emptyStep(weight, weight, startedAt, ports.now(), 'aborted', reason));
      return { end: 'aborted', steps, reason, detectionMs: undefined, finalWeight };
    }
    finalWeight = achieved;
    // Steps are timed from here: in replicas mode the shift waits for new pods to start.
    const shiftedAt = ports.now();
    if (latest === undefined) {
      latest = await firstObservation(ports);
      trafficStartedAt = ports.now();
    }
    const activity = ports.duringStep?.(achieved);
    // Only a new weight warms up: more requests reach the canary's pods, or new pods.
    const warmsUp = achieved !== (steps.at(-1)?.achievedWeight ?? 0);
    let step: StepRun;
    try {
      const at = { weight, achieved, startedAt, shiftedAt, warmsUp };
      step = await runStep(at, latest, judge, settings, ports);
    } finally {
      await activity?.stop();
    }
    steps.push(step.record);
    ports.stepFinished(step.record);
    latest = step.last;
    if (step.record.decision === 'cancelled') return cancelled(steps, finalWeight);
    if (step.record.decision === 'aborted') {
      return {
        end: 'aborted',
        steps,
        reason: `at ${weight}%: ${step.record.reason ?? 'the canary failed its analysis'}`,
        detectionMs:
          step.detected && trafficStartedAt !== undefined
            ? step.detectedAt - trafficStartedAt
            : undefined,
        finalWeight,
      };
    }
  }
  return { end: 'completed', steps, reason: undefined, detectionMs: undefined, finalWeight };
}

/** The baseline the counts start from; Prometheus may be briefly unavailable here too. */
async function firstObservation(ports: ProgressionPorts): Promise<Observation | undefined> {
  try {
    return await ports.readMetrics();
  } catch {
    return undefined;
  }
}

interface StepRun extends StepOutcome {
  last: Observation | undefined;
  detectedAt: number;
}

interface StepStart {
  weight: number;
  achieved: number;
  startedAt: number;
  /** When the canary began to get the step's weight (its pods ready). */
  shiftedAt: number;
  /** Whether the step's first data is a warm-up (the weight changed). */
  warmsUp: boolean;
}

async function runStep(
  { weight, achieved, startedAt, shiftedAt, warmsUp }: StepStart,
  before: Observation | undefined,
  judge: SequentialJudge,
  settings: ProgressionSettings,
  ports: ProgressionPorts,
): Promise<StepRun> {
  let last = before;
  let stepBase = before;
  let lastMetricsAt = ports.now();
  // When the counts last moved on: counts that stopped are no evidence, a batch still open is.
  let newestAtMs = before?.atMs;
  let newestSince = ports.now();
  let pValue: number | undefined;
  let checks: CheckOutcome[] = [];
  let warnings: string[] = [];
  const finish = (decision: StepRecord['decision'], reason?: string, detected = false) => {
    const window = last && stepBase ? windowOf(last, stepBase) : undefined;
    const slo = window ? checkSlo(window, settings) : undefined;
    const record: StepRecord = {
      weight,
      achievedWeight: achieved,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: ports.now() - startedAt,
      canary: slo?.canary ?? { requests: 0, errorRate: undefined, p95Ms: undefined },
      stable: slo?.stable ?? { requests: 0, errorRate: undefined, p95Ms: undefined },
      pValue,
      checks: checks.map(({ name, value, min, max, passed }) => ({
        name,
        value,
        min,
        max,
        passed,
      })),
      decision,
      reason,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    return { record, detected, detectedAt: ports.now(), last };
  };
  for (;;) {
    if (!(await ports.sleep(settings.checkIntervalMs))) return finish('cancelled', 'cancelled');
    // Pod health is evidence of its own, also while Prometheus does not answer.
    const unhealthy = await ports.canaryHealth?.();
    if (unhealthy !== undefined) return finish('aborted', unhealthy, true);
    let observation: Observation;
    try {
      observation = await ports.readMetrics();
      lastMetricsAt = ports.now();
    } catch (error) {
      const outage = ports.now() - lastMetricsAt;
      if (outage >= metricsOutageLimitMs(settings)) {
        return finish(
          'aborted',
          `Prometheus gave no answer for ${Math.round(outage / 1000)}s (${describeThrown(error)}); without evidence the canary cannot pass`,
        );
      }
      continue;
    }
    // The first answer after an outage at the start becomes the baseline.
    if (!stepBase) stepBase = observation;
    if (!last) {
      last = observation;
      continue;
    }
    last = observation;
    if (observation.atMs !== newestAtMs) {
      newestAtMs = observation.atMs;
      newestSince = ports.now();
    }
    const warmUpMs = warmsUp ? warmUpOf(settings, observation) : 0;
    const elapsed = ports.now() - shiftedAt;
    // Timed on the runner's clock, with one scrape interval more: the aligned instant of the
    // counts lags behind by up to that much.
    const warmingMs = warmUpMs > 0 ? warmUpMs + (observation.scrapeIntervalMs ?? 0) : 0;
    if (elapsed < warmingMs) {
      // Recorded, not judged: the judge and the step's window go on from here.
      judge.skip(observation);
      stepBase = observation;
      continue;
    }
    const verdict = judge.observe(observation);
    pValue = verdict.pValue;
    if (verdict.worse) return finish('aborted', verdict.reason, true);
    // A step is judged for `interval` after its warm-up, and ends on a verdict about all its data,
    // not one of an earlier batch: the judge takes at most two scrape intervals to catch up.
    if (elapsed < warmingMs + settings.intervalMs) continue;
    if (verdict.judgedAtMs !== observation.atMs) {
      // The judge's batch closes within two scrape intervals while samples come in, even past
      // step-timeout; only counts that stopped moving for that long are no evidence.
      const stalledMs = ports.now() - newestSince;
      const batchMs = 2 * (observation.scrapeIntervalMs ?? 0) + settings.checkIntervalMs;
      if (elapsed >= settings.stepTimeoutMs && stalledMs >= batchMs) {
        return finish(
          'aborted',
          `Prometheus has had no new samples since ${new Date(observation.atMs).toISOString()}; without evidence the canary cannot pass`,
        );
      }
      continue;
    }
    const slo = checkSlo(withStable(windowOf(observation, stepBase), observation), settings);
    warnings = slo.stableBreaches;
    if (!slo.enoughTraffic) {
      if (elapsed >= settings.stepTimeoutMs) {
        return finish(
          'aborted',
          `too little traffic to judge: ${slo.canary.requests} canary requests in ${Math.round(elapsed / 1000)}s, ${settings.minRequests} needed`,
        );
      }
      continue;
    }
    if (slo.breaches.length > 0) return finish('aborted', slo.breaches.join('; '), true);
    if (slo.unsure.length > 0) {
      if (elapsed < settings.stepTimeoutMs) continue;
      // The window was looked at every check since the interval: whether the canary is worse
      // than stable at the end is tested at alpha shared over those looks (Bonferroni).
      const looks =
        1 + Math.floor((elapsed - warmingMs - settings.intervalMs) / settings.checkIntervalMs);
      const final = checkSlo(withStable(windowOf(observation, stepBase), observation), {
        ...settings,
        alpha: settings.alpha / Math.max(1, looks),
      });
      const blamed = final.unsure.filter((limit) => !final.noWorseThanStable.includes(limit));
      if (blamed.length > 0) {
        return finish('aborted', `${blamed.join('; ')} when the step timed out`, true);
      }
      warnings = [
        ...warnings,
        ...final.noWorseThanStable.map(
          (limit) => `${limit} when the step timed out, but no worse than stable: passed`,
        ),
      ];
    }
    if (settings.checks.length > 0) {
      checks = await ports.runChecks(Math.max(1, Math.round(elapsed / 1000)));
      const failed = checks.filter((check) => !check.passed);
      const wrong = failed.filter((check) => !check.inconclusive);
      if (wrong.length > 0) return finish('aborted', wrong.map(describeCheck).join('; '), true);
      if (failed.length > 0) {
        if (elapsed >= settings.stepTimeoutMs) {
          return finish('aborted', failed.map(describeCheck).join('; '));
        }
        continue;
      }
    }
    return finish('passed');
  }
}

function windowOf(
  now: Observation,
  base: Observation,
): { canary: TrackCounts; stable: TrackCounts } {
  return {
    canary: subtractCounts(now.canary, base.canary),
    stable: subtractCounts(now.stable, base.stable),
  };
}

/**
 * At 100% stable serves nothing in the step: whether stable breaches a limit too is then told by
 * what it served since the canary began.
 */
function withStable(
  window: { canary: TrackCounts; stable: TrackCounts },
  cumulative: Observation,
): { canary: TrackCounts; stable: TrackCounts; stableReference: TrackCounts } {
  return {
    ...window,
    stableReference: window.stable.requests > 0 ? window.stable : cumulative.stable,
  };
}

function describeCheck(check: CheckOutcome): string {
  return check.message ?? `check '${check.name}' failed`;
}

function emptyStep(
  weight: number,
  achieved: number,
  startedAt: number,
  now: number,
  decision: StepRecord['decision'],
  reason: string,
): StepRecord {
  return {
    weight,
    achievedWeight: achieved,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: now - startedAt,
    canary: { requests: 0, errorRate: undefined, p95Ms: undefined },
    stable: { requests: 0, errorRate: undefined, p95Ms: undefined },
    pValue: undefined,
    checks: [],
    decision,
    reason,
  };
}

function cancelled(steps: StepRecord[], finalWeight: number): ProgressionResult {
  return {
    end: 'cancelled',
    steps,
    reason: 'the run was cancelled',
    detectionMs: undefined,
    finalWeight,
  };
}

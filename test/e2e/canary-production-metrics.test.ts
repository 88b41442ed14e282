/**
 * Issue #17, end to end with the real Prometheus: the judge must hold on metrics as production
 * gives them.
 *
 * - Scrape skew: Prometheus scrapes each target at an offset of its own (a hash of the target),
 *   so with a scrape interval longer than the check interval the stable and canary counters are
 *   read seconds apart. A dependency blip both tracks suffer at the same moment must not look
 *   like a canary problem; the same blip on the canary alone must still abort.
 * - Neighbour: another workload in the namespace, faster and with three times the traffic, must
 *   not count as "stable" when no metrics-selector is given: the stable Deployment's own selector
 *   picks stable's series.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import {
  PROMETHEUS_TOOL,
  startLoad,
  startSampleServiceProcess,
  type RunningLoad,
  type SampleService,
} from '../support/canary-env.js';
import {
  CANARY_IMAGE,
  expectPromoted,
  expectReverted,
  HEALTHY,
  STABLE,
  STABLE_IMAGE,
  stableImage,
  startScenario,
  startWorld,
  verdict,
  type Scenario,
  type World,
} from './canary-support.js';

interface StepOutput {
  weight: number;
  startedAt: string;
  decision: string;
  reason?: string;
  warnings?: string[];
  canary: { requests: number; errorRate: number | null };
  stable: { requests: number; errorRate: number | null };
}

interface ResultOutput {
  decision: string;
  metricsSource: string | null;
}

/** Longer than the check interval (1 s), so the tracks' newest samples are seconds apart. */
const SCRAPE_INTERVAL_MS = 3_000;
/** The least distance between the two targets' scrape phases that counts as skewed. */
const MIN_SKEW_MS = 500;
/** Each new environment is a new draw of the two offsets (the ports go into the hash). */
const SKEW_ATTEMPTS = 6;
/** The shared dependency blip: every answer of a blipped service fails at this rate. */
const BLIP = { errorRate: 0.4, startsAfterMs: 5_000, lastsMs: 2_500 };
/** The action's default max-error-rate (1%), which the scenario leaves as it is. */
const SLO_ERROR_RATE = 0.01;

/**
 * The inputs of the skew runs. A new weight is not judged for the warm-up plus one scrape
 * interval (4 s from the shift), then judged for `interval` (9 s). The blip comes 5–7.5 s after
 * the canary gets traffic, after the judge's first look at the step, and the step's verdict at
 * 13 s is about counts aligned at least 9 s in, after its end: it lands inside the judged window
 * of the first step.
 */
const SKEW_INPUTS = {
  steps: '50,100',
  interval: '9s',
  'check-interval': '1s',
  'warm-up': '1s',
  'step-timeout': '30s',
  'min-requests': '50',
};

let world: World;

/** Unix ms of every `up` sample per track in the last `seconds`, from the raw samples. */
async function scrapeTimes(s: Scenario, seconds: number): Promise<Map<string, number[]>> {
  const query = `up{namespace="${s.namespace}",app="web"}[${seconds}s]`;
  const response = await fetch(
    `${s.env.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`,
    { signal: AbortSignal.timeout(5_000) },
  );
  const body = (await response.json()) as {
    status: string;
    data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
  };
  expect(body.status).toBe('success');
  return new Map(
    body.data.result.map((series) => [
      series.metric.track,
      series.values.map(([at]) => Math.round(at * 1000)),
    ]),
  );
}

/**
 * How far apart in its cycle Prometheus scrapes the stable and the canary target: the distance
 * between their scrape phases on a circle of one interval, from every raw sample of both.
 */
async function scrapeSkewMs(s: Scenario): Promise<number> {
  const times = await scrapeTimes(s, 60);
  const stable = times.get('stable') ?? [];
  const canary = times.get('canary') ?? [];
  expect(stable.length).toBeGreaterThan(0);
  expect(canary.length).toBeGreaterThan(0);
  const phase = (at: number) => at % SCRAPE_INTERVAL_MS;
  // A target is scraped at one fixed phase; a scrape may start a few ms late.
  for (const samples of [stable, canary]) {
    const phases = samples.map(phase);
    const spread = circular(Math.max(...phases) - Math.min(...phases));
    expect(spread, `phases ${phases.join(', ')}`).toBeLessThan(300);
  }
  return circular(phase(canary.at(-1)!) - phase(stable.at(-1)!));
}

function circular(differenceMs: number): number {
  const d = ((differenceMs % SCRAPE_INTERVAL_MS) + SCRAPE_INTERVAL_MS) % SCRAPE_INTERVAL_MS;
  return Math.min(d, SCRAPE_INTERVAL_MS - d);
}

/** A scenario whose two targets Prometheus scrapes at least MIN_SKEW_MS apart. */
async function skewedScenario(): Promise<{ scenario: Scenario; skewMs: number }> {
  const seen: number[] = [];
  for (let attempt = 1; attempt <= SKEW_ATTEMPTS; attempt++) {
    const s = await startScenario(world, 'gateway-api', HEALTHY, {
      scrapeIntervalMs: SCRAPE_INTERVAL_MS,
    });
    try {
      // Two scrapes of each, so that the phase is measured, not assumed.
      await sleep(SCRAPE_INTERVAL_MS + 500);
      const skewMs = await scrapeSkewMs(s);
      if (skewMs >= MIN_SKEW_MS) return { scenario: s, skewMs };
      seen.push(skewMs);
    } catch (error) {
      await s.stop();
      throw error;
    }
    await s.stop();
  }
  throw new Error(
    `Prometheus scraped the two targets less than ${MIN_SKEW_MS} ms apart in ${SKEW_ATTEMPTS} environments (${seen.join(', ')} ms)`,
  );
}

/** Puts stable back on its first image after a promotion, so the scenario can run again. */
async function resetStable(s: Scenario): Promise<void> {
  if (stableImage(world, s.namespace) === STABLE_IMAGE) return;
  const set = await world.kubectl(
    ['set', 'image', 'deployment/web', `app=${STABLE_IMAGE}`],
    s.namespace,
  );
  expect(set.code, set.stderr).toBe(0);
  const status = await world.kubectl(
    ['rollout', 'status', 'deployment/web', '--timeout=20s'],
    s.namespace,
  );
  expect(status.code, status.stderr).toBe(0);
}

/**
 * Once the canary first gets traffic, sets `services` to the blip's error rate for BLIP.lastsMs,
 * then back to each one's own rate. Resolves with when the blip began and ended (unix ms).
 */
async function blipOnceTrafficShifts(
  s: Scenario,
  services: Array<{ service: SampleService; errorRate: number }>,
  signal: AbortSignal,
): Promise<{ startedAt: number; endedAt: number }> {
  // The router throws while the route names a canary Service that does not exist yet.
  const share = () => {
    try {
      return s.env.canaryShare();
    } catch {
      return 0;
    }
  };
  while (share() === 0) {
    if (signal.aborted) throw new Error('the run ended before the canary got traffic');
    await sleep(50);
  }
  await sleep(BLIP.startsAfterMs);
  const set = (rate: (entry: { errorRate: number }) => number) =>
    Promise.all(services.map((entry) => entry.service.setBehaviour({ errorRate: rate(entry) })));
  const startedAt = Date.now();
  await set(() => BLIP.errorRate);
  try {
    await sleep(BLIP.lastsMs);
  } finally {
    await set((entry) => entry.errorRate);
  }
  return { startedAt, endedAt: Date.now() };
}

/** Runs the action with the blip scheduled; the blip is over and undone when this returns. */
async function runWithBlip(
  s: Scenario,
  services: Array<{ service: SampleService; errorRate: number }>,
) {
  const ended = new AbortController();
  const blip = blipOnceTrafficShifts(s, services, ended.signal);
  let run: Awaited<ReturnType<Scenario['run']>>;
  try {
    run = await s.run(SKEW_INPUTS);
  } catch (error) {
    ended.abort();
    await blip.catch(() => {});
    throw error;
  }
  // A blip still waiting for traffic stops waiting; one under way finishes and is undone.
  ended.abort();
  return { run, blip: await blip };
}

describeWithTool(
  PROMETHEUS_TOOL,
  'canary bundle: a judge that holds on production metrics (real Prometheus)',
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.stop();
    });

    describe('scrape skew: the tracks are scraped seconds apart', () => {
      let s: Scenario | undefined;
      let skewMs = 0;

      beforeAll(async () => {
        ({ scenario: s, skewMs } = await skewedScenario());
      }, 120_000);
      afterAll(async () => {
        await s?.stop();
      });

      it('promotes a healthy canary through a dependency blip that both tracks suffer at once', async () => {
        const scenario = s!;
        await resetStable(scenario);
        // The premise: the tracks' samples really are taken at different moments.
        expect(skewMs).toBeGreaterThanOrEqual(MIN_SKEW_MS);
        const { run, blip } = await runWithBlip(scenario, [
          { service: scenario.env.stable, errorRate: STABLE.errorRate },
          { service: scenario.env.canary, errorRate: HEALTHY.errorRate },
        ]);
        const steps = JSON.parse(run.main.outputs.steps ?? '[]') as StepOutput[];
        const context = `${verdict(run)}\nskew ${skewMs} ms\n${JSON.stringify(steps, null, 1)}\n${run.main.stdout}`;
        expect(run.main.exitCode, context).toBe(0);
        expect(run.main.outputs.decision, context).toBe('promoted');
        expect(steps.map((step) => step.weight)).toEqual([50, 100]);
        expect(
          steps.every((step) => step.decision === 'passed'),
          context,
        ).toBe(true);
        // The blip fell inside the first step's judged window, on both tracks...
        const first = steps[0];
        expect(Date.parse(first.startedAt)).toBeLessThan(blip.startedAt);
        expect(Date.parse(steps[1].startedAt), context).toBeGreaterThan(blip.endedAt);
        // Both tracks saw it: each is over the 1% max-error-rate in that window. How much of the
        // 2.5 s blip a 9 s window holds depends on where the 3 s scrapes fall (5–11% seen).
        expect(first.canary.errorRate ?? 0, context).toBeGreaterThan(SLO_ERROR_RATE);
        expect(first.stable.errorRate ?? 0, context).toBeGreaterThan(SLO_ERROR_RATE);
        expect(verdict(run)).toMatch(/Promoted/);
        expectPromoted(scenario);
        // ...and the reader is told the service breached its SLO, not that the canary did.
        expect(first.warnings?.join('\n') ?? '', context).toMatch(/stable's 5xx/);
      }, 120_000);

      it('aborts with a 5xx reason when the same blip hits only the canary', async () => {
        const scenario = s!;
        await resetStable(scenario);
        const { run } = await runWithBlip(scenario, [
          { service: scenario.env.canary, errorRate: HEALTHY.errorRate },
        ]);
        const steps = JSON.parse(run.main.outputs.steps ?? '[]') as StepOutput[];
        const context = `${verdict(run)}\n${JSON.stringify(steps, null, 1)}\n${run.main.stdout}`;
        expect(run.main.exitCode, context).toBe(1);
        expect(run.main.outputs.decision, context).toBe('aborted');
        expect(verdict(run), context).toMatch(/Aborted at 50%/);
        expect(verdict(run), context).toMatch(/5xx/);
        expect(steps.map((step) => step.decision)).toEqual(['aborted']);
        expectReverted(scenario);
      }, 120_000);
    });

    describe('a neighbour workload in the namespace: faster, with three times the traffic', () => {
      const SERVICE_RATE = 50;
      /**
       * One step compared with stable. A step lasts the 3 s warm-up, a scrape, 4 s judged and up
       * to two scrapes more for the judge's last batch: more than the scenario's 8 s step-timeout.
       */
      const NEIGHBOUR_INPUTS = { steps: '25,100', interval: '4s', 'step-timeout': '20s' };
      let s: Scenario | undefined;
      let billing: SampleService | undefined;
      let billingLoad: RunningLoad | undefined;

      beforeAll(async () => {
        // Healthy and four times faster than web: counted as stable, it makes a healthy canary
        // look slow.
        billing = await startSampleServiceProcess({ errorRate: 0, latencyMs: 5, jitterMs: 1 });
        billingLoad = startLoad({ url: billing.url, ratePerSecond: 3 * SERVICE_RATE });
        s = await startScenario(world, 'gateway-api', HEALTHY, {
          ratePerSecond: SERVICE_RATE,
          neighbour: billing,
        });
      });
      afterAll(async () => {
        await s?.stop();
        await billingLoad?.stop();
        await billing?.stop();
      });

      it('counted as stable (app=~"web|billing"), the neighbour makes a healthy canary look slower', async () => {
        // The control: what the namespace-wide selection of stable did before issue #17.
        const scenario = s!;
        await resetStable(scenario);
        const run = await scenario.run({
          ...NEIGHBOUR_INPUTS,
          'metrics-selector': 'app=~"web|billing"',
        });
        const context = `${verdict(run)}\n${run.main.stdout}`;
        expect(run.main.outputs.decision, context).toBe('aborted');
        expect(verdict(run), context).toMatch(/slower|p95/);
        expectReverted(scenario);
      });

      it('without metrics-selector, stable is what the Deployment selects: the canary is promoted', async () => {
        const scenario = s!;
        await resetStable(scenario);
        const run = await scenario.run(NEIGHBOUR_INPUTS);
        const steps = JSON.parse(run.main.outputs.steps ?? '[]') as StepOutput[];
        const context = `${verdict(run)}\n${JSON.stringify(steps, null, 1)}\n${run.main.stdout}`;
        expect(run.main.exitCode, context).toBe(0);
        expect(run.main.outputs.decision).toBe('promoted');
        expect(
          steps.every((step) => step.decision === 'passed'),
          context,
        ).toBe(true);
        // At 25% web's stable pods serve three times the canary's requests; with billing's
        // counted as well it would be fifteen times.
        expect(steps[0].stable.requests, context).toBeLessThan(6 * steps[0].canary.requests);
        expect(steps[0].stable.requests, context).toBeGreaterThan(1.5 * steps[0].canary.requests);
        const result = JSON.parse(run.main.outputs.result) as ResultOutput;
        expect(result.metricsSource, context).toContain(
          `http_requests_total{namespace="${scenario.namespace}",app="web"}`,
        );
        expect(result.metricsSource).toContain("Deployment web's selector");
        expect(result.metricsSource).not.toContain('billing');
        expect(run.main.summary).toContain('Series compared');
        expect(run.main.summary).toContain('app=&quot;web&quot;');
        expectPromoted(scenario);
        expect(JSON.parse(run.main.outputs.result)).toMatchObject({ canaryImage: CANARY_IMAGE });
      });
    });
  },
);

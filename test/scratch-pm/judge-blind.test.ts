import { expect, it } from 'vitest';
import { progress, type ProgressionPorts, type ProgressionSettings } from '../../src/canary/progression.js';
import type { Observation, TrackCounts } from '../../src/canary/types.js';

const SETTINGS: ProgressionSettings = {
  intervalMs: 60_000, checkIntervalMs: 10_000, stepTimeoutMs: 300_000, minRequests: 100,
  maxErrorRate: 0.01, maxLatencyP95Ms: 100, alpha: 0.01, checks: [], warmUpMs: undefined,
  errorMargin: { relative: 0, absolute: 0 }, latencyMargin: { relative: 0.05, absolute: 0.002 },
};
function counts(requests: number, errors: number): TrackCounts {
  return { requests, errors, buckets: [{ le: 0.1, count: requests }], latencyCount: requests };
}
function run(scrapeMs: number | undefined) {
  let now = 0, weight = 0, cr = 0, ce = 0, sr = 0, se = 0, lastAt = 0;
  const rate = 100, cErr = 0.008, sErr = 0.001;
  const adv = () => { const s = (now - lastAt) / 1000; cr += rate*s*weight/100; ce += rate*s*weight/100*cErr; sr += rate*s*(100-weight)/100; se += rate*s*(100-weight)/100*sErr; lastAt = now; };
  // what Prometheus shows: counts as of the last scrape (both tracks scraped at the same phase here)
  const history: Array<{ at: number; c: [number, number]; s: [number, number] }> = [];
  const ports: ProgressionPorts = {
    shiftTo: (w) => { adv(); weight = w; return Promise.resolve(w); },
    readMetrics: () => {
      adv();
      history.push({ at: now, c: [cr, ce], s: [sr, se] });
      const at = scrapeMs ? Math.floor(now / scrapeMs) * scrapeMs : now;
      const h = [...history].reverse().find((x) => x.at <= at) ?? history[0];
      const o: Observation = { atMs: at, canary: counts(h.c[0], h.c[1]), stable: counts(h.s[0], h.s[1]), scrapeIntervalMs: scrapeMs };
      return Promise.resolve(o);
    },
    runChecks: () => Promise.resolve([]), stepFinished: () => undefined, now: () => now,
    sleep: (ms) => { now += ms; return Promise.resolve(true); }, cancelled: () => false,
  };
  return progress([10, 25, 50, 75, 100], SETTINGS, ports);
}
it('judge with scrape interval', async () => {
  for (const scrape of [undefined, 1000, 5000, 15_000, 30_000]) {
    const r = await run(scrape);
    console.log(scrape, r.end, r.reason, r.steps.map((s) => [s.weight, s.decision, s.pValue?.toPrecision(2), s.canary.errorRate?.toFixed(4), s.stable.errorRate?.toFixed(4), Math.round(s.canary.requests)]));
  }
  expect(1).toBe(1);
});

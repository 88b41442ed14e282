/**
 * How soon a bad canary is stopped, and how often a good one is stopped anyway: the action's
 * decision (its SequentialJudge plus the per-step limits, as progress() runs them) against a
 * Flagger-style threshold check, a Kayenta-style Mann–Whitney test and an oracle SPRT, all on the
 * same seeded traffic (see support/canary/).
 */
import { describe, it } from 'vitest';
import { writePart, type Figure } from './support/figures.js';
import {
  abortSeconds,
  BOUND_SECONDS,
  concurrentOracleSecond,
  DETECTION,
  IDENTICAL,
  METHODS,
  REALISTIC,
  realisticAbortSeconds,
  SMALLER_EFFECTS,
  type Method,
} from './support/canary/scenarios.js';
import type { Scenario } from './support/canary/traffic.js';
import { median, round } from './support/stats.js';

const DETECTION_RUNS = 200;
const IDENTICAL_RUNS = 1_000;
const REALISTIC_RUNS = 1_000;
const LABELS: Record<Method, string> = {
  action: 'Slipway canary (judge + limits)',
  flagger: 'Flagger-style threshold, 60 s',
  'mann-whitney': 'Mann–Whitney, last 60 s, every check',
  'oracle-sprt': 'oracle SPRT (floor)',
};

interface Detection {
  median: number;
  detectedShare: number;
}

async function runs(scenario: Scenario, alternative: Scenario, count: number, seedBase: number) {
  const seconds = Object.fromEntries(METHODS.map((m) => [m, [] as number[]])) as Record<
    Method,
    number[]
  >;
  for (let run = 0; run < count; run += 1) {
    const outcome = await abortSeconds(scenario, alternative, seedBase + run);
    for (const method of METHODS) seconds[method].push(outcome[method] ?? Infinity);
  }
  return seconds;
}

function detection(seconds: number[]): Detection {
  const detected = seconds.filter(Number.isFinite).length;
  const middle = median(seconds);
  return {
    median: Number.isFinite(middle) ? middle : BOUND_SECONDS,
    detectedShare: detected / seconds.length,
  };
}

const prefix = (method: Method) => (method === 'action' ? 'canary' : `canary.${method}`);
const shown = (d: Detection) =>
  d.detectedShare < 0.5
    ? `> ${BOUND_SECONDS} s (${pct(d.detectedShare)})`
    : `${d.median} s (${pct(d.detectedShare)})`;
const pct = (share: number) => `${round(share * 100, 1)}%`;

describe('canary judge, simulated', () => {
  it('detects a 10× error rate, and aborts identical canaries rarely', async () => {
    const effects: Record<string, Record<Method, Detection>> = {};
    const main = await runs(DETECTION, DETECTION, DETECTION_RUNS, 1_000_000);
    effects[''] = mapMethods((m) => detection(main[m]));
    for (const [key, scenario] of Object.entries(SMALLER_EFFECTS)) {
      const seconds = await runs(scenario, scenario, DETECTION_RUNS, 2_000_000);
      effects[key] = mapMethods((m) => detection(seconds[m]));
    }
    const identical = await runs(IDENTICAL, DETECTION, IDENTICAL_RUNS, 3_000_000);
    const falseAborts = mapMethods(
      (m) => identical[m].filter(Number.isFinite).length / IDENTICAL_RUNS,
    );

    const figures: Figure[] = [];
    for (const method of METHODS) {
      figures.push({
        name: `${prefix(method)}.detect.seconds.median`,
        value: effects[''][method].median,
        unit: 'seconds',
        comparedWith: `${LABELS[method]}; ${DETECTION_RUNS} runs, detected in ${pct(effects[''][method].detectedShare)} within ${BOUND_SECONDS} s`,
      });
    }
    for (const method of METHODS) {
      figures.push({
        name: `${prefix(method)}.false_abort_rate`,
        value: falseAborts[method],
        unit: 'fraction',
        comparedWith: `${LABELS[method]}; ${IDENTICAL_RUNS} identical-canary runs of ${BOUND_SECONDS} s`,
      });
    }
    for (const [key, byMethod] of Object.entries(effects).filter(([key]) => key !== '')) {
      for (const method of METHODS) {
        const base = `${prefix(method)}.${key}`;
        const label = `${LABELS[method]}, ${SMALLER_EFFECTS[key].name}`;
        figures.push(
          {
            name: `${base}.detect.seconds.median`,
            value: byMethod[method].median,
            unit: 'seconds',
            comparedWith: label,
            detail: true,
          },
          {
            name: `${base}.detected_share`,
            value: byMethod[method].detectedShare,
            unit: 'fraction',
            comparedWith: label,
            detail: true,
          },
        );
      }
    }
    const rows = [
      [DETECTION.name, ...METHODS.map((m) => shown(effects[''][m]))],
      ...Object.entries(SMALLER_EFFECTS).map(([key, s]) => [
        s.name,
        ...METHODS.map((m) => shown(effects[key][m])),
      ]),
      [`${IDENTICAL.name}: false aborts`, ...METHODS.map((m) => pct(falseAborts[m]))],
    ];
    const table = [
      '## Canary judge: median seconds to abort (share of runs aborted within 600 s)',
      '',
      `| effect | ${METHODS.map((m) => LABELS[m]).join(' | ')} |`,
      `|---|${METHODS.map(() => '---:').join('|')}|`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
    // Same seeds as the errors-2x runs above: the ceiling of any comparison with stable.
    const twice = SMALLER_EFFECTS['errors-2x'];
    let ceiling = 0;
    for (let run = 0; run < DETECTION_RUNS; run += 1) {
      if (concurrentOracleSecond(twice, 2_000_000 + run) !== undefined) ceiling += 1;
    }
    figures.push({
      name: 'canary.concurrent-oracle.errors-2x.detected_share',
      value: ceiling / DETECTION_RUNS,
      unit: 'fraction',
      comparedWith: `SPRT on which track each 5xx fell in, knowing the true 2× ratio: the ceiling of a comparison with stable as it serves; ${twice.name}, ${DETECTION_RUNS} runs`,
    });
    const realistic = await realisticFalseAborts();
    figures.push(...realistic.figures);
    await writePart({ bench: '4-canary-judge', figures, sections: [table, realistic.table] });
  });
});

function mapMethods<T>(value: (method: Method) => T): Record<Method, T> {
  return Object.fromEntries(METHODS.map((m) => [m, value(m)])) as Record<Method, T>;
}

/**
 * Identical or practically identical canaries on production-like data, each method on the same
 * simulated runs: the share of runs it aborted within the bound.
 */
async function realisticFalseAborts(): Promise<{ figures: Figure[]; table: string }> {
  const figures: Figure[] = [];
  const rows: string[][] = [];
  let seedBase = 5_000_000;
  for (const [key, scenario] of Object.entries(REALISTIC)) {
    const aborted = mapMethods(() => 0);
    for (let run = 0; run < REALISTIC_RUNS; run += 1) {
      const outcome = await realisticAbortSeconds(scenario, seedBase + run);
      for (const method of METHODS) if (outcome[method] !== undefined) aborted[method] += 1;
    }
    seedBase += 1_000_000;
    for (const method of METHODS) {
      const name =
        method === 'action'
          ? `canary.realistic.false_abort_rate.${key}`
          : `canary.${method}.realistic.false_abort_rate.${key}`;
      figures.push({
        name,
        value: aborted[method] / REALISTIC_RUNS,
        unit: 'fraction',
        comparedWith: `${LABELS[method]}; ${REALISTIC_RUNS} runs of ${BOUND_SECONDS} s, ${scenario.name}`,
        detail: method !== 'action',
      });
    }
    rows.push([scenario.name, ...METHODS.map((m) => pct(aborted[m] / REALISTIC_RUNS))]);
  }
  const table = [
    '## Canary judge on production-like data: share of identical canaries aborted within 600 s',
    '',
    'Pods scraped every 15 s at offsets of their own, stable serving long before the canary, the',
    "action's defaults (check every 10 s) reading the samples through its own collector. The",
    "comparators get each second's true counts of the workload's own tracks, which flatters them.",
    '',
    `| scenario | ${METHODS.map((m) => LABELS[m]).join(' | ')} |`,
    `|---|${METHODS.map(() => '---:').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
  return { figures, table };
}

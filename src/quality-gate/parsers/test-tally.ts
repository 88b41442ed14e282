import type { TestCase, TestResults, TestTotals } from '../model.js';

/** Failed and flaky cases kept for annotations and the summary; the rest are only counted. */
export const MAX_NOTABLE_TESTS = 1000;
/** How many of the slowest cases a report keeps for the summary. */
export const SLOWEST_TESTS = 10;

/**
 * Counts test cases as a parser reads them, whatever the format, and keeps only what the summary
 * and annotations need: failed and flaky cases (bounded) and the slowest few. Memory stays small on
 * reports with hundreds of thousands of cases.
 */
export class TestTally {
  private readonly totals: TestTotals = { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 };
  private readonly notable: TestCase[] = [];
  /** Slowest first; at most SLOWEST_TESTS. */
  private readonly slowest: TestCase[] = [];

  /** `describe` builds the full case only when it is kept. */
  add(
    outcome: TestCase['outcome'],
    durationMs: number | undefined,
    describe: () => TestCase,
  ): void {
    this.totals.total += 1;
    if (outcome === 'failed') this.totals.failed += 1;
    else if (outcome === 'skipped') this.totals.skipped += 1;
    else this.totals.passed += 1;
    if (outcome === 'flaky') this.totals.flaky += 1;

    const notable =
      (outcome === 'failed' || outcome === 'flaky') && this.notable.length < MAX_NOTABLE_TESTS;
    const slow =
      outcome !== 'skipped' && durationMs !== undefined && isAmongSlowest(this.slowest, durationMs);
    if (!notable && !slow) return;
    const described = describe();
    if (notable) this.notable.push(described);
    if (slow) insertSlow(this.slowest, described);
  }

  results(): TestResults {
    return { totals: { ...this.totals }, notable: this.notable, slowest: this.slowest };
  }
}

/** Merges the slowest lists of several reports of one check. */
export function slowestOf(lists: TestCase[][]): TestCase[] {
  const slowest: TestCase[] = [];
  for (const list of lists)
    for (const test of list)
      if (isAmongSlowest(slowest, test.durationMs ?? 0)) insertSlow(slowest, test);
  return slowest;
}

function isAmongSlowest(slowest: TestCase[], durationMs: number): boolean {
  return (
    durationMs > 0 &&
    (slowest.length < SLOWEST_TESTS || durationMs > (slowest.at(-1)?.durationMs ?? 0))
  );
}

function insertSlow(slowest: TestCase[], test: TestCase): void {
  const at = slowest.findIndex((other) => (other.durationMs ?? 0) < (test.durationMs ?? 0));
  slowest.splice(at === -1 ? slowest.length : at, 0, test);
  if (slowest.length > SLOWEST_TESTS) slowest.pop();
}

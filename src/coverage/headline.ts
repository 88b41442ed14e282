import { BranchTakens, LineHits, type FileCoverage } from './model.js';
import type { Ratio } from './totals.js';

/**
 * How the headline rate counts a line that ran while one of its branches did not:
 * - `lines`: as covered — the line ran (lcov, Istanbul and coverage.py's line figure);
 * - `codecov`: as a miss — Codecov's coverage is hits ÷ (hits + partials + misses), and that is
 *   the number people compare with when they move from Codecov.
 */
export const HEADLINE_DEFINITIONS = ['lines', 'codecov'] as const;
export type HeadlineDefinition = (typeof HEADLINE_DEFINITIONS)[number];

export interface Headline extends Ratio {
  definition: HeadlineDefinition;
  /** Lines that ran with at least one branch never taken (Codecov's "partials"). */
  partials: number;
}

export function headlineOf(
  files: readonly FileCoverage[],
  lines: Ratio,
  definition: HeadlineDefinition,
): Headline {
  const partials = partialLines(files);
  const covered = definition === 'codecov' ? lines.covered - partials : lines.covered;
  return { definition, covered, total: lines.total, partials };
}

/** A partial line is coverable, ran, and has a branch that was never taken. */
export function partialLines(files: readonly FileCoverage[]): number {
  let partials = 0;
  for (const file of files) {
    if (file.lines instanceof LineHits && file.branches instanceof BranchTakens) {
      // Counted in the typed arrays: iterating would build an array per branch line.
      partials += file.lines.countRan(file.branches.untakenLines());
      continue;
    }
    for (const [line, taken] of file.branches) {
      if ((file.lines.get(line) ?? 0) > 0 && taken.some((hits) => hits === 0)) partials += 1;
    }
  }
  return partials;
}

/** One sentence for the summary: which number the headline is, so nobody has to guess. */
export function describeHeadline(headline: Headline): string {
  const partials = headline.partials === 1 ? '1 line ran' : `${headline.partials} lines ran`;
  if (headline.definition === 'codecov') {
    return `The headline rate is Codecov's: hits ÷ (hits + partials + misses); ${partials} with a branch never taken and count${headline.partials === 1 ? 's' : ''} as missed.`;
  }
  const switchHint =
    headline.partials > 0
      ? ` ${partials} with a branch never taken; headline: codecov counts such lines as missed, as Codecov does.`
      : '';
  return `The headline rate is lines that ran ÷ coverable lines.${switchHint}`;
}

/**
 * Changed source files that appear in no coverage report: the unmatched-changes setting, the
 * message of a min-patch gate that measured nothing because of them, and the path-fixes line
 * that would probably map them.
 */
import { sharedSuffix } from './resolve-paths.js';
import type { PatchCoverage } from './totals.js';

/** What happens to changed source files that appear in no report (the unmatched-changes input). */
export const UNMATCHED_CHANGES = ['fail', 'uncovered', 'ignore'] as const;
export type UnmatchedChanges = (typeof UNMATCHED_CHANGES)[number];

/** How many unmatched files a message names before it says "and N more". */
const NAMED = 5;

/**
 * Whether unmatched changed files fail min-patch: with unmatched-changes: fail, when nothing was
 * measured, and only when some report paths name no file of the checkout, so the reports' paths
 * most likely failed to map. A pull request that changes only tests or configuration (files of a
 * covered language that no report was meant to cover) has nothing to check and passes.
 */
export function unmatchedFailsGate(patch: PatchCoverage, mode: UnmatchedChanges): boolean {
  return (
    mode === 'fail' &&
    patch.total === 0 &&
    patch.filesWithoutCoverage.length > 0 &&
    (patch.strayReportPaths?.length ?? 0) > 0
  );
}

/** The message of a min-patch gate that measured nothing because no changed file matched. */
export function unmatchedFailure(patch: PatchCoverage, minPatch: number): string {
  const files = patch.filesWithoutCoverage;
  const stray = patch.strayReportPaths ?? [];
  const fix = patch.suggestedPathFix
    ? `the reports seem to name them by other paths: map them with path-fixes: ${patch.suggestedPathFix}`
    : `if the reports name them by other paths, map those onto the repository with path-fixes (e.g. /app=. for a container)`;
  return (
    `min-patch ${minPatch}% measured nothing: ${files.length} changed source file(s) appear in no coverage report ` +
    `(${nameFew(files)}), while ${stray.length} report path(s) name no file in the checkout (${nameFew(stray)}); ` +
    `${fix}, or set unmatched-changes: uncovered to count their lines as uncovered`
  );
}

export function nameFew(paths: readonly string[]): string {
  const named = paths.slice(0, NAMED).join(', ');
  return paths.length > NAMED ? `${named} and ${paths.length - NAMED} more` : named;
}

/**
 * A `from=to` line that would turn report paths (pass those naming no file of the checkout) into
 * the changed files' paths, from the pair sharing the most trailing directories: report
 * com/acme/Foo.java and changed file svc/src/main/java/com/acme/Bar.java give
 * com=svc/src/main/java/com. Undefined when no pair shares a directory, or the shared part
 * already starts at the same place in both.
 */
export function suggestPathFix(
  unmatched: readonly string[],
  reportPaths: readonly string[],
): string | undefined {
  let best: { shared: number; from: string[]; to: string[] } | undefined;
  for (const changed of unmatched) {
    const to = changed.split('/').slice(0, -1);
    for (const reported of reportPaths) {
      if (reported.startsWith('/') || reported.startsWith('../')) continue;
      const from = reported.split('/').slice(0, -1);
      const shared = sharedSuffix(from, to);
      if (shared === 0 || (shared === from.length && shared === to.length)) continue;
      if (!best || shared > best.shared) best = { shared, from, to };
    }
  }
  if (!best) return undefined;
  // path-fixes rewrite a prefix, never an empty one: when the report path is a whole suffix of
  // the file's, the first shared directory becomes the prefix on both sides.
  const keep = best.from.length - best.shared;
  const cut = keep > 0 ? keep : 1;
  const from = best.from.slice(0, cut).join('/');
  const to = best.to.slice(0, best.to.length - best.from.length + cut).join('/') || '.';
  return `${from}=${to}`;
}

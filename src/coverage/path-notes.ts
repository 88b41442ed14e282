import { fixBetween, groupAmbiguous, type PathFixing, type PathReview } from './path-fixes.js';
import { sharedSuffix } from './resolve-paths.js';

const NAMED = 5;

/**
 * What the summary says about paths that did not resolve: which, and the path-fixes line that
 * would map them (worked out from the repository's files when one matched, else the usual one).
 */
export function pathNotes(
  review: PathReview,
  fixing: Pick<PathFixing, 'ambiguous' | 'suggestions'> &
    Partial<Pick<PathFixing, 'unusedFixes' | 'reportedPaths'>>,
): string[] {
  const notes: string[] = [];
  for (const { from, to } of fixing.unusedFixes ?? []) {
    const looks = fixing.reportedPaths?.length
      ? `; the reports' paths look like ${fixing.reportedPaths.join(', ')}`
      : '';
    notes.push(`path-fixes rule ${from}=${to} matched no report path${looks}.`);
  }
  const suggested =
    fixing.suggestions.length > 0
      ? fixing.suggestions
          .slice(0, 3)
          .map(({ from, to }) => `${from}=${to}`)
          .join(' and ')
      : undefined;
  if (review.outside.length > 0) {
    notes.push(
      `${review.outside.length} file(s) lie outside the repository and are left out of every total: ${named(review.outside)}. ${suggested ? `The repository's files suggest path-fixes: ${suggested}.` : 'Map them with path-fixes, e.g. /app=. if the tests ran in a container.'}`,
    );
  }
  const ambiguous = new Set(fixing.ambiguous.map(({ path }) => path));
  const missing = review.missing.filter((path) => !ambiguous.has(path));
  if (missing.length > 0) {
    notes.push(
      `${missing.length} file(s) in the reports were not found in the checkout, neither beside the report nor by name among the repository's files, and count as written: ${named(missing)}. ${suggested ? `The repository's files suggest path-fixes: ${suggested}.` : 'If they live elsewhere, map them with path-fixes, e.g. build/src=src.'}`,
    );
  }
  if (fixing.ambiguous.length > 0) notes.push(ambiguousNote(fixing.ambiguous));
  return notes;
}

function named(paths: readonly string[]): string {
  const more = paths.length > NAMED ? ` and ${paths.length - NAMED} more` : '';
  return `${paths.slice(0, NAMED).join(', ')}${more}`;
}

/**
 * One entry per path. A path-fixes line is only offered when one report named the path: when
 * several did (coverage-a/lcov.info and coverage-b/lcov.info both saying src/index.js), a fix
 * rewrites the path in all of them alike and would map every report onto one package.
 */
function ambiguousNote(ambiguous: PathFixing['ambiguous']): string {
  const byPath = groupAmbiguous(ambiguous);
  const examples = byPath
    .slice(0, 3)
    .map(({ path, candidates }) => `${path} (${candidates.slice(0, 3).join(' or ')})`)
    .join(', ');
  const more = byPath.length > 3 ? ` and ${byPath.length - 3} more` : '';
  const shared = byPath.find(({ reports }) => reports.length > 1);
  let advice: string;
  if (shared) {
    const candidate = shared.candidates[0].split('/');
    const directory = candidate.slice(0, -sharedSuffix(candidate, shared.path.split('/')));
    const example =
      directory.length > 0 ? `${directory.join('/')}/coverage` : 'packages/a/coverage';
    advice = `Several reports (${shared.reports.slice(0, 3).join(', ')}) name ${shared.path}, and they merge into one file: download each leg's report into its package directory (actions/download-artifact with path: ${example}) so it resolves there, or run one coverage step per package with name.`;
  } else {
    const first = byPath[0];
    const fix = fixBetween(first.path, first.candidates[0]);
    advice = `${fix ? `Say which with path-fixes, e.g. ${fix.from}=${fix.to}, or write` : 'Write'} each package's report inside the package.`;
  }
  return `${byPath.length} report path(s) matched several repository files equally well and were kept as written: ${examples}${more}. ${advice}`;
}

import { fixBetween, type PathFixing, type PathReview } from './path-fixes.js';

const NAMED = 5;

/**
 * What the summary says about paths that did not resolve: which, and the path-fixes line that
 * would map them (worked out from the repository's files when one matched, else the usual one).
 */
export function pathNotes(
  review: PathReview,
  fixing: Pick<PathFixing, 'ambiguous' | 'suggestions'>,
): string[] {
  const notes: string[] = [];
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
  if (fixing.ambiguous.length > 0) {
    const examples = fixing.ambiguous
      .slice(0, 3)
      .map(({ path, candidates }) => `${path} (${candidates.slice(0, 3).join(' or ')})`)
      .join(', ');
    const first = fixing.ambiguous[0];
    const fix = fixBetween(first.path, first.candidates[0]);
    const say = fix ? `Say which with path-fixes, e.g. ${fix.from}=${fix.to}, or write` : 'Write';
    notes.push(
      `${fixing.ambiguous.length} report path(s) matched several repository files equally well and were kept as written: ${examples}. ${say} each package's report inside the package.`,
    );
  }
  return notes;
}

function named(paths: readonly string[]): string {
  const more = paths.length > NAMED ? ` and ${paths.length - NAMED} more` : '';
  return `${paths.slice(0, NAMED).join(', ')}${more}`;
}

import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { CoverageReport } from './model.js';

export interface PathFix {
  from: string;
  to: string;
}

export interface PathReview {
  /** Paths still outside the repository after the fixes: left out of every total. */
  outside: string[];
  /** Repository-relative paths that do not exist in the checkout: counted, but worth a look. */
  missing: string[];
}

/**
 * Rewrites report paths with the user's `from=to` prefixes (the longest matching prefix wins, at
 * a path boundary), then makes them repository-relative. Reports produced in a container or
 * another checkout say /app/src/x.ts where the repository has src/x.ts.
 */
export function applyPathFixes(
  reports: CoverageReport[],
  fixes: readonly PathFix[],
  workspace: string,
): CoverageReport[] {
  const ordered = [...fixes].sort((a, b) => b.from.length - a.from.length);
  return reports.map((report) => ({
    ...report,
    files: report.files.map((file) => ({ ...file, path: fixPath(file.path, ordered, workspace) })),
  }));
}

function fixPath(path: string, fixes: readonly PathFix[], workspace: string): string {
  for (const { from, to } of fixes) {
    const prefix = from.replace(/\/+$/, '');
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      const rest = path.slice(prefix.length).replace(/^\/+/, '');
      const replaced = to === '' || to === '.' ? rest : `${to.replace(/\/+$/, '')}/${rest}`;
      return toRepositoryPath(replaced, workspace);
    }
  }
  return toRepositoryPath(path, workspace);
}

/** Splits the merged paths into those outside the repository and those missing from the checkout. */
export function reviewPaths(paths: readonly string[], workspace: string): PathReview {
  const review: PathReview = { outside: [], missing: [] };
  for (const path of paths) {
    if (isAbsolute(path) || path.startsWith('../') || /^[A-Za-z]:\//.test(path))
      review.outside.push(path);
    else if (!existsSync(join(workspace, path))) review.missing.push(path);
  }
  return review;
}

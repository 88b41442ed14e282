import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as core from '@actions/core';
import { escapeUntrusted } from '../core/log.js';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { CoverageReport, FileCoverage } from './model.js';
import { listRepositoryFiles } from './repository-files.js';
import {
  reportDirectory,
  resolveReportPaths,
  SuffixIndex,
  type AmbiguousPath,
} from './resolve-paths.js';

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

export interface PathFixing {
  reports: CoverageReport[];
  /** Report paths that matched several repository files equally well, kept as written. */
  ambiguous: AmbiguousPath[];
  /** path-fixes lines that would map what stayed unresolved onto files of the repository. */
  suggestions: PathFix[];
}

/**
 * Makes every report path repository-relative: first the automatic resolution (the report's
 * directory, then the repository's files, see resolve-paths.ts), then the user's path-fixes on
 * whatever that left unresolved (absolute paths from a container or another checkout, paths
 * matching nothing or several files). A path the resolution found is not rewritten again.
 */
export async function fixReportPaths(
  reports: readonly CoverageReport[],
  fixes: readonly PathFix[],
  workspace: string,
  listFiles: () => Promise<readonly string[]> = () => listRepositoryFiles(workspace),
): Promise<PathFixing> {
  let files: Promise<readonly string[]> | undefined;
  const listOnce = () => (files ??= listFiles());
  const resolution = await resolveReportPaths(reports, workspace, listOnce);
  const fixed = applyPathFixes(resolution.reports, fixes, workspace, resolution.resolved);

  const unresolved: { path: string; directory?: string }[] = [];
  resolution.reports.forEach((report, reportIndex) => {
    const directory = reportDirectory(report.origin, workspace);
    report.files.forEach((file, fileIndex) => {
      if (resolution.resolved.has(file)) return;
      const final = fixed[reportIndex].files[fileIndex].path;
      const review = reviewPaths([final], workspace);
      if (review.outside.length + review.missing.length > 0) {
        unresolved.push({ path: file.path, directory });
      }
    });
  });
  const stillUnresolved = new Set(unresolved.map(({ path }) => path));
  const ambiguous = resolution.ambiguous.filter(({ path }) => stillUnresolved.has(path));
  const suggestions: PathFix[] = [];
  if (unresolved.length > 0) {
    const index = new SuffixIndex(await listOnce());
    const seen = new Set<string>();
    for (const { path, directory } of unresolved) {
      const match = index.match(path, directory);
      const suggestion = match.length === 1 ? fixBetween(path, match[0]) : undefined;
      if (!suggestion || seen.has(`${suggestion.from}=${suggestion.to}`)) continue;
      seen.add(`${suggestion.from}=${suggestion.to}`);
      suggestions.push(suggestion);
    }
  }
  const moved = [...resolution.resolved].length;
  core.info(
    `Report paths: ${moved} found in the repository, ${unresolved.length} not (${ambiguous.length} of them ambiguous).`,
  );
  for (const { path, candidates } of ambiguous.slice(0, 10)) {
    core.info(escapeUntrusted(`  ${path} matches ${candidates.join(', ')}`));
  }
  return { reports: fixed, ambiguous, suggestions };
}

/** /app/src/a.ts and src/a.ts → /app=. (the prefixes before the parts they share). */
export function fixBetween(reported: string, repositoryFile: string): PathFix | undefined {
  const from = reported.split('/');
  const to = repositoryFile.split('/');
  let shared = 0;
  while (
    shared < from.length - 1 &&
    shared < to.length &&
    from.at(-1 - shared) === to.at(-1 - shared)
  )
    shared += 1;
  const prefix = from.slice(0, from.length - shared).join('/');
  if (prefix === '' || shared === 0) return undefined;
  return { from: prefix, to: to.slice(0, to.length - shared).join('/') || '.' };
}

/**
 * Rewrites report paths with the user's `from=to` prefixes (the longest matching prefix wins, at
 * a path boundary), then makes them repository-relative. Reports produced in a container or
 * another checkout say /app/src/x.ts where the repository has src/x.ts. Files in `keep` (found
 * by the automatic resolution) are left as they are.
 */
export function applyPathFixes(
  reports: readonly CoverageReport[],
  fixes: readonly PathFix[],
  workspace: string,
  keep: ReadonlySet<FileCoverage> = new Set(),
): CoverageReport[] {
  const ordered = [...fixes].sort((a, b) => b.from.length - a.from.length);
  return reports.map((report) => ({
    ...report,
    files: report.files.map((file) =>
      keep.has(file) ? file : { ...file, path: fixPath(file.path, ordered, workspace) },
    ),
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

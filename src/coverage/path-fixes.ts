import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import * as core from '@actions/core';
import { escapeUntrusted } from '../core/log.js';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { CoverageReport, FileCoverage } from './model.js';
import { listRepositoryFiles } from '../core/repository-files.js';
import {
  reportDirectory,
  resolveReportPaths,
  sharedSuffix,
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
  /** path-fixes lines that matched no report path (a typo, or a prefix of another machine). */
  unusedFixes: PathFix[];
  /** A few report paths as the reports wrote them, to compare an unused fix with. */
  reportedPaths: string[];
}

/**
 * Makes every report path repository-relative. The user's path-fixes come first: a path whose
 * prefix a fix matches (as the report wrote it, see FileCoverage.reportedPath) is rewritten by it
 * and made repository-relative, whatever the automatic resolution would have found. The paths
 * no fix matched are resolved automatically (the report's directory and its parents, then the
 * repository's files, see resolve-paths.ts).
 */
export async function fixReportPaths(
  reports: readonly CoverageReport[],
  fixes: readonly PathFix[],
  workspace: string,
  listFiles: () => Promise<readonly string[]> = () => listRepositoryFiles(workspace),
): Promise<PathFixing> {
  let files: Promise<readonly string[]> | undefined;
  const listOnce = () => (files ??= listFiles());
  const explicit = applyExplicitFixes(reports, fixes, workspace);
  const resolution = await resolveReportPaths(
    explicit.reports,
    workspace,
    listOnce,
    explicit.fixed,
  );
  const fixed = resolution.reports.map((report) => ({
    ...report,
    files: report.files.map((file) =>
      resolution.resolved.has(file) || explicit.fixed.has(file)
        ? file
        : { ...file, path: toRepositoryPath(file.path, workspace) },
    ),
  }));

  const unresolved: { path: string; directory?: string }[] = [];
  resolution.reports.forEach((report, reportIndex) => {
    const directory = reportDirectory(report.origin, workspace);
    report.files.forEach((file, fileIndex) => {
      if (resolution.resolved.has(file)) return;
      const final = fixed[reportIndex].files[fileIndex].path;
      const review = reviewPaths([final], workspace);
      if (review.outside.length + review.missing.length > 0) {
        unresolved.push({ path: reports[reportIndex].files[fileIndex].path, directory });
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
    `Report paths: ${explicit.fixed.size} mapped by path-fixes, ${moved} found in the repository, ${unresolved.length} not (${ambiguous.length} of them ambiguous).`,
  );
  warnAmbiguous(ambiguous);
  return {
    reports: fixed,
    ambiguous,
    suggestions,
    unusedFixes: explicit.unused,
    reportedPaths: explicit.unused.length > 0 ? samplePaths(reports) : [],
  };
}

/**
 * Ambiguous paths are kept as written, so every report naming one merges into one file that is
 * none of the candidates: that must not pass unseen.
 */
function warnAmbiguous(ambiguous: readonly AmbiguousPath[]): void {
  if (ambiguous.length === 0) return;
  const byPath = groupAmbiguous(ambiguous);
  const named = byPath
    .slice(0, 5)
    .map(
      ({ path, reports, candidates }) =>
        `${path} (in ${reports.join(', ')}) matches ${candidates.join(', ')}`,
    )
    .join('; ');
  const more = byPath.length > 5 ? ` and ${byPath.length - 5} more` : '';
  core.warning(
    escapeUntrusted(
      `${byPath.length} report path(s) matched several repository files and were kept as written, so reports naming them merge into one file: ${named}${more}. The job summary says how to tell them apart.`,
    ),
    { title: 'Coverage report paths are ambiguous' },
  );
}

/** One entry per ambiguous path, with every report that named it. */
export function groupAmbiguous(
  ambiguous: readonly AmbiguousPath[],
): { path: string; reports: string[]; candidates: string[] }[] {
  const byPath = new Map<string, { path: string; reports: string[]; candidates: string[] }>();
  for (const { path, report, candidates } of ambiguous) {
    const entry = byPath.get(path);
    if (!entry) byPath.set(path, { path, reports: [report], candidates: [...candidates] });
    else {
      if (!entry.reports.includes(report)) entry.reports.push(report);
      for (const candidate of candidates)
        if (!entry.candidates.includes(candidate)) entry.candidates.push(candidate);
    }
  }
  // Sorted: file listings and report reads finish in any order, and messages must not vary.
  return [...byPath.values()].map((entry) => ({
    ...entry,
    reports: [...entry.reports].sort(),
    candidates: [...entry.candidates].sort(),
  }));
}

/** The first few distinct paths as the reports wrote them. */
function samplePaths(reports: readonly CoverageReport[]): string[] {
  const paths = new Set<string>();
  for (const report of reports) {
    for (const file of report.files) {
      paths.add(file.reportedPath ?? file.path);
      if (paths.size >= 3) return [...paths];
    }
  }
  return [...paths];
}

/** /app/src/a.ts and src/a.ts → /app=. (the prefixes before the parts they share). */
export function fixBetween(reported: string, repositoryFile: string): PathFix | undefined {
  const from = reported.split('/');
  const to = repositoryFile.split('/');
  // At least one leading part of the reported path stays: it is the prefix to rewrite.
  const shared = Math.min(sharedSuffix(from, to), from.length - 1);
  const prefix = from.slice(0, from.length - shared).join('/');
  if (prefix === '' || shared === 0) return undefined;
  return { from: prefix, to: to.slice(0, to.length - shared).join('/') || '.' };
}

/**
 * Rewrites report paths with the user's `from=to` prefixes (the longest matching prefix wins, at
 * a path boundary), then makes them repository-relative. Reports produced in a container or
 * another checkout say /app/src/x.ts where the repository has src/x.ts. A path no fix matches is
 * only made repository-relative.
 */
export function applyPathFixes(
  reports: readonly CoverageReport[],
  fixes: readonly PathFix[],
  workspace: string,
): CoverageReport[] {
  const applied = applyExplicitFixes(reports, fixes, workspace);
  return applied.reports.map((report) => ({
    ...report,
    files: report.files.map((file) =>
      applied.fixed.has(file) ? file : { ...file, path: toRepositoryPath(file.path, workspace) },
    ),
  }));
}

interface ExplicitFixing {
  /** The reports with the files a fix matched rewritten; other files are untouched. */
  reports: CoverageReport[];
  /** The rewritten files. */
  fixed: ReadonlySet<FileCoverage>;
  /** Fixes that matched no path. */
  unused: PathFix[];
}

function applyExplicitFixes(
  reports: readonly CoverageReport[],
  fixes: readonly PathFix[],
  workspace: string,
): ExplicitFixing {
  const rules = fixes
    .map((fix) => ({
      fix,
      from: normaliseFixPath(insideWorkspace(fix.from, workspace)),
      to: normaliseFixPath(fix.to),
    }))
    .sort((a, b) => b.from.length - a.from.length);
  const used = new Set<PathFix>();
  const fixed = new Set<FileCoverage>();
  const out = reports.map((report) => ({
    ...report,
    files: report.files.map((file) => {
      for (const written of [file.reportedPath, file.path]) {
        if (written === undefined) continue;
        const path = written.replace(/\\/g, '/');
        const rule = rules.find(({ from }) => startsWithPrefix(path, from));
        if (!rule) continue;
        used.add(rule.fix);
        const rest = path.slice(rule.from.length).replace(/^\/+/, '');
        const to = rule.to.replace(/\/+$/, '');
        const replaced = to === '' || to === '.' ? rest : `${to}/${rest}`;
        const moved = { ...file, path: toRepositoryPath(replaced, workspace) };
        fixed.add(moved);
        return moved;
      }
      return file;
    }),
  }));
  return { reports: out, fixed, unused: fixes.filter((fix) => !used.has(fix)) };
}

/**
 * Parsers make absolute paths inside the workspace relative before any rule runs, so a rule
 * written with the workspace's absolute path (<workspace>/dist=src) is made relative too.
 */
function insideWorkspace(from: string, workspace: string): string {
  const relativePath = relative(workspace, from);
  const inside =
    isAbsolute(from) &&
    relativePath !== '' &&
    !relativePath.startsWith('..') &&
    !isAbsolute(relativePath);
  return inside ? relativePath.split(sep).join('/') : from;
}

/** As report paths are normalised: forward slashes, no trailing slash, no leading ./ . */
export function normaliseFixPath(path: string): string {
  const slashed = path.trim().replace(/\\/g, '/');
  const bare = slashed.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
  return bare === '' && slashed.startsWith('/') ? '/' : bare;
}

/** At a path boundary; Windows paths (C:/...) compare without regard to case, as Windows does. */
function startsWithPrefix(path: string, prefix: string): boolean {
  if (prefix === '') return false;
  const windows = /^[A-Za-z]:\//.test(prefix) || /^[A-Za-z]:$/.test(prefix);
  const [p, f] = windows ? [path.toLowerCase(), prefix.toLowerCase()] : [path, prefix];
  if (f === '/') return p.startsWith('/');
  return p === f || p.startsWith(`${f}/`);
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

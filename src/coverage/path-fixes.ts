import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as core from '@actions/core';
import { escapeUntrusted } from '../core/log.js';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { CoverageReport } from './model.js';
import { listRepositoryFiles } from '../core/repository-files.js';
import { ExplicitFixes, type PathFix } from './explicit-fixes.js';
import {
  PathResolver,
  reportDirectory,
  sharedSuffix,
  type AmbiguousPath,
} from './resolve-paths.js';

export type { PathFix } from './explicit-fixes.js';
export { applyPathFixes, normaliseFixPath } from './explicit-fixes.js';

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
  listFiles?: () => Promise<readonly string[]>,
): Promise<PathFixing> {
  const fixer = new PathFixer(fixes, workspace, listFiles);
  const fixed: CoverageReport[] = [];
  for (const report of reports) fixed.push(await fixer.fix(report));
  return { reports: fixed, ...(await fixer.finish()) };
}

/** What fixing one report left to say once all are fixed: small, unlike the report. */
interface FixedReport {
  position: number;
  ambiguous: AmbiguousPath[];
  /** Paths as the report wrote them that name no file of the checkout even after fixing. */
  unresolved: { path: string; directory?: string }[];
  /** Its first few paths as written (FileCoverage.reportedPath first). */
  samples: string[];
}

/**
 * fixReportPaths one report at a time, so that each can be merged and dropped before the next is
 * read; finish() then says what fixReportPaths says of them all, in the order of their
 * positions, whatever order they came in.
 */
export class PathFixer {
  private readonly explicit: ExplicitFixes;
  private readonly resolver: PathResolver;
  private readonly done: FixedReport[] = [];
  private fixedByRule = 0;
  private found = 0;

  constructor(
    fixes: readonly PathFix[],
    private readonly workspace: string,
    listFiles: () => Promise<readonly string[]> = () => listRepositoryFiles(workspace),
  ) {
    let files: Promise<readonly string[]> | undefined;
    this.explicit = new ExplicitFixes(fixes, workspace);
    this.resolver = new PathResolver(workspace, () => (files ??= listFiles()));
  }

  /** The report with every path fixed; `position` orders what finish() reports. */
  async fix(report: CoverageReport, position = this.done.length): Promise<CoverageReport> {
    const { workspace } = this;
    const explicit = this.explicit.apply(report);
    const resolution = await this.resolver.resolve(explicit.report, explicit.fixed);
    const [resolved] = resolution.reports;
    const files = resolved.files.map((file) =>
      resolution.resolved.has(file) || explicit.fixed.has(file)
        ? file
        : { ...file, path: toRepositoryPath(file.path, workspace) },
    );
    const directory = reportDirectory(report.origin, workspace);
    const unresolved: FixedReport['unresolved'] = [];
    resolved.files.forEach((file, index) => {
      if (resolution.resolved.has(file)) return;
      const review = reviewPaths([files[index].path], workspace);
      if (review.outside.length + review.missing.length > 0) {
        unresolved.push({ path: report.files[index].path, directory });
      }
    });
    this.fixedByRule += explicit.fixed.size;
    this.found += resolution.resolved.size;
    this.done.push({
      position,
      ambiguous: resolution.ambiguous,
      unresolved,
      samples: samplePaths([report]),
    });
    return { ...resolved, files };
  }

  /** What fixReportPaths says besides the reports; logs it, and warns of ambiguous paths. */
  async finish(): Promise<Omit<PathFixing, 'reports'>> {
    const done = [...this.done].sort((a, b) => a.position - b.position);
    const unresolved = done.flatMap((report) => report.unresolved);
    const stillUnresolved = new Set(unresolved.map(({ path }) => path));
    const ambiguous = done
      .flatMap((report) => report.ambiguous)
      .filter(({ path }) => stillUnresolved.has(path));
    const suggestions: PathFix[] = [];
    if (unresolved.length > 0) {
      const index = await this.resolver.suffixIndex();
      const seen = new Set<string>();
      for (const { path, directory } of unresolved) {
        const match = index.match(path, directory);
        const suggestion = match.length === 1 ? fixBetween(path, match[0]) : undefined;
        if (!suggestion || seen.has(`${suggestion.from}=${suggestion.to}`)) continue;
        seen.add(`${suggestion.from}=${suggestion.to}`);
        suggestions.push(suggestion);
      }
    }
    core.info(
      `Report paths: ${this.fixedByRule} mapped by path-fixes, ${this.found} found in the repository, ${unresolved.length} not (${ambiguous.length} of them ambiguous).`,
    );
    warnAmbiguous(ambiguous);
    const unusedFixes = this.explicit.unused();
    return {
      ambiguous,
      suggestions,
      unusedFixes,
      reportedPaths:
        unusedFixes.length > 0
          ? [...new Set(done.flatMap(({ samples }) => samples))].slice(0, 3)
          : [],
    };
  }
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

import { isAbsolute, relative, sep } from 'node:path';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { CoverageReport, FileCoverage } from './model.js';

export interface PathFix {
  from: string;
  to: string;
}

/**
 * The user's path-fixes, applied report by report: rewrites report paths with the `from=to`
 * prefixes (the longest matching prefix wins, at a path boundary) and makes them
 * repository-relative. Reports produced in a container or another checkout say /app/src/x.ts
 * where the repository has src/x.ts. A path is matched as the report wrote it first (see
 * FileCoverage.reportedPath), so /app=backend works as documented. Remembers which fixes matched
 * something, over every report it was given.
 */
export class ExplicitFixes {
  private readonly rules: { fix: PathFix; from: string; to: string }[];
  private readonly used = new Set<PathFix>();

  constructor(
    private readonly fixes: readonly PathFix[],
    private readonly workspace: string,
  ) {
    this.rules = fixes
      .map((fix) => ({
        fix,
        from: normaliseFixPath(insideWorkspace(fix.from, workspace)),
        to: normaliseFixPath(fix.to),
      }))
      .sort((a, b) => b.from.length - a.from.length);
  }

  /** The report with the files a fix matched rewritten (returned in `fixed`); others untouched. */
  apply(report: CoverageReport): { report: CoverageReport; fixed: Set<FileCoverage> } {
    const fixed = new Set<FileCoverage>();
    const files = report.files.map((file) => {
      for (const written of [file.reportedPath, file.path]) {
        if (written === undefined) continue;
        const path = written.replace(/\\/g, '/');
        const rule = this.rules.find(({ from }) => startsWithPrefix(path, from));
        if (!rule) continue;
        this.used.add(rule.fix);
        const rest = path.slice(rule.from.length).replace(/^\/+/, '');
        const to = rule.to.replace(/\/+$/, '');
        const replaced = to === '' || to === '.' ? rest : `${to}/${rest}`;
        const moved = { ...file, path: toRepositoryPath(replaced, this.workspace) };
        fixed.add(moved);
        return moved;
      }
      return file;
    });
    return { report: { ...report, files }, fixed };
  }

  /** Fixes that matched no path of the reports applied so far. */
  unused(): PathFix[] {
    return this.fixes.filter((fix) => !this.used.has(fix));
  }
}

/**
 * Rewrites report paths with the user's path-fixes (see ExplicitFixes), then makes them
 * repository-relative. A path no fix matches is only made repository-relative.
 */
export function applyPathFixes(
  reports: readonly CoverageReport[],
  fixes: readonly PathFix[],
  workspace: string,
): CoverageReport[] {
  const explicit = new ExplicitFixes(fixes, workspace);
  return reports.map((report) => {
    const applied = explicit.apply(report);
    return {
      ...applied.report,
      files: applied.report.files.map((file) =>
        applied.fixed.has(file) ? file : { ...file, path: toRepositoryPath(file.path, workspace) },
      ),
    };
  });
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

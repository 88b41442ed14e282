import { statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep, posix } from 'node:path';
import type { CoverageReport, FileCoverage } from './model.js';

/**
 * Finds where a report's relative paths live in the repository, for the paths no path-fixes
 * rule matched (an explicit rule wins over every guess made here). A package's
 * test run (c8 in packages/a) writes paths relative to the package, so two packages both say
 * src/index.js; JaCoCo writes package paths (com/acme/Foo.java) without the source folder.
 *
 * A relative path is looked up, first existing wins:
 * 1. under the report's own directory and each parent up to the workspace (nearest first), after
 *    a JaCoCo report's module source roots (src/main/java, ... of the module whose build/ or
 *    target/ holds it);
 * 2. by longest-suffix match against the repository's files, as Codecov fixes paths: the files
 *    sharing the most trailing path parts win, at least two: the file name and its folder, or,
 *    for a bare file name, the name alone (so it resolves only when the tie-break below leaves one);
 *    a tie goes to the file under the nearest ancestor of the report's directory; a tie left after
 *    that is ambiguous, and the path is kept as written.
 * Absolute paths (outside the workspace: parsers already made those inside it relative) are left
 * to path-fixes, since a guess there would as easily match a system header as a source.
 */

export interface AmbiguousPath {
  /** The path as the report gave it. */
  path: string;
  /** The report that gave it, workspace-relative. */
  report: string;
  /** The repository files it matched equally well. */
  candidates: string[];
}

export interface PathResolution {
  reports: CoverageReport[];
  /** Files found in the repository; path-fixes leave these alone. */
  resolved: ReadonlySet<FileCoverage>;
  ambiguous: AmbiguousPath[];
}

/** Where JaCoCo's package paths start, below a Gradle or Maven module. */
const JVM_SOURCE_ROOTS = ['src/main/java', 'src/main/kotlin', 'src/test/java', 'src/test/kotlin'];
const JVM_BUILD_DIRECTORIES = new Set(['build', 'target']);

export async function resolveReportPaths(
  reports: readonly CoverageReport[],
  workspace: string,
  listFiles: () => Promise<readonly string[]>,
  /** Files already mapped by path-fixes: kept as they are. */
  skip: ReadonlySet<FileCoverage> = new Set(),
): Promise<PathResolution> {
  const resolver = new PathResolver(workspace, listFiles);
  const resolved = new Set<FileCoverage>();
  const ambiguous: AmbiguousPath[] = [];
  const out: CoverageReport[] = [];
  for (const report of reports) {
    const one = await resolver.resolve(report, skip);
    for (const file of one.resolved) resolved.add(file);
    ambiguous.push(...one.ambiguous);
    out.push(one.reports[0]);
  }
  return { reports: out, resolved, ambiguous };
}

/**
 * resolveReportPaths one report at a time, for reports read one after another: what it looks up
 * in the checkout (which paths exist, the repository's files) is found once for them all.
 */
export class PathResolver {
  private readonly exists: (path: string) => boolean;
  private index: Promise<SuffixIndex> | undefined;

  constructor(
    private readonly workspace: string,
    private readonly listFiles: () => Promise<readonly string[]>,
  ) {
    this.exists = existenceIn(workspace);
  }

  /** The repository's files by name, listed on first use. */
  suffixIndex(): Promise<SuffixIndex> {
    return (this.index ??= this.listFiles().then((files) => new SuffixIndex(files)));
  }

  /** PathResolution of one report: `reports` holds that report with its paths resolved. */
  async resolve(
    report: CoverageReport,
    skip: ReadonlySet<FileCoverage> = new Set(),
  ): Promise<PathResolution> {
    const { workspace } = this;
    const resolved = new Set<FileCoverage>();
    const ambiguous: AmbiguousPath[] = [];
    const directory = reportDirectory(report.origin, workspace);
    const anchors = [
      ...(report.format === 'jacoco' ? jvmSourceRoots(directory) : []),
      ...ancestors(directory),
    ];
    const files: FileCoverage[] = [];
    for (const file of report.files) {
      if (skip.has(file) || isAbsolutePath(file.path)) {
        files.push(file);
        continue;
      }
      let found = anchors
        .map((anchor) => posix.normalize(posix.join(anchor, file.path)))
        .find((candidate) => isInside(candidate) && this.exists(candidate));
      if (!found) {
        const match = (await this.suffixIndex()).match(file.path, directory);
        if (match.length === 1) found = match[0];
        else if (match.length > 1) {
          const origin = relative(workspace, resolve(workspace, report.origin))
            .split(sep)
            .join('/');
          // Sorted: the file listing's order must not change what the warning says.
          ambiguous.push({
            path: file.path,
            report: origin || report.origin,
            candidates: [...match].sort(),
          });
        }
      }
      if (!found) {
        files.push(file);
        continue;
      }
      const moved = found === file.path ? file : { ...file, path: found };
      resolved.add(moved);
      files.push(moved);
    }
    return { reports: [{ ...report, files }], resolved, ambiguous };
  }
}

/**
 * The repository files a path most probably names: those sharing the most trailing parts with
 * it, narrowed to those under the nearest ancestor of the report's directory. One element when
 * the match is clear, several when it is ambiguous, none when nothing matched.
 */
export class SuffixIndex {
  private readonly byName = new Map<string, string[][]>();

  constructor(files: readonly string[]) {
    for (const file of files) {
      const parts = file.split('/');
      const name = parts.at(-1) ?? '';
      const list = this.byName.get(name);
      if (list) list.push(parts);
      else this.byName.set(name, [parts]);
    }
  }

  match(path: string, reportDirectory?: string): string[] {
    const wanted = path.split('/').filter((part) => part !== '' && part !== '.' && part !== '..');
    const name = wanted.at(-1);
    if (name === undefined) return [];
    const needed = Math.min(2, wanted.length);
    let best = 0;
    let matches: string[][] = [];
    for (const parts of this.byName.get(name) ?? []) {
      const shared = sharedSuffix(parts, wanted);
      if (shared < needed || shared < best) continue;
      if (shared > best) [best, matches] = [shared, []];
      matches.push(parts);
    }
    const paths = matches.map((parts) => parts.join('/'));
    if (paths.length <= 1 || reportDirectory === undefined) return paths;
    for (const anchor of ancestors(reportDirectory)) {
      const under = paths.filter(
        (candidate) => anchor === '' || candidate.startsWith(`${anchor}/`),
      );
      if (under.length > 0) return under;
    }
    return paths;
  }
}

/** How many trailing path parts two split paths have in common. */
export function sharedSuffix(a: readonly string[], b: readonly string[]): number {
  let shared = 0;
  while (
    shared < a.length &&
    shared < b.length &&
    a[a.length - 1 - shared] === b[b.length - 1 - shared]
  )
    shared += 1;
  return shared;
}

/** The report's directory, workspace-relative ('' for the root), or undefined outside it. */
export function reportDirectory(origin: string, workspace: string): string | undefined {
  const directory = relative(workspace, resolve(workspace, origin, '..'))
    .split(sep)
    .join('/');
  if (directory === '..' || directory.startsWith('../') || isAbsolute(directory)) return undefined;
  return directory;
}

/** "packages/a/coverage" → ["packages/a/coverage", "packages/a", "packages", ""]. */
export function ancestors(directory: string | undefined): string[] {
  if (directory === undefined || directory === '') return [''];
  const parts = directory.split('/');
  return [...parts.map((_, index) => parts.slice(0, parts.length - index).join('/')), ''];
}

/** app/build/reports/jacoco/test → app/src/main/java, app/src/main/kotlin, ... */
export function jvmSourceRoots(directory: string | undefined): string[] {
  if (directory === undefined) return [];
  const parts = directory === '' ? [] : directory.split('/');
  let build = -1;
  parts.forEach((part, index) => {
    if (JVM_BUILD_DIRECTORIES.has(part)) build = index;
  });
  const module = build === -1 ? directory : parts.slice(0, build).join('/');
  return JVM_SOURCE_ROOTS.map((root) => posix.join(module, root));
}

/**
 * Whether a workspace-relative path is a file, each path stat'ed once. A path whose directory is
 * not one is answered from the directory, kept once for all its paths: every report tries each
 * of its paths under its own directory first (coverage-3/src/a.ts), and keeping an answer per
 * such path would hold one per file of every report until all are read.
 */
function existenceIn(workspace: string): (path: string) => boolean {
  const known = new Map<string, boolean>();
  const directories = new Map<string, boolean>();
  const isDirectory = (directory: string): boolean => {
    let found = directories.get(directory);
    if (found === undefined) {
      const slash = directory.lastIndexOf('/');
      found =
        (slash <= 0 || isDirectory(directory.slice(0, slash))) &&
        statOf(join(workspace, directory))?.isDirectory() === true;
      directories.set(directory, found);
    }
    return found;
  };
  return (path) => {
    const slash = path.lastIndexOf('/');
    if (slash > 0 && !isDirectory(path.slice(0, slash))) return false;
    let found = known.get(path);
    if (found === undefined) {
      found = statOf(join(workspace, path))?.isFile() ?? false;
      known.set(path, found);
    }
    return found;
  };
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // a file where the path wants a directory (ENOTDIR), or no permission
  }
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function isInside(path: string): boolean {
  return path !== '..' && !path.startsWith('../') && !isAbsolutePath(path);
}

/**
 * The files that glob patterns match, as absolute paths. Most steps name their reports by a plain
 * path (`coverage/lcov.info`), which needs one stat rather than a matcher and a directory walk:
 * such patterns are answered directly, and tinyglobby (with picomatch and fdir, ~43 KB that every
 * start used to evaluate) is loaded only for a pattern that is a glob.
 */
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/**
 * Where a stat finds a file by the name's exact case only, as the glob's matcher does. macOS and
 * Windows file systems ignore case, so there a plain path is matched by the glob library too.
 */
const CASE_SENSITIVE = process.platform === 'linux';

export interface FindFilesOptions {
  /** The directory relative patterns start from. */
  cwd: string;
  // Directories never searched, each as a pattern of the form **/<name>/** (one name each).
  ignore?: readonly string[];
}

/** Files only, dot files included, symbolic links followed: tinyglobby's answer for these options. */
export async function findFiles(
  patterns: string | readonly string[],
  options: FindFilesOptions,
): Promise<string[]> {
  const list = typeof patterns === 'string' ? [patterns] : [...patterns];
  const ignored = ignoredDirectoryNames(options.ignore ?? []);
  if (CASE_SENSITIVE && ignored !== undefined && list.length > 0 && list.every(isPlainPath)) {
    const found = await Promise.all(list.map((path) => plainFile(path, options.cwd, ignored)));
    if (found.every((file) => file !== 'unknown')) {
      return [...new Set(found.filter((file): file is string => file !== undefined))];
    }
  }
  const { glob } = await import('tinyglobby');
  return glob(list, {
    cwd: options.cwd,
    absolute: true,
    onlyFiles: true,
    dot: true,
    ignore: [...(options.ignore ?? [])],
  });
}

/**
 * Nothing a glob gives meaning to: no wildcard, class, brace, extglob or negation character, no
 * escape, and no trailing slash (which matches directories only).
 */
export function isPlainPath(pattern: string): boolean {
  return pattern !== '' && !/[*?[\]{}()!+@\\]/.test(pattern) && !pattern.endsWith('/');
}

// The names in ignore patterns of the form **/<name>/**, or undefined when one has another form.
function ignoredDirectoryNames(ignore: readonly string[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const pattern of ignore) {
    const match = /^\*\*\/([^/]+)\/\*\*$/.exec(pattern);
    if (!match || !isPlainPath(match[1]!)) return undefined;
    names.add(match[1]!);
  }
  return names;
}

/**
 * The absolute path when `path` is a file, undefined when nothing is there, and 'unknown' when
 * only the glob library can say (a directory, an ignored directory on the way, an unexpected
 * error).
 */
async function plainFile(
  path: string,
  cwd: string,
  ignored: ReadonlySet<string>,
): Promise<string | undefined | 'unknown'> {
  if (path.split('/').some((segment) => ignored.has(segment))) return 'unknown';
  const absolute = resolve(cwd, path);
  try {
    // A directory's name matches the files in it (tinyglobby expands directories).
    if (!(await stat(absolute)).isFile()) return 'unknown';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : 'unknown';
  }
  // tinyglobby answers with forward slashes on every platform.
  return sep === '/' ? absolute : absolute.split(sep).join('/');
}

import { posix } from 'node:path';

/**
 * Makes a path from a report repository-relative with forward slashes, the way annotations need
 * it. Accepts plain paths (POSIX or Windows) and file:// URIs. Paths outside the workspace, and
 * relative paths that climb out of it, are kept (normalised) rather than guessed at. Relative
 * paths are taken as relative to `directory`, where the tool ran, when that is given.
 */
export function toRepositoryPath(path: string, workspace: string, directory?: string): string {
  const candidate = isFileUri(path) ? fileUriToPath(path) : path;
  let normalised = normalise(candidate);
  if (!isAbsolute(normalised)) {
    // A tool run in a subdirectory reports paths relative to it, not to the repository.
    if (!directory || normalise(directory) === normalise(workspace)) return normalised;
    normalised = posix.join(normalise(directory), normalised);
  }
  const root = normalise(workspace).replace(/\/+$/, '');
  const inside = relativeTo(normalised, root);
  return inside ?? normalised;
}

export function isFileUri(text: string): boolean {
  return /^file:/i.test(text);
}

/** file:///home/a%20b/x.rs -> /home/a b/x.rs; file:///C:/x -> C:/x; file://host/share -> //host/share. */
export function fileUriToPath(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return uri;
  }
  const pathname = safeDecode(url.pathname);
  const windowsDrive = /^\/[A-Za-z]:(\/|$)/.test(pathname);
  if (url.host !== '' && url.host !== 'localhost') return `//${url.host}${pathname}`;
  return windowsDrive ? pathname.slice(1) : pathname;
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function normalise(path: string): string {
  const slashed = path.trim().replace(/\\/g, '/');
  const unc = slashed.startsWith('//');
  const collapsed = posix.normalize(slashed);
  const withoutDot = collapsed.startsWith('./') ? collapsed.slice(2) : collapsed;
  // posix.normalize keeps a leading "//" already; keep UNC roots intact either way.
  return unc && !withoutDot.startsWith('//') ? `/${withoutDot}` : withoutDot;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function relativeTo(path: string, root: string): string | undefined {
  if (root === '') return undefined;
  // Windows paths compare without regard to case (drive letters come in both cases).
  const windows = /^[A-Za-z]:\//.test(root);
  const comparablePath = windows ? path.toLowerCase() : path;
  const comparableRoot = windows ? root.toLowerCase() : root;
  const prefix = comparableRoot.endsWith('/') ? comparableRoot : `${comparableRoot}/`;
  if (!comparablePath.startsWith(prefix)) return undefined;
  const relative = path.slice(prefix.length);
  return relative === '' ? undefined : relative;
}

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { ParseContext } from './model.js';

/** Paths already looked up per report, so a report naming one file 10,000 times checks it once. */
const lookedUp = new WeakMap<ParseContext, Map<string, string>>();

/**
 * A path a report names, made repository-relative. Tools write relative paths from where they ran,
 * which is often where their report lies: a clippy report written in rust/ says src/lib.rs,
 * meaning rust/src/lib.rs. So when the report was read without a working-directory
 * (`context.reportFile` set), a relative path is looked for beside the report first (its folder,
 * then each parent below the workspace), nearest first, even when the workspace root has a file of
 * that name too (monorepos repeat names: conftest.py, src/lib.rs); else it is taken from the root.
 * Absolute paths (eslint's, file:// URIs) name their file already and are only made relative.
 */
export function reportPath(path: string, context: ParseContext): string {
  const { workspace, directory, reportFile } = context;
  if (reportFile === undefined || namesItsFile(path)) {
    return toRepositoryPath(path, workspace, directory);
  }
  const fromRoot = toRepositoryPath(path, workspace);
  if (fromRoot.startsWith('../') || fromRoot === '..') return fromRoot;
  let cache = lookedUp.get(context);
  if (cache === undefined) lookedUp.set(context, (cache = new Map()));
  let found = cache.get(fromRoot);
  if (found === undefined) {
    const folder = foldersUpTo(dirname(reportFile), workspace).find((candidate) =>
      existsSync(join(workspace, candidate, fromRoot)),
    );
    found = folder === undefined ? fromRoot : `${folder}/${fromRoot}`;
    cache.set(fromRoot, found);
  }
  return found;
}

/** Absolute POSIX or Windows paths, UNC paths and file:// URIs. */
function namesItsFile(path: string): boolean {
  return /^(?:file:|\/|\\\\|[A-Za-z]:[\\/])/i.test(path);
}

/** Workspace-relative folders from `folder` up to (not including) the workspace root, nearest first. */
export function foldersUpTo(folder: string, workspace: string): string[] {
  const folders: string[] = [];
  let current = relative(workspace, folder);
  if (current.startsWith('..') || isAbsolute(current)) return folders;
  while (current !== '' && current !== '.') {
    folders.push(current.split('\\').join('/'));
    current = dirname(current) === '.' ? '' : dirname(current);
  }
  return folders;
}

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { ParsedReport } from './model.js';

/**
 * Tools write paths relative to where they ran, which is often where their report lies: a clippy
 * report written in rust/ says src/lib.rs, meaning rust/src/lib.rs. A relative path a report names
 * is looked for beside the report (its folder, then each parent below the workspace) and taken
 * from the nearest folder that has it, even when the workspace root has a file of that name too
 * (monorepos repeat names: conftest.py, src/lib.rs); otherwise it is kept as it was.
 * Used when a `reports` entry gives no working-directory.
 */
export function anchorBesideReport(
  report: ParsedReport,
  reportFile: string,
  workspace: string,
): ParsedReport {
  const folders = foldersUpTo(dirname(reportFile), workspace);
  if (folders.length === 0) return report;
  const found = new Map<string, string>();
  const anchor = (path: string): string => {
    if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith('..')) return path;
    let anchored = found.get(path);
    if (anchored === undefined) {
      // Beside the report first: a tool that ran at the root and wrote its report into a
      // folder finds nothing there and falls through to the root.
      const folder = folders.find((candidate) => existsSync(join(workspace, candidate, path)));
      anchored = folder === undefined ? path : `${folder}/${path}`;
      found.set(path, anchored);
    }
    return anchored;
  };
  const move = <T extends { file?: string }>(item: T): T =>
    item.file === undefined ? item : { ...item, file: anchor(item.file) };
  return {
    ...report,
    findings: report.findings.map(move),
    ...(report.tests && {
      tests: {
        ...report.tests,
        notable: report.tests.notable.map(move),
        slowest: report.tests.slowest.map(move),
      },
    }),
  };
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

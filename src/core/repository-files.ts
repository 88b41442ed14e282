import { execute } from './exec.js';

/** Never part of a repository's sources, and often huge. */
const NEVER_LISTED = ['**/node_modules/**', '**/.git/**'];

/**
 * The workspace's files, workspace-relative with forward slashes: what git tracks plus untracked
 * files it does not ignore (sources a build step generated still count), or, when the workspace
 * is not a git work tree, every file outside node_modules and .git.
 */
export async function listRepositoryFiles(workspace: string): Promise<string[]> {
  const listed = await execute(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: workspace, okExitCodes: 'any', timeoutMs: 60_000, maxOutputBytes: 256 * 1024 * 1024 },
  ).catch(() => undefined);
  if (listed?.exitCode === 0 && !listed.stdoutTruncated) {
    // -z: names come unquoted, whatever characters they hold.
    return [...new Set(listed.stdout.split('\0').filter((path) => path !== ''))];
  }
  // Loaded here only: most runs list files with git.
  const { glob } = await import('tinyglobby');
  return glob(['**/*'], {
    cwd: workspace,
    onlyFiles: true,
    dot: true,
    followSymbolicLinks: false,
    ignore: NEVER_LISTED,
  });
}

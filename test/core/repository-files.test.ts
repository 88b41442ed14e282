import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRepositoryFiles } from '../../src/core/repository-files.js';

const FILES = {
  'src/a.js': '',
  'src/odd name ü.js': '',
  '.gitignore': 'coverage/\n',
  'coverage/lcov.info': '',
  'node_modules/dep/index.js': '',
  'generated/new.js': '',
};

async function workspaceWith(files: Record<string, string>): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'slipway-repo-files-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  return workspace;
}

describe('listRepositoryFiles', () => {
  const workspaces: string[] = [];
  afterAll(() => Promise.all(workspaces.map((w) => rm(w, { recursive: true, force: true }))));

  let gitWorkspace: string;
  beforeAll(async () => {
    gitWorkspace = await workspaceWith(FILES);
    workspaces.push(gitWorkspace);
    await writeFile(join(gitWorkspace, '.gitignore'), 'coverage/\nnode_modules/\n');
    execFileSync('git', ['init', '-q'], { cwd: gitWorkspace });
    execFileSync('git', ['add', 'src', '.gitignore'], { cwd: gitWorkspace });
  });

  it('in a git work tree: tracked files and untracked ones git does not ignore', async () => {
    expect((await listRepositoryFiles(gitWorkspace)).sort()).toEqual([
      '.gitignore',
      'generated/new.js',
      'src/a.js',
      'src/odd name ü.js',
    ]);
  });

  it('elsewhere: every file but node_modules and .git', async () => {
    const workspace = await workspaceWith(FILES);
    workspaces.push(workspace);
    expect((await listRepositoryFiles(workspace)).sort()).toEqual([
      '.gitignore',
      'coverage/lcov.info',
      'generated/new.js',
      'src/a.js',
      'src/odd name ü.js',
    ]);
  });
});

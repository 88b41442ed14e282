import { readFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { toRepositoryPath } from '../../core/reports/paths.js';

/**
 * Where Go packages live in the repository. `go test` names a package by its import path
 * (example.com/app/calc) and prints a failing line relative to the package's directory
 * ("calc_test.go:12: got 3"); go.mod (or go.work) says which directory an import path is in.
 */
export interface GoModules {
  /** The repository path of `fileName` in the package `importPath`, when the package is ours. */
  fileOf(importPath: string, fileName: string): string | undefined;
}

interface Module {
  path: string;
  /** Absolute directory holding its go.mod. */
  directory: string;
}

/**
 * Finds go.work or go.mod in the directory `go test` ran in, or the nearest parent up to the
 * workspace (go test may run in a package directory below the module root). A go.work lists
 * several modules; a go.mod is one. Nothing found means no package is mapped.
 */
export async function findGoModules(workspace: string, directory?: string): Promise<GoModules> {
  const modules = await loadModules(resolve(workspace), resolve(directory ?? workspace));
  // Longest module path first, so that a nested module wins over the one that contains it.
  modules.sort((a, b) => b.path.length - a.path.length);
  return {
    fileOf(importPath, fileName) {
      const module = modules.find(
        (candidate) => importPath === candidate.path || importPath.startsWith(`${candidate.path}/`),
      );
      if (module === undefined) return undefined;
      const below = importPath.slice(module.path.length + 1);
      const file = posix.join(toPosix(module.directory), below, fileName);
      return toRepositoryPath(file, workspace);
    },
  };
}

async function loadModules(workspace: string, start: string): Promise<Module[]> {
  const inside = start === workspace || start.startsWith(`${workspace.replace(/[\\/]+$/, '')}/`);
  for (let directory = start; ; directory = dirname(directory)) {
    const work = await readOptional(join(directory, 'go.work'));
    if (work !== undefined) return workspaceModules(directory, work);
    const mod = await readOptional(join(directory, 'go.mod'));
    if (mod !== undefined) {
      const path = modulePath(mod);
      return path === undefined ? [] : [{ path, directory }];
    }
    // Never look above the repository: a go.mod there belongs to something else.
    if (!inside || directory === workspace || dirname(directory) === directory) return [];
  }
}

async function workspaceModules(directory: string, goWork: string): Promise<Module[]> {
  const modules: Module[] = [];
  for (const use of useDirectives(goWork)) {
    const moduleDirectory = resolve(directory, use);
    const mod = await readOptional(join(moduleDirectory, 'go.mod'));
    const path = mod === undefined ? undefined : modulePath(mod);
    if (path !== undefined) modules.push({ path, directory: moduleDirectory });
  }
  return modules;
}

/** The module path of a go.mod: `module example.com/app` (possibly quoted). */
export function modulePath(goMod: string): string | undefined {
  const match = /^\s*module\s+("?)([^\s"]+)\1\s*$/m.exec(withoutComments(goMod));
  return match?.[2];
}

/** The directories a go.work uses: `use ./a` and `use ( ./a ./b )`. */
export function useDirectives(goWork: string): string[] {
  const text = withoutComments(goWork);
  const directories: string[] = [];
  for (const block of text.matchAll(/^\s*use\s*\(([^)]*)\)/gm))
    directories.push(...block[1]!.split(/\s+/).filter((entry) => entry !== ''));
  for (const single of text.matchAll(/^\s*use\s+([^\s(]+)\s*$/gm)) directories.push(single[1]!);
  return directories.map((entry) => entry.replace(/^"(.*)"$/, '$1'));
}

function withoutComments(text: string): string {
  return text.replace(/\/\/[^\n]*/g, '');
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function toPosix(path: string): string {
  return path.replace(/\\/g, '/');
}

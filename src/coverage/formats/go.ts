import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';
import { emptyFile } from '../model.js';
import { forEachLine } from './lcov.js';

/**
 * Go cover profiles (`go test -coverprofile`), read the way golang.org/x/tools/cover reads them:
 * a `mode:` line first, then `file.go:startLine.startCol,endLine.endCol numStmt count` parsed from
 * the right (paths may hold colons and spaces), duplicate blocks merged (set: OR, count/atomic:
 * sum, a differing NumStmt refused).
 *
 * Go measures statements, not lines. `statements` carries Σ NumStmt, which is what
 * `go tool cover -func` prints as its total. Lines are derived the way Codecov derives them, so
 * that figures stay comparable: every line a block spans is coverable, except the block's last
 * line when the block ends at column 1 or 2 of it (a lone closing brace of a function), and a line
 * counts the most any block on it ran, so it is covered when any block on it is.
 */
export async function parseGo(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const profile = new ProfileReader(source.origin);
  await forEachLine(source, (line, lineNumber) => profile.read(line, lineNumber));
  const blocksByFile = profile.finish();
  const modules = await findGoModules(context.workspace);
  const files = new Map<string, FileCoverage>();
  const statements = { covered: 0, total: 0 };
  for (const [importPath, blocks] of blocksByFile) {
    const path = repositoryPathOf(importPath, modules, context.workspace);
    let file = files.get(path);
    if (!file) files.set(path, (file = emptyFile(path)));
    for (const block of blocks.values()) {
      statements.total += block.statements;
      if (block.count > 0) statements.covered += block.statements;
      for (const line of linesOf(block)) {
        file.lines.set(line, Math.max(file.lines.get(line) ?? 0, block.count));
      }
    }
  }
  return { format: 'go', origin: source.origin, files: [...files.values()], statements };
}

export function looksLikeGo(head: string): boolean {
  return /^(?:\uFEFF)?mode: (?:set|count|atomic)\r?\n/.test(head);
}

type Mode = 'set' | 'count' | 'atomic';

interface Block {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  statements: number;
  count: number;
}

/** A block longer than this is not Go source a person or generator wrote; refusing it bounds memory. */
const MAX_BLOCK_LINES = 100_000;

const BLOCK = /^(.+):(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)$/;

class ProfileReader {
  private mode: Mode | undefined;
  /** Import path → "start,end" → block. */
  private readonly blocks = new Map<string, Map<string, Block>>();

  constructor(private readonly origin: string) {}

  read(rawLine: string, lineNumber: number): void {
    const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (line.trim() === '') return;
    if (line.startsWith('mode:')) {
      this.readMode(line, lineNumber);
      return;
    }
    if (!this.mode) {
      throw new ReportError(
        this.origin,
        `does not start with a "mode: set|count|atomic" line, so it is not a Go cover profile (line ${lineNumber}: ${quote(line)}).`,
      );
    }
    const match = BLOCK.exec(line.trimEnd());
    if (!match) {
      throw new ReportError(
        this.origin,
        `line ${lineNumber} is not a Go cover profile block (file.go:line.col,line.col statements count): ${quote(line)}`,
      );
    }
    const [, importPath, startLine, startColumn, endLine, endColumn, statements, count] = match;
    const block: Block = {
      startLine: Number(startLine),
      startColumn: Number(startColumn),
      endLine: Number(endLine),
      endColumn: Number(endColumn),
      statements: Number(statements),
      count: Number(count),
    };
    if (block.endLine < block.startLine || block.endLine - block.startLine > MAX_BLOCK_LINES) {
      throw new ReportError(
        this.origin,
        `line ${lineNumber}: block ${startLine}-${endLine} is not a plausible source range.`,
      );
    }
    this.add(importPath!, `${startLine}.${startColumn},${endLine}.${endColumn}`, block, lineNumber);
  }

  finish(): Map<string, Map<string, Block>> {
    if (!this.mode) throw new ReportError(this.origin, 'is empty; expected a Go cover profile.');
    return this.blocks;
  }

  private readMode(line: string, lineNumber: number): void {
    const mode = /^mode: (set|count|atomic)\s*$/.exec(line)?.[1] as Mode | undefined;
    if (!mode) {
      throw new ReportError(this.origin, `line ${lineNumber}: bad mode line ${quote(line)}.`);
    }
    // Profiles concatenated with `cat` repeat the mode line; a different mode cannot be merged.
    if (this.mode && this.mode !== mode) {
      throw new ReportError(
        this.origin,
        `line ${lineNumber}: mode ${mode} after mode ${this.mode}; profiles of different modes cannot be merged.`,
      );
    }
    this.mode = mode;
  }

  private add(importPath: string, key: string, block: Block, lineNumber: number): void {
    let blocks = this.blocks.get(importPath);
    if (!blocks) this.blocks.set(importPath, (blocks = new Map()));
    const known = blocks.get(key);
    if (!known) {
      blocks.set(key, block);
      return;
    }
    if (known.statements !== block.statements) {
      throw new ReportError(
        this.origin,
        `line ${lineNumber}: inconsistent NumStmt for ${importPath}:${key} (${known.statements} and ${block.statements}).`,
      );
    }
    known.count =
      this.mode === 'set'
        ? known.count > 0 || block.count > 0
          ? 1
          : 0
        : known.count + block.count;
  }
}

function* linesOf(block: Block): Generator<number> {
  const last =
    block.endLine > block.startLine && block.endColumn <= 2 ? block.endLine - 1 : block.endLine;
  for (let line = block.startLine; line <= last; line += 1) yield line;
}

interface GoModule {
  path: string;
  /** Repository-relative directory of its go.mod ('' for the root). */
  directory: string;
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'vendor', 'testdata']);
const MAX_MODULE_SEARCH_DEPTH = 4;

/** go.mod files under the workspace (not too deep), longest module path first. */
export async function findGoModules(workspace: string): Promise<GoModule[]> {
  const modules: GoModule[] = [];
  async function visit(directory: string, depth: number): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name === 'go.mod') {
        const path = await modulePathOf(join(directory, entry.name));
        const directoryInRepository = relative(workspace, directory).split(sep).join('/');
        if (path) modules.push({ path, directory: directoryInRepository });
      }
    }
    if (depth >= MAX_MODULE_SEARCH_DEPTH) return;
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      await visit(join(directory, entry.name), depth + 1);
    }
  }
  await visit(workspace, 0);
  return modules.sort((a, b) => b.path.length - a.path.length);
}

async function modulePathOf(goMod: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(goMod, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^\s*module\s+("?)([^\s"]+)\1\s*(?:\/\/.*)?$/m.exec(text);
  return match?.[2];
}

/**
 * example.com/demo/pkg/file.go → pkg/file.go when the workspace's go.mod declares example.com/demo
 * (or services/api/pkg/file.go for a go.mod in services/api). Profiles of packages outside any
 * module name files by absolute path, with a leading "_" in old GOPATH-less builds.
 */
export function repositoryPathOf(
  importPath: string,
  modules: readonly GoModule[],
  workspace: string,
): string {
  for (const module of modules) {
    if (importPath.startsWith(`${module.path}/`)) {
      const inModule = importPath.slice(module.path.length + 1);
      return module.directory === '' ? inModule : posix.join(module.directory, inModule);
    }
  }
  const path = importPath.startsWith('_/') ? importPath.slice(1) : importPath;
  return toRepositoryPath(path, workspace);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

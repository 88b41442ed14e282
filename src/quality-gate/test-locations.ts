import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import * as core from '@actions/core';
import { describeThrown } from '../core/errors.js';
import { escapeUntrusted } from '../core/log.js';
import { listRepositoryFiles } from '../core/repository-files.js';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { ParsedReport, TestCase } from './model.js';
import { framesIn, isOutsideCode, type Frame } from './stack-frames.js';
import { foldersUpTo } from './report-paths.js';
import { declarationLine } from './test-declarations.js';

/**
 * Puts failing and flaky tests on their file and line when the report did not say where they are
 * (pytest's default xunit2, jest-junit, Surefire, nextest, and formats with no location at all):
 *
 * 1. the failure text: the first frame in a repository file, preferring test files (pytest's
 *    "tests/test_calc.py:10:", tracebacks, Node/JVM/.NET stack frames, Go, Rust panics, vitest);
 * 2. the class name or suite mapped to a file ("tests.test_calc", "com.example.CalcTest",
 *    "Calc.Tests.CalcTests", jest-junit's "{filepath}" templates), with the line of the test's
 *    declaration when it is found there exactly once, else the file alone.
 *
 * Only files the repository holds count, so a frame in the runtime or an installed package never
 * becomes an annotation. A case that already has a file keeps it.
 */

export interface LocateContext {
  /** Absolute repository root. */
  workspace: string;
  /** Absolute directory the tool ran in; relative paths in its text start there. */
  directory?: string;
  /**
   * Absolute path of a report read with no directory given: the tool most likely ran beside it,
   * so relative paths are looked for in its folder and each parent, nearest first.
   */
  reportFile?: string;
}

export async function locateFailingTests(
  report: ParsedReport,
  context: LocateContext,
): Promise<ParsedReport> {
  const tests = report.tests;
  if (!tests?.notable.some(needsLocation)) return report;
  try {
    const locator = new TestLocator(await repositoryIndex(context.workspace), context);
    const notable: TestCase[] = [];
    for (const test of tests.notable) {
      notable.push(needsLocation(test) ? await locator.locate(test) : test);
    }
    return { ...report, tests: { ...tests, notable } };
  } catch (error) {
    // Locations only place annotations; the results stand without them.
    core.info(
      escapeUntrusted(`Could not place failing tests on their lines: ${describeThrown(error)}`),
    );
    return report;
  }
}

function needsLocation(test: TestCase): boolean {
  const failing = test.outcome === 'failed' || test.outcome === 'flaky';
  return failing && (test.file === undefined || test.line === undefined);
}

/** The repository's files, listed at most once per workspace and run, and only when needed. */
const listings = new Map<string, Promise<RepositoryIndex>>();

function repositoryIndex(workspace: string): Promise<RepositoryIndex> {
  let listing = listings.get(workspace);
  if (listing === undefined) {
    listing = listRepositoryFiles(workspace).then((files) => new RepositoryIndex(files));
    listings.set(workspace, listing);
  }
  return listing;
}

/** Repository-relative paths with forward slashes, looked up whole or by their last parts. */
export class RepositoryIndex {
  private readonly files: Set<string>;
  private readonly byName = new Map<string, string[]>();

  constructor(files: Iterable<string>) {
    this.files = new Set(files);
    for (const file of this.files) {
      const name = posix.basename(file);
      const same = this.byName.get(name);
      if (same) same.push(file);
      else this.byName.set(name, [file]);
    }
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** Files whose path is `suffix` or ends with "/suffix". */
  endingWith(suffix: string): string[] {
    const candidates = this.byName.get(posix.basename(suffix)) ?? [];
    return candidates.filter((file) => file === suffix || file.endsWith(`/${suffix}`));
  }
}

const SOURCE_EXTENSIONS = ['py', 'java', 'kt', 'scala', 'groovy'];
const DOTNET_EXTENSIONS = ['cs', 'fs', 'vb'];
/** Files bigger than this are not searched for a test's declaration. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export class TestLocator {
  /**
   * Workspace-relative folders where relative paths in the text start, nearest first: the
   * directory the tool ran in, or the report's folder and its parents. The root comes after them.
   */
  private readonly folders: string[];
  private readonly sources = new Map<string, Promise<string | undefined>>();
  private readonly lineCounts = new Map<string, Promise<number | undefined>>();

  constructor(
    private readonly index: RepositoryIndex,
    private readonly context: LocateContext,
  ) {
    const directory = insideWorkspace(context.workspace, context.directory);
    if (directory !== '') this.folders = [directory];
    else if (context.reportFile !== undefined)
      this.folders = foldersUpTo(dirname(context.reportFile), context.workspace);
    else this.folders = [];
  }

  async locate(test: TestCase): Promise<TestCase> {
    const frames = [test.message, test.details].flatMap((text) => (text ? framesIn(text) : []));
    const located: { file: string; line: number }[] = [];
    for (const frame of frames) {
      if (isOutsideCode(frame)) continue;
      const file = await this.resolve(frame, test.classname);
      if (file !== undefined) located.push({ file, line: frame.line });
    }
    if (test.file !== undefined) {
      // The report named the file but not the line: a frame in that file gives it.
      const file = test.file;
      const line =
        located.find((frame) => frame.file === file)?.line ?? (await this.declaredAt(file, test));
      return line === undefined ? test : { ...test, line };
    }
    const chosen = located.find((frame) => isTestFile(frame.file)) ?? located[0];
    if (chosen !== undefined) return { ...test, file: chosen.file, line: chosen.line };
    const file = await this.fileOfTest(test);
    if (file === undefined) return test;
    const line = await this.declaredAt(file, test);
    return line === undefined ? { ...test, file } : { ...test, file, line };
  }

  /**
   * The repository file a frame names, when the repository has exactly one it can be: one that
   * has the frame's line (a file shorter than that is another file of the same name).
   */
  async resolve(frame: Frame, hint?: string): Promise<string | undefined> {
    if (frame.kind === 'package') return this.bySuffix(frame.path, frame.line, hint);
    const { workspace } = this.context;
    const atRoot = toRepositoryPath(frame.path, workspace);
    if (!isAbsolutePath(atRoot)) {
      // Where the tool ran first: a monorepo's root may hold files of the same names.
      const candidates = [...this.folders.map((folder) => posix.join(folder, atRoot)), atRoot];
      for (const candidate of candidates) {
        if (this.index.has(candidate) && (await this.hasLine(candidate, frame.line))) {
          return candidate;
        }
      }
      // Relative to a root we do not know (pytest's rootdir, Go's package folder).
      const parts = atRoot.split('/').filter((part) => part !== '' && part !== '..');
      return this.bySuffix(parts.join('/'), frame.line, hint);
    }
    if (this.index.has(atRoot) && (await this.hasLine(atRoot, frame.line))) return atRoot;
    // Written on another machine or in a container (/src/app/...): the longest tail the
    // repository holds, of at least a folder and a file, so that a runtime's "case.py" is not
    // taken for the repository's.
    const parts = atRoot.split('/').filter((part) => part !== '');
    for (let start = 0; start <= parts.length - 2; start += 1) {
      const files = await this.withLine(parts.slice(start).join('/'), frame.line);
      if (files.length > 0) return this.chooseAmong(files, hint);
    }
    return undefined;
  }

  /** The one file ending with `suffix` that has `line`, or the one preferred among several. */
  private async bySuffix(suffix: string, line: number, hint?: string): Promise<string | undefined> {
    return this.chooseAmong(await this.withLine(suffix, line), hint);
  }

  private async withLine(suffix: string, line: number): Promise<string[]> {
    const files: string[] = [];
    for (const file of this.index.endingWith(suffix)) {
      if (await this.hasLine(file, line)) files.push(file);
    }
    return files;
  }

  /**
   * Among several files, the one under the nearest folder where the tool ran, or in the package
   * the hint names (Go's classname is the package's import path).
   */
  private chooseAmong(files: string[], hint?: string): string | undefined {
    if (files.length <= 1) return files[0];
    for (const folder of this.folders) {
      const kept = files.filter((file) => file.startsWith(`${folder}/`));
      if (kept.length === 1) return kept[0];
    }
    if (hint !== undefined && hint.includes('/')) {
      const kept = files.filter((file) => hint.endsWith(`/${posix.dirname(file)}`));
      if (kept.length === 1) return kept[0];
    }
    return undefined;
  }

  /**
   * The file a test's class name or suite names: a path (jest-junit's {filepath} templates,
   * vitest's suite), a module or class ("tests.test_calc.TestCalc", "com.example.CalcTest"), or a
   * .NET class, whose file is named after the class ("Calc.Tests.CalcTests" → CalcTests.cs).
   */
  async fileOfTest(test: TestCase): Promise<string | undefined> {
    for (const name of [test.classname, test.suite]) {
      const trimmed = name?.trim();
      if (!trimmed) continue;
      const file = looksLikePath(trimmed)
        ? await this.resolve({ path: trimmed, line: 1, kind: 'path' })
        : await this.fileOfClass(trimmed);
      if (file !== undefined) return file;
    }
    return undefined;
  }

  private async fileOfClass(name: string): Promise<string | undefined> {
    if (!/^[\w$]+(\.[\w$+]+)*$/.test(name)) return undefined;
    // Nested classes: Java's Outer$Inner, .NET's Outer+Inner live in Outer's file.
    const parts = name.split('.').map((part) => part.replace(/[$+].*$/, ''));
    // A Python test class sits in its module: "tests.test_calc.TestCalc" → tests/test_calc.py.
    for (let count = parts.length; count >= Math.max(1, parts.length - 2); count -= 1) {
      const base = parts.slice(0, count).join('/');
      for (const extension of SOURCE_EXTENSIONS) {
        const file = await this.bySuffix(`${base}.${extension}`, 1);
        if (file !== undefined) return file;
      }
    }
    const className = parts.at(-1) ?? '';
    for (const extension of DOTNET_EXTENSIONS) {
      const file = await this.bySuffix(`${className}.${extension}`, 1);
      if (file !== undefined) return file;
    }
    return undefined;
  }

  /** False only when the file is known to end before `line`; an unreadable file may have it. */
  private async hasLine(file: string, line: number): Promise<boolean> {
    let count = this.lineCounts.get(file);
    if (count === undefined) {
      count = countLines(join(this.context.workspace, file));
      this.lineCounts.set(file, count);
    }
    const lines = await count;
    return lines === undefined || line <= Math.max(lines, 1);
  }

  private async declaredAt(file: string, test: TestCase): Promise<number | undefined> {
    const source = await this.source(file);
    return source === undefined ? undefined : declarationLine(source, file, test.name);
  }

  private source(file: string): Promise<string | undefined> {
    let source = this.sources.get(file);
    if (source === undefined) {
      source = readSource(join(this.context.workspace, file));
      this.sources.set(file, source);
    }
    return source;
  }
}

/** The file's number of lines (a last line without a newline counts); undefined if unreadable. */
async function countLines(path: string): Promise<number | undefined> {
  try {
    let newlines = 0;
    let last = NEWLINE;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) {
        newlines += 1;
      }
      if (chunk.length > 0) last = chunk[chunk.length - 1]!;
    }
    return last === NEWLINE ? newlines : newlines + 1;
  } catch {
    return undefined;
  }
}

const NEWLINE = 0x0a;

async function readSource(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).size > MAX_SOURCE_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

const TEST_FOLDER = /(^|\/)(tests?|__tests__|specs?|e2e|testing|[^/]+\.Tests?)\//i;
const TEST_NAME =
  /^test_.*\.py$|_test\.(py|go|rb|exs)$|\.(test|spec)\.[cm]?[jt]sx?$|(Tests?|Spec|IT)\.(java|kt|scala|groovy|cs|fs|vb)$|_spec\.rb$/;

/** Test code rather than the code under test: the frame to prefer. */
export function isTestFile(file: string): boolean {
  return TEST_FOLDER.test(file) || TEST_NAME.test(posix.basename(file));
}

const PATH_EXTENSION =
  /\.(py|[cm]?[jt]sx?|go|rs|java|kt|scala|groovy|cs|fs|vb|rb|php|swift|ex|exs)$/;

function looksLikePath(name: string): boolean {
  return !/\s/.test(name) && (/[/\\]/.test(name) || PATH_EXTENSION.test(name));
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

/** The directory relative to the workspace with forward slashes; '' when it is the root or outside. */
function insideWorkspace(workspace: string, directory: string | undefined): string {
  if (directory === undefined) return '';
  const inside = relative(workspace, directory);
  if (inside === '' || inside.startsWith('..') || isAbsolutePath(inside)) return '';
  return inside.split(sep).join('/');
}

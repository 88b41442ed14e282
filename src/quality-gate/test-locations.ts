import { readFile, stat } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import * as core from '@actions/core';
import { describeThrown } from '../core/errors.js';
import { escapeUntrusted } from '../core/log.js';
import { listRepositoryFiles } from '../core/repository-files.js';
import { toRepositoryPath } from '../core/reports/paths.js';
import type { ParsedReport, TestCase } from './model.js';
import { framesIn, isOutsideCode, type Frame } from './stack-frames.js';
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
  private readonly directory: string;
  private readonly sources = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly index: RepositoryIndex,
    private readonly context: LocateContext,
  ) {
    this.directory = insideWorkspace(context.workspace, context.directory);
  }

  async locate(test: TestCase): Promise<TestCase> {
    const frames = [test.message, test.details].flatMap((text) => (text ? framesIn(text) : []));
    const located = frames
      .filter((frame) => !isOutsideCode(frame))
      .flatMap((frame) => {
        const file = this.resolve(frame, test.classname);
        return file === undefined ? [] : [{ file, line: frame.line }];
      });
    if (test.file !== undefined) {
      // The report named the file but not the line: a frame in that file gives it.
      const file = test.file;
      const line =
        located.find((frame) => frame.file === file)?.line ?? (await this.declaredAt(file, test));
      return line === undefined ? test : { ...test, line };
    }
    const chosen = located.find((frame) => isTestFile(frame.file)) ?? located[0];
    if (chosen !== undefined) return { ...test, file: chosen.file, line: chosen.line };
    const file = this.fileOfTest(test);
    if (file === undefined) return test;
    const line = await this.declaredAt(file, test);
    return line === undefined ? { ...test, file } : { ...test, file, line };
  }

  /** The repository file a frame names, when the repository has exactly one it can be. */
  resolve(frame: Frame, hint?: string): string | undefined {
    if (frame.kind === 'package') return this.bySuffix(frame.path, hint);
    const { workspace, directory } = this.context;
    const inDirectory = toRepositoryPath(frame.path, workspace, directory);
    if (this.index.has(inDirectory)) return inDirectory;
    const atRoot = toRepositoryPath(frame.path, workspace);
    if (this.index.has(atRoot)) return atRoot;
    const parts = atRoot.split('/').filter((part) => part !== '' && part !== '..');
    if (!isAbsolutePath(atRoot)) {
      // Relative to a root we do not know (pytest's rootdir, Go's package folder).
      return this.bySuffix(parts.join('/'), hint);
    }
    // Written on another machine or in a container (/src/app/...): the longest tail the
    // repository holds, of at least a folder and a file, so that a runtime's "case.py" is not
    // taken for the repository's.
    for (let start = 0; start <= parts.length - 2; start += 1) {
      const tail = parts.slice(start).join('/');
      if (this.index.endingWith(tail).length > 0) return this.bySuffix(tail, hint);
    }
    return undefined;
  }

  /**
   * The one file ending with `suffix`; among several, the one under the check's directory or in
   * the package the hint names (Go's classname is the package's import path).
   */
  private bySuffix(suffix: string, hint?: string): string | undefined {
    const files = this.index.endingWith(suffix);
    if (files.length <= 1) return files[0];
    const narrowed = [
      (file: string) => this.directory !== '' && file.startsWith(`${this.directory}/`),
      (file: string) =>
        hint !== undefined && hint.includes('/') && hint.endsWith(`/${posix.dirname(file)}`),
    ];
    for (const keep of narrowed) {
      const kept = files.filter(keep);
      if (kept.length === 1) return kept[0];
    }
    return undefined;
  }

  /**
   * The file a test's class name or suite names: a path (jest-junit's {filepath} templates,
   * vitest's suite), a module or class ("tests.test_calc.TestCalc", "com.example.CalcTest"), or a
   * .NET class, whose file is named after the class ("Calc.Tests.CalcTests" → CalcTests.cs).
   */
  fileOfTest(test: TestCase): string | undefined {
    for (const name of [test.classname, test.suite]) {
      const trimmed = name?.trim();
      if (!trimmed) continue;
      const file = looksLikePath(trimmed)
        ? this.resolve({ path: trimmed, line: 1, kind: 'path' })
        : this.fileOfClass(trimmed);
      if (file !== undefined) return file;
    }
    return undefined;
  }

  private fileOfClass(name: string): string | undefined {
    if (!/^[\w$]+(\.[\w$+]+)*$/.test(name)) return undefined;
    // Nested classes: Java's Outer$Inner, .NET's Outer+Inner live in Outer's file.
    const parts = name.split('.').map((part) => part.replace(/[$+].*$/, ''));
    // A Python test class sits in its module: "tests.test_calc.TestCalc" → tests/test_calc.py.
    for (let count = parts.length; count >= Math.max(1, parts.length - 2); count -= 1) {
      const base = parts.slice(0, count).join('/');
      for (const extension of SOURCE_EXTENSIONS) {
        const file = this.bySuffix(`${base}.${extension}`);
        if (file !== undefined) return file;
      }
    }
    const className = parts.at(-1) ?? '';
    for (const extension of DOTNET_EXTENSIONS) {
      const file = this.bySuffix(`${className}.${extension}`);
      if (file !== undefined) return file;
    }
    return undefined;
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

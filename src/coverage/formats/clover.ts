import { toRepositoryPath } from '../../core/reports/paths.js';
import { ReportError, type ReportSource } from '../../core/reports/source.js';
import { ownCopy, readXmlReport, type XmlElement } from '../../core/reports/xml-stream.js';
import type { CoverageParseContext, CoverageReport } from '../model.js';
import {
  BranchBudget,
  keepHighest,
  lineNumber,
  nonNegativeNumber,
  withoutExternalDtd,
  finishedFiles,
  fileInProgress,
  type FileInProgress,
} from './xml-common.js';

/**
 * Clover XML as OpenClover and PHPUnit (php-code-coverage) write it:
 * `coverage → project → [package →] file(name, path) → line(num, type, …)`.
 *
 * - A file is its `path` attribute (OpenClover: the absolute path) or else its `name` (PHPUnit
 *   writes the absolute path there).
 * - `type="stmt"` is a statement; its line is coverable with `count` hits. Several statements on
 *   one line make one line, so the statement figures are also kept separately (`statements`),
 *   which is what Clover's own `statements`/`coveredstatements` metrics count.
 * - `type="cond"` is a condition: a branch pair [truecount, falsecount] on its line (Clover's
 *   `conditionals` metric already counts two per condition).
 * - `type="method"` is a function with `count` calls, keyed by `name` (PHPUnit) or `signature`
 *   (OpenClover). PHPUnit's `coveredmethods` counts only methods whose every line ran; here a
 *   method is covered when it ran at all, as for every other format.
 * - Only `<project>` is read: `<testproject>` is the coverage of the tests themselves.
 */

export function looksLikeClover(head: string): boolean {
  if (!/<coverage\b/.test(head)) return false;
  return /<coverage\b[^>]*\b(?:generated|clover)\s*=/.test(head) || /<project\b/.test(head);
}

export async function parseClover(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const files = new Map<string, FileInProgress>();
  const statements = { covered: 0, total: 0 };
  const branchBudget = new BranchBudget(context.origin);
  const stack: string[] = [];
  let inProject = false;
  let file: FileInProgress | undefined;

  const fileFor = (reported: string): FileInProgress => {
    const path = ownCopy(toRepositoryPath(reported, context.workspace));
    return fileInProgress(files, path);
  };

  const readStatement = (
    target: FileInProgress,
    line: number,
    attributes: Record<string, string>,
  ): void => {
    const count = nonNegativeNumber(attributes.count);
    keepHighest(target.lines, line, count);
    statements.total += 1;
    if (count > 0) statements.covered += 1;
  };

  const readLine = (target: FileInProgress, attributes: Record<string, string>): void => {
    const line = lineNumber(attributes.num);
    if (line === undefined) return;
    switch (attributes.type) {
      case 'stmt':
        readStatement(target, line, attributes);
        break;
      case 'cond': {
        if (attributes.count !== undefined) {
          // Istanbul's clover reporter (Jest, c8, nyc) writes a statement line that has branches
          // as type="cond" with the line's count, truecount = branches taken and falsecount =
          // branches never taken. OpenClover's condition lines carry no count.
          readStatement(target, line, attributes);
          const taken = branchBudget.taken(
            line,
            nonNegativeNumber(attributes.truecount),
            nonNegativeNumber(attributes.falsecount),
          );
          target.branches.set(line, [...(target.branches.get(line) ?? []), ...taken]);
          break;
        }
        const whenTrue = nonNegativeNumber(attributes.truecount);
        const whenFalse = nonNegativeNumber(attributes.falsecount);
        // Budgeted like any branch, then the pair keeps its real counts. Two conditions on one
        // line (a && b) are four branches.
        branchBudget.taken(line, 0, 2);
        target.branches.set(line, [...(target.branches.get(line) ?? []), whenTrue, whenFalse]);
        break;
      }
      case 'method': {
        const name = attributes.name ?? attributes.signature ?? '(unnamed)';
        target.functionList.push({
          name: ownCopy(name),
          line,
          signature: ownCopy(attributes.signature ?? ''),
          hits: nonNegativeNumber(attributes.count),
        });
        break;
      }
    }
  };

  await readXmlReport(
    withoutExternalDtd(source),
    { origin: context.origin, formatName: 'Clover', roots: ['coverage'] },
    {
      open({ name, attributes }: XmlElement) {
        const parent = stack.at(-1);
        stack.push(name);
        if (parent === 'coverage' && (name === 'packages' || name === 'sources')) {
          throw new ReportError(
            context.origin,
            `is a Cobertura report (<coverage><${name}>), not Clover; set format: cobertura.`,
          );
        }
        if (name === 'project' && parent === 'coverage') inProject = true;
        else if (name === 'file' && inProject) {
          const reported = (attributes.path ?? attributes.name ?? '').trim();
          file = reported === '' ? undefined : fileFor(reported);
        } else if (name === 'line' && parent === 'file' && file) readLine(file, attributes);
      },
      close(name: string) {
        stack.pop();
        if (name === 'file') file = undefined;
        else if (name === 'project') inProject = false;
      },
      text() {},
    },
  );
  return {
    format: 'clover',
    origin: context.origin,
    files: finishedFiles(files.values()),
    statements,
  };
}

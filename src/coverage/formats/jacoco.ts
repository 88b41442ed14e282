import { toRepositoryPath } from '../../core/reports/paths.js';
import type { ReportSource } from '../../core/reports/source.js';
import { ownCopy, readXmlReport, type XmlElement } from '../../core/reports/xml-stream.js';
import type { CoverageParseContext, CoverageReport, FileCoverage } from '../model.js';
import {
  BranchBudget,
  keepHighest,
  lineNumber,
  mergeBranches,
  nonNegativeNumber,
  withoutExternalDtd,
  finishedFiles,
  fileInProgress,
  type FileInProgress,
} from './xml-common.js';

/**
 * JaCoCo XML (report.dtd): `report → group* → package → class/method + sourcefile/line`.
 *
 * - A file is `package/@name + '/' + sourcefile/@name`, the path below the source folder
 *   (src/main/java is not in the report); resolve-paths.ts finds it in the repository.
 * - A line (`nr`) counts as covered when one of its instructions ran (`ci > 0`), as JaCoCo's own
 *   LINE counter does; its hit count is `ci`. Lines without instructions are not coverable.
 * - A line's branches are `cb` taken and `mb` missed ones, in that order.
 * - Functions are `class/method` elements: run when their METHOD counter says covered. Names
 *   repeat (overloads, `<init>` of nested classes), so a repeated name gets its `line`.
 * - Files of the same path in two groups (modules of an aggregate report) become one file.
 */

export function looksLikeJacoco(head: string): boolean {
  if (/<!DOCTYPE\s+report\s+PUBLIC\s+["']-\/\/JACOCO\/\//.test(head)) return true;
  return /<report\b[^>]*>\s*<(?:sessioninfo|group|package)\b/.test(head);
}

interface MethodInProgress {
  name: string;
  signature: string;
  line?: number;
  hits: number;
  sawMethodCounter: boolean;
  ranInstructions: boolean;
}

export async function parseJacoco(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const files = new Map<string, FileInProgress>();
  const stack: string[] = [];
  const branchBudget = new BranchBudget(context.origin);
  let packageName: string | undefined;
  let classFile: string | undefined;
  let method: MethodInProgress | undefined;
  let sourceFile: FileInProgress | undefined;

  const fileFor = (name: string) => {
    const path = packageName ? `${packageName.replace(/\/+$/, '')}/${name}` : name;
    const repositoryPath = ownCopy(toRepositoryPath(path, context.workspace));
    return fileInProgress(files, repositoryPath);
  };

  await readXmlReport(
    withoutExternalDtd(source),
    { origin: context.origin, formatName: 'JaCoCo', roots: ['report'] },
    {
      open({ name, attributes }: XmlElement) {
        const parent = stack.at(-1);
        stack.push(name);
        if (name === 'package') {
          packageName = attributes.name ?? '';
        } else if (name === 'class' && parent === 'package') {
          const sourceName = attributes.sourcefilename?.trim();
          classFile = sourceName ? sourceName : undefined;
        } else if (name === 'method' && parent === 'class' && classFile !== undefined) {
          method = {
            name: ownCopy(attributes.name ?? '(unnamed)'),
            signature: ownCopy(attributes.desc ?? ''),
            line: lineNumber(attributes.line),
            hits: 0,
            sawMethodCounter: false,
            ranInstructions: false,
          };
        } else if (name === 'counter' && parent === 'method' && method) {
          readMethodCounter(method, attributes);
        } else if (name === 'sourcefile' && parent === 'package') {
          const sourceName = attributes.name?.trim();
          sourceFile = sourceName ? fileFor(sourceName) : undefined;
        } else if (name === 'line' && parent === 'sourcefile' && sourceFile) {
          readLine(sourceFile, attributes, branchBudget);
        }
      },
      close(name: string) {
        stack.pop();
        if (name === 'package') packageName = undefined;
        else if (name === 'class') classFile = undefined;
        else if (name === 'sourcefile') sourceFile = undefined;
        else if (name === 'method' && method && classFile !== undefined) {
          // Without a METHOD counter (never written by JaCoCo itself), instructions decide.
          const hits = method.sawMethodCounter ? method.hits : method.ranInstructions ? 1 : 0;
          const { name: methodName, line, signature } = method;
          fileFor(classFile).functionList.push({ name: methodName, line, signature, hits });
          method = undefined;
        }
      },
      text() {},
    },
  );
  return {
    format: 'jacoco',
    origin: context.origin,
    files: finishedFiles(files.values()),
  };
}

function readMethodCounter(method: MethodInProgress, attributes: Record<string, string>): void {
  const covered = nonNegativeNumber(attributes.covered);
  if (attributes.type === 'METHOD') {
    method.sawMethodCounter = true;
    method.hits = covered > 0 ? 1 : 0;
  } else if (attributes.type === 'INSTRUCTION' && covered > 0) {
    method.ranInstructions = true;
  }
}

function readLine(
  file: FileCoverage,
  attributes: Record<string, string>,
  budget: BranchBudget,
): void {
  // nr="0" is what JaCoCo writes for code without line information; Codecov skips it too.
  const line = lineNumber(attributes.nr);
  if (line === undefined) return;
  const missedInstructions = nonNegativeNumber(attributes.mi);
  const coveredInstructions = nonNegativeNumber(attributes.ci);
  if (missedInstructions + coveredInstructions === 0) return;
  keepHighest(file.lines, line, coveredInstructions);
  const missedBranches = nonNegativeNumber(attributes.mb);
  const coveredBranches = nonNegativeNumber(attributes.cb);
  if (missedBranches + coveredBranches === 0) return;
  mergeBranches(file.branches, line, budget.taken(line, coveredBranches, missedBranches));
}

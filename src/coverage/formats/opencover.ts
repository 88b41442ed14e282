import { toRepositoryPath } from '../../core/reports/paths.js';
import type { ReportSource } from '../../core/reports/source.js';
import {
  CappedText,
  ownCopy,
  readXmlReport,
  type XmlElement,
} from '../../core/reports/xml-stream.js';
import type { CoverageParseContext, CoverageReport } from '../model.js';
import {
  BranchBudget,
  finishedFiles,
  keepHighest,
  lineNumber,
  mergeBranches,
  nonNegativeNumber,
  withoutExternalDtd,
  fileInProgress,
  type FileInProgress,
} from './xml-common.js';

/**
 * OpenCover XML, as OpenCover.Console and `coverlet --format opencover`
 * (`coverage.opencover.xml`) write it: `CoverageSession → Modules → Module → Files/File[uid,
 * fullPath]` and `Classes → Class → Methods → Method → SequencePoints/BranchPoints`.
 *
 * - Modules, classes and methods marked `skippedDueTo` (filtered, no PDB) are not read.
 * - A line is the start line (`sl`) of a sequence point; its hits are the highest `vc` of the
 *   points starting on it, so it is covered when one of them ran.
 * - Each branch point is one branch on its `sl`, taken when `vc > 0`.
 * - A point belongs to the file its `fileid` names, or else to its method's `FileRef`.
 * - Every method with a file is a function, run when one of its sequence points ran (else its
 *   MethodPoint's `vc`, else `visited`).
 * - Paths (`fullPath`) are absolute on the build machine; those inside the workspace become
 *   relative, others are kept for path-fixes.
 */

export function looksLikeOpenCover(head: string): boolean {
  return /<CoverageSession\b/.test(head);
}

/** Where the PDB hides compiler-generated code; no source line has this number. */
const HIDDEN_LINE = 0xfeefee;

interface MethodInProgress {
  name: CappedText;
  readingName: boolean;
  fileRef?: string;
  highest?: number;
  firstLine?: number;
  methodPointHits?: number;
  visited: boolean;
}

type BranchTally = Map<string, Map<number, { covered: number; missed: number }>>;

export async function parseOpenCover(
  source: ReportSource,
  context: CoverageParseContext,
): Promise<CoverageReport> {
  const files = new Map<string, FileInProgress>();
  const budget = new BranchBudget(context.origin);
  const stack: string[] = [];
  /** uid → repository path, for the module being read. */
  let uids = new Map<string, string>();
  /** Branches of the module being read, per path: within a module a line's points add up. */
  let moduleBranches: BranchTally = new Map();
  /** Depth at which something skipped started; nothing below it is read. */
  let skippedAt: number | undefined;
  let method: MethodInProgress | undefined;

  const fileFor = (path: string): FileInProgress => fileInProgress(files, path);
  const pathOf = (attributes: Record<string, string>): string | undefined => {
    const uid = attributes.fileid ?? method?.fileRef;
    return uid === undefined ? undefined : uids.get(uid);
  };

  await readXmlReport(
    withoutExternalDtd(source),
    { origin: context.origin, formatName: 'OpenCover', roots: ['CoverageSession'] },
    {
      open({ name, attributes }: XmlElement) {
        const parent = stack.at(-1);
        stack.push(name);
        if (skippedAt !== undefined) return;
        if (
          (name === 'Module' || name === 'Class' || name === 'Method') &&
          attributes.skippedDueTo !== undefined
        ) {
          skippedAt = stack.length;
          return;
        }
        if (name === 'Module') {
          uids = new Map();
          moduleBranches = new Map();
        } else if (name === 'File' && parent === 'Files') {
          const fullPath = attributes.fullPath?.trim();
          if (attributes.uid !== undefined && fullPath) {
            uids.set(attributes.uid, ownCopy(toRepositoryPath(fullPath, context.workspace)));
          }
        } else if (name === 'Method' && parent === 'Methods') {
          method = {
            name: new CappedText(),
            readingName: false,
            visited: attributes.visited === 'true',
          };
        } else if (method && parent === 'Method') {
          if (name === 'Name') method.readingName = true;
          else if (name === 'FileRef') method.fileRef = attributes.uid;
          else if (name === 'MethodPoint')
            method.methodPointHits = nonNegativeNumber(attributes.vc);
        } else if (name === 'SequencePoint' && parent === 'SequencePoints') {
          const line = lineNumber(attributes.sl);
          const path = pathOf(attributes);
          if (line === undefined || line === HIDDEN_LINE || path === undefined) return;
          const hits = nonNegativeNumber(attributes.vc);
          keepHighest(fileFor(path).lines, line, hits);
          if (method && (method.fileRef === undefined || uids.get(method.fileRef) === path)) {
            method.highest = Math.max(method.highest ?? 0, hits);
            method.firstLine = Math.min(method.firstLine ?? line, line);
          }
        } else if (name === 'BranchPoint' && parent === 'BranchPoints') {
          const line = lineNumber(attributes.sl);
          const path = pathOf(attributes);
          if (line === undefined || line === HIDDEN_LINE || path === undefined) return;
          let byLine = moduleBranches.get(path);
          if (!byLine) moduleBranches.set(path, (byLine = new Map()));
          const tally = byLine.get(line) ?? { covered: 0, missed: 0 };
          if (nonNegativeNumber(attributes.vc) > 0) tally.covered += 1;
          else tally.missed += 1;
          byLine.set(line, tally);
        }
      },
      close(name: string) {
        const depth = stack.length;
        stack.pop();
        if (skippedAt !== undefined) {
          if (depth === skippedAt) skippedAt = undefined;
          return;
        }
        if (name === 'Name' && method) method.readingName = false;
        else if (name === 'Method' && method) {
          closeMethod(method, uids, fileFor);
          method = undefined;
        } else if (name === 'Module') {
          // Two modules built from one source (linked files, multi-targeting) are the same code.
          for (const [path, byLine] of moduleBranches) {
            const file = fileFor(path);
            for (const [line, { covered, missed }] of byLine) {
              mergeBranches(file.branches, line, budget.taken(line, covered, missed));
            }
          }
          moduleBranches = new Map();
        }
      },
      text(text: string) {
        if (method?.readingName && skippedAt === undefined) method.name.append(text);
      },
    },
  );
  return { format: 'opencover', origin: context.origin, files: finishedFiles(files.values()) };
}

function closeMethod(
  method: MethodInProgress,
  uids: Map<string, string>,
  fileFor: (path: string) => FileInProgress,
): void {
  const path = method.fileRef === undefined ? undefined : uids.get(method.fileRef);
  // Abstract and extern methods have no file and no code to run.
  if (path === undefined) return;
  const hits = method.highest ?? method.methodPointHits ?? (method.visited ? 1 : 0);
  fileFor(path).functionList.push({
    name: method.name.value() || '(unnamed)',
    line: method.firstLine,
    hits,
  });
}

import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { emitAnnotations, type Finding as Annotation } from '../core/annotations.js';
import { changedLinesAgainst, chooseBase } from '../core/changed-lines.js';
import { ActionError } from '../core/errors.js';
import {
  createOctokit,
  readGitHubContext,
  withPullRequest,
  upsertStickyComment,
  type GitHubContext,
} from '../core/github.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { ReportError, fileSource } from '../core/reports/source.js';
import { runMain } from '../core/run.js';
import { renderBadge } from './badge.js';
import { readBaseline, requireToken } from './baseline.js';
import { upload } from './upload.js';
import { detectFormat, findReportFiles } from './discover.js';
import { parseCoverage, SNIFFERS } from './formats/index.js';
import { evaluateCoverage } from './gate.js';
import { readSettings, type Settings } from './inputs.js';
import { mergeReports } from './merge.js';
import type { CoverageReport } from './model.js';
import { applyPathFixes, reviewPaths } from './path-fixes.js';
import { buildResult, outputsFrom } from './result.js';
import { buildSummary, verdictLine } from './summary.js';
import { fileTotals, lineRanges, patchCoverage, totalsOf, type PatchCoverage } from './totals.js';
import { escapeUntrusted } from '../core/log.js';
import { tryOptionalWrite } from '../core/github-permissions.js';

const COMMENT_WRITE = { what: 'comment on the pull request', permission: 'pull-requests: write' };

const COMMENT_BUDGET_BYTES = 60_000;

export async function run(): Promise<void> {
  await runMain('coverage', async () => {
    const settings = readSettings();
    const { workspace } = settings;
    const files = await findReportFiles(settings.files, workspace);
    const reports = applyPathFixes(
      await readReports(files, settings),
      settings.pathFixes,
      workspace,
    );
    const merged = mergeReports(reports);
    const review = reviewPaths(
      merged.map((file) => file.path),
      workspace,
    );
    const outside = new Set(review.outside);
    const inside = merged.filter((file) => !outside.has(file.path));
    const totals = totalsOf(inside);
    const notes = pathNotes(review);

    const github = needsGitHub(settings)
      ? await withPullRequest(readGitHubContext(), settings.githubToken ?? '', settings.pullRequest)
      : undefined;
    const patch = await computePatch(settings, github, inside, notes);
    const baseline = await readBaseline(settings, github, totals, notes);
    const verdict = evaluateCoverage(totals, patch, baseline, settings);
    const result = buildResult({
      verdict,
      totals,
      patch,
      baseline,
      files: inside.map(fileTotals),
      reports: reports.map(
        (report, index) => `${report.format}: ${relative(workspace, files[index]) || files[index]}`,
      ),
      commit: process.env.GITHUB_SHA,
    });
    setOutputs(outputsFrom(result));
    setResultOutput(result);

    annotateUncovered(patch);
    if (settings.badgePath) {
      const badgeFile = resolve(workspace, settings.badgePath);
      await writeFile(badgeFile, renderBadge('coverage', result.totals.lines.rate ?? undefined));
      notes.push(`Badge written to ${relative(workspace, badgeFile)}.`);
    }
    const uploadFailure = settings.codecov ? await upload(settings, files, notes) : undefined;
    const summary = buildSummary(result, verdict, notes);
    const commentBody = settings.comment ? summary.render(COMMENT_BUDGET_BYTES) : '';
    // The summary first: a comment is optional and may be refused (fork pull requests).
    await summary.write();
    if (settings.comment) {
      await tryOptionalWrite(COMMENT_WRITE, github, () =>
        comment(settings, github as GitHubContext, commentBody),
      );
    }

    if (!verdict.passed) {
      throw new ActionError(
        verdict.reasons.join('; '),
        'The job summary lists the uncovered changed lines and the least-covered files.',
      );
    }
    if (uploadFailure) throw uploadFailure;
    core.info(escapeUntrusted(verdictLine(result, verdict)));
  });
}

async function readReports(files: string[], settings: Settings): Promise<CoverageReport[]> {
  const reports: CoverageReport[] = [];
  for (const file of files) {
    const origin = relative(settings.workspace, file) || file;
    const format =
      settings.format === 'auto' ? await detectFormat(file, SNIFFERS) : settings.format;
    if (!format) {
      throw new ActionError(
        `Could not tell the coverage format of ${origin}: it looks like none of lcov, cobertura, jacoco, clover, go, istanbul or llvm-cov.`,
        'Set format to the report format, e.g. format: lcov, or leave the file out of files.',
      );
    }
    try {
      reports.push(
        await parseCoverage(format, fileSource(file), { workspace: settings.workspace, origin }),
      );
    } catch (error) {
      if (error instanceof ReportError) {
        throw new ActionError(
          `Could not read the ${format} report ${error.message}`,
          'Check that the test step finished writing it.',
        );
      }
      throw error;
    }
    core.info(`Read ${escapeUntrusted(origin)} as ${format}.`);
  }
  return reports;
}

function needsGitHub(settings: Settings): boolean {
  return (
    settings.comment ||
    settings.pullRequest > 0 ||
    settings.minPatch !== undefined ||
    settings.baseRef !== undefined ||
    settings.baselineArtifact !== undefined ||
    settings.codecov !== undefined ||
    process.env.GITHUB_EVENT_NAME === 'pull_request' ||
    process.env.GITHUB_EVENT_NAME === 'pull_request_target'
  );
}

/** Patch coverage is measured on pull requests, or wherever base-ref or min-patch asks for it. */
async function computePatch(
  settings: Settings,
  github: GitHubContext | undefined,
  files: Parameters<typeof patchCoverage>[0],
  notes: string[],
): Promise<PatchCoverage | undefined> {
  const wanted =
    settings.minPatch !== undefined ||
    settings.baseRef !== undefined ||
    github?.pullRequest !== undefined;
  if (!wanted || !github) return undefined;
  if (!settings.baseRef && !github.pullRequest && !github.payload.merge_group) {
    // One workflow usually serves pull requests and pushes; a push has no base to gate against.
    notes.push(
      `min-patch was not applied: this ${github.eventName} run has no pull request base to compare with (set base-ref to measure patch coverage here).`,
    );
    return undefined;
  }
  const base = chooseBase(settings.baseRef, github);
  const diff = await changedLinesAgainst(base.ref, settings.workspace);
  const patch = patchCoverage(files, diff.lines);
  notes.push(`Patch coverage compares with ${base.description}.`);
  if (patch.filesWithoutCoverage.length > 0) {
    notes.push(
      `${patch.filesWithoutCoverage.length} changed file(s) appear in no report and are not counted: ${patch.filesWithoutCoverage.slice(0, 10).join(', ')}.`,
    );
  }
  return patch;
}

function annotateUncovered(patch: PatchCoverage | undefined): void {
  if (!patch) return;
  const annotations: Annotation[] = [];
  for (const file of patch.uncovered) {
    for (const range of lineRanges(file.lines).split(', ')) {
      const [start, end = start] = range.split('-').map(Number);
      annotations.push({
        level: 'notice',
        file: file.path,
        line: start,
        endLine: end,
        title: 'Not covered by tests',
        message:
          start === end
            ? `Line ${start} changed and no test ran it.`
            : `Lines ${start}-${end} changed and no test ran them.`,
        onChangedLine: true,
      });
    }
  }
  emitAnnotations(annotations, { seeAlso: 'the job summary lists every uncovered changed line' });
}

async function comment(settings: Settings, github: GitHubContext, body: string): Promise<void> {
  if (!github.pullRequest) {
    core.info(`comment: a ${github.eventName} event has no pull request to comment on.`);
    return;
  }
  const posted = await upsertStickyComment(createOctokit(requireToken(settings, 'comment')), {
    owner: github.repository.owner,
    repo: github.repository.repo,
    issueNumber: github.pullRequest.number,
    key: 'coverage',
    body,
  });
  core.info(`comment: ${posted.action} ${posted.url}`);
}

function pathNotes(review: ReturnType<typeof reviewPaths>): string[] {
  const notes: string[] = [];
  if (review.outside.length > 0) {
    notes.push(
      `${review.outside.length} file(s) lie outside the repository and are left out of every total: ${review.outside.slice(0, 5).join(', ')}. Map them with path-fixes, e.g. /app=. if the tests ran in a container.`,
    );
  }
  if (review.missing.length > 0) {
    notes.push(
      `${review.missing.length} file(s) in the reports do not exist in the checkout: ${review.missing.slice(0, 5).join(', ')}.`,
    );
  }
  return notes;
}

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { emitAnnotations, type Finding as Annotation } from '../core/annotations.js';
import { ActionError } from '../core/errors.js';
import {
  createOctokit,
  readGitHubContext,
  withPullRequest,
  upsertStickyComment,
  type GitHubContext,
} from '../core/github.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { renderBadge } from './badge.js';
import { readBaseline, requireToken } from './baseline.js';
import { evaluateCoverage } from './gate.js';
import { readSettings, type Settings } from './inputs.js';
import { commentKey, stepTitle } from '../core/step-name.js';
import { measureCoverage } from './measure.js';
import { buildResult, outputsFrom } from './result.js';
import { buildSummary, failureHint, verdictLine } from './summary.js';
import { fileTotals, lineRanges, type PatchCoverage } from './totals.js';
import { computePatch } from './patch.js';
import { escapeUntrusted } from '../core/log.js';
import { tryOptionalWrite } from '../core/github-permissions.js';

const COMMENT_WRITE = { what: 'comment on the pull request', permission: 'pull-requests: write' };

const COMMENT_BUDGET_BYTES = 60_000;

export async function run(): Promise<void> {
  await runMain(stepTitle('coverage'), runCoverage, { failureOutputs: { passed: 'false' } });
}

async function runCoverage(): Promise<void> {
  const settings = readSettings();
  const { workspace } = settings;
  const measured = await measureCoverage(settings);
  const { totals, headline, notes } = measured;

  const github = needsGitHub(settings)
    ? await withPullRequest(readGitHubContext(), settings.githubToken ?? '', settings.pullRequest)
    : undefined;
  const patch = await computePatch(settings, github, measured.files, notes, measured.outside);
  const baseline = await readBaseline(settings, github, headline, notes);
  const verdict = evaluateCoverage({ ...totals, headline }, patch, baseline, settings);
  const result = buildResult({
    name: settings.name,
    verdict,
    totals,
    headline,
    patch,
    baseline,
    files: measured.files.map(fileTotals),
    reports: measured.reportsRead,
    commit: process.env.GITHUB_SHA,
  });
  setOutputs(outputsFrom(result));
  setResultOutput(result);

  annotateUncovered(patch);
  if (settings.badgePath) {
    const badgeFile = resolve(workspace, settings.badgePath);
    await mkdir(dirname(badgeFile), { recursive: true });
    await writeFile(badgeFile, renderBadge('coverage', result.headline.rate ?? undefined));
    notes.push(`Badge written to ${relative(workspace, badgeFile)}.`);
  }
  const uploadFailure = settings.codecov
    ? // Loaded only when uploading: most runs never talk to Codecov.
      await (await import('./upload.js')).upload(settings, measured.reportFiles, notes)
    : undefined;
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
    throw new ActionError(verdict.reasons.join('; '), failureHint(verdict));
  }
  if (uploadFailure) throw uploadFailure;
  core.info(escapeUntrusted(verdictLine(result, verdict)));
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
  const posted = await upsertStickyComment(await createOctokit(requireToken(settings, 'comment')), {
    owner: github.repository.owner,
    repo: github.repository.repo,
    issueNumber: github.pullRequest.number,
    key: commentKey('coverage', settings.name),
    body,
  });
  core.info(`comment: ${posted.action} ${posted.url}`);
}

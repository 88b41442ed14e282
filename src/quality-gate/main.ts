import * as core from '@actions/core';
import { emitAnnotations, type Finding as Annotation } from '../core/annotations.js';
import { ActionError } from '../core/errors.js';
import {
  createOctokit,
  readGitHubContext,
  upsertStickyComment,
  withPullRequest,
  type GitHubContext,
} from '../core/github.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { readBaseline } from './baseline.js';
import {
  changedLinesAgainst,
  chooseBase,
  type ChangedLinesAgainstBase,
} from '../core/changed-lines.js';
import { publishCheckRun } from './check-run.js';
import { shareWithCodeScanning } from './code-scanning.js';
import { evaluateGate, type CheckRun, type GateVerdict } from './gate.js';
import { describeSettings, readSettings, type Settings } from './inputs.js';
import { buildResult, outputsFrom } from './result.js';
import { readReport, runCheck } from './run-checks.js';
import { buildSummary, verdictLine } from './summary.js';
import { escapeUntrusted } from '../core/log.js';
import { permissionWarning, tryOptionalWrite } from '../core/github-permissions.js';
import { sourceLinker, type SourceLinker } from '../core/source-links.js';
import { commentKey, stepTitle, titleWithName } from '../core/step-name.js';
import { annotationsOf, gatherDetails } from './details.js';

const ACTION = 'quality-gate';
const COMMENT_WRITE = { what: 'comment on the pull request', permission: 'pull-requests: write' };
const CHECK_RUN_WRITE = {
  what: 'write the check run with the annotations beyond the step limit',
  permission: 'checks: write',
};
const COMMENT_BUDGET_BYTES = 60_000;

export async function run(): Promise<void> {
  await runMain(stepTitle(ACTION), runGate, { failureOutputs: { passed: 'false' } });
}

async function runGate(): Promise<void> {
  const settings = readSettings();
  describeSettings(settings);
  const baseline = settings.baselinePath ? await readBaseline(settings.baselinePath) : undefined;
  const github =
    settings.newOnly || settings.comment || settings.pullRequest
      ? await withPullRequest(readGitHubContext(), settings.githubToken ?? '', settings.pullRequest)
      : undefined;
  const diff = settings.newOnly ? await changedLines(settings, github as GitHubContext) : undefined;

  const runs: CheckRun[] = [];
  const { workspace, thresholds } = settings;
  const failOnEmpty = thresholds.failOnEmpty ?? true;
  for (const check of settings.checks) runs.push(await runCheck(check, workspace, failOnEmpty));
  for (const report of settings.reports)
    runs.push(await readReport(report, workspace, failOnEmpty));
  const verdict = evaluateGate(runs, settings.thresholds, {
    changedLines: diff?.lines,
    baseline,
  });

  // Outputs first, so later steps see them even though the gate fails below.
  setOutputs({ ...outputsFrom(verdict) });
  setResultOutput(
    buildResult(verdict, {
      name: settings.name,
      commit: process.env.GITHUB_SHA,
      ref: process.env.GITHUB_REF,
      baseRef: diff ? settings.baseRef : undefined,
      mergeBase: diff?.mergeBase,
    }),
  );

  const details = gatherDetails(runs, diff);
  details.notes.push(...(await annotate(annotationsOf(details, diff), verdict, settings, github)));
  const summary = buildSummary(verdict, details, { name: settings.name, link: linkToCode(github) });
  const commentBody = settings.comment ? summary.render(COMMENT_BUDGET_BYTES) : '';
  // The summary first: a comment is optional and may be refused (fork pull requests).
  await summary.write();
  if (settings.comment) {
    await tryOptionalWrite(COMMENT_WRITE, github, () =>
      comment(settings, github as GitHubContext, commentBody),
    );
  }
  // After the summary and comment: code scanning is optional and only ever warns.
  await shareWithCodeScanning(verdict.checks, details.findings, {
    name: settings.name,
    upload: settings.uploadSarif,
    githubToken: settings.githubToken,
    github,
    namedPullRequest: settings.pullRequest > 0,
  });

  if (!verdict.passed) {
    const failed = verdict.checks.filter((check) => !check.passed).length;
    throw new ActionError(
      `${failed} of ${verdict.checks.length} checks failed: ${verdict.reasons.join('; ')}`,
      'The job summary lists every check with its counts, the failing tests and the findings.',
    );
  }
  core.info(escapeUntrusted(verdictLine(verdict, settings.name)));
}

async function changedLines(
  settings: Settings,
  github: GitHubContext,
): Promise<ChangedLinesAgainstBase> {
  const base = chooseBase(settings.baseRef, github);
  core.info(`new-only: comparing with ${base.description}`);
  // A shallow checkout (actions/checkout's default) gets the base fetched rather than failing.
  const { pullRequestHead } = base;
  return changedLinesAgainst(base.ref, settings.workspace, { fetchMissing: true, pullRequestHead });
}

/**
 * Annotates within the step's limits; what GitHub would drop goes to a check run when the token
 * allows. Returns notes for the summary.
 */
async function annotate(
  annotations: Annotation[],
  verdict: GateVerdict,
  settings: Settings,
  github: GitHubContext | undefined,
): Promise<string[]> {
  const selection = emitAnnotations(annotations, { seeAlso: 'all are listed in the job summary' });
  const shown = new Set(selection.shown);
  const rest = annotations.filter((annotation) => !shown.has(annotation));
  if (rest.length === 0) return [];
  const notes = [
    `${rest.length} of ${annotations.length} findings were not annotated on the step: GitHub shows 10 per level.`,
  ];
  if (!settings.githubToken) return notes;
  const context = github ?? readGitHubContext();
  // One check run per name: matrix legs must not replace each other's verdict.
  const checkRunName = titleWithName(ACTION, settings.name);
  const outcome = await publishCheckRun(createOctokit(settings.githubToken), {
    owner: context.repository.owner,
    repo: context.repository.repo,
    headSha: context.pullRequest?.headSha ?? context.sha,
    name: checkRunName,
    passed: verdict.passed,
    title: verdictLine(verdict, settings.name),
    summary: verdict.reasons.join('\n') || verdictLine(verdict, settings.name),
    annotations: rest,
  });
  notes.push(
    outcome.published
      ? `The other ${outcome.annotated} are annotations of the check run '${checkRunName}'.`
      : `They could not go to a check run: ${outcome.reason}.`,
  );
  if (!outcome.published && outcome.refusal !== undefined) {
    core.warning(permissionWarning(CHECK_RUN_WRITE, outcome.refusal, context));
  }
  return notes;
}

/** Links in the summary show the code as the checks saw it: a pull request's head commit. */
function linkToCode(github: GitHubContext | undefined): SourceLinker | undefined {
  let context = github;
  try {
    context ??= readGitHubContext();
  } catch {
    return undefined; // Not on a runner (a local run without GITHUB_REPOSITORY): plain paths.
  }
  const sha = context.pullRequest?.headSha ?? context.sha;
  return sourceLinker({ serverUrl: context.serverUrl, repository: context.repository, sha });
}

async function comment(settings: Settings, github: GitHubContext, body: string): Promise<void> {
  if (!github.pullRequest) {
    core.info(`comment: a ${github.eventName} event has no pull request to comment on.`);
    return;
  }
  if (!settings.githubToken) {
    throw new ActionError(
      'comment is true but github-token is empty.',
      'Pass github-token: ${{ github.token }} with pull-requests: write.',
    );
  }
  const posted = await upsertStickyComment(createOctokit(settings.githubToken), {
    owner: github.repository.owner,
    repo: github.repository.repo,
    issueNumber: github.pullRequest.number,
    key: commentKey(ACTION, settings.name),
    body,
  });
  core.info(`comment: ${posted.action} ${posted.url}`);
}

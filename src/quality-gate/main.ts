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
import { MAX_CHECK_RUN_ANNOTATIONS, publishCheckRun } from './check-run.js';
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
  const settings = await readSettings();
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
  // One check run per name: matrix legs must not replace each other's verdict.
  const checkRunName = settings.githubToken ? titleWithName(ACTION, settings.name) : undefined;
  const overflow = annotateStep(annotationsOf(details, diff), checkRunName);
  details.notes.push(...overflow.notes);
  const summary = buildSummary(verdict, details, { name: settings.name, link: linkToCode(github) });
  const commentBody = settings.comment ? summary.render(COMMENT_BUDGET_BYTES) : '';
  // The summary first: a comment is optional and may be refused (fork pull requests).
  await summary.write();
  // Before the comment, whose errors end the step: code scanning never throws, and its file is an
  // output of every run. Every finding goes in, new-only or not: one left out would close its alert.
  const allFindings = runs.flatMap((run) =>
    run.report.findings.map((finding) => ({ ...finding, check: run.name })),
  );
  await shareWithCodeScanning(verdict.checks, allFindings, {
    name: settings.name,
    upload: settings.uploadSarif,
    githubToken: settings.githubToken,
    github,
    namedPullRequest: settings.pullRequest > 0,
  });
  if (checkRunName !== undefined && overflow.rest.length > 0) {
    await publishRest(overflow.rest, checkRunName, verdict, settings, github);
  }
  if (settings.comment) {
    await tryOptionalWrite(COMMENT_WRITE, github, () =>
      comment(settings, github as GitHubContext, commentBody),
    );
  }

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
 * Annotates within the step's limits and returns what GitHub would drop, with the notes the
 * summary gives about it. The rest goes to a check run only after the summary is written.
 */
function annotateStep(
  annotations: Annotation[],
  checkRunName: string | undefined,
): { rest: Annotation[]; notes: string[] } {
  const selection = emitAnnotations(annotations, { seeAlso: 'all are listed in the job summary' });
  const shown = new Set(selection.shown);
  const rest = annotations.filter((annotation) => !shown.has(annotation));
  if (rest.length === 0) return { rest, notes: [] };
  const notes = [
    `${rest.length} of ${annotations.length} annotations (findings and failing tests) were not shown on the step: GitHub shows 10 per level.`,
  ];
  notes.push(
    checkRunName === undefined
      ? 'Give the step a github-token to have them annotated in a check run.'
      : `They go to the check run '${checkRunName}' (up to ${MAX_CHECK_RUN_ANNOTATIONS}), which needs \`permissions: checks: write\`; a warning says so when GitHub refuses.`,
  );
  return { rest, notes };
}

/** The annotations beyond the step's limit, as a check run; a refusal only warns. */
async function publishRest(
  rest: Annotation[],
  name: string,
  verdict: GateVerdict,
  settings: Settings,
  github: GitHubContext | undefined,
): Promise<void> {
  const context = github ?? readGitHubContext();
  const outcome = await publishCheckRun(await createOctokit(settings.githubToken as string), {
    owner: context.repository.owner,
    repo: context.repository.repo,
    headSha: context.pullRequest?.headSha ?? context.sha,
    name,
    passed: verdict.passed,
    title: verdictLine(verdict, settings.name),
    summary: verdict.reasons.join('\n') || verdictLine(verdict, settings.name),
    annotations: rest,
  });
  if (outcome.published) {
    core.info(`check run '${name}': ${outcome.annotated} annotations, ${outcome.url}`);
  } else if (outcome.refusal !== undefined) {
    core.warning(permissionWarning(CHECK_RUN_WRITE, outcome.refusal, context));
  } else {
    core.warning(
      `The annotations beyond the step's limit could not go to a check run: ${outcome.reason}.`,
    );
  }
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
  const posted = await upsertStickyComment(await createOctokit(settings.githubToken), {
    owner: github.repository.owner,
    repo: github.repository.repo,
    issueNumber: github.pullRequest.number,
    key: commentKey(ACTION, settings.name),
    body,
  });
  core.info(`comment: ${posted.action} ${posted.url}`);
}

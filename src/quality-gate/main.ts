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
  touchesChangedLines,
  type ChangedLinesAgainstBase,
} from '../core/changed-lines.js';
import { publishCheckRun } from './check-run.js';
import { evaluateGate, selectNewFindings, type CheckRun, type GateVerdict } from './gate.js';
import { describeSettings, readSettings, type Settings } from './inputs.js';
import { buildResult, outputsFrom } from './result.js';
import { readReport, runCheck } from './run-checks.js';
import { buildSummary, verdictLine, type SummaryDetails } from './summary.js';
import { escapeUntrusted } from '../core/log.js';
import { permissionWarning, tryOptionalWrite } from '../core/github-permissions.js';

const CHECK_RUN_NAME = 'quality-gate';
const COMMENT_WRITE = { what: 'comment on the pull request', permission: 'pull-requests: write' };
const CHECK_RUN_WRITE = {
  what: 'write the check run with the annotations beyond the step limit',
  permission: 'checks: write',
};
const COMMENT_BUDGET_BYTES = 60_000;

export async function run(): Promise<void> {
  await runMain('quality-gate', async () => {
    const settings = readSettings();
    describeSettings(settings);
    const baseline = settings.baselinePath ? await readBaseline(settings.baselinePath) : undefined;
    const github =
      settings.newOnly || settings.comment || settings.pullRequest
        ? await withPullRequest(
            readGitHubContext(),
            settings.githubToken ?? '',
            settings.pullRequest,
          )
        : undefined;
    const diff = settings.newOnly
      ? await changedLines(settings, github as GitHubContext)
      : undefined;

    const runs: CheckRun[] = [];
    for (const check of settings.checks) runs.push(await runCheck(check, settings.workspace));
    for (const report of settings.reports) runs.push(await readReport(report, settings.workspace));
    const verdict = evaluateGate(runs, settings.thresholds, {
      changedLines: diff?.lines,
      baseline,
    });

    // Outputs first, so later steps see them even though the gate fails below.
    setOutputs({ ...outputsFrom(verdict) });
    setResultOutput(
      buildResult(verdict, {
        commit: process.env.GITHUB_SHA,
        ref: process.env.GITHUB_REF,
        baseRef: diff ? settings.baseRef : undefined,
        mergeBase: diff?.mergeBase,
      }),
    );

    const details = gatherDetails(runs, diff);
    const annotations = [
      ...details.findings.map((finding) => toAnnotation(finding, diff)),
      ...details.failingTests.filter((test) => test.file).map(testAnnotation),
    ];
    details.notes.push(...(await annotate(annotations, verdict, settings, github)));
    const summary = buildSummary(verdict, details);
    const commentBody = settings.comment ? summary.render(COMMENT_BUDGET_BYTES) : '';
    // The summary first: a comment is optional and may be refused (fork pull requests).
    await summary.write();
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
    core.info(escapeUntrusted(verdictLine(verdict)));
  });
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

/** The findings that count (with new-only, those on changed lines) and what else the summary lists. */
function gatherDetails(
  runs: CheckRun[],
  diff: ChangedLinesAgainstBase | undefined,
): SummaryDetails {
  const details: SummaryDetails = {
    failingTests: [],
    findings: [],
    vulnerabilities: [],
    notes: [],
  };
  for (const run of runs) {
    const counted = diff
      ? selectNewFindings(run.report.findings, diff.lines).kept
      : run.report.findings;
    details.findings.push(...counted.map((finding) => ({ ...finding, check: run.name })));
    const failing = run.report.tests?.notable.filter((test) => test.outcome === 'failed') ?? [];
    details.failingTests.push(...failing.map((test) => ({ ...test, check: run.name })));
    details.vulnerabilities.push(
      ...(run.report.audit?.vulnerabilities ?? []).map((item) => ({ ...item, check: run.name })),
    );
  }
  return details;
}

function toAnnotation(
  finding: SummaryDetails['findings'][number],
  diff: ChangedLinesAgainstBase | undefined,
): Annotation {
  const onChangedLine =
    diff !== undefined && finding.file !== undefined && finding.line !== undefined
      ? touchesChangedLines(diff.lines, finding.file, finding.line, finding.endLine ?? finding.line)
      : undefined;
  return {
    level: finding.severity,
    message: finding.message,
    title: [finding.check, finding.rule].filter(Boolean).join(': '),
    file: finding.file,
    line: finding.line,
    endLine: finding.endLine,
    column: finding.column,
    endColumn: finding.endColumn,
    onChangedLine,
  };
}

function testAnnotation(test: SummaryDetails['failingTests'][number]): Annotation {
  return {
    level: 'error',
    title: `${test.check}: test failed: ${test.name}`,
    message: [test.message, test.details].filter(Boolean).join('\n\n') || 'failed',
    file: test.file,
    line: test.line,
  };
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
  const outcome = await publishCheckRun(createOctokit(settings.githubToken), {
    owner: context.repository.owner,
    repo: context.repository.repo,
    headSha: context.pullRequest?.headSha ?? context.sha,
    name: CHECK_RUN_NAME,
    passed: verdict.passed,
    title: verdictLine(verdict),
    summary: verdict.reasons.join('\n') || verdictLine(verdict),
    annotations: rest,
  });
  notes.push(
    outcome.published
      ? `The other ${outcome.annotated} are annotations of the check run '${CHECK_RUN_NAME}'.`
      : `They could not go to a check run: ${outcome.reason}.`,
  );
  if (!outcome.published && outcome.refusal !== undefined) {
    core.warning(permissionWarning(CHECK_RUN_WRITE, outcome.refusal, context));
  }
  return notes;
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
    key: 'quality-gate',
    body,
  });
  core.info(`comment: ${posted.action} ${posted.url}`);
}

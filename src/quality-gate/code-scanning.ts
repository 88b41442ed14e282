/**
 * The gate's findings as a SARIF 2.1.0 log for GitHub code scanning, so they appear in the
 * Security tab and as pull request alerts. The log is always written to RUNNER_TEMP (output
 * `sarif-file`, for github/codeql-action/upload-sarif); with `upload-sarif` it is also uploaded.
 *
 * What code scanning accepts shapes the log:
 * - Every result needs a location in the repository: findings without a file (a tool's summary
 *   line, a crashed command) or with a path outside the repository are left out and counted.
 * - One run per tool (`source`), each with its own category (`automationDetails.id`): since
 *   2025-07 an upload whose runs share a category is rejected. The category starts with the
 *   step's `name`, so matrix legs do not replace each other's analyses.
 * - At most 20 runs per upload, and GitHub keeps only the 5,000 most severe results of a run:
 *   we cut there ourselves, errors last, so what is kept is ours to say.
 * - At most 10 MB gzipped: results are cut, least severe first, until the log fits.
 * No partialFingerprints: GitHub computes them from the checked-out files on upload.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as core from '@actions/core';
import { describeThrown } from '../core/errors.js';
import {
  createOctokit,
  readGitHubContext,
  type GitHubClient,
  type GitHubContext,
} from '../core/github.js';
import { isPermissionRefusal, permissionWarning } from '../core/github-permissions.js';
import { escapeUntrusted } from '../core/log.js';
import { setOutputs } from '../core/outputs.js';
import { maskSecrets } from '../core/secrets.js';
import { commentKey } from '../core/step-name.js';
import type { Finding, Severity } from './model.js';

export const SARIF_LIMITS = {
  runs: 20,
  /** GitHub rejects 25,000 and stores only the top 5,000 of a run. */
  resultsPerRun: 5_000,
  gzippedBytes: 10 * 1024 * 1024,
};
export type SarifLimits = typeof SARIF_LIMITS;

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', notice: 'note' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };
const UPLOAD = {
  what: 'upload the findings to code scanning',
  permission: 'security-events: write',
};

type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
      region: { startLine: number; endLine?: number; startColumn?: number; endColumn?: number };
    };
  }>;
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      rules: Array<{ id: string; shortDescription: { text: string }; helpUri?: string }>;
    };
  };
  automationDetails: { id: string };
  results: SarifResult[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

export interface BuiltSarif {
  log: SarifLog;
  /** The log as uploaded: gzipped JSON. */
  gzipped: Buffer;
  results: number;
  /** What was left out or cut, and why, one sentence each. */
  notes: string[];
}

/** The category prefix of every run: `quality-gate/<name>/`, or `quality-gate/` without a name. */
export function categoryOf(name: string | undefined): string {
  return name ? `quality-gate/${name}/` : 'quality-gate/';
}

/** Builds the log from the findings the gate counted, within GitHub's limits. */
export function buildSarif(
  findings: readonly Finding[],
  name: string | undefined,
  limits: SarifLimits = SARIF_LIMITS,
): BuiltSarif {
  const notes: string[] = [];
  const located = findings.filter((finding) => uriOf(finding.file) !== undefined);
  const unlocated = findings.length - located.length;
  if (unlocated > 0) {
    notes.push(
      `${count(unlocated, 'finding')} without a file in the repository ${unlocated === 1 ? 'is' : 'are'} not in the SARIF: code scanning needs a location for every result.`,
    );
  }

  // Most severe tools first, so the runs that would go over GitHub's limit are the mildest.
  const bySource = groupBySource(located);
  const sources = [...bySource.keys()].sort((a, b) =>
    compareTools(bySource.get(a) ?? [], bySource.get(b) ?? []),
  );
  const keptSources = sources.slice(0, limits.runs);
  const cutSources = sources.slice(limits.runs);
  if (cutSources.length > 0) {
    const lost = cutSources.reduce((sum, source) => sum + (bySource.get(source)?.length ?? 0), 0);
    notes.push(
      `${count(cutSources.length, 'tool')} (${cutSources.join(', ')}) with ${count(lost, 'finding')} ${cutSources.length === 1 ? 'is' : 'are'} not in the SARIF: code scanning takes at most ${limits.runs} runs per upload.`,
    );
  }

  let perRun = keptSources.map((source) => {
    const sorted = [...(bySource.get(source) ?? [])].sort(bySeverity);
    if (sorted.length > limits.resultsPerRun) {
      notes.push(
        `${count(sorted.length - limits.resultsPerRun, 'finding')} of ${source} ${sorted.length - limits.resultsPerRun === 1 ? 'is' : 'are'} not in the SARIF: code scanning keeps the ${limits.resultsPerRun.toLocaleString('en-US')} most severe results of a tool.`,
      );
    }
    return { source, findings: sorted.slice(0, limits.resultsPerRun) };
  });

  const category = categoryOf(name);
  const render = () =>
    ({
      $schema: SCHEMA,
      version: '2.1.0',
      runs: perRun.map((run) => toRun(run.source, run.findings, category)),
    }) satisfies SarifLog;
  let log: SarifLog = render();
  let gzipped = gzipSync(JSON.stringify(log));
  const before = total(perRun);
  // Cut the least severe results across all runs until the gzipped log fits; a few rounds at most.
  while (gzipped.length > limits.gzippedBytes && total(perRun) > 0) {
    const keep = Math.floor((total(perRun) * limits.gzippedBytes * 0.9) / gzipped.length);
    perRun = keepMostSevere(perRun, keep);
    log = render();
    gzipped = gzipSync(JSON.stringify(log));
  }
  const after = total(perRun);
  if (after < before) {
    notes.push(
      `${count(before - after, 'finding')} of the least severe ${before - after === 1 ? 'is' : 'are'} not in the SARIF: code scanning takes at most ${limits.gzippedBytes / 1024 / 1024} MB gzipped.`,
    );
  }
  return { log, gzipped, results: after, notes };
}

function toRun(source: string, findings: Finding[], category: string): SarifRun {
  const rules: SarifRun['tool']['driver']['rules'] = [];
  const ruleIndex = new Map<string, number>();
  const results = findings.map((finding): SarifResult => {
    // A result needs a rule to be tracked as one alert across analyses; tools without rule ids
    // (rustfmt) report under the tool's own name.
    const id = finding.rule || source;
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push({ id, shortDescription: { text: maskSecrets(id) } });
    }
    const rule = rules[index];
    if (rule.helpUri === undefined && finding.ruleUrl && isHttpUrl(finding.ruleUrl)) {
      rule.helpUri = finding.ruleUrl;
    }
    return {
      ruleId: id,
      ruleIndex: index,
      level: LEVELS[finding.severity],
      message: { text: maskSecrets(finding.message.trim() || id) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(finding.file) as string, uriBaseId: '%SRCROOT%' },
            region: regionOf(finding),
          },
        },
      ],
    };
  });
  return {
    tool: { driver: { name: source, rules } },
    automationDetails: { id: `${category}${source}/` },
    results,
  };
}

/**
 * SARIF regions are 1-based with an exclusive end column, as the tools' reports we read are.
 * A finding on a whole file points at its first line: code scanning needs a start line.
 */
function regionOf(
  finding: Finding,
): SarifResult['locations'][number]['physicalLocation']['region'] {
  const startLine = finding.line ?? 1;
  const region: ReturnType<typeof regionOf> = { startLine };
  const endLine =
    finding.endLine !== undefined && finding.endLine >= startLine ? finding.endLine : undefined;
  if (endLine !== undefined) region.endLine = endLine;
  if (finding.line !== undefined && finding.column !== undefined) {
    region.startColumn = finding.column;
    const sameLine = (endLine ?? startLine) === startLine;
    if (finding.endColumn !== undefined && (!sameLine || finding.endColumn >= finding.column)) {
      region.endColumn = finding.endColumn;
    }
  }
  return region;
}

/** A repository-relative URI reference, or undefined for no file or one outside the repository. */
function uriOf(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const path = file.replace(/\\/g, '/').replace(/^\.\//, '');
  if (isAbsolute(path) || /^[A-Za-z]:\//.test(path) || path === '..' || path.startsWith('../')) {
    return undefined;
  }
  // encodeURI leaves '?' and '#', which would end the path of a URI.
  return encodeURI(path).replace(/[?#]/g, (char) => encodeURIComponent(char));
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/.test(text);
}

function groupBySource(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const source = finding.source || 'quality-gate';
    groups.set(source, [...(groups.get(source) ?? []), finding]);
  }
  return groups;
}

function compareTools(a: Finding[], b: Finding[]): number {
  const errors = (list: Finding[]) => list.filter((finding) => finding.severity === 'error').length;
  return errors(b) - errors(a) || b.length - a.length;
}

function bySeverity(a: Finding, b: Finding): number {
  return RANK[a.severity] - RANK[b.severity];
}

type PerRun = Array<{ source: string; findings: Finding[] }>;

function total(perRun: PerRun): number {
  return perRun.reduce((sum, run) => sum + run.findings.length, 0);
}

/** Keeps the `keep` most severe findings over all runs; each run's list is already sorted. */
function keepMostSevere(perRun: PerRun, keep: number): PerRun {
  const all = perRun.flatMap((run, runIndex) =>
    run.findings.map((finding, order) => ({ finding, runIndex, order })),
  );
  all.sort(
    (a, b) => bySeverity(a.finding, b.finding) || a.order - b.order || a.runIndex - b.runIndex,
  );
  const kept = new Set(all.slice(0, Math.max(0, keep)).map((entry) => entry.finding));
  return perRun.map((run) => ({
    source: run.source,
    findings: run.findings.filter((finding) => kept.has(finding)),
  }));
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** Where an upload goes: the commit and ref code scanning files the analysis under. */
export interface UploadTarget {
  owner: string;
  repo: string;
  commitSha: string;
  ref: string;
}

/**
 * As github/codeql-action does: the run's own ref and commit (on pull_request, the merge ref
 * refs/pull/N/merge and its merge commit). A pull request named by the `pull-request` input
 * (a workflow_run reporting for a fork) is the run's subject instead: its head ref and commit,
 * so its findings do not land on the default branch the workflow_run runs on.
 */
export function uploadTarget(
  github: GitHubContext,
  namedPullRequest: boolean,
): UploadTarget | { problem: string } {
  const { owner, repo } = github.repository;
  if (namedPullRequest && github.pullRequest) {
    const { number, headSha } = github.pullRequest;
    return { owner, repo, commitSha: headSha, ref: `refs/pull/${number}/head` };
  }
  if (!github.ref || !/^refs\/(heads|tags|pull)\//.test(github.ref)) {
    return {
      problem: `the ${github.eventName} event's ref (${github.ref ?? 'none'}) is not a branch, tag or pull request, which code scanning files analyses under`,
    };
  }
  return { owner, repo, commitSha: github.sha, ref: github.ref };
}

export type UploadOutcome =
  | { uploaded: true; id: string; url: string }
  /** `warning` says what went wrong and what to do; the gate's verdict does not change. */
  | { uploaded: false; warning: string };

/** Uploads the gzipped log; a refusal or an error becomes a warning, never a failure. */
export async function uploadSarif(
  octokit: GitHubClient,
  target: UploadTarget,
  gzipped: Buffer,
  github: Pick<GitHubContext, 'pullRequest'> | undefined,
): Promise<UploadOutcome> {
  try {
    const { data } = await octokit.rest.codeScanning.uploadSarif({
      owner: target.owner,
      repo: target.repo,
      commit_sha: target.commitSha,
      ref: target.ref,
      sarif: gzipped.toString('base64'),
      tool_name: 'quality-gate',
    });
    return { uploaded: true, id: data.id ?? '', url: data.url ?? '' };
  } catch (error) {
    return { uploaded: false, warning: maskSecrets(uploadWarning(error, github)) };
  }
}

function uploadWarning(error: unknown, github: Pick<GitHubContext, 'pullRequest'> | undefined) {
  const answer = describeThrown(error);
  const status = (error as { status?: unknown } | null)?.status;
  if (
    isPermissionRefusal(error) &&
    /advanced security|code security|code scanning is not enabled/i.test(answer)
  ) {
    return (
      `Could not ${UPLOAD.what}: code scanning is not enabled for this repository (GitHub answered ${String(status)}: ${answer}). ` +
      `Private repositories need GitHub Code Security (Advanced Security) turned on in the repository's settings; ` +
      `or set upload-sarif: false. The job summary has the full report.`
    );
  }
  if (isPermissionRefusal(error)) return permissionWarning(UPLOAD, error, github);
  return `Could not ${UPLOAD.what}: ${answer}. The gate's verdict does not depend on it; the SARIF file (output sarif-file) can be uploaded by a later step.`;
}

export interface CodeScanningOptions {
  name: string | undefined;
  upload: boolean;
  githubToken: string | undefined;
  /** The run's context with the pull request it reports on, when one was read already. */
  github: GitHubContext | undefined;
  /** The `pull-request` input named the pull request (the event carries none). */
  namedPullRequest: boolean;
  runnerTemp?: string;
}

/**
 * Writes the SARIF file (output `sarif-file`) and, when asked, uploads it (output `sarif-id`).
 * Never throws: code scanning is an extra view on findings the gate has already judged.
 */
export async function shareWithCodeScanning(
  findings: readonly Finding[],
  options: CodeScanningOptions,
): Promise<void> {
  try {
    const built = buildSarif(findings, options.name);
    for (const note of built.notes) core.info(`code scanning: ${note}`);
    const directory = options.runnerTemp ?? (process.env.RUNNER_TEMP || tmpdir());
    await mkdir(directory, { recursive: true });
    const file = join(directory, `${commentKey('quality-gate', options.name)}.sarif`);
    await writeFile(file, JSON.stringify(built.log, null, 1));
    setOutputs({ 'sarif-file': file });
    core.info(
      escapeUntrusted(
        `code scanning: wrote ${count(built.results, 'result')} in ${count(built.log.runs.length, 'run')} to ${file}`,
      ),
    );
    if (!options.upload) return;
    await upload(built, options);
  } catch (error) {
    core.warning(
      maskSecrets(
        `Could not write or upload the findings for code scanning: ${describeThrown(error)}`,
      ),
    );
  }
}

async function upload(built: BuiltSarif, options: CodeScanningOptions): Promise<void> {
  if (built.log.runs.length === 0) {
    core.info(
      'code scanning: no finding has a location in the repository, so nothing was uploaded.',
    );
    return;
  }
  if (!options.githubToken) {
    core.warning(
      'upload-sarif is true but github-token is empty. Pass github-token: ${{ github.token }} and give the job `permissions: security-events: write`.',
    );
    return;
  }
  const github = options.github ?? readGitHubContext();
  const target = uploadTarget(github, options.namedPullRequest);
  if ('problem' in target) {
    core.warning(`Could not ${UPLOAD.what}: ${target.problem}.`);
    return;
  }
  const outcome = await uploadSarif(
    createOctokit(options.githubToken),
    target,
    built.gzipped,
    github,
  );
  if (!outcome.uploaded) {
    core.warning(outcome.warning);
    return;
  }
  setOutputs({ 'sarif-id': outcome.id });
  core.info(
    escapeUntrusted(
      `code scanning: uploaded as ${outcome.id} for ${target.ref} at ${target.commitSha}; GitHub processes it in the background (${outcome.url}).`,
    ),
  );
}

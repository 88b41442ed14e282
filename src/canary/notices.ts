/**
 * Who hears about a canary besides the job summary: a GitHub Deployment in the `environment`
 * (so the environment page and the pull request show what runs where) and one webhook message per
 * decision. Both are courtesies: a refusal or an outage of either is a warning, never a failure,
 * and both happen after the summary and outputs are written, so they can delay nothing a later
 * step reads.
 *
 * One canary may span jobs (start, then promote or abort behind a review), so the Deployment that
 * start opens carries a payload naming the canary's cluster, namespace and workload; the later
 * job finds that same Deployment and finishes it rather than recording a second one.
 */
import * as core from '@actions/core';
import { describeCluster, type ClusterIdentity } from '../core/cluster-identity.js';
import {
  createOctokit,
  readGitHubContext,
  workflowRunUrl,
  type GitHubClient,
  type GitHubContext,
} from '../core/github.js';
import {
  fitStatusDescription,
  resumeDeployment,
  startDeployment,
  type DeploymentHandle,
  type FinalDeploymentState,
} from '../core/github-deployment.js';
import { describeThrown } from '../core/errors.js';
import { escapeUntrusted } from '../core/log.js';
import { formatNotice, notifyWebhook, type DeployNotice, type NoticeTone } from '../core/notify.js';
import { weight } from './summary-format.js';
import { verdictLine } from './summary.js';
import type { CanaryReport, Settings } from './types.js';
import type { RunOwner } from './cluster/cluster-state.js';

/** The payload key that marks a Deployment as this action's canary. */
export const PAYLOAD_KEY = 'slipway-canary';

export interface CanaryMarker {
  /** The API server (host:port); the same environment may name a workload on several clusters. */
  server: string | null;
  namespace: string | null;
  deployment: string;
  /**
   * The job that opened it: the canary's state records the same job as its owner, so a later
   * promote or abort finishes the Deployment of the canary it acts on, never an earlier run's
   * left in progress (a runner that was lost). Absent on Deployments of older versions.
   */
  run?: CanaryRun;
}

/** A RunOwner's identity, as the payload stores it. */
export interface CanaryRun {
  runId: string;
  runAttempt: number;
  job: string;
}

function runOf(owner: RunOwner): CanaryRun {
  return { runId: owner.runId, runAttempt: owner.runAttempt, job: owner.job };
}

export function canaryMarker(
  settings: Settings,
  cluster: ClusterIdentity | undefined,
  owner?: RunOwner,
): CanaryMarker {
  return {
    server: cluster?.server ?? null,
    namespace: settings.namespace ?? null,
    deployment: settings.deployment,
    ...(owner ? { run: runOf(owner) } : {}),
  };
}

/**
 * Whether a Deployment's payload marks it as the canary of this workload; with `run`, only as the
 * one that run opened (the owner the canary's state records).
 */
function isMarked(payload: unknown, marker: CanaryMarker, run: CanaryRun | undefined): boolean {
  if (payload === null || typeof payload !== 'object') return false;
  const found = (payload as Record<string, unknown>)[PAYLOAD_KEY] as
    Partial<CanaryMarker> | undefined;
  return (
    found?.deployment === marker.deployment &&
    (found.namespace ?? null) === marker.namespace &&
    (found.server ?? null) === marker.server &&
    (run === undefined ||
      (found.run?.runId === run.runId &&
        found.run.runAttempt === run.runAttempt &&
        found.run.job === run.job))
  );
}

/**
 * The Deployment's end for a decision; undefined leaves it as it is (a started or paused canary
 * waits for the job that promotes or aborts it; `kept` changed nothing).
 *
 * An abort the user asked for, which put stable back healthy, ends as `inactive`: GitHub documents
 * that state for a deployment that is no longer what runs in the environment, which is exactly
 * what a withdrawn canary is. `failure` would tell the environment page and the pull request that
 * the release broke, which nobody observed. Any other abort (judged worse than stable, a canary
 * that never got ready, a cleanup that did not finish) is a `failure`.
 */
export function deploymentState(
  report: CanaryReport,
  stepFailed: boolean,
): FinalDeploymentState | undefined {
  switch (report.decision) {
    case 'promoted':
      return 'success';
    case 'aborted':
      return report.mode === 'abort' && !stepFailed ? 'inactive' : 'failure';
    default:
      return undefined;
  }
}

function tone(report: CanaryReport): NoticeTone {
  if (report.decision === 'promoted') return 'success';
  if (report.decision === 'aborted') {
    const clean = report.cleanup?.stableHealthy && report.cleanup.leftoverObjects.length === 0;
    return clean ? 'reverted' : 'failure';
  }
  return 'waiting';
}

function headline(report: CanaryReport, environment: string): string {
  const what = `Canary of ${report.canaryImage || 'the new version'} for ${report.deployment}`;
  switch (report.decision) {
    case 'promoted':
      return `${what} promoted in ${environment}`;
    case 'aborted':
      return `${what} aborted in ${environment}`;
    case 'paused':
      return `${what} paused at ${report.finalWeight}% in ${environment}`;
    default:
      return `${what} started in ${environment}, without traffic yet`;
  }
}

/** The webhook message for a decision; undefined for `kept`, where nothing was decided or changed. */
export function canaryNotice(
  report: CanaryReport,
  environment: string,
  runUrl: string,
): DeployNotice | undefined {
  // A reaper (abort with stale-only) that finds nothing stale runs on a schedule; telling the
  // channel each time that nothing happened would bury the notices that matter.
  if (report.decision === 'kept') return undefined;
  const weights = report.steps.map(weight);
  return {
    tone: tone(report),
    headline: headline(report, environment),
    environment,
    workloads: report.canaryImage
      ? [{ name: report.deployment, from: report.stableImage ?? 'unknown', to: report.canaryImage }]
      : [],
    details: [
      `Decision: ${report.decision}`,
      `Weights reached: ${weights.length > 0 ? weights.join(' → ') : 'none'}`,
      `Reason: ${report.reason}`,
    ],
    runUrl,
  };
}

export class CanaryNotices {
  private constructor(
    private readonly settings: Settings,
    private readonly github: GitHubContext,
    private readonly octokit: GitHubClient | undefined,
    private readonly marker: CanaryMarker,
    /** What auto and start opened before the canary began; promote and abort find theirs. */
    private readonly opened: DeploymentHandle | undefined,
    /** For promote and abort: the run the canary's state names as its owner, when it names one. */
    private readonly canaryRun: CanaryRun | undefined,
  ) {}

  /** Set once the Deployment got its end, so a later failure does not post a second one. */
  private ended = false;

  /**
   * Before the canary begins: auto and start record the Deployment in progress, so the environment
   * shows the canary while it runs. Never throws.
   */
  static async open(
    settings: Settings,
    cluster: ClusterIdentity | undefined,
    run: {
      /** This job. */
      owner?: RunOwner;
      /** The owner the canary's state records; read by promote and abort before they act. */
      canaryOwner?: () => Promise<RunOwner | undefined>;
    } = {},
  ): Promise<CanaryNotices> {
    const github = readGitHubContext();
    const marker = canaryMarker(settings, cluster, run.owner);
    const octokit =
      settings.environment && settings.githubToken
        ? await createOctokit(settings.githubToken)
        : undefined;
    let opened: DeploymentHandle | undefined;
    if (octokit && (settings.mode === 'auto' || settings.mode === 'start')) {
      opened = await startDeployment(octokit, {
        ...deploymentTarget(settings, github),
        ref: github.sha,
        description: fitStatusDescription(
          `Slipway canary of ${settings.image ?? 'a new version'} for ${settings.deployment}`,
        ),
        payload: { [PAYLOAD_KEY]: marker },
      });
      if (opened.skippedBecause) warn(opened.skippedBecause);
    }
    let canaryRun: CanaryRun | undefined;
    if (octokit && !opened && run.canaryOwner) {
      try {
        const owner = await run.canaryOwner();
        canaryRun = owner && runOf(owner);
      } catch {
        // The run itself reads the canary again and says what is wrong; without its owner the
        // Deployment is found by workload alone, as before owners were recorded.
      }
    }
    return new CanaryNotices(settings, github, octokit, marker, opened, canaryRun);
  }

  /**
   * The run ended without a report (it threw, or was cancelled): the Deployment this job opened
   * gets `failure` with why, instead of staying in progress forever. A Deployment a later job
   * was to finish (promote, abort) is not this job's to end. Never throws.
   */
  async abandon(why: string): Promise<void> {
    if (!this.opened || this.opened.id === undefined || this.ended) return;
    this.ended = true;
    try {
      const note = await this.opened.finish('failure', fitStatusDescription(why));
      if (note) warn(note);
    } catch (error) {
      warn(`The GitHub deployment could not be updated: ${describeThrown(error)}`);
    }
  }

  /** After the summary: the Deployment's status and the webhook message. Never throws. */
  async finish(report: CanaryReport, stepFailed: boolean): Promise<void> {
    this.ended = true;
    try {
      await this.finishDeployment(report, stepFailed);
    } catch (error) {
      warn(`The GitHub deployment could not be updated: ${describeThrown(error)}`);
    }
    try {
      await this.notify(report);
    } catch (error) {
      warn(`The notification could not be sent: ${describeThrown(error)}`);
    }
  }

  private async finishDeployment(report: CanaryReport, stepFailed: boolean): Promise<void> {
    const state = deploymentState(report, stepFailed);
    if (!this.octokit || !state) return;
    let handle = this.opened ?? (await this.find());
    if (handle.id === undefined && this.opened === undefined && state === 'success') {
      // A promotion whose start recorded nothing (no environment then, or no permission): the
      // environment now runs the new version, so it gets its Deployment all the same.
      handle = await startDeployment(this.octokit, {
        ...deploymentTarget(this.settings, this.github),
        ref: this.github.sha,
        description: fitStatusDescription(
          `Slipway canary of ${report.canaryImage} for ${report.deployment}`,
        ),
        payload: { [PAYLOAD_KEY]: this.marker },
      });
    }
    if (handle.skippedBecause && handle !== this.opened) warn(handle.skippedBecause);
    const note = await handle.finish(state, verdictLine(report));
    if (note) warn(note);
  }

  private find(): Promise<DeploymentHandle> {
    const octokit = this.octokit as GitHubClient;
    return resumeDeployment(octokit, {
      ...deploymentTarget(this.settings, this.github),
      matches: (payload) => isMarked(payload, this.marker, this.canaryRun),
    });
  }

  private async notify(report: CanaryReport): Promise<void> {
    const webhook = this.settings.notifyWebhook;
    if (!webhook) return;
    const environment =
      this.settings.environment ??
      report.namespace ??
      describeCluster(report.cluster) ??
      'the cluster';
    const notice = canaryNotice(report, environment, workflowRunUrl(this.github));
    if (!notice) return;
    const note = await notifyWebhook(webhook, formatNotice(notice));
    if (note) warn(note);
  }
}

function deploymentTarget(settings: Settings, github: GitHubContext) {
  return {
    owner: github.repository.owner,
    repo: github.repository.repo,
    environment: settings.environment as string,
    environmentUrl: settings.environmentUrl,
    logUrl: workflowRunUrl(github),
  };
}

function warn(text: string): void {
  core.warning(escapeUntrusted(text));
}

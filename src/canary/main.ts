import * as core from '@actions/core';
import { ActionError } from '../core/errors.js';
import { readGitHubContext } from '../core/github.js';
import { readClusterIdentity } from '../core/cluster-identity.js';
import { connectKubectl } from '../core/kubectl.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { onCancel } from '../core/cancellation.js';
import { describeThrown } from '../core/errors.js';
import { CanaryCluster } from './canary-cluster.js';
import { readSettings } from './inputs.js';
import { CanaryNotices } from './notices.js';
import { emptyReport } from './report.js';
import { runCanary } from './run-canary.js';
import { prometheusMetrics } from './run-canary-ports.js';
import { canaryRunState, type CanaryRunState } from './state.js';
import { targetOf } from './target.js';
import { readClusterState, type RunOwner } from './cluster/cluster-state.js';
import { buildSummary, resultOf, stepsOutput, verdictLine } from './summary.js';
import type { CanaryReport, Settings } from './types.js';

export async function run(): Promise<void> {
  await runMain('canary', async () => {
    const started = Date.now();
    const settings = await readSettings();
    const { kubectl, target: kube, cluster: clusterIdentity } = await connectKubectl(settings);
    let state: CanaryRunState = {
      phase: 'running',
      ...kube,
      target: targetOf(settings),
      timeoutMs: settings.timeoutMs,
      owner: runOwner(),
      mode: settings.mode,
      leaseMs: settings.leaseMs,
      recoveryTimeoutMs: settings.recoveryTimeoutMs,
    };
    // Saved before anything changes; post finishes only what this step began to change.
    canaryRunState.save(state);
    const cluster = new CanaryCluster(kubectl, settings, {
      owner: state.owner,
      leaseMs: settings.leaseMs,
      recoveryTimeoutMs: settings.recoveryTimeoutMs,
      onStale: settings.onStale,
      force: settings.force,
      acting: () => {
        state = { ...state, acting: true };
        canaryRunState.save(state);
      },
      recoveryStarted: (deadlineAt) => {
        state = { ...state, recoveryDeadlineAt: deadlineAt };
        canaryRunState.save(state);
      },
      promotionSaved: (path) => {
        state = { ...state, promotionSnapshotsPath: path };
        canaryRunState.save(state);
      },
    });
    const notices = await CanaryNotices.open(settings, clusterIdentity, {
      owner: state.owner,
      canaryOwner: async () => (await readClusterState(kubectl, settings.deployment))?.owner,
    });
    const cancellation = onCancel(() => cancelled(cluster, settings, state, started, notices));
    let report: CanaryReport;
    try {
      report = await runCanary(settings, {
        cluster,
        metrics: settings.prometheus && prometheusMetrics(settings.prometheus),
        clock: {
          now: () => Date.now(),
          sleep: (ms) => cancellation.sleep(ms),
          cancelled: () => cancellation.cancelled,
        },
        promoting: () => {
          state = { ...state, phase: 'promoting' };
          canaryRunState.save(state);
        },
      });
    } catch (error) {
      cluster.stopLease();
      if (!cancellation.cancelled) {
        // Refused, or an outage the run could not outlast: the Deployment opened for this run
        // must not stay in progress; post puts back whatever the cluster was left with.
        await notices.abandon(`Canary failed: ${describeThrown(error)}`);
        throw error;
      }
      report = emptyReport(settings, cluster);
    } finally {
      if (!cancellation.cancelled) cancellation.stop();
    }
    if (cancellation.cancelled) {
      // The signal handler reverts and ends the process; main must not race it.
      await cancellation.done;
      return;
    }
    report.durationMs = Date.now() - started;
    canaryRunState.save({ ...state, phase: 'settled' });
    report.cluster = clusterIdentity;
    await publish(report);
    await notices.finish(report, failed(report, settings));
    const verdict = verdictLine(report);
    if (failed(report, settings)) {
      throw new ActionError(verdict, hintFor(report));
    }
    core.info(verdict);
  });
}

/** An abort the user asked for is a success; any other abort fails the step. */
function failed(report: CanaryReport, settings: Settings): boolean {
  if (report.decision !== 'aborted') return false;
  return settings.mode !== 'abort' || !(report.cleanup?.stableHealthy ?? false);
}

function hintFor(report: CanaryReport): string {
  const cleanup = report.cleanup;
  if (!cleanup) return 'The job summary has each step and what was measured.';
  if (cleanup.leftoverObjects.length > 0 || !cleanup.stableHealthy) {
    return `The cluster is not fully back to stable (leftover: ${cleanup.leftoverObjects.join(', ') || 'none'}, stable healthy: ${cleanup.stableHealthy}); run this action again with mode: abort.`;
  }
  return 'All traffic is back on stable and the canary objects are gone; the job summary has each step and what was measured.';
}

async function publish(report: CanaryReport): Promise<void> {
  setOutputs({
    decision: report.decision,
    'final-weight': report.finalWeight,
    steps: stepsOutput(report),
  });
  setResultOutput(resultOf(report));
  await buildSummary(report).write();
}

/** Who this job is: the canary it creates records it, and only it (or its run) may finish it. */
function runOwner(): RunOwner {
  const github = readGitHubContext();
  return {
    runId: String(github.runId),
    runAttempt: github.runAttempt ?? 1,
    repository: github.repository.fullName,
    workflow: github.workflow,
    job: process.env.GITHUB_JOB ?? '',
  };
}

/** The runner kills a cancelled step 10 s after SIGINT: the revert stops short of that to report. */
const CANCEL_GRACE_MS = 7_000;

async function publishQuietly(report: CanaryReport, state: CanaryRunState): Promise<void> {
  try {
    const cluster = await readClusterIdentity(state.kubeconfigPath, state.context);
    await publish({ ...report, cluster });
  } catch (error) {
    // The revert is what had to happen within the grace period; say why the report could not.
    core.warning(`Could not report the cancellation: ${describeThrown(error)}`);
  }
}

/** What is left of the runner's 10 s after the revert's 7 s and the report, for the Deployment. */
const CANCEL_NOTICE_MS = 1_500;

/** Ends this run's GitHub Deployment, but never past the grace period: the revert came first. */
async function abandonWithin(notices: CanaryNotices, why: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      core.warning('The GitHub deployment could not be marked failed before the runner stops.');
      resolve();
    }, CANCEL_NOTICE_MS);
  });
  await Promise.race([notices.abandon(why), late]);
  clearTimeout(timer);
}

async function cancelled(
  cluster: CanaryCluster,
  settings: Settings,
  state: CanaryRunState,
  started: number,
  notices: CanaryNotices,
): Promise<void> {
  if (cluster.promoting) {
    // Stable is already rolling out the new image; reverting now would race it. Post finishes.
    core.warning(
      'The canary was cancelled during promotion; the post step finishes the promotion.',
    );
    await publishQuietly(
      {
        ...emptyReport(settings, cluster),
        reason: 'the run was cancelled during promotion; the post step finishes the promotion',
        steps: cluster.stepsSoFar(),
        durationMs: Date.now() - started,
      },
      state,
    );
    await abandonWithin(
      notices,
      'Cancelled during promotion; the post step finishes it or rolls stable back.',
    );
    core.setFailed('canary failed: the run was cancelled during promotion.');
    process.exit(1);
  }
  core.warning('The canary was cancelled; putting all traffic back on stable.');
  const cleanup = await cluster.revertAfterCancel(CANCEL_GRACE_MS);
  if (cleanup.settled) canaryRunState.save({ ...state, phase: 'settled' });
  const report: CanaryReport = {
    ...emptyReport(settings, cluster),
    decision: 'aborted',
    reason: 'the run was cancelled',
    steps: cluster.stepsSoFar(),
    durationMs: Date.now() - started,
    cleanup: cleanup.report,
  };
  await publishQuietly(report, state);
  await abandonWithin(notices, `Cancelled: ${verdictLine(report)}`);
  core.setFailed(`canary failed: ${verdictLine(report)}`);
  process.exit(1);
}

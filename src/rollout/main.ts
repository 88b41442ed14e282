import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import { createOctokit, readGitHubContext, type GitHubContext } from '../core/github.js';
import { connectKubectl, type Kubectl } from '../core/kubectl.js';
import {
  describeCluster,
  readClusterIdentity,
  type ClusterIdentity,
} from '../core/cluster-identity.js';
import { onCancel } from '../core/cancellation.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { JobSummary } from '../core/summary.js';
import { diagnose, type Diagnostics } from './diagnostics.js';
import {
  snapshot,
  waitAll,
  type RollbackResult,
  type WaitResult,
  type WorkloadName,
  type WorkloadSnapshot,
} from './engine.js';
import { startDeployment, type DeploymentHandle } from '../core/github-deployment.js';
import { readSettings, type Settings } from './inputs.js';
import { planDeploy, type Plan } from './plan.js';
import type { ObjectRef } from '../core/manifests.js';
import { applyInOrder, dryRunApply } from './apply.js';
import { jobLine } from './jobs-report.js';
import type { JobResult } from './jobs.js';
import { notifyWebhook } from '../core/notify.js';
import { formatOutcome, type RolloutStatus } from './notice.js';
import { runSmokeTest, type SmokeResult } from './smoke-tests.js';
import { serviceProxy } from './service-proxy.js';
import { recovering, rolloutState, type RolloutState } from './state.js';
import {
  buildSummary,
  clusterJson,
  finishCommand,
  resultOf,
  verdictLine,
  workloadImage,
  type RecoveryReport,
  type RolloutReport,
  whereLine,
} from './summary.js';
import { runUrl, traceabilityPatch } from './traceability.js';
import { escapeUntrusted, printUntrusted } from '../core/log.js';
import { untilRecovered } from '../core/kube-recovery.js';
import type { ObjectRestoreResult } from '../core/kube-objects.js';
import {
  recordApplied,
  recoverAll,
  recoveryFinished,
  somethingRestored,
  trackObjects,
  type TrackedObjects,
} from './recovery.js';
import { objectName } from './restore-report.js';
import { failingContainers, readPodLogs } from './pod-logs.js';

/** Reading pods and events for the summary after a failure: a few quick calls. */
const DIAGNOSTICS_BUDGET_MS = 10_000;
/** Reading the workloads for the report after the deploy's own time ran out. */
const REPORT_BUDGET_MS = 10_000;
/** A cancelled step is killed 10 s after SIGINT: the handler stops short of that to report. */
const CANCEL_BUDGET_MS = 7_000;

export async function run(): Promise<void> {
  await runMain(
    'rollout',
    async () => {
      const started = Date.now();
      const settings = readSettings();
      const github = readGitHubContext();
      // Every cluster call of the deploy ends within `timeout`, however the API server behaves.
      const { kubectl, target, cluster } = await connectKubectl(settings, {
        deadlineAt: Date.now() + settings.timeoutMs,
      });
      const clusterName = describeCluster(cluster);
      if (clusterName) core.info(escapeUntrusted(`Deploying to cluster ${clusterName}`));
      const plan = await planDeploy(settings, github);
      const workloads = plan.kind === 'apply' ? plan.workloads : [plan.workload];
      const before = await snapshot(kubectl, workloads);
      // The other objects as they were (ConfigMaps, Secrets, Services…), for a restore.
      const tracked = await trackObjects(
        kubectl,
        objectsOf(plan),
        Date.now() + Math.max(0, kubectl.remainingMs()),
      );
      const state: RolloutState = {
        phase: 'deploying',
        ...target,
        rollbackOnFailure: settings.rollbackOnFailure,
        recoveryTimeoutMs: settings.recoveryTimeoutMs,
        before,
        changed: workloads,
        objectsFile: tracked.file,
      };
      rolloutState.save(state);
      if (settings.dryRun) {
        await dryRun(kubectl, plan, github, { cluster, namespace: settings.namespace });
      }

      const deployment = await recordDeployment(settings, github);
      const cancellation = onCancel(() => cancel(kubectl, settings, state, started, tracked));
      let outcome: DeployOutcome;
      // Filled in as each Job finishes, so a deploy that fails later still reports them.
      const jobs: JobResult[] = [];
      try {
        outcome = await deploy(kubectl, settings, plan, github, state, tracked, jobs);
      } finally {
        cancellation.stop();
      }
      rolloutState.save({ ...state, phase: 'settled' });

      const after = await snapshotQuietly(
        kubectl.withDeadline(Date.now() + REPORT_BUDGET_MS),
        workloads,
      );
      const report: RolloutReport = {
        status: outcome.status,
        namespace: settings.namespace,
        cluster,
        workloads: before.map((entry, index) => ({
          ref: entry.ref,
          before: entry,
          after: after?.[index],
          wait: outcome.waits.find((wait) => wait.workload === entry.ref),
        })),
        jobs,
        smokeTests: outcome.smokeTests,
        rollback: outcome.rollback,
        restored: outcome.restored,
        recovery: outcome.recovery,
        failure: outcome.failure,
        diagnostics: outcome.diagnostics,
        durationMs: Date.now() - started,
        notes: [],
      };
      await announce(settings, github, deployment, report);
      const images = Object.fromEntries(
        report.workloads.map((workload) => [workload.ref, workloadImage(workload) ?? '']),
      );
      setOutputs({
        status: report.status,
        'rolled-back': String(report.status === 'rolled-back'),
        revision: report.workloads[0]?.after?.revision ?? '',
        images: JSON.stringify(images),
      });
      setResultOutput(resultOf(report));
      await buildSummary(report).write();
      const verdict = verdictLine(report);
      if (report.status !== 'succeeded') {
        throw new ActionError(
          verdict,
          report.diagnostics
            ? 'The job summary lists the pods that are not ready and why.'
            : undefined,
        );
      }
      core.info(verdict);
    },
    ROLLOUT_FAILURE,
  );
}

/** A failure before rollout wrote its own `result` (bad kubeconfig, API server unreachable). */
const ROLLOUT_FAILURE = {
  failureResult: (error: string) => ({ status: 'failed', rolledBack: false, failure: error }),
};

async function dryRun(
  kubectl: Kubectl,
  plan: Plan,
  github: GitHubContext,
  where: { cluster: ClusterIdentity; namespace: string | undefined },
): Promise<void> {
  try {
    // Only a refusal counts: an API fault on the way is retried within the deploy's timeout.
    await untilRecovered(
      'The server-side dry run',
      async () => {
        if (plan.kind === 'apply') {
          await dryRunApply(kubectl, plan);
        } else {
          await kubectl.setImage(plan.ref, plan.container, plan.image, { dryRun: 'server' });
          await kubectl.annotate(plan.ref, annotationsFor(github, plan.image), {
            dryRun: 'server',
          });
        }
      },
      { deadlineAt: Date.now() + Math.max(0, kubectl.remainingMs()) },
    );
  } catch (error) {
    const problem = `the API server rejected the deploy in a server-side dry run; nothing was changed: ${describeThrown(error)}`;
    setOutputs({ status: 'failed', 'rolled-back': 'false' });
    setResultOutput({
      status: 'failed',
      rolledBack: false,
      failure: problem,
      changed: false,
      cluster: clusterJson(where.cluster),
    });
    const summary = new JobSummary().verdict('failure', `Failed: ${problem}`);
    const whereText = whereLine(where.cluster, where.namespace);
    if (whereText) summary.paragraph(whereText);
    await summary.write();
    throw new ActionError(
      problem,
      'Fix the manifests or the image named above; the cluster still runs what it ran before.',
    );
  }
}

function annotationsFor(github: GitHubContext, image: string): Record<string, string> {
  return traceabilityPatch(github, [image]).metadata.annotations;
}

interface DeployOutcome {
  status: RolloutStatus;
  waits: WaitResult[];
  smokeTests: SmokeResult[];
  rollback: RollbackResult[];
  restored: ObjectRestoreResult[];
  recovery: RecoveryReport | undefined;
  failure: string | undefined;
  diagnostics: Diagnostics | undefined;
}

/** The objects of an apply plan (none for set-image, which changes one workload only). */
function objectsOf(plan: Plan): ObjectRef[] {
  return plan.kind === 'apply' ? plan.objects : [];
}

async function deploy(
  kubectl: Kubectl,
  settings: Settings,
  plan: Plan,
  github: GitHubContext,
  state: RolloutState,
  tracked: TrackedObjects,
  jobs: JobResult[],
): Promise<DeployOutcome> {
  const started = Date.now();
  const workloads = plan.kind === 'apply' ? plan.workloads : [plan.workload];
  let waits: WaitResult[] = [];
  let smokeTests: SmokeResult[] = [];
  let failure: string | undefined;
  try {
    try {
      await change(kubectl, plan, settings, github, jobs);
    } finally {
      // Which objects this step created, even when the apply failed half way: a restore deletes
      // only those. A budget of its own, as the deploy's time may be what ran out.
      await recordApplied(kubectl, tracked, Date.now() + REPORT_BUDGET_MS);
    }
    // A failed Job stops the deploy before any workload changed.
    const failedJob = jobs.find((job) => job.outcome === 'failed');
    waits = failedJob ? [] : await waitAll(kubectl, workloads, Math.max(1, kubectl.remainingMs()));
    const stuck = waits.find((wait) => !wait.done);
    if (failedJob) {
      failure = jobLine(failedJob);
    } else if (stuck) {
      failure = `${stuck.workload} did not become ready: ${stuck.message}`;
    } else if (settings.smokeTests.length > 0) {
      const options = await serviceProxy(state.kubeconfigPath, settings);
      smokeTests = await Promise.all(settings.smokeTests.map((t) => runSmokeTest(t, options)));
      const broken = smokeTests.find((test) => !test.passed);
      if (broken) failure = `smoke test '${broken.name}' failed: ${broken.problem ?? 'no reason'}`;
    }
  } catch (error) {
    failure = `the deploy did not go through: ${describeThrown(error)}`;
  }
  if (failure === undefined) {
    return {
      status: 'succeeded',
      waits,
      smokeTests,
      rollback: [],
      restored: [],
      recovery: undefined,
      failure,
      diagnostics: undefined,
    };
  }
  core.error(failure);
  // After the deploy's own time, diagnostics and the rollback get budgets of their own.
  const diagnostics = await diagnoseQuietly(
    kubectl.withDeadline(Date.now() + DIAGNOSTICS_BUDGET_MS),
    workloads,
    started,
  );
  if (!settings.rollbackOnFailure) {
    return {
      status: 'failed',
      waits,
      smokeTests,
      rollback: [],
      restored: [],
      recovery: undefined,
      failure,
      diagnostics,
    };
  }
  const { rollback, restored, recovery } = await recover(kubectl, settings, state, tracked);
  const status =
    recovery.finished && somethingRestored({ rollback, objects: restored })
      ? 'rolled-back'
      : 'failed';
  return { status, waits, smokeTests, rollback, restored, recovery, failure, diagnostics };
}

/**
 * Rolls back every changed workload, then restores the other objects and removes those this step
 * created, retrying through API faults until the recovery deadline. The deadline is saved first,
 * so a post step after a cancellation continues to the same one.
 */
async function recover(
  kubectl: Kubectl,
  settings: Settings,
  state: RolloutState,
  tracked: TrackedObjects,
  stopAt?: number,
): Promise<{
  rollback: RollbackResult[];
  restored: ObjectRestoreResult[];
  recovery: RecoveryReport;
}> {
  // In place: a cancellation arriving now continues to the same deadline, and so does post.
  const marked = Object.assign(state, recovering(state));
  rolloutState.save(marked);
  const deadlineAt = Math.min(marked.recoveryDeadlineAt ?? Infinity, stopAt ?? Infinity);
  const results = await recoverAll(kubectl, state.before, state.changed, tracked, deadlineAt);
  const { rollback } = results;
  const finished = recoveryFinished(results);
  return {
    rollback,
    restored: results.objects,
    recovery: {
      finished,
      durationMs: Date.now() - (marked.recoveryStartedAt ?? Date.now()),
      deadlineMs: settings.recoveryTimeoutMs,
      command: finished ? undefined : finishCommand(rollback, state),
    },
  };
}

/**
 * Applying the same manifests (or setting the same image) again changes nothing, so an API fault
 * here is retried within the deploy's own timeout instead of failing the deploy.
 */
async function change(
  kubectl: Kubectl,
  plan: Plan,
  settings: Settings,
  github: GitHubContext,
  jobs: JobResult[],
): Promise<void> {
  const deadlineAt = Date.now() + Math.max(0, kubectl.remainingMs());
  if (plan.kind === 'apply') {
    await applyInOrder(kubectl, plan, settings.serverSide, jobs);
    return;
  }
  printUntrusted(
    await untilRecovered(
      `Setting the image of ${plan.ref}`,
      () => kubectl.setImage(plan.ref, plan.container, plan.image),
      { deadlineAt },
    ),
  );
  await untilRecovered(
    `Annotating ${plan.ref}`,
    () => kubectl.annotate(plan.ref, annotationsFor(github, plan.image)),
    { deadlineAt },
  );
}

async function diagnoseQuietly(
  kubectl: Kubectl,
  workloads: readonly WorkloadName[],
  since: number,
): Promise<Diagnostics | undefined> {
  try {
    const [pods, events] = await Promise.all([
      kubectl.json<unknown>(['get', 'pods']),
      kubectl.json<unknown>(['get', 'events']),
    ]);
    const diagnostics = diagnose(pods, events, {
      objects: workloads.map((w) => w.name),
      sinceMs: Date.now() - since + 60_000,
    });
    // The last lines of the failing containers usually say why; each log says why it is missing.
    const targets = failingContainers(
      pods,
      diagnostics.pods.map((pod) => pod.pod),
    );
    return { ...diagnostics, logs: await readPodLogs(kubectl, targets) };
  } catch (error) {
    core.warning(`Could not read pods and events for diagnostics: ${describeThrown(error)}`);
    return undefined;
  }
}

async function snapshotQuietly(
  kubectl: Kubectl,
  workloads: readonly WorkloadName[],
): Promise<WorkloadSnapshot[] | undefined> {
  try {
    return await snapshot(kubectl, workloads);
  } catch (error) {
    core.warning(`Could not read the workloads after the rollout: ${describeThrown(error)}`);
    return undefined;
  }
}

/**
 * Cancelled while changing the cluster: roll back for as long as the runner allows, report, and
 * leave the rest to post, which continues to the same recovery deadline.
 */
async function cancel(
  kubectl: Kubectl,
  settings: Settings,
  state: RolloutState,
  started: number,
  tracked: TrackedObjects,
): Promise<void> {
  core.warning('The rollout was cancelled while it was changing the cluster.');
  let report: RolloutReport | undefined;
  if (settings.rollbackOnFailure) {
    core.info('Rolling back what this run changed; the post step finishes it if time runs out.');
    const { rollback, restored, recovery } = await recover(
      kubectl,
      settings,
      state,
      tracked,
      Date.now() + CANCEL_BUDGET_MS,
    );
    for (const result of rollback) {
      core.info(escapeUntrusted(`${result.workload}: ${result.message}`));
    }
    for (const result of restored) {
      core.info(escapeUntrusted(`${objectName(result)}: ${result.message}`));
    }
    if (recovery.finished) rolloutState.save({ ...state, phase: 'settled' });
    report = cancelledReport(
      settings,
      state,
      started,
      rollback,
      { ...recovery, command: undefined },
      restored,
    );
  } else {
    rolloutState.save({ ...state, phase: 'settled' });
    report = cancelledReport(settings, state, started, [], undefined);
  }
  try {
    setOutputs({ status: report.status, 'rolled-back': String(report.status === 'rolled-back') });
    setResultOutput(resultOf(report));
    await buildSummary(report).write();
  } catch (error) {
    core.warning(`Could not report the cancellation: ${describeThrown(error)}`);
  }
  core.setFailed(`rollout failed: ${verdictLine(report)}`);
  process.exit(1);
}

function cancelledReport(
  settings: Settings,
  state: RolloutState,
  started: number,
  rollback: RollbackResult[],
  recovery: RecoveryReport | undefined,
  restored: ObjectRestoreResult[] = [],
): RolloutReport {
  const finished = recovery?.finished ?? false;
  return {
    status:
      finished && somethingRestored({ rollback, objects: restored }) ? 'rolled-back' : 'failed',
    restored,
    namespace: settings.namespace,
    cluster: readClusterIdentity(state.kubeconfigPath, state.context),
    workloads: state.before.map((entry) => ({
      ref: entry.ref,
      before: entry,
      after: undefined,
      wait: undefined,
    })),
    smokeTests: [],
    rollback,
    recovery: recovery && !recovery.finished ? { ...recovery, continuesInPost: true } : recovery,
    failure: 'the run was cancelled during the rollout',
    diagnostics: undefined,
    durationMs: Date.now() - started,
    notes: [],
  };
}

async function recordDeployment(
  settings: Settings,
  github: GitHubContext,
): Promise<DeploymentHandle | undefined> {
  if (!settings.environment || !settings.githubToken) return undefined;
  return startDeployment(createOctokit(settings.githubToken), {
    owner: github.repository.owner,
    repo: github.repository.repo,
    ref: github.sha,
    environment: settings.environment,
    environmentUrl: settings.environmentUrl,
    description: `Slipway rollout of ${github.refName ?? github.sha.slice(0, 7)}`,
    logUrl: runUrl(github),
  });
}

async function announce(
  settings: Settings,
  github: GitHubContext,
  deployment: DeploymentHandle | undefined,
  report: RolloutReport,
): Promise<void> {
  if (deployment?.skippedBecause) report.notes.push(deployment.skippedBecause);
  const finished = await deployment?.finish(
    report.status === 'succeeded' ? 'success' : 'failure',
    verdictLine(report),
  );
  if (finished) report.notes.push(finished);
  if (!settings.notifyWebhook) return;
  const message = formatOutcome({
    status: report.status,
    environment: settings.environment ?? settings.namespace ?? settings.context ?? 'the cluster',
    workloads: report.workloads.map((workload) => ({
      name: workload.ref,
      from: workload.before.exists ? Object.values(workload.before.images)[0] : undefined,
      to: workloadImage(workload) ?? '',
    })),
    runUrl: runUrl(github),
  });
  const notified = await notifyWebhook(settings.notifyWebhook, message);
  if (notified) report.notes.push(notified);
}

import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import { readGitHubContext, type GitHubContext } from '../core/github.js';
import { connectKubectl, type Kubectl } from '../core/kubectl.js';
import { describeCluster, type ClusterIdentity } from '../core/cluster-identity.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { JobSummary } from '../core/summary.js';
import type { Diagnostics } from './diagnostics.js';
import { diagnoseFailure } from './failure-diagnostics.js';
import {
  snapshot,
  waitAll,
  type RollbackResult,
  type WaitResult,
  type WorkloadName,
  type WorkloadSnapshot,
} from './engine.js';
import { readSettings, type Settings } from './inputs.js';
import { planDeploy, type Plan } from './plan.js';
import type { ObjectRef } from '../core/manifests.js';
import { applyInOrder, dryRunApply } from './apply.js';
import { jobLine } from './jobs-report.js';
import type { JobResult } from './jobs.js';
import { announce, recordDeployment, type RolloutStatus } from './notice.js';
import { runSmokeTest, type SmokeResult } from './smoke-tests.js';
import { serviceProxy } from './service-proxy.js';
import { rolloutState, type RolloutState } from './state.js';
import {
  buildSummary,
  clusterJson,
  resultOf,
  verdictLine,
  workloadImage,
  type RecoveryReport,
  type RolloutReport,
  whereLine,
} from './summary.js';
import { traceabilityPatch } from './traceability.js';
import { escapeUntrusted, printUntrusted } from '../core/log.js';
import { untilRecovered } from '../core/kube-recovery.js';
import type { ObjectRestoreResult } from '../core/kube-objects.js';
import { recordApplied, somethingRestored, trackObjects, type TrackedObjects } from './recovery.js';
import { cancel, recover } from './cancel.js';
import { RolloutCancellation } from './cancel-guard.js';

/** Reading pods and events for the summary after a failure: a few quick calls. */
const DIAGNOSTICS_BUDGET_MS = 10_000;
/** Reading the workloads for the report after the deploy's own time ran out. */
const REPORT_BUDGET_MS = 10_000;

export async function run(): Promise<void> {
  await runMain(
    'rollout',
    // Listening for a cancellation from the first moment: see cancel-guard.ts.
    async () => {
      const guard = new RolloutCancellation();
      await guard.unlessCancelled(() => rollout(guard));
    },
    ROLLOUT_FAILURE,
  );
}

async function rollout(guard: RolloutCancellation): Promise<void> {
  const started = Date.now();
  const settings = await readSettings();
  const github = readGitHubContext();
  // Every cluster call of the deploy ends within `timeout`, however the API server behaves.
  const connected = await connectKubectl(settings, {
    deadlineAt: Date.now() + settings.timeoutMs,
  });
  const { target, cluster } = connected;
  Object.assign(guard.context, { cluster, namespace: settings.namespace });
  // The deploy's calls stop on cancellation; the rollback's own (connected.kubectl) do not.
  const kubectl = connected.kubectl.withGate(guard.gate);
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
  guard.context.state = state;
  if (settings.dryRun) {
    await dryRun(kubectl, plan, github, {
      cluster,
      namespace: settings.namespace,
      cancelled: () => guard.cancelled,
    });
  }

  const deployment = await recordDeployment(settings, github);
  guard.changing(() => cancel(connected.kubectl, settings, state, started, tracked));
  // Filled in as each Job finishes, so a deploy that fails later still reports them.
  const jobs: JobResult[] = [];
  const outcome = await deploy(kubectl, settings, plan, github, state, tracked, jobs);
  guard.stop();
  // Cancelled meanwhile: the handler rolls back and reports; main's own verdict would be a second.
  if (guard.cancelled) return;
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
      report.diagnostics ? 'The job summary lists the pods that are not ready and why.' : undefined,
    );
  }
  core.info(verdict);
}

/** A failure before rollout wrote its own `result` (bad kubeconfig, API server unreachable). */
const ROLLOUT_FAILURE = {
  failureResult: (error: string) => ({ status: 'failed', rolledBack: false, failure: error }),
};

async function dryRun(
  kubectl: Kubectl,
  plan: Plan,
  github: GitHubContext,
  where: { cluster: ClusterIdentity; namespace: string | undefined; cancelled: () => boolean },
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
    // Cut short by a cancellation, which reports for itself.
    if (where.cancelled()) throw error;
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

/** An outcome with no rollback: the deploy succeeded, or a cancellation's handler undoes it. */
function nothingUndone(): Pick<
  DeployOutcome,
  'rollback' | 'restored' | 'recovery' | 'diagnostics'
> {
  return { rollback: [], restored: [], recovery: undefined, diagnostics: undefined };
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
      await change(kubectl, plan, settings, github, { jobs, tracked });
    } finally {
      // Which objects this step created, even when the apply failed half way: a restore deletes
      // only those. A budget of its own, as the deploy's time may be what ran out.
      const recordBy = Date.now() + REPORT_BUDGET_MS;
      await recordApplied(kubectl.withDeadline(recordBy), tracked, recordBy);
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
  // Cancelled: the cancellation's handler rolls back and reports, not the deploy.
  if (kubectl.stopped) {
    return { ...nothingUndone(), status: 'failed', waits, smokeTests, failure };
  }
  if (failure === undefined) {
    return { ...nothingUndone(), status: 'succeeded', waits, smokeTests, failure };
  }
  core.error(escapeUntrusted(failure));
  // After the deploy's own time, diagnostics and the rollback get budgets of their own.
  const diagnostics = await diagnoseFailure(
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
 * Applying the same manifests (or setting the same image) again changes nothing, so an API fault
 * here is retried within the deploy's own timeout instead of failing the deploy.
 */
async function change(
  kubectl: Kubectl,
  plan: Plan,
  settings: Settings,
  github: GitHubContext,
  { jobs, tracked }: { jobs: JobResult[]; tracked: TrackedObjects },
): Promise<void> {
  const deadlineAt = Date.now() + Math.max(0, kubectl.remainingMs());
  if (plan.kind === 'apply') {
    await applyInOrder(kubectl, plan, {
      serverSide: settings.serverSide,
      jobs,
      // Recorded as each batch lands, so a cancellation or a killed step knows what it created.
      onApplied: (objects) => recordApplied(kubectl, tracked, deadlineAt, objects),
    });
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

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedTempDirectory } from '../core/credentials.js';
import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import { createOctokit, readGitHubContext, type GitHubContext } from '../core/github.js';
import { connectKubectl, type Kubectl } from '../core/kubectl.js';
import { onCancel } from '../core/cancellation.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { JobSummary } from '../core/summary.js';
import { diagnose, type Diagnostics } from './diagnostics.js';
import {
  rollBack,
  snapshot,
  waitAll,
  type RollbackResult,
  type WaitResult,
  type WorkloadName,
  type WorkloadSnapshot,
} from './engine.js';
import { startDeployment, type DeploymentHandle } from '../core/github-deployment.js';
import { readSettings, type Settings } from './inputs.js';
import {
  findWorkloads,
  readManifests,
  renderManifests,
  substituteImages,
  WORKLOAD_KINDS,
  type ManifestDocument,
} from '../core/manifests.js';
import { formatOutcome, notifyWebhook, type RolloutStatus } from '../core/notify.js';
import { runSmokeTest, type SmokeResult } from './smoke-tests.js';
import { serviceProxy } from './service-proxy.js';
import { recovering, rolloutState, type RolloutState } from './state.js';
import {
  buildSummary,
  finishCommand,
  resultOf,
  verdictLine,
  workloadImage,
  type RecoveryReport,
  type RolloutReport,
} from './summary.js';
import { runUrl, traceabilityPatch, withTraceability } from './traceability.js';
import { escapeUntrusted, printUntrusted } from '../core/log.js';
import { untilRecovered } from '../core/kube-recovery.js';

/** Reading pods and events for the summary after a failure: a few quick calls. */
const DIAGNOSTICS_BUDGET_MS = 10_000;
/** Reading the workloads for the report after the deploy's own time ran out. */
const REPORT_BUDGET_MS = 10_000;
/** A cancelled step is killed 10 s after SIGINT: the handler stops short of that to report. */
const CANCEL_BUDGET_MS = 7_000;

/** What to deploy: a manifest file to apply, or one container's image to set. */
type Plan =
  | { kind: 'apply'; file: string; workloads: WorkloadName[] }
  | { kind: 'set-image'; workload: WorkloadName; ref: string; container: string; image: string };

export async function run(): Promise<void> {
  await runMain(
    'rollout',
    async () => {
      const started = Date.now();
      const settings = readSettings();
      const github = readGitHubContext();
      // Every cluster call of the deploy ends within `timeout`, however the API server behaves.
      const { kubectl, target } = await connectKubectl(settings, {
        deadlineAt: Date.now() + settings.timeoutMs,
      });
      const plan = await planDeploy(settings, github);
      const workloads = plan.kind === 'apply' ? plan.workloads : [plan.workload];
      const before = await snapshot(kubectl, workloads);
      const state: RolloutState = {
        phase: 'deploying',
        ...target,
        rollbackOnFailure: settings.rollbackOnFailure,
        recoveryTimeoutMs: settings.recoveryTimeoutMs,
        before,
        changed: workloads,
      };
      rolloutState.save(state);
      if (settings.dryRun) await dryRun(kubectl, plan, github);

      const deployment = await recordDeployment(settings, github);
      const cancellation = onCancel(() => cancel(kubectl, settings, state, started));
      let outcome: DeployOutcome;
      try {
        outcome = await deploy(kubectl, settings, plan, github, state);
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
        workloads: before.map((entry, index) => ({
          ref: entry.ref,
          before: entry,
          after: after?.[index],
          wait: outcome.waits.find((wait) => wait.workload === entry.ref),
        })),
        smokeTests: outcome.smokeTests,
        rollback: outcome.rollback,
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

async function planDeploy(settings: Settings, github: GitHubContext): Promise<Plan> {
  if (settings.setImage) {
    const [kind, name] = settings.setImage.workload.split('/');
    const known = WORKLOAD_KINDS.find((candidate) => candidate.toLowerCase() === kind);
    if (!known) throw new ActionError(`Unknown workload kind in ${settings.setImage.workload}.`);
    return {
      kind: 'set-image',
      workload: { kind: known, name },
      ref: settings.setImage.workload,
      container: settings.setImage.container,
      image: settings.setImage.image,
    };
  }
  const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
  const substitution = substituteImages(
    await readManifests(settings.manifests, cwd),
    settings.images,
  );
  for (const name of substitution.unused) {
    core.warning(`images: no container in the manifests uses ${name}, so it was not substituted.`);
  }
  const found = findWorkloads(substitution.documents);
  checkNamespaces(found, settings.namespace);
  const patch = traceabilityPatch(github, [...new Set(substitution.changes.map((c) => c.to))]);
  const workloadDocuments = new Set(found.map((workload) => workload.document));
  const documents: ManifestDocument[] = substitution.documents.map((document) =>
    workloadDocuments.has(document)
      ? { ...document, object: withTraceability(document.object, patch) }
      : document,
  );
  // The rendered manifests may hold Secret data: the post step removes the directory.
  const directory = ownedTempDirectory('manifests');
  const file = join(directory, 'manifests.yaml');
  await writeFile(file, renderManifests(documents));
  return {
    kind: 'apply',
    file,
    workloads: found.map(({ kind, name }) => ({ kind, name })),
  };
}

/** The engine works in one namespace; a manifest elsewhere would be deployed but never watched. */
function checkNamespaces(
  workloads: ReturnType<typeof findWorkloads>,
  namespace: string | undefined,
): void {
  const named = [...new Set(workloads.map((w) => w.namespace).filter((n) => n !== undefined))];
  const expected = namespace ?? named[0];
  const stray = workloads.filter((w) => w.namespace !== undefined && w.namespace !== expected);
  if (named.length > 1 || stray.length > 0) {
    throw new ActionError(
      `The manifests put workloads in namespace(s) ${named.join(', ')}, but one rollout deploys to one namespace${namespace ? ` (${namespace})` : ''}.`,
      'Remove metadata.namespace from the manifests and set the namespace input, or use one step per namespace.',
    );
  }
}

async function dryRun(kubectl: Kubectl, plan: Plan, github: GitHubContext): Promise<void> {
  try {
    // Only a refusal counts: an API fault on the way is retried within the deploy's timeout.
    await untilRecovered(
      'The server-side dry run',
      async () => {
        if (plan.kind === 'apply') {
          await kubectl.apply([plan.file], { dryRun: 'server' });
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
    setResultOutput({ status: 'failed', rolledBack: false, failure: problem, changed: false });
    await new JobSummary().verdict('failure', `Failed: ${problem}`).write();
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
  recovery: RecoveryReport | undefined;
  failure: string | undefined;
  diagnostics: Diagnostics | undefined;
}

async function deploy(
  kubectl: Kubectl,
  settings: Settings,
  plan: Plan,
  github: GitHubContext,
  state: RolloutState,
): Promise<DeployOutcome> {
  const started = Date.now();
  const workloads = plan.kind === 'apply' ? plan.workloads : [plan.workload];
  let waits: WaitResult[] = [];
  let smokeTests: SmokeResult[] = [];
  let failure: string | undefined;
  try {
    await change(kubectl, plan, settings, github);
    waits = await waitAll(kubectl, workloads, Math.max(1, kubectl.remainingMs()));
    const stuck = waits.find((wait) => !wait.done);
    if (stuck) {
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
      recovery: undefined,
      failure,
      diagnostics,
    };
  }
  const { rollback, recovery } = await recover(kubectl, settings, state);
  const status =
    recovery.finished && rollback.some((r) => r.outcome === 'rolled-back')
      ? 'rolled-back'
      : 'failed';
  return { status, waits, smokeTests, rollback, recovery, failure, diagnostics };
}

/**
 * Rolls back every changed workload, retrying through API faults until the recovery deadline.
 * The deadline is saved first, so a post step after a cancellation continues to the same one.
 */
async function recover(
  kubectl: Kubectl,
  settings: Settings,
  state: RolloutState,
  stopAt?: number,
): Promise<{ rollback: RollbackResult[]; recovery: RecoveryReport }> {
  // In place: a cancellation arriving now continues to the same deadline, and so does post.
  const marked = Object.assign(state, recovering(state));
  rolloutState.save(marked);
  const deadlineAt = Math.min(marked.recoveryDeadlineAt ?? Infinity, stopAt ?? Infinity);
  const rollback = await rollBack(kubectl, state.before, state.changed, deadlineAt);
  const finished = rollback.every((result) => result.outcome !== 'failed');
  return {
    rollback,
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
): Promise<void> {
  const deadlineAt = Date.now() + Math.max(0, kubectl.remainingMs());
  if (plan.kind === 'apply') {
    const applied = await untilRecovered(
      'Applying the manifests',
      () => kubectl.apply([plan.file], { serverSide: settings.serverSide }),
      { deadlineAt },
    );
    printUntrusted(applied);
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
    return diagnose(pods, events, {
      objects: workloads.map((w) => w.name),
      sinceMs: Date.now() - since + 60_000,
    });
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
): Promise<void> {
  core.warning('The rollout was cancelled while it was changing the cluster.');
  let report: RolloutReport | undefined;
  if (settings.rollbackOnFailure) {
    core.info('Rolling back what this run changed; the post step finishes it if time runs out.');
    const { rollback, recovery } = await recover(
      kubectl,
      settings,
      state,
      Date.now() + CANCEL_BUDGET_MS,
    );
    for (const result of rollback) {
      core.info(escapeUntrusted(`${result.workload}: ${result.message}`));
    }
    if (recovery.finished) rolloutState.save({ ...state, phase: 'settled' });
    report = cancelledReport(settings, state, started, rollback, {
      ...recovery,
      command: undefined,
    });
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
): RolloutReport {
  const finished = recovery?.finished ?? false;
  return {
    status:
      finished && rollback.some((r) => r.outcome === 'rolled-back') ? 'rolled-back' : 'failed',
    namespace: settings.namespace,
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

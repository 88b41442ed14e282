import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedTempDirectory } from '../core/credentials.js';
import * as core from '@actions/core';
import { ActionError, describeThrown } from '../core/errors.js';
import { createOctokit, readGitHubContext, type GitHubContext } from '../core/github.js';
import { Kubectl, resolveKubeconfig } from '../core/kubectl.js';
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
import { startDeployment, type DeploymentHandle } from './github-deployment.js';
import { readSettings, type Settings } from './inputs.js';
import {
  findWorkloads,
  readManifests,
  renderManifests,
  substituteImages,
  WORKLOAD_KINDS,
  type ManifestDocument,
} from './manifests.js';
import { formatOutcome, notifyWebhook, type RolloutStatus } from './notify.js';
import { runSmokeTest, type SmokeResult } from './smoke-tests.js';
import { serviceProxy } from './service-proxy.js';
import { saveRolloutState, type RolloutState } from './state.js';
import {
  buildSummary,
  resultOf,
  verdictLine,
  workloadImage,
  type RolloutReport,
} from './summary.js';
import { runUrl, traceabilityPatch, withTraceability } from './traceability.js';
import { printUntrusted } from '../core/log.js';

/** Reading pods and events for the summary after a failure: a few quick calls. */
const DIAGNOSTICS_BUDGET_MS = 10_000;
/** A rollback after a failure gets as long as the deploy had, up to this. */
const MAX_ROLLBACK_BUDGET_MS = 120_000;

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
      const kubeconfigPath = await resolveKubeconfig(settings.kubeconfig);
      // Every cluster call of the deploy ends within `timeout`, however the API server behaves.
      const kubectl = new Kubectl({
        deadlineAt: Date.now() + settings.timeoutMs,
        kubeconfigPath,
        context: settings.context,
        namespace: settings.namespace,
      });
      const plan = await planDeploy(settings, github);
      const workloads = plan.kind === 'apply' ? plan.workloads : [plan.workload];
      const before = await snapshot(kubectl, workloads);
      const state: RolloutState = {
        phase: 'deploying',
        kubeconfigPath,
        context: settings.context,
        namespace: settings.namespace,
        rollbackOnFailure: settings.rollbackOnFailure,
        timeoutMs: settings.timeoutMs,
        before,
        changed: workloads,
      };
      saveRolloutState(state);
      if (settings.dryRun) await dryRun(kubectl, plan, github);

      const deployment = await recordDeployment(settings, github);
      const cancellation = onCancel(() => cancel(kubectl, settings, state));
      let outcome: DeployOutcome;
      try {
        outcome = await deploy(kubectl, settings, plan, github, before, kubeconfigPath);
      } finally {
        cancellation.stop();
      }
      saveRolloutState({ ...state, phase: 'settled' });

      const after = await snapshotQuietly(kubectl, workloads);
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
    if (plan.kind === 'apply') {
      await kubectl.apply([plan.file], { dryRun: 'server' });
    } else {
      await kubectl.setImage(plan.ref, plan.container, plan.image, { dryRun: 'server' });
      await kubectl.annotate(plan.ref, annotationsFor(github, plan.image), { dryRun: 'server' });
    }
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
  failure: string | undefined;
  diagnostics: Diagnostics | undefined;
}

async function deploy(
  kubectl: Kubectl,
  settings: Settings,
  plan: Plan,
  github: GitHubContext,
  before: WorkloadSnapshot[],
  kubeconfigPath: string,
): Promise<DeployOutcome> {
  const started = Date.now();
  const workloads = plan.kind === 'apply' ? plan.workloads : [plan.workload];
  let waits: WaitResult[] = [];
  let smokeTests: SmokeResult[] = [];
  let failure: string | undefined;
  try {
    if (plan.kind === 'apply') {
      printUntrusted(await kubectl.apply([plan.file], { serverSide: settings.serverSide }));
    } else {
      printUntrusted(await kubectl.setImage(plan.ref, plan.container, plan.image));
      await kubectl.annotate(plan.ref, annotationsFor(github, plan.image));
    }
    waits = await waitAll(kubectl, workloads, Math.max(1, kubectl.remainingMs()));
    const stuck = waits.find((wait) => !wait.done);
    if (stuck) {
      failure = `${stuck.workload} did not become ready: ${stuck.message}`;
    } else if (settings.smokeTests.length > 0) {
      const options = await serviceProxy(kubeconfigPath, settings);
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
  const rollbackBudget = Math.min(settings.timeoutMs, MAX_ROLLBACK_BUDGET_MS);
  const rollback = settings.rollbackOnFailure
    ? await rollBack(
        kubectl.withDeadline(Date.now() + rollbackBudget),
        before,
        workloads,
        rollbackBudget,
      )
    : [];
  const status =
    rollback.length > 0 && rollback.every((r) => r.outcome === 'rolled-back')
      ? 'rolled-back'
      : 'failed';
  return { status, waits, smokeTests, rollback, failure, diagnostics };
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

interface Cancellation {
  stop(): void;
}

function onCancel(handler: () => Promise<void>): Cancellation {
  let handling = false;
  const listener = () => {
    // The runner sends SIGINT, then SIGTERM a few seconds later; one rollback is enough.
    if (handling) return;
    handling = true;
    void handler();
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return {
    stop: () => {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    },
  };
}

/** Best effort within the runner's grace period; post finishes whatever this cannot. */
async function cancel(kubectl: Kubectl, settings: Settings, state: RolloutState): Promise<void> {
  saveRolloutState({ ...state, phase: 'cancelled' });
  core.warning('The rollout was cancelled while it was changing the cluster.');
  let settled = !settings.rollbackOnFailure;
  if (settings.rollbackOnFailure) {
    core.info('Rolling back what this run changed; the post step finishes it if time runs out.');
    // The runner kills the step 10 s after SIGINT whatever the deadline; post finishes the rest.
    const results = await rollBack(
      kubectl.withDeadline(undefined),
      state.before,
      state.changed,
      settings.timeoutMs,
    );
    for (const result of results) core.info(`${result.workload}: ${result.message}`);
    settled = results.every((result) => result.outcome !== 'failed');
  }
  if (settled) saveRolloutState({ ...state, phase: 'settled' });
  setOutputs({ status: 'failed', 'rolled-back': String(settings.rollbackOnFailure && settled) });
  core.setFailed('rollout failed: the run was cancelled during the rollout.');
  process.exit(1);
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

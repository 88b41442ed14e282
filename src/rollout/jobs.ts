/**
 * Jobs that must finish before any workload changes (a database migration, a cache warm-up): each
 * is applied, replaced when its pod template changed (a Job's template is immutable, so applying
 * a new image would be refused), and waited for until it completes or fails.
 *
 * An identical Job that already completed is left as it is: it ran this very template, and
 * running a migration twice is not always harmless. An identical Job that failed is run again,
 * since re-running the deploy is how a team retries it.
 */
import { describeThrown } from '../core/errors.js';
import { ExecError } from '../core/exec.js';
import type { Kubectl } from '../core/kubectl.js';
import { isTransientKubeError, untilRecovered } from '../core/kube-recovery.js';
import { asMapping, type Mapping } from '../core/mapping.js';

export interface PlannedJob {
  name: string;
  /** Its own namespace when the manifest (or the namespace input) names one. */
  namespace: string | undefined;
  /** As reports name it: job/migrate, or shop/job/migrate when namespaces differ. */
  ref: string;
  object: Mapping;
}

export interface JobResult {
  ref: string;
  namespace: string | undefined;
  /** completed: ran to completion now; unchanged: the identical Job had completed before. */
  outcome: 'completed' | 'unchanged' | 'failed';
  /** It existed with another template (or had failed) and was deleted and created anew. */
  replaced: boolean;
  durationMs: number;
  /** The Job's own reason when it failed, or why it could not be run. */
  message: string;
  /** The last lines its pod printed, when it failed. */
  logTail: string | undefined;
}

export interface JobRunOptions {
  serverSide: boolean;
  /** Jobs count against the deploy's timeout. */
  deadlineAt: number;
  pollMs?: number;
}

const POLL_MS = 500;
const LOG_LINES = 20;
const IMMUTABLE = /field is immutable/i;

/** Runs the Jobs one after another, in manifest order, stopping at the first that fails. */
export async function runJobs(
  kubectl: Kubectl,
  jobs: readonly PlannedJob[],
  options: JobRunOptions,
  onResult: (result: JobResult, job: PlannedJob) => void | Promise<void> = () => {},
): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const job of jobs) {
    const result = await runJob(kubectl.inNamespace(job.namespace), job, options);
    results.push(result);
    await onResult(result, job);
    if (result.outcome === 'failed') break;
  }
  return results;
}

async function runJob(
  kubectl: Kubectl,
  job: PlannedJob,
  options: JobRunOptions,
): Promise<JobResult> {
  const started = Date.now();
  const done = (outcome: JobResult['outcome'], replaced: boolean, message: string) => ({
    ref: job.ref,
    namespace: job.namespace,
    outcome,
    replaced,
    durationMs: Date.now() - started,
    message,
    logTail: undefined,
  });
  try {
    let replaced = false;
    const applied = await applyJob(kubectl, job, options);
    if (applied === 'immutable') {
      await replace(kubectl, job, options);
      replaced = true;
    } else if (applied === 'unchanged') {
      const state = jobState(await kubectl.getIfExists<Mapping>(`job/${job.name}`));
      if (state.outcome === 'complete') {
        return done(
          'unchanged',
          false,
          'identical to the Job that already completed; left as it is',
        );
      }
      if (state.outcome === 'failed') {
        await replace(kubectl, job, options);
        replaced = true;
      }
    }
    const state = await waitForJob(kubectl, job.name, options);
    if (state.outcome === 'complete') return done('completed', replaced, 'completed');
    const message =
      state.outcome === 'failed'
        ? state.reason
        : `did not complete before the timeout${state.reason ? ` (${state.reason})` : ''}`;
    return { ...done('failed', replaced, message), logTail: await logTail(kubectl, job.name) };
  } catch (error) {
    return done('failed', false, `could not be run: ${describeThrown(error)}`);
  }
}

/**
 * `kubectl apply` of the Job; a changed template is refused by the server as immutable. So a Job
 * that existed before and whose apply was accepted has the same template: it is unchanged. (The
 * apply's own words cannot tell: server-side apply never says "unchanged".) Whether it existed is
 * read once, before any attempt, so a retried apply never takes its own Job for an earlier one.
 */
async function applyJob(
  kubectl: Kubectl,
  job: PlannedJob,
  options: JobRunOptions,
): Promise<'applied' | 'unchanged' | 'immutable'> {
  const existed = await untilRecovered(
    `Reading ${job.ref}`,
    async () => (await kubectl.getIfExists<Mapping>(`job/${job.name}`)) !== undefined,
    { deadlineAt: options.deadlineAt },
  );
  return untilRecovered(
    `Applying ${job.ref}`,
    async () => {
      try {
        await kubectl.applyObject(job.object, { serverSide: options.serverSide });
        return existed ? 'unchanged' : 'applied';
      } catch (error) {
        if (error instanceof ExecError && IMMUTABLE.test(error.result.stderr)) return 'immutable';
        throw error;
      }
    },
    { deadlineAt: options.deadlineAt },
  );
}

/**
 * The server-side dry run of a Job. One whose template changed would be refused as immutable by
 * an apply, though the deploy replaces it: it is checked as a create under a generated name
 * instead, which the server validates the same way and never stores.
 */
export async function dryRunJob(
  kubectl: Kubectl,
  job: PlannedJob,
  serverSide: boolean,
): Promise<void> {
  const target = kubectl.inNamespace(job.namespace);
  try {
    await target.applyObject(job.object, { dryRun: 'server', serverSide });
  } catch (error) {
    if (!(error instanceof ExecError) || !IMMUTABLE.test(error.result.stderr)) throw error;
    const metadata: Mapping = { ...asMapping(job.object.metadata), generateName: `${job.name}-` };
    delete metadata.name;
    await target.run(['create', '-f', '-', '--dry-run=server'], {
      stdin: JSON.stringify({ ...job.object, metadata }),
    });
  }
}

/** Deletes the Job with its pods (foreground: gone only once they are) and creates it anew. */
async function replace(kubectl: Kubectl, job: PlannedJob, options: JobRunOptions): Promise<void> {
  await untilRecovered(
    `Deleting ${job.ref} to create it anew`,
    () =>
      kubectl.run([
        'delete',
        `job/${job.name}`,
        '--ignore-not-found',
        '--cascade=foreground',
        '--wait=true',
        `--timeout=${Math.max(1, options.deadlineAt - Date.now())}ms`,
      ]),
    { deadlineAt: options.deadlineAt },
  );
  const applied = await applyJob(kubectl, job, options);
  if (applied === 'immutable') {
    throw new Error(`${job.ref} was deleted, yet creating it anew was refused as immutable`);
  }
}

interface JobState {
  outcome: 'complete' | 'failed' | 'running';
  reason: string;
}

/** A Job's conditions: Complete or Failed once it finished (SuccessCriteriaMet/FailureTarget come first). */
export function jobState(job: Mapping | undefined): JobState {
  const conditions = asMapping(job?.status).conditions;
  for (const entry of Array.isArray(conditions) ? conditions : []) {
    const condition = asMapping(entry);
    if (condition.status !== 'True') continue;
    if (condition.type === 'Complete') return { outcome: 'complete', reason: '' };
    if (condition.type === 'Failed') {
      const reason = [condition.reason, condition.message].filter(
        (part): part is string => typeof part === 'string' && part !== '',
      );
      return { outcome: 'failed', reason: reason.join(': ') || 'the Job failed' };
    }
  }
  const status = asMapping(job?.status);
  const failed = typeof status.failed === 'number' ? status.failed : 0;
  return { outcome: 'running', reason: failed > 0 ? `${failed} pod(s) failed so far` : '' };
}

async function waitForJob(
  kubectl: Kubectl,
  name: string,
  options: JobRunOptions,
): Promise<JobState> {
  let last: JobState = { outcome: 'running', reason: '' };
  while (Date.now() < options.deadlineAt) {
    try {
      const job = await kubectl.getIfExists<Mapping>(`job/${name}`);
      if (!job) return { outcome: 'failed', reason: 'it was deleted while it ran' };
      last = jobState(job);
      if (last.outcome !== 'running') return last;
    } catch (error) {
      // An API fault while polling is waited through, as rollout status waits through a dropped watch.
      if (!isTransientKubeError(error)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? POLL_MS));
  }
  return last;
}

/** The last lines of the Job's pod; undefined when they cannot be read. */
async function logTail(kubectl: Kubectl, name: string): Promise<string | undefined> {
  try {
    const result = await kubectl
      .withDeadline(Date.now() + 10_000)
      .run(['logs', `job/${name}`, `--tail=${LOG_LINES}`, '--all-containers=true'], {
        allowFailure: true,
      });
    const text = result.exitCode === 0 ? result.stdout.trimEnd() : '';
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

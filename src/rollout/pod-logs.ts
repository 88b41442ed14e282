/**
 * The last lines a failing container printed: usually the one thing that says why a pod is not
 * ready (a missing setting, a refused connection, a stack trace). Read for the pods the
 * diagnostics found not ready or failed, bounded in number and size, for the job summary.
 */
import { asArray, asMapping, type Mapping } from '../core/mapping.js';
import type { Kubectl } from '../core/kubectl.js';
import { describeThrown } from '../core/errors.js';
import { lastLine } from '../core/kube-recovery.js';
import { markup, type SummaryContent } from '../core/summary.js';

export interface LogTarget {
  /** The pod's namespace; undefined: kubectl's default. */
  namespace?: string;
  pod: string;
  container: string;
  /** It restarted: the previous instance's log holds the crash. */
  previous: boolean;
}

export interface PodLog extends LogTarget {
  /** The tail as read, control characters removed; undefined when it could not be read. */
  text: string | undefined;
  /** Why there is no text, or that it was cut to the size limit. */
  problem: string | undefined;
}

export const TAIL_LINES = 20;
/** Pods whose logs are read: the first few explain the failure; the rest repeat it. */
const MAX_PODS = 5;
/** Per container and in total, so that logs never crowd the rest out of the summary. */
const MAX_LOG_BYTES = 4 * 1024;
const MAX_TOTAL_BYTES = 24 * 1024;
const LOG_CALL_TIMEOUT_MS = 5_000;

/** Waiting reasons of a container that has not run yet. */
const NO_LOG =
  /^(ContainerCreating|PodInitializing|ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerConfigError)$/;

/**
 * The containers of the given pods that are not ready or did not succeed, in pod order, at most
 * MAX_PODS pods. Init containers count: a failing one keeps the pod from starting.
 */
export function failingContainers(
  podList: unknown,
  pods: readonly string[],
  namespace?: string,
): LogTarget[] {
  const wanted = new Set(pods.slice(0, MAX_PODS));
  const targets: LogTarget[] = [];
  for (const pod of asArray(asMapping(podList).items).map(asMapping)) {
    const name = asMapping(pod.metadata).name;
    if (typeof name !== 'string' || !wanted.has(name)) continue;
    const status = asMapping(pod.status);
    const statuses = [
      ...asArray(status.initContainerStatuses),
      ...asArray(status.containerStatuses),
    ];
    for (const entry of statuses.map(asMapping)) {
      if (typeof entry.name !== 'string' || succeeded(entry) || entry.ready === true) continue;
      // A container that never started (its image not pulled yet) has no log to read.
      const waiting = asMapping(asMapping(entry.state).waiting).reason;
      if (Number(entry.restartCount) === 0 && typeof waiting === 'string' && NO_LOG.test(waiting)) {
        continue;
      }
      targets.push({
        ...(namespace === undefined ? {} : { namespace }),
        pod: name,
        container: entry.name,
        previous: Number(entry.restartCount) > 0,
      });
    }
  }
  return targets;
}

function succeeded(entry: Mapping): boolean {
  return asMapping(asMapping(entry.state).terminated).exitCode === 0;
}

/** Reads each tail with `kubectl logs`; a log that cannot be read says why. Never throws. */
export async function readPodLogs(
  kubectl: Kubectl,
  targets: readonly LogTarget[],
): Promise<PodLog[]> {
  let budget = MAX_TOTAL_BYTES;
  const logs: PodLog[] = [];
  for (const target of targets) {
    if (budget <= 0) {
      logs.push({
        ...target,
        text: undefined,
        problem: 'not read: the size limit for logs was reached',
      });
      continue;
    }
    const log = await readOne(kubectl, target);
    const cut = cutToBytes(log.text ?? '', Math.min(MAX_LOG_BYTES, budget));
    budget -= Buffer.byteLength(cut.text);
    logs.push(
      cut.cut
        ? { ...log, text: cut.text, problem: 'only the last part is shown (size limit)' }
        : log,
    );
  }
  return logs;
}

async function readOne(kubectl: Kubectl, target: LogTarget): Promise<PodLog> {
  const args = ['logs', target.pod, '-c', target.container, `--tail=${TAIL_LINES}`];
  try {
    const scoped = kubectl.inNamespace(target.namespace);
    const { stdout } = await scoped.run(target.previous ? [...args, '--previous'] : args, {
      timeoutMs: LOG_CALL_TIMEOUT_MS,
    });
    return { ...target, text: clean(stdout), problem: stdout.trim() ? undefined : 'empty log' };
  } catch (error) {
    if (target.previous) {
      // The previous instance's log may be gone already; the current one still helps.
      const current = await readOne(kubectl, { ...target, previous: false });
      if (current.text !== undefined) return current;
    }
    return {
      ...target,
      text: undefined,
      problem: `could not be read: ${lastLine(describeThrown(error))}`,
    };
  }
}

/** Terminal colours and other control characters make no sense in a summary. */
function clean(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/\n+$/, '')
  );
}

/** The end of the text within `limit` bytes, starting at a whole line when it was cut. */
function cutToBytes(text: string, limit: number): { text: string; cut: boolean } {
  const bytes = Buffer.from(text);
  if (bytes.length <= limit) return { text, cut: false };
  const tail = bytes
    .subarray(bytes.length - limit)
    .toString('utf8')
    .replace(/^\uFFFD+/, '');
  const newline = tail.indexOf('\n');
  return { text: newline >= 0 ? tail.slice(newline + 1) : tail, cut: true };
}

/**
 * One collapsed block per pod, each container's tail escaped as preformatted text. Pods are
 * named with their namespace when the logs come from several.
 */
export function addPodLogs(content: SummaryContent, logs: readonly PodLog[]): void {
  const qualified = new Set(logs.map((log) => log.namespace)).size > 1;
  const nameOf = (log: PodLog) =>
    qualified && log.namespace !== undefined ? `${log.namespace}/${log.pod}` : log.pod;
  const pods = [...new Set(logs.map(nameOf))];
  for (const pod of pods) {
    content.details(`Log tail of pod ${pod}`, (inner) => {
      for (const log of logs.filter((entry) => nameOf(entry) === pod)) {
        const which = log.previous ? ' (previous instance, before its restart)' : '';
        inner.paragraph(
          markup.join(
            'container ',
            markup.code(log.container),
            `${which}: last ${TAIL_LINES} lines`,
            log.problem ? ` — ${log.problem}` : '',
          ),
        );
        if (log.text) inner.code(log.text);
      }
    });
  }
}

// @ts-check
/**
 * The Job controller (batch/v1, non-indexed Jobs): runs pods from spec.template until
 * spec.completions of them have succeeded, replaces failed pods until spec.backoffLimit is
 * exceeded, and fails the Job after spec.activeDeadlineSeconds. Status, conditions (1.31+:
 * SuccessCriteriaMet before Complete, FailureTarget before Failed) and events follow the real
 * controller. The pod-failure back-off is compressed like the kubelet's crash-loop back-off.
 */
import { canonicalJson } from './hash.js';
import { isoSeconds } from './events.js';
import { CRASH_BACKOFF_MS } from './kubelet.js';
import {
  byCreation,
  controllerReference,
  isControlledBy,
  isPodActive,
  isPodReady,
  isRetryable,
  randomSuffix,
} from './replicaset-controller.js';

const COMPONENT = 'job-controller';
const SUCCESS = {
  reason: 'CompletionsReached',
  message: 'Reached expected number of succeeded pods',
};
const BACKOFF_LIMIT = {
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
};
const DEADLINE = {
  reason: 'DeadlineExceeded',
  message: 'Job was active longer than specified deadline',
};

/** @param {any} job */
function podFor(job) {
  const template = globalThis.structuredClone(job.spec.template ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(template.metadata ?? {}),
      name: `${job.metadata.name}-${randomSuffix()}`,
      generateName: `${job.metadata.name}-`,
      namespace: job.metadata.namespace,
      ownerReferences: [controllerReference(job)],
    },
    spec: template.spec ?? { containers: [] },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

/** @param {any} job */
export function isJobFinished(job) {
  return (job.status?.conditions ?? []).some(
    (/** @type {any} */ c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/**
 * With restartPolicy OnFailure failed containers restart in place, so the restarts of the active
 * pods count against the backoff limit (pastBackoffLimitOnFailure in the real controller).
 * @param {any} job @param {any[]} pods
 */
function pastBackoffLimitOnFailure(job, pods) {
  if (job.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    for (const c of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ])
      restarts += c.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/**
 * @param {{ store: any, now: () => number, recorder: import('./events.js').EventRecorder, retry: () => void }} context
 */
export function createJobController({ store, now, recorder, retry }) {
  /** Per Job uid: the pods already counted in status, and when the last failure was seen. */
  /** @type {Map<string, { counted: Set<string>, lastFailureMs?: number }>} */
  const states = new Map();

  /** @param {string} type @param {{ reason: string, message: string }} what */
  const condition = (type, what) => ({
    type,
    status: 'True',
    reason: what.reason,
    message: what.message,
    lastProbeTime: isoSeconds(now()),
    lastTransitionTime: isoSeconds(now()),
  });

  /** @param {any} job */
  function syncJob(job) {
    if (isJobFinished(job)) return;
    let state = states.get(job.metadata.uid);
    if (!state) {
      state = { counted: new Set() };
      states.set(job.metadata.uid, state);
    }
    const spec = job.spec;
    const previous = job.status ?? {};
    const pods = store
      .list('pods', job.metadata.namespace)
      .filter((/** @type {any} */ pod) => isControlledBy(pod, job));
    // Counted into a copy, kept only once the status carrying the counts is written.
    const counted = new Set(state.counted);
    let lastFailureMs = state.lastFailureMs;
    let succeeded = previous.succeeded ?? 0;
    let failed = previous.failed ?? 0;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if ((phase !== 'Succeeded' && phase !== 'Failed') || counted.has(pod.metadata.uid)) continue;
      counted.add(pod.metadata.uid);
      if (phase === 'Succeeded') succeeded++;
      else {
        failed++;
        lastFailureMs = now();
      }
    }
    let active = pods.filter(isPodActive).sort(byCreation);
    const startTime = previous.startTime ?? isoSeconds(now());
    /** @type {any[]} */
    const conditions = [...(previous.conditions ?? [])];
    let completionTime;

    let failure;
    if (failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, active)) {
      failure = BACKOFF_LIMIT;
    } else if (
      spec.activeDeadlineSeconds !== undefined &&
      now() >= Date.parse(startTime) + spec.activeDeadlineSeconds * 1000
    ) {
      failure = DEADLINE;
    }
    if (failure) {
      // A finished Job stops its pods, and counts each one it stopped as failed.
      for (const pod of active) {
        store.delete('pods', pod.metadata.namespace, pod.metadata.name);
        recorder.record(job, {
          reason: 'SuccessfulDelete',
          message: `Deleted pod: ${pod.metadata.name}`,
          component: COMPONENT,
        });
        counted.add(pod.metadata.uid);
        failed++;
      }
      active = [];
      conditions.push(condition('FailureTarget', failure), condition('Failed', failure));
      recorder.record(job, { type: 'Warning', ...failure, component: COMPONENT });
    } else {
      const parallelism = spec.parallelism ?? 1;
      const wanted =
        spec.completions === undefined
          ? succeeded > 0
            ? 0
            : parallelism
          : Math.max(0, Math.min(parallelism, spec.completions - succeeded));
      const backingOff = lastFailureMs !== undefined && now() < lastFailureMs + CRASH_BACKOFF_MS;
      if (active.length < wanted && !spec.suspend && !backingOff) {
        for (let i = active.length; i < wanted; i++) {
          const created = store.create('pods', podFor(job));
          recorder.record(job, {
            reason: 'SuccessfulCreate',
            message: `Created pod: ${created.metadata.name}`,
            component: COMPONENT,
          });
          active.push(created);
        }
      }
      const complete =
        active.length === 0 &&
        (spec.completions === undefined ? succeeded > 0 : succeeded >= spec.completions);
      if (complete) {
        conditions.push(condition('SuccessCriteriaMet', SUCCESS), condition('Complete', SUCCESS));
        completionTime = isoSeconds(now());
        recorder.record(job, {
          reason: 'Completed',
          message: 'Job completed',
          component: COMPONENT,
        });
      }
    }
    const status = {
      ...(conditions.length > 0 ? { conditions } : {}),
      startTime,
      ...(completionTime ? { completionTime } : {}),
      ...(active.length > 0 ? { active: active.length } : {}),
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      ready: active.filter(isPodReady).length,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    if (canonicalJson(status) !== canonicalJson(previous)) {
      store.update('jobs', { ...job, status }, { subresource: 'status' });
    }
    state.counted = counted;
    state.lastFailureMs = lastFailureMs;
  }

  return {
    sync() {
      const live = new Set();
      for (const job of store.list('jobs', undefined)) {
        live.add(job.metadata.uid);
        try {
          syncJob(job);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          retry();
        }
      }
      for (const uid of states.keys()) if (!live.has(uid)) states.delete(uid);
    },
  };
}

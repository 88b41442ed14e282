// @ts-check
/**
 * A fake scheduler + kubelet. Each pod follows a timeline chosen by its behaviour and measured
 * from the moment the kubelet first saw it; its status, events and log lines are derived from
 * that timeline, so every pass at the same instant writes the same thing. Crash-loop back-off is
 * compressed to one restart per second (the messages still show the real back-off), and the
 * back-off of a container that restarts after running a while to half a second.
 */
import { behaviourFor } from './behaviours.js';
import { canonicalJson, fnv32a } from './hash.js';
import { isoSeconds } from './events.js';
import { isRetryable } from './replicaset-controller.js';
import { effectiveKind, runOnceStatus, runsOnce } from './kubelet-batch.js';
import { resolvePodEnv } from './pod-env.js';

export const NODE_NAME = 'kube-sim-node';
const HOST_IP = '10.89.0.2';
const CRASH_CYCLE_MS = 1000;
const CRASH_RUN_MS = 200;
const PULL_BACKOFF_CYCLE_MS = 1000;
const RESTART_BACKOFF_MS = 500;
/** The wait between a crash and the next start; the Job controller's pod back-off uses it too. */
export const CRASH_BACKOFF_MS = CRASH_CYCLE_MS - CRASH_RUN_MS;

/**
 * 64 hex characters derived from a text, standing in for digests and container ids.
 * @param {string} text
 */
export function fakeDigest(text) {
  return Array.from({ length: 8 }, (_, i) =>
    fnv32a(`${i}:${text}`).toString(16).padStart(8, '0'),
  ).join('');
}

/** @param {string} uid */
function podIP(uid) {
  const hash = fnv32a(uid);
  return `10.244.${(hash >>> 8) & 0xff}.${(hash & 0xfd) + 2}`;
}

/** @param {string} image */
function imageRepository(image) {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * @typedef {{ key: string, type?: 'Normal' | 'Warning', reason: string, message: string, container?: string }} Happening
 * @typedef {{ key: string, line: string }} LogLine
 */

/**
 * @param {string} type
 * @param {boolean} ok
 * @param {number} sinceMs
 * @param {string[]} unready
 */
function podCondition(type, ok, sinceMs, unready) {
  return {
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: isoSeconds(sinceMs),
    ...(ok || unready.length === 0
      ? {}
      : {
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${unready.join(' ')}]`,
        }),
  };
}

/**
 * What the kubelet reports for a pod at an instant.
 * @param {any} pod
 * @param {import('./behaviours.js').Behaviour} behaviour
 * @param {number} startMs when the kubelet first saw the pod
 * @param {number} nowMs
 * @param {Map<string, string>} [configErrors] containers whose environment cannot be built, with
 *   the kubelet's message: they stay Waiting in CreateContainerConfigError
 * @returns {{ status: any, happenings: Happening[], logs: LogLine[] }}
 */
export function podView(pod, behaviour, startMs, nowMs, configErrors = new Map()) {
  const elapsed = nowMs - startMs;
  const containers = pod.spec.containers ?? [];
  const startAfter = behaviour.readyAfterMs;
  const started = elapsed >= startAfter;
  const startedAt = startMs + startAfter;
  const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  /** @type {Happening[]} */
  const happenings = [];
  /** @type {LogLine[]} */
  const logs = [];
  let phase = 'Pending';
  /** @type {number | undefined} when Ready last changed, for behaviours whose readiness comes and goes */
  let readyChangedMs;
  const kind = effectiveKind(pod, behaviour);
  const once = runsOnce(pod, behaviour);
  /** @type {number[]} when each container that ran to completion finished */
  const finishedAts = [];

  const containerStatuses = containers.map((/** @type {any} */ container) => {
    const image = container.image ?? '';
    const base = {
      name: container.name,
      image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
    };
    /** @param {string} key @param {string} reason @param {string} message @param {'Normal' | 'Warning'} [type] */
    const happen = (key, reason, message, type = 'Normal') =>
      happenings.push({
        key: `${container.name}/${key}`,
        reason,
        message,
        type,
        container: container.name,
      });
    happen('pulling', 'Pulling', `Pulling image "${image}"`);
    if (!started) return base;

    const imageID = `${imageRepository(image)}@sha256:${fakeDigest(image)}`;
    const containerID = (/** @type {number} */ restart) =>
      `containerd://${fakeDigest(`${pod.metadata.uid}/${container.name}/${restart}`)}`;
    const seconds = (startAfter / 1000).toFixed(3).replace(/\.?0+$/, '');

    if (behaviour.kind === 'pull-error') {
      const detail = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
      happen('pull-failed', 'Failed', `Failed to pull image "${image}": ${detail}`, 'Warning');
      happen('err-image-pull', 'Failed', 'Error: ErrImagePull', 'Warning');
      const backoffs = Math.floor((elapsed - startAfter) / PULL_BACKOFF_CYCLE_MS);
      for (let i = 1; i <= backoffs; i++) {
        happen(`pull-backoff-${i}`, 'BackOff', `Back-off pulling image "${image}"`);
        happen(`pull-backoff-error-${i}`, 'Failed', 'Error: ImagePullBackOff', 'Warning');
      }
      const waiting =
        backoffs === 0
          ? { reason: 'ErrImagePull', message: detail }
          : {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${image}": ErrImagePull: ${detail}`,
            };
      return { ...base, state: { waiting } };
    }

    happen(
      'pulled',
      'Pulled',
      `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting)`,
    );
    const configError = configErrors.get(container.name);
    if (configError !== undefined) {
      happen(`config-error:${configError}`, 'Failed', `Error: ${configError}`, 'Warning');
      return {
        ...base,
        state: { waiting: { reason: 'CreateContainerConfigError', message: configError } },
      };
    }
    phase = 'Running';
    if (once) {
      const run = runOnceStatus({
        base,
        name: container.name,
        image,
        imageID,
        containerID: containerID(0),
        startedAt,
        sinceStart: elapsed - startAfter,
        behaviour,
        logs,
      });
      happen('created-0', 'Created', `Created container ${container.name}`);
      happen('started-0', 'Started', `Started container ${container.name}`);
      if (run.finishedAt !== undefined) finishedAts.push(run.finishedAt);
      else if (run.status.ready) readyChangedMs = startedAt;
      return run.status;
    }
    if (kind === 'crash-loop') {
      const cycle = Math.floor((elapsed - startAfter) / CRASH_CYCLE_MS);
      const cycleStart = startedAt + cycle * CRASH_CYCLE_MS;
      const running = elapsed - startAfter - cycle * CRASH_CYCLE_MS < CRASH_RUN_MS;
      for (let i = 0; i <= cycle; i++) {
        happen(`created-${i}`, 'Created', `Created container ${container.name}`);
        happen(`started-${i}`, 'Started', `Started container ${container.name}`);
        if (i < cycle || !running) {
          happen(
            `backoff-${i}`,
            'BackOff',
            `Back-off restarting failed container ${container.name} in pod ${podRef}`,
            'Warning',
          );
        }
        logs.push({
          key: `${container.name}/start-${i}`,
          line: `${container.name}: starting (attempt ${i + 1})`,
        });
        logs.push({
          key: `${container.name}/crash-${i}`,
          line: `${container.name}: fatal: cannot start, exiting with code 1`,
        });
      }
      /** @param {number} i */
      const terminated = (i) => ({
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: isoSeconds(startedAt + i * CRASH_CYCLE_MS),
          finishedAt: isoSeconds(startedAt + i * CRASH_CYCLE_MS + CRASH_RUN_MS),
          containerID: containerID(i),
        },
      });
      const backoffSeconds = Math.min(10 * 2 ** cycle, 300);
      return {
        ...base,
        imageID,
        containerID: containerID(cycle),
        restartCount: cycle,
        started: running,
        state: running
          ? { running: { startedAt: isoSeconds(cycleStart) } }
          : {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${backoffSeconds}s restarting failed container=${container.name} pod=${podRef}`,
              },
            },
        lastState: cycle > 0 ? terminated(cycle - 1) : running ? {} : terminated(0),
      };
    }

    if (behaviour.kind === 'restarts') {
      // Ready while it runs; after each restart-after it is OOMKilled, waits in back-off, restarts.
      const runMs = behaviour.restartAfterMs ?? CRASH_CYCLE_MS;
      const period = runMs + RESTART_BACKOFF_MS;
      const sinceStart = elapsed - startAfter;
      const cycle = Math.floor(sinceStart / period);
      const cycleStart = startedAt + cycle * period;
      const running = sinceStart - cycle * period < runMs;
      const crashes = cycle + (running ? 0 : 1);
      for (let i = 0; i <= cycle; i++) {
        happen(`created-${i}`, 'Created', `Created container ${container.name}`);
        happen(`started-${i}`, 'Started', `Started container ${container.name}`);
        logs.push({
          key: `${container.name}/start-${i}`,
          line: `${container.name}: starting ${image}`,
        });
        logs.push({
          key: `${container.name}/ready-${i}`,
          line: `${container.name}: listening on :8080`,
        });
        if (i >= crashes) continue;
        logs.push({ key: `${container.name}/oom-${i}`, line: `${container.name}: out of memory` });
        happen(
          `backoff-${i}`,
          'BackOff',
          `Back-off restarting failed container ${container.name} in pod ${podRef}`,
          'Warning',
        );
      }
      readyChangedMs = running ? cycleStart : cycleStart + runMs;
      /** @param {number} i */
      const terminated = (i) => ({
        terminated: {
          exitCode: 137,
          reason: 'OOMKilled',
          startedAt: isoSeconds(startedAt + i * period),
          finishedAt: isoSeconds(startedAt + i * period + runMs),
          containerID: containerID(i),
        },
      });
      return {
        ...base,
        imageID,
        containerID: containerID(cycle),
        restartCount: crashes,
        ready: running,
        started: running,
        state: running
          ? { running: { startedAt: isoSeconds(cycleStart) } }
          : {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 10s restarting failed container=${container.name} pod=${podRef}`,
              },
            },
        lastState: crashes > 0 ? terminated(crashes - 1) : {},
      };
    }

    happen('created-0', 'Created', `Created container ${container.name}`);
    happen('started-0', 'Started', `Started container ${container.name}`);
    logs.push({ key: `${container.name}/start`, line: `${container.name}: starting ${image}` });
    const isReady = behaviour.kind === 'ready';
    if (isReady) {
      logs.push({ key: `${container.name}/ready`, line: `${container.name}: listening on :8080` });
    } else {
      const probes = Math.floor((elapsed - startAfter) / 1000) + 1;
      for (let i = 0; i < probes; i++) {
        happen(
          `unhealthy-${i}`,
          'Unhealthy',
          'Readiness probe failed: HTTP probe failed with statuscode: 503',
          'Warning',
        );
      }
    }
    return {
      ...base,
      imageID,
      containerID: containerID(0),
      ready: isReady,
      started: true,
      state: { running: { startedAt: isoSeconds(startedAt) } },
    };
  });

  // A container that could not be created keeps the pod Pending, whatever the others do.
  if (configErrors.size > 0 && containers.some((/** @type {any} */ c) => configErrors.has(c.name)))
    phase = 'Pending';
  const unready = containerStatuses
    .filter((/** @type {any} */ c) => !c.ready)
    .map((/** @type {any} */ c) => c.name);
  const ready = containers.length > 0 && unready.length === 0;
  // Once every container has run to completion the pod is terminal and its sandbox is gone.
  const finished = containers.length > 0 && finishedAts.length === containers.length;
  if (finished) {
    const allZero = containerStatuses.every(
      (/** @type {any} */ c) => c.state.terminated?.exitCode === 0,
    );
    phase = allZero ? 'Succeeded' : 'Failed';
    readyChangedMs = Math.max(...finishedAts);
  }
  const readySince = readyChangedMs ?? (ready ? startedAt : startMs);
  const sandboxReady = started && !finished;
  /** @param {'Ready' | 'ContainersReady'} type */
  const readiness = (type) =>
    finished
      ? {
          ...podCondition(type, false, readySince, []),
          reason: phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed',
        }
      : podCondition(type, ready, readySince, unready);
  return {
    status: {
      phase,
      conditions: [
        podCondition(
          'PodReadyToStartContainers',
          sandboxReady,
          finished ? readySince : sandboxReady ? startedAt : startMs,
          [],
        ),
        podCondition('Initialized', true, startMs, []),
        readiness('Ready'),
        readiness('ContainersReady'),
        podCondition('PodScheduled', true, startMs, []),
      ],
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP: podIP(pod.metadata.uid),
      podIPs: [{ ip: podIP(pod.metadata.uid) }],
      startTime: isoSeconds(startMs),
      containerStatuses,
      qosClass: pod.status?.qosClass ?? 'BestEffort',
    },
    happenings,
    logs,
  };
}

/**
 * @param {{ store: any, now: () => number, recorder: import('./events.js').EventRecorder, retry: () => void, behaviours: import('./behaviours.js').Behaviour[] }} context
 */
export function createKubelet({ store, now, recorder, retry, behaviours }) {
  /** @type {Map<string, { startMs: number, done: Set<string> } & import('./pod-env.js').PodEnv>} by pod uid */
  const seen = new Map();

  /** @param {any} pod */
  function syncPod(pod) {
    let state = seen.get(pod.metadata.uid);
    if (!state) {
      // The environment is read once, when the kubelet first sees the pod, as containers start.
      state = { startMs: now(), done: new Set(), ...resolvePodEnv(store, pod) };
      seen.set(pod.metadata.uid, state);
    } else if (state.errors.size > 0) {
      // The kubelet retries a container config error; once the reference resolves, the
      // containers start from there as if the pod were new.
      const again = resolvePodEnv(store, pod);
      if (again.errors.size === 0) state.startMs = now();
      Object.assign(state, again);
    }
    if (!pod.spec.nodeName) {
      pod = store.update('pods', { ...pod, spec: { ...pod.spec, nodeName: NODE_NAME } });
      recorder.record(pod, {
        reason: 'Scheduled',
        message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
        component: 'default-scheduler',
      });
    }
    const containers = (pod.spec.containers ?? []).map((/** @type {any} */ c) => ({
      image: c.image ?? '',
      env: state.envs[c.name] ?? {},
    }));
    const behaviour = behaviourFor(behaviours, containers);
    const view = podView(pod, behaviour, state.startMs, now(), state.errors);
    if (canonicalJson(view.status) !== canonicalJson(pod.status ?? {})) {
      pod = store.update('pods', { ...pod, status: view.status }, { subresource: 'status' });
    }
    for (const happening of view.happenings) {
      if (state.done.has(happening.key)) continue;
      state.done.add(happening.key);
      recorder.record(pod, {
        type: happening.type,
        reason: happening.reason,
        message: happening.message,
        component: 'kubelet',
        host: NODE_NAME,
        fieldPath: happening.container ? `spec.containers{${happening.container}}` : undefined,
      });
    }
    for (const log of view.logs) {
      if (state.done.has(`log:${log.key}`)) continue;
      state.done.add(`log:${log.key}`);
      store.appendPodLog(
        pod.metadata.namespace,
        pod.metadata.name,
        `${new Date(now()).toISOString()} ${log.line}`,
      );
    }
  }

  return {
    sync() {
      const live = new Set();
      for (const pod of store.list('pods', undefined)) {
        live.add(pod.metadata.uid);
        if (pod.metadata.deletionTimestamp) continue;
        try {
          syncPod(pod);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          retry();
        }
      }
      for (const uid of seen.keys()) if (!live.has(uid)) seen.delete(uid);
    },
  };
}

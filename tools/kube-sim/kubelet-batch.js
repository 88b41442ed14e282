// @ts-check
/**
 * Containers that run to completion: pods with restartPolicy Never or OnFailure (Job pods). A
 * container of a "ready" image runs briefly and exits 0; one of a failing image (crash-loop,
 * never-ready) exits 1; one with restart-after is OOMKilled (137) after that long. With
 * OnFailure a failing container restarts in place instead, which the kubelet's crash-loop
 * timeline already shows.
 */
import { isoSeconds } from './events.js';

/** How long a Job container runs before it exits, after starting at ready-after. */
export const RUN_TO_COMPLETION_MS = 200;

/** @param {any} pod */
export function runsToCompletion(pod) {
  const policy = pod.spec?.restartPolicy;
  return policy === 'Never' || policy === 'OnFailure';
}

/**
 * The one run of a container under a behaviour: its exit code, termination reason and length.
 * @param {import('./behaviours.js').Behaviour} behaviour
 */
export function outcomeOf(behaviour) {
  if (behaviour.kind === 'ready')
    return { exitCode: 0, reason: 'Completed', runMs: RUN_TO_COMPLETION_MS };
  if (behaviour.kind === 'restarts')
    return {
      exitCode: 137,
      reason: 'OOMKilled',
      runMs: behaviour.restartAfterMs ?? RUN_TO_COMPLETION_MS,
    };
  return { exitCode: 1, reason: 'Error', runMs: RUN_TO_COMPLETION_MS };
}

/**
 * The timeline kind the kubelet follows for a pod: under OnFailure a container that would stay
 * unready (never-ready) exits and restarts like a crash-looping one; otherwise unchanged.
 * @param {any} pod
 * @param {import('./behaviours.js').Behaviour} behaviour
 */
export function effectiveKind(pod, behaviour) {
  if (pod.spec?.restartPolicy === 'OnFailure' && behaviour.kind === 'never-ready')
    return 'crash-loop';
  return behaviour.kind;
}

/** True when the kubelet shows a single run that ends the container for good. @param {any} pod @param {import('./behaviours.js').Behaviour} behaviour */
export function runsOnce(pod, behaviour) {
  if (!runsToCompletion(pod)) return false;
  return pod.spec.restartPolicy === 'Never' || outcomeOf(behaviour).exitCode === 0;
}

/**
 * @param {{
 *   base: any, name: string, image: string, imageID: string, containerID: string,
 *   startedAt: number, sinceStart: number, behaviour: import('./behaviours.js').Behaviour,
 *   logs: { key: string, line: string }[],
 * }} run
 * @returns {{ status: any, finishedAt?: number }}
 */
export function runOnceStatus({
  base,
  name,
  image,
  imageID,
  containerID,
  startedAt,
  sinceStart,
  behaviour,
  logs,
}) {
  const outcome = outcomeOf(behaviour);
  logs.push({ key: `${name}/start`, line: `${name}: starting ${image}` });
  const started = { ...base, imageID, containerID };
  if (sinceStart < outcome.runMs) {
    return {
      status: {
        ...started,
        ready: outcome.exitCode === 0,
        started: true,
        state: { running: { startedAt: isoSeconds(startedAt) } },
      },
    };
  }
  const finishedAt = startedAt + outcome.runMs;
  const last =
    outcome.exitCode === 0
      ? `${name}: finished, exited with code 0`
      : outcome.exitCode === 137
        ? `${name}: out of memory, killed with exit code 137`
        : `${name}: error: run failed, exited with code ${outcome.exitCode}`;
  logs.push({ key: `${name}/exit`, line: last });
  return {
    finishedAt,
    status: {
      ...started,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode: outcome.exitCode,
          reason: outcome.reason,
          startedAt: isoSeconds(startedAt),
          finishedAt: isoSeconds(finishedAt),
          containerID,
        },
      },
    },
  };
}

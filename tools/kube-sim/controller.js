// @ts-check
/**
 * Runs the deployment, ReplicaSet, StatefulSet, DaemonSet, Job and HPA controllers and the fake
 * kubelet against an ObjectStore: a pass runs them all, and passes repeat while the previous one
 * changed anything (every write comes back as a store 'change'). A tick starts a pass too,
 * because time alone moves pods along and progress deadlines expire.
 */
import { clearInterval, setImmediate, setInterval } from 'node:timers';
import { parseBehaviours } from './behaviours.js';
import { createDeploymentController } from './deployment-controller.js';
import { createEventRecorder } from './events.js';
import { createKubelet } from './kubelet.js';
import { createReplicaSetController } from './replicaset-controller.js';
import { createStatefulSetController } from './statefulset-controller.js';
import { createDaemonSetController } from './daemonset-controller.js';
import { createJobController } from './job-controller.js';
import { createHpaController } from './hpa-controller.js';

// Bounds one burst of passes so the HTTP server is never starved; the tick resumes the work.
const MAX_PASSES_PER_RUN = 50;

/**
 * @param {import('node:events').EventEmitter & Record<string, any>} store an ObjectStore
 * @param {{ behaviours?: unknown, tickMs?: number, now?: () => number }} [options]
 * @returns {{ stop(): void, settle(): Promise<void> }}
 */
export function startControllers(store, { behaviours, tickMs = 100, now = () => Date.now() } = {}) {
  const parsedBehaviours = parseBehaviours(behaviours);
  const recorder = createEventRecorder(store, now);
  let dirty = true;
  let stopped = false;
  /** @type {Promise<void> | undefined} */
  let running;
  const retry = () => {
    dirty = true;
  };
  const context = { store, now, recorder, retry, behaviours: parsedBehaviours };
  const controllers = [
    createDeploymentController(context),
    createReplicaSetController(context),
    createStatefulSetController(context),
    createDaemonSetController(context),
    createJobController(context),
    createHpaController(context),
    createKubelet(context),
  ];

  async function runPasses() {
    for (let pass = 0; dirty && !stopped && pass < MAX_PASSES_PER_RUN; pass++) {
      dirty = false;
      for (const controller of controllers) {
        try {
          controller.sync();
        } catch (error) {
          console.error('kube-sim controllers:', error);
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  function schedule() {
    if (running || stopped) return;
    // Passes start on a microtask, so that `running` is set before any write a pass makes can
    // call schedule() again: a pass must never start inside another one.
    running = Promise.resolve()
      .then(runPasses)
      .finally(() => {
        running = undefined;
        if (dirty && !stopped) schedule();
      });
  }

  /** @param {{ resource: string }} change */
  const onChange = (change) => {
    // Events never drive a controller; ignoring them keeps event writes from causing passes.
    if (change.resource === 'events') return;
    dirty = true;
    schedule();
  };
  store.on('change', onChange);
  const timer = setInterval(() => {
    dirty = true;
    schedule();
  }, tickMs);
  timer.unref();
  schedule();

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      store.off('change', onChange);
    },
    async settle() {
      // The clock may have moved since the last pass, so look again before calling it quiet.
      dirty = true;
      for (;;) {
        if (running) await running;
        else if (dirty && !stopped) schedule();
        else return;
      }
    },
  };
}

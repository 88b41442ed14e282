/**
 * The canary's half of the fault matrix: each phase that changes the cluster (creating the
 * canary, each traffic shift, the promotion, a revert) meets one API fault, and the cluster must
 * end fully promoted or exactly as before, with the summary saying which. The SIGKILL column loses
 * the runner mid-phase (no post step) and sends a re-run of the job in mode abort after it.
 */
import { expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import type { ActionRun } from '../support/runner.js';
import {
  expectPromoted,
  expectReverted,
  HEALTHY,
  stableImage,
  CANARY_IMAGE,
  startScenario,
  routePath,
  startWorld,
  verdict,
  type Scenario,
} from './canary-support.js';
import { armFault, FAULTS, type FaultName, type RequestMatch } from './fault-matrix.js';

type Column = FaultName | 'SIGKILL';

/** Fast steps: two shifts, 50% and 100%, then the promotion. */
const QUICK = {
  steps: '50,100',
  interval: '2s',
  'check-interval': '1s',
  'step-timeout': '10s',
  'min-requests': '10',
};

interface Phase {
  name: string;
  match(namespace: string): RequestMatch;
  /** The run the fault hits is an abort of a canary a start run left paused at 50%. */
  duringAbort?: boolean;
  /** A lost runner is noticed this long after the matching request (it lands first). */
  killAfterMs?: number;
}

const PHASES: Phase[] = [
  {
    name: 'creating the canary',
    match: (ns) => ({ method: 'POST', path: `/apis/apps/v1/namespaces/${ns}/deployments` }),
  },
  { name: 'the shift to 50%', match: (ns) => ({ method: 'PATCH', path: routePath(ns) }) },
  { name: 'the shift to 100%', match: (ns) => ({ method: 'PATCH', path: routePath(ns), skip: 1 }) },
  {
    name: 'the promotion',
    match: (ns) => ({ method: 'PATCH', path: `/apis/apps/v1/namespaces/${ns}/deployments/web` }),
    killAfterMs: 400,
  },
  {
    name: 'a revert (mode abort)',
    match: (ns) => ({ method: 'PATCH', path: routePath(ns) }),
    duringAbort: true,
  },
];

const ABORT = { mode: 'abort', 'prometheus-url': '', image: '' };

/**
 * Each cell has a cluster (kube-sim) of its own, so that one cell's fault never reaches another's
 * requests, and the cells of a column run side by side: they spend most of their time waiting.
 */
export function describeCanaryFaults(column: Column): void {
  describeWithTool(
    { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
    `canary bundle through ${column}`,
    () => {
      for (const phase of PHASES) {
        it.concurrent(
          `${column} during ${phase.name}: fully promoted or exactly as before`,
          async () => {
            const world = await startWorld();
            const s = await startScenario(world, 'gateway-api', HEALTHY);
            try {
              if (phase.duringAbort) {
                const start = await s.run({ ...QUICK, mode: 'start', 'pause-at': '50' });
                expect(start.main.outputs.decision, start.main.stdout).toBe('paused');
              }
              const inputs = phase.duringAbort ? ABORT : QUICK;
              const last =
                column === 'SIGKILL'
                  ? await loseRunnerThenAbort(s, phase, inputs)
                  : await runThroughFault(s, phase, inputs, column);
              expectSettled(s, last);
            } finally {
              await s.stop();
              await world.stop();
            }
          },
          180_000,
        );
      }
    },
  );
}

async function runThroughFault(
  s: Scenario,
  phase: Phase,
  inputs: Record<string, string>,
  fault: FaultName,
): Promise<ActionRun> {
  const armed = armFault(s.world.sim.faults, phase.match(s.namespace), FAULTS[fault]);
  const run = await s.run(inputs);
  await armed.expectFired();
  // A requested abort still reverts, and succeeds; any other run either promotes (the happy path
  // held) or aborts and fails the step, having put everything back.
  const decision = run.main.outputs.decision;
  if (phase.duringAbort) expect(decision, run.main.stdout).toBe('aborted');
  expect(run.main.exitCode, run.main.stdout).toBe(
    decision === 'promoted' || phase.duringAbort ? 0 : 1,
  );
  expect(JSON.parse(run.main.outputs.result)).toMatchObject({ decision });
  return run;
}

/** The runner dies mid-phase (no post step); a re-run of the job aborts whatever is left. */
async function loseRunnerThenAbort(
  s: Scenario,
  phase: Phase,
  inputs: Record<string, string>,
): Promise<ActionRun> {
  const runner = new AbortController();
  const armed = armFault(s.world.sim.faults, phase.match(s.namespace), () => {
    setTimeout(() => runner.abort(), phase.killAfterMs ?? 0);
  });
  const lost = await s.run(inputs, { loseRunner: runner.signal });
  await armed.expectFired();
  expect(lost.main.lost).toBe(true);
  expect(lost.post).toBeUndefined();
  const rerun = await s.run(ABORT, { env: { GITHUB_RUN_ATTEMPT: '2' } });
  expect(rerun.main.exitCode, rerun.main.stdout).toBe(0);
  return rerun;
}

/** Promoted or reverted, nothing in between, and the last run's summary says which. */
function expectSettled(s: Scenario, last: ActionRun): void {
  if (stableImage(s.world, s.namespace) === CANARY_IMAGE) {
    expectPromoted(s);
    expect(last.main.outputs.decision).toBe('promoted');
    expect(verdict(last)).toMatch(/Promoted|promotion/);
  } else {
    expectReverted(s);
    expect(last.main.outputs.decision).toBe('aborted');
    expect(verdict(last)).toMatch(/Aborted|back on stable/);
  }
}

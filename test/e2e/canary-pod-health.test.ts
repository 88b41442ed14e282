/**
 * Pod health is evidence: a canary whose pods restart mid-step is aborted with that reason even
 * though Prometheus shows it as healthy as stable.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import {
  expectReverted,
  HEALTHY,
  RESTARTING_IMAGE,
  startScenario,
  startWorld,
  verdict,
  type World,
} from './canary-support.js';
import type { TrafficMode } from '../../src/canary/types.js';

interface StepOutput {
  weight: number;
  decision: string;
  reason?: string;
}

let world: World;

describeWithTool(
  { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
  'canary bundle: canary pod health',
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.stop();
    });

    it.each<TrafficMode>(['gateway-api', 'replicas'])(
      'aborts a canary whose pods restart mid-step, whatever the metrics say (%s)',
      async (mode) => {
        // The canary serves as well as stable; only its pods (ready, then OOMKilled after 4 s) fail.
        const s = await startScenario(world, mode, HEALTHY);
        try {
          const run = await s.run({ image: RESTARTING_IMAGE });
          expect(run.main.exitCode, run.main.stdout).toBe(1);
          expect(run.main.outputs.decision).toBe('aborted');
          const restarted =
            /canary pod web-canary-[a-z0-9-]+ container app restarted \d+ times? \(last: OOMKilled, exit code 137\)/;
          expect(verdict(run)).toMatch(/Aborted at \d+%/);
          expect(verdict(run)).toMatch(restarted);
          const errors = run.main.annotations.filter((a) => a.level === 'error');
          expect(errors.map((a) => a.message).join('\n')).toMatch(restarted);
          const steps = JSON.parse(run.main.outputs.steps) as StepOutput[];
          expect(steps.length).toBeLessThan(3);
          expect(steps.at(-1)).toMatchObject({
            decision: 'aborted',
            reason: expect.stringMatching(restarted),
          });
          const result = JSON.parse(run.main.outputs.result) as {
            cleanup: { stableHealthy: boolean; leftoverObjects: string[] };
          };
          expect(result.cleanup).toMatchObject({ stableHealthy: true, leftoverObjects: [] });
          expectReverted(s);
        } finally {
          await s.stop();
        }
      },
    );
  },
);

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import {
  CANARY_IMAGE,
  ERRORS,
  expectPromoted,
  expectReverted,
  HEALTHY,
  SLOW,
  startScenario,
  startWorld,
  verdict,
  type Behaviour,
  type World,
} from './canary-support.js';
import type { TrafficMode } from '../../src/canary/types.js';

interface StepOutput {
  weight: number;
  achievedWeight: number;
  decision: string;
  canary: { requests: number };
}

let world: World;

async function scenario(mode: TrafficMode, canary: Behaviour, extra: Record<string, string> = {}) {
  const started = await startScenario(world, mode, canary);
  try {
    return { scenario: started, run: await started.run(extra) };
  } finally {
    await started.stop();
  }
}

describeWithTool(
  { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
  'canary bundle: auto mode against kube-sim, real Prometheus and real traffic',
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.stop();
    });

    it.each<TrafficMode>(['gateway-api', 'istio', 'replicas'])(
      'promotes a healthy canary step by step (%s)',
      async (mode) => {
        const { scenario: s, run } = await scenario(mode, HEALTHY);
        expect(run.main.exitCode, run.main.stdout).toBe(0);
        expect(run.main.outputs.decision).toBe('promoted');
        expect(run.main.outputs['final-weight']).toBe('100');
        const steps = JSON.parse(run.main.outputs.steps) as StepOutput[];
        expect(steps.map((step) => step.weight)).toEqual([20, 50, 100]);
        expect(steps.every((step) => step.decision === 'passed')).toBe(true);
        expect(steps.every((step) => step.canary.requests >= 20)).toBe(true);
        expect(verdict(run)).toMatch(/Promoted/);
        expect(run.main.summary).toContain('```mermaid');
        expectPromoted(s);
        expect(JSON.parse(run.main.outputs.result)).toMatchObject({
          decision: 'promoted',
          canaryImage: CANARY_IMAGE,
        });
      },
    );

    it.each<[TrafficMode, Behaviour, RegExp]>([
      ['nginx', ERRORS, /5xx/],
      ['replicas', ERRORS, /5xx/],
      ['gateway-api', SLOW, /slower|p95/],
    ])('aborts a worse canary and reverts everything (%s)', async (mode, behaviour, why) => {
      const { scenario: s, run } = await scenario(mode, behaviour);
      expect(run.main.exitCode).toBe(1);
      expect(run.main.outputs.decision).toBe('aborted');
      expect(verdict(run)).toMatch(/Aborted at \d+%/);
      expect(verdict(run)).toMatch(why);
      const errors = run.main.annotations.filter((a) => a.level === 'error');
      expect(errors.map((a) => a.message).join('\n')).toMatch(why);
      expect(run.main.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
      const result = JSON.parse(run.main.outputs.result) as {
        cleanup: { stableHealthy: boolean; leftoverObjects: string[] };
        detectionMs: number;
      };
      expect(result.cleanup).toMatchObject({ stableHealthy: true, leftoverObjects: [] });
      expectReverted(s);
    });
  },
);

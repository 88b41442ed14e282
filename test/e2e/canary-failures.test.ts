import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import { startLoad, startSampleServiceProcess } from '../support/canary-env.js';
import { runAction } from '../support/runner.js';
import {
  CANARY,
  CANARY_IMAGE,
  expectPromoted,
  expectReverted,
  HEALTHY,
  startScenario,
  routePath,
  startWorld,
  verdict,
  type World,
} from './canary-support.js';
import { armFault } from './fault-matrix.js';

let world: World;

describeWithTool(
  { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
  'canary bundle: no data, outages, cancellation and manual gates',
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('aborts at the step timeout when the canary gets no traffic: no data is never a pass', async () => {
      const s = await startScenario(world, 'gateway-api', HEALTHY, { ratePerSecond: 0 });
      try {
        const run = await s.run();
        expect(run.main.exitCode).toBe(1);
        expect(run.main.outputs.decision).toBe('aborted');
        expect(verdict(run)).toMatch(/too little traffic/);
        expectReverted(s);
      } finally {
        await s.stop();
      }
    });

    it('aborts when Prometheus stops answering mid-analysis', async () => {
      const s = await startScenario(world, 'istio', HEALTHY);
      try {
        const stopping = new Promise<void>((resolve) => {
          setTimeout(() => void s.env.prometheus.stop().then(resolve), 6_000);
        });
        const run = await s.run({ steps: '20,40,60,80,100' });
        await stopping;
        expect(run.main.outputs.decision).toBe('aborted');
        expect(verdict(run)).toMatch(/Prometheus/);
        expectReverted(s);
      } finally {
        await s.stop();
      }
    });

    it('reverts within 7 s of SIGINT mid-step, and post has nothing left to do', async () => {
      const s = await startScenario(world, 'nginx', HEALTHY);
      try {
        const started = Date.now();
        let mainEndedAfter = 0;
        const run = await s.run(
          { interval: '30s', 'step-timeout': '60s' },
          {
            cancelMainAfterMs: 7_000,
            beforePost: () => {
              mainEndedAfter = Date.now() - started;
              expectReverted(s);
            },
          },
        );
        expect(run.main.exitCode).toBe(1);
        expect(run.main.stdout).toContain('The canary now gets 20% of traffic.');
        expect(mainEndedAfter - 7_000).toBeLessThan(7_000);
        expect(run.main.outputs.decision).toBe('aborted');
        expect(verdict(run)).toMatch(/cancelled/i);
        expect(run.post?.exitCode).toBe(0);
        expectReverted(s);
      } finally {
        await s.stop();
      }
    });

    it('a cancellation during an API outage longer than its grace period is finished by post', async () => {
      const s = await startScenario(world, 'gateway-api', HEALTHY);
      try {
        const cancel = new AbortController();
        const shift = { method: 'PATCH', path: routePath(s.namespace) };
        const armed = armFault(world.sim.faults, shift, (faults) => {
          setTimeout(() => {
            faults.outage(12_000);
            cancel.abort();
          }, 1_500);
        });
        const run = await s.run(
          { interval: '30s', 'step-timeout': '60s' },
          {
            signal: cancel.signal,
            beforePost: () => expect(s.env.canaryShare()).toBeGreaterThan(0),
          },
        );
        await armed.expectFired();
        expect(run.main.cancelled).toBe(true);
        expect(run.main.stdout).toContain('the post step continues it');
        expect(run.post?.exitCode, run.post?.stdout).toBe(0);
        expect(run.post?.summary).toMatch(/The post step put all traffic back on stable in \d/);
        expectReverted(s);
      } finally {
        await s.stop();
      }
    }, 120_000);

    it('start pauses at the first step; a later promote run finishes the progression', async () => {
      const s = await startScenario(world, 'nginx', HEALTHY);
      try {
        const start = await s.run({ mode: 'start' });
        expect(start.main.exitCode, start.main.stdout).toBe(0);
        expect(start.main.outputs.decision).toBe('paused');
        expect(start.main.outputs['final-weight']).toBe('20');
        expect(start.post?.exitCode).toBe(0);
        expect(s.env.canaryShare()).toBeCloseTo(0.2, 5);
        const promote = await s.run({ mode: 'promote' });
        expect(promote.main.exitCode, promote.main.stdout).toBe(0);
        expect(promote.main.outputs.decision).toBe('promoted');
        const steps = JSON.parse(promote.main.outputs.steps) as Array<{ weight: number }>;
        expect(steps.map((step) => step.weight)).toEqual([50, 100]);
        expectPromoted(s);
      } finally {
        await s.stop();
      }
    });

    it('start with pause-at 0 creates the canary without traffic; abort reverts it', async () => {
      const s = await startScenario(world, 'istio', HEALTHY);
      try {
        const start = await s.run({ mode: 'start', 'pause-at': '0' });
        expect(start.main.exitCode, start.main.stdout).toBe(0);
        expect(start.main.outputs.decision).toBe('started');
        expect(world.sim.store.get('deployments', s.namespace, 'web-canary')).toBeDefined();
        const abort = await s.run({ mode: 'abort', 'prometheus-url': '', image: '' });
        expect(abort.main.exitCode, abort.main.stdout).toBe(0);
        expect(abort.main.outputs.decision).toBe('aborted');
        expectReverted(s);
      } finally {
        await s.stop();
      }
    });

    it('keeps another workload of the namespace out of stable with metrics-selector', async () => {
      // A failing neighbour would make stable look bad and hide a bad canary; the selector leaves it out.
      const billing = await startSampleServiceProcess({
        errorRate: 0.5,
        latencyMs: 5,
        jitterMs: 1,
      });
      const load = startLoad({ url: billing.url, ratePerSecond: 40 });
      const s = await startScenario(world, 'gateway-api', HEALTHY, { neighbour: billing });
      try {
        const run = await s.run({ steps: '20,100', 'metrics-selector': 'app="web"' });
        expect(run.main.exitCode, run.main.stdout).toBe(0);
        const steps = JSON.parse(run.main.outputs.steps) as Array<{
          stable: { requests: number; errorRate: number };
        }>;
        expect(steps[0].stable.requests).toBeGreaterThan(0);
        expect(steps[0].stable.errorRate).toBeLessThan(0.05);
      } finally {
        await s.stop();
        await load.stop();
        await billing.stop();
      }
    });

    it('refuses bad input with the input named and a right value shown, touching nothing', async () => {
      const run = await runAction(CANARY, {
        inputs: {
          kubeconfig: world.sim.kubeconfig,
          deployment: 'web',
          image: CANARY_IMAGE,
          service: 'web',
          steps: '10,50,90',
          'prometheus-url': 'http://127.0.0.1:9',
        },
      });
      expect(run.main.exitCode).toBe(1);
      const error = run.main.annotations.find((a) => a.level === 'error')?.message ?? '';
      expect(error).toMatch(/steps/);
      expect(error).toMatch(/100/);
      expect(run.main.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
    });
  },
);

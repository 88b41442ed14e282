import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool } from '../support/tools.js';
import { PROMETHEUS_TOOL } from '../support/canary-env.js';
import {
  expectPromoted,
  expectReverted,
  HEALTHY,
  startScenario,
  startWorld,
  verdict,
  type World,
} from './canary-support.js';

interface StepOutput {
  weight: number;
  decision: string;
  canary: { requests: number };
}

let world: World;

/** Ids of the processes on this machine whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker))
        found.push(Number(entry));
    } catch {
      // The process ended while the directory was read.
    }
  }
  return found;
}

describeWithTool(
  PROMETHEUS_TOOL,
  'canary bundle: load-test gives a canary without traffic of its own the requests its steps need',
  () => {
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('times out for want of traffic without load-test, and passes and promotes with a load-test URL on the router', async () => {
      // No background load: only what the action sends reaches the service.
      const s = await startScenario(world, 'gateway-api', HEALTHY, { ratePerSecond: 0 });
      try {
        const idle = await s.run();
        expect(idle.main.exitCode).toBe(1);
        expect(idle.main.outputs.decision).toBe('aborted');
        expect(verdict(idle)).toMatch(/too little traffic/);
        expectReverted(s);

        const run = await s.run({ 'load-test': s.env.routerUrl, 'load-test-rate': '50' });
        expect(run.main.exitCode, run.main.stdout).toBe(0);
        expect(run.main.outputs.decision).toBe('promoted');
        const steps = JSON.parse(run.main.outputs.steps) as StepOutput[];
        expect(steps.map((step) => step.weight)).toEqual([20, 50, 100]);
        expect(steps.every((step) => step.decision === 'passed')).toBe(true);
        expect(steps.every((step) => step.canary.requests >= 20)).toBe(true);
        expect(run.main.stdout).toContain(`Load test: GET ${s.env.routerUrl}`);
        const notes = (JSON.parse(run.main.outputs.result) as { notes: string[] }).notes;
        const loadNotes = notes.filter((note) => note.startsWith('Load test at '));
        expect(loadNotes).toHaveLength(3);
        for (const note of loadNotes) {
          expect(note).toMatch(
            // The healthy sample service answers the odd 5xx too.
            /^Load test at \d+%: \d+ requests sent in \d+\.\ds: \d+ answered \(\d+ 2xx(, \d+ [1-5]xx)*\)/,
          );
        }
        expect(run.main.summary).toContain('Load test at 20%');
        expect(run.main.annotations.filter((a) => a.level === 'warning')).toEqual([]);
        expectPromoted(s);
      } finally {
        await s.stop();
      }
      // Two whole canaries in real time (an aborted one, then a promoted one): on a busy 2-core
      // runner they can take longer than the default minute between them.
    }, 150_000);

    it('runs a load-test command without a shell during each step and leaves no process behind', async () => {
      const s = await startScenario(world, 'istio', HEALTHY, { ratePerSecond: 0 });
      const marker = `slipway-e2e-load-${randomUUID()}`;
      // A load tester of the user's own: node fetching the router every 20 ms until stopped.
      const script =
        'const [url] = process.argv.slice(1); setInterval(() => fetch(url).then((r) => r.arrayBuffer()).catch(() => {}), 20)';
      try {
        const run = await s.run({
          'load-test': `${process.execPath} -e '${script}' ${s.env.routerUrl} ${marker}`,
        });
        expect(run.main.exitCode, run.main.stdout).toBe(0);
        expect(run.main.outputs.decision).toBe('promoted');
        const steps = JSON.parse(run.main.outputs.steps) as StepOutput[];
        expect(steps.every((step) => step.canary.requests >= 20)).toBe(true);
        expect(run.main.stdout).toMatch(/Load test: running .* during each step, without a shell/);
        expect(run.main.stdout).toMatch(
          /Load test at 100%: the command ran \d+\.\ds of the step's/,
        );
        expect(processesWith(marker)).toEqual([]);
        expectPromoted(s);
      } finally {
        await s.stop();
      }
    });

    it('refuses a load-test that is neither a URL nor a command line before touching the cluster', async () => {
      const s = await startScenario(world, 'replicas', HEALTHY, { ratePerSecond: 0 });
      try {
        const run = await s.run({ 'load-test': 'hey -z 1m http://web/ | tee load.log' });
        expect(run.main.exitCode).toBe(1);
        const errors = run.main.annotations.filter((a) => a.level === 'error');
        expect(errors.map((a) => a.message).join('\n')).toMatch(
          /Input 'load-test' must be an http\(s\) URL or a command line; .* uses the shell operator '\|'/,
        );
        expectReverted(s);
      } finally {
        await s.stop();
      }
    });
  },
);

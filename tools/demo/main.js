#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo [-- --scenario NAME] [--out DIR]`: the whole Slipway pipeline on the sample
 * service in demo/service, against a registry, kube-sim and Prometheus started on 127.0.0.1.
 * Exits 0 when the pipeline did what the scenario says it should, 1 when something behaved
 * wrongly, 2 on bad arguments and 130 when interrupted; every process it started is stopped.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../actions.js';
import { startEnvironment } from './environment.js';
import { judge, round, runPipeline } from './pipeline.js';
import { progressLine, terminalReport, writeReport } from './report.js';
import { SCENARIOS } from './scenarios.js';

const INTERRUPTED_EXIT_CODE = 130;
// Long enough for a cancelled action's post step; a second Ctrl-C does not wait for it.
const CLEANUP_DEADLINE_MS = 30_000;

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'healthy' },
    out: { type: 'string', default: join(REPO_ROOT, '.demo') },
  },
});
const scenario = SCENARIOS.get(values.scenario ?? '');
if (!scenario) {
  console.error(
    `Unknown scenario '${values.scenario}'; choose one of: ${[...SCENARIOS.keys()].join(', ')}.`,
  );
  process.exit(2);
}
const out = resolve(values.out ?? '.demo');

const startedAt = performance.now();
const elapsed = () => `[${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)}s]`;
/** @param {string} line */
const say = (line) => console.log(`${elapsed()} ${line}`);

const interrupt = new globalThis.AbortController();
/** @param {NodeJS.Signals} signal */
const onSignal = (signal) => {
  if (interrupt.signal.aborted) {
    console.error(`${signal} again: exiting without waiting for the clean-up.`);
    process.exit(INTERRUPTED_EXIT_CODE);
  }
  say(`${signal}: cancelling the running step and stopping everything the demo started`);
  interrupt.abort();
  setTimeout(() => process.exit(INTERRUPTED_EXIT_CODE), CLEANUP_DEADLINE_MS).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** The commit the pipeline builds: this checkout's, as GITHUB_SHA would be. */
function headCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '5a1b0e7c3d2f4e6a8b9c0d1e2f3a4b5c6d7e8f90';
  }
}

say(`scenario ${scenario.name}: ${scenario.story}`);
say('starting docker-registry, kube-sim, the staging service, production and Prometheus');
const env = await startEnvironment(scenario).catch((/** @type {unknown} */ error) => {
  console.error(
    `The demo environment did not start: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(interrupt.signal.aborted ? INTERRUPTED_EXIT_CODE : 1);
});
let exitCode;
try {
  say(`registry ${env.registryHost}, kube-sim with staging and production on version 1.2.2`);
  const records = await runPipeline(
    { env, signal: interrupt.signal, sha: headCommit() },
    {
      started: (action) => say(`▶ ${action}`),
      finished: (record) => say(progressLine(record)),
    },
  );
  if (interrupt.signal.aborted) {
    exitCode = INTERRUPTED_EXIT_CODE;
  } else {
    const problems = judge(scenario, records);
    const durationSeconds = round((performance.now() - startedAt) / 1000);
    const report = {
      scenario,
      records,
      problems,
      asExpected: problems.length === 0,
      durationSeconds,
    };
    await writeReport(out, report);
    console.log(terminalReport(report, out));
    exitCode = report.asExpected ? 0 : 1;
  }
} finally {
  say('stopping everything the demo started');
  await env.stop();
}
process.exit(exitCode);

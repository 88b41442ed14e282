import * as core from '@actions/core';
import { ActionError } from '../core/errors.js';
import { Kubectl, resolveKubeconfig } from '../core/kubectl.js';
import { setOutputs, setResultOutput } from '../core/outputs.js';
import { runMain } from '../core/run.js';
import { Cancellation } from './cancellation.js';
import { CanaryCluster } from './canary-cluster.js';
import { readSettings } from './inputs.js';
import { runCanary } from './modes.js';
import { saveCanaryState, type CanaryRunState } from './state.js';
import { buildSummary, resultOf, stepsOutput, verdictLine } from './summary.js';
import type { CanaryReport, Settings } from './types.js';

export async function run(): Promise<void> {
  await runMain('canary', async () => {
    const started = Date.now();
    const settings = readSettings();
    const kubeconfigPath = await resolveKubeconfig(settings.kubeconfig);
    const kubectl = new Kubectl({
      kubeconfigPath,
      context: settings.context,
      namespace: settings.namespace,
    });
    const state: CanaryRunState = {
      phase: 'running',
      kubeconfigPath,
      context: settings.context,
      namespace: settings.namespace,
      deployment: settings.deployment,
      container: settings.container,
      service: settings.service,
      traffic: settings.traffic,
      route: settings.route,
      timeoutMs: settings.timeoutMs,
    };
    saveCanaryState(state);
    const cluster = new CanaryCluster(kubectl, settings);
    const cancellation = new Cancellation(() => onCancel(cluster, settings, state, started));
    let report: CanaryReport;
    try {
      report = await runCanary(settings, cluster, cancellation, {
        promoting: () => saveCanaryState({ ...state, phase: 'promoting' }),
      });
    } finally {
      if (!cancellation.cancelled) cancellation.stop();
    }
    if (cancellation.cancelled) {
      // The signal handler reverts and ends the process; main must not race it.
      await cancellation.done;
      return;
    }
    report.durationMs = Date.now() - started;
    saveCanaryState({ ...state, phase: 'settled' });
    await publish(report);
    const verdict = verdictLine(report);
    if (failed(report, settings)) {
      throw new ActionError(verdict, hintFor(report));
    }
    core.info(verdict);
  });
}

/** An abort the user asked for is a success; any other abort fails the step. */
function failed(report: CanaryReport, settings: Settings): boolean {
  if (report.decision !== 'aborted') return false;
  return settings.mode !== 'abort' || !(report.cleanup?.stableHealthy ?? false);
}

function hintFor(report: CanaryReport): string {
  const cleanup = report.cleanup;
  if (!cleanup) return 'The job summary has each step and what was measured.';
  if (cleanup.leftoverObjects.length > 0 || !cleanup.stableHealthy) {
    return `The cluster is not fully back to stable (leftover: ${cleanup.leftoverObjects.join(', ') || 'none'}, stable healthy: ${cleanup.stableHealthy}); run this action again with mode: abort.`;
  }
  return 'All traffic is back on stable and the canary objects are gone; the job summary has each step and what was measured.';
}

async function publish(report: CanaryReport): Promise<void> {
  setOutputs({
    decision: report.decision,
    'final-weight': report.finalWeight,
    steps: stepsOutput(report),
  });
  setResultOutput(resultOf(report));
  await buildSummary(report).write();
}

async function onCancel(
  cluster: CanaryCluster,
  settings: Settings,
  state: CanaryRunState,
  started: number,
): Promise<void> {
  if (cluster.promoting) {
    // Stable is already rolling out the new image; reverting now would race it. Post finishes.
    core.warning(
      'The canary was cancelled during promotion; the post step finishes the promotion.',
    );
    core.setFailed('canary failed: the run was cancelled during promotion.');
    process.exit(1);
  }
  core.warning('The canary was cancelled; putting all traffic back on stable.');
  const cleanup = await cluster.revertAfterCancel();
  saveCanaryState({ ...state, phase: cleanup.settled ? 'settled' : state.phase });
  const report: CanaryReport = {
    ...cluster.emptyReport(settings),
    decision: 'aborted',
    reason: 'the run was cancelled',
    steps: cluster.stepsSoFar(),
    durationMs: Date.now() - started,
    cleanup: cleanup.report,
  };
  try {
    await publish(report);
  } catch {
    // Outputs are best effort here: the revert is what had to happen within the grace period.
  }
  core.setFailed(`canary failed: ${verdictLine(report)}`);
  process.exit(1);
}

/**
 * The report every canary run starts from, before anything is decided: what the settings ask for
 * and what the cluster side found (stable's container and image, the canary's image).
 */
import type { CanaryReport, Settings } from './types.js';

/** What the cluster side knows so far; each is undefined until the canary was started or found. */
export interface ReportFacts {
  /** Stable's container the canary compares, once stable was read. */
  readonly container: string | undefined;
  readonly stableImage: string | undefined;
  /** What the canary found on the cluster runs (a later job's canary). */
  readonly canaryImage: string | undefined;
}

/** An aborted report with nothing measured yet: the run fills in what happens. */
export function emptyReport(settings: Settings, facts: ReportFacts): CanaryReport {
  return {
    decision: 'aborted',
    reason: '',
    mode: settings.mode,
    traffic: settings.traffic,
    namespace: settings.namespace,
    deployment: settings.deployment,
    container: facts.container ?? settings.container ?? '',
    stableImage: facts.stableImage,
    canaryImage: settings.image ?? facts.canaryImage ?? '',
    steps: [],
    finalWeight: 0,
    durationMs: 0,
    detectionMs: undefined,
    cleanup: undefined,
    notes: [],
  };
}

/**
 * The rollout's outcome in its own words for the webhook notice; src/core/notify.ts lays the
 * message out and sends it.
 */
import {
  formatNotice,
  targetImages,
  type NoticeTone,
  type SlackMessage,
  type WorkloadChange,
} from '../core/notify.js';

export type RolloutStatus = 'succeeded' | 'rolled-back' | 'failed';

export interface RolloutOutcome {
  status: RolloutStatus;
  environment: string;
  workloads: WorkloadChange[];
  runUrl: string;
}

const TONE: Record<RolloutStatus, NoticeTone> = {
  succeeded: 'success',
  'rolled-back': 'reverted',
  failed: 'failure',
};

function headline(outcome: RolloutOutcome): string {
  const environment = outcome.environment;
  if (outcome.status === 'rolled-back')
    return `Rollout to ${environment} failed and was rolled back`;
  if (outcome.status === 'failed') return `Rollout to ${environment} failed`;
  const images = targetImages(outcome.workloads);
  const [only] = images;
  if (images.length === 1 && only !== undefined) return `Deployed ${only} to ${environment}`;
  const count = outcome.workloads.length;
  return count === 0
    ? `Deployed to ${environment}`
    : `Deployed ${count} workloads to ${environment}`;
}

export function formatOutcome(outcome: RolloutOutcome): SlackMessage {
  return formatNotice({
    tone: TONE[outcome.status],
    headline: headline(outcome),
    environment: outcome.environment,
    workloads: outcome.workloads,
    runUrl: outcome.runUrl,
  });
}

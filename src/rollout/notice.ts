/**
 * The rollout's outcome told to others: a GitHub Deployment for the environment, and the webhook
 * notice in the rollout's own words (src/core/notify.ts lays the message out and sends it).
 */
import { createOctokit, type GitHubContext } from '../core/github.js';
import { startDeployment, type DeploymentHandle } from '../core/github-deployment.js';
import {
  notifyWebhook,
  formatNotice,
  targetImages,
  type NoticeTone,
  type SlackMessage,
  type WorkloadChange,
} from '../core/notify.js';
import type { Settings } from './inputs.js';
import { verdictLine, workloadImage, type RolloutReport } from './summary.js';
import { runUrl } from './traceability.js';

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

/** A GitHub Deployment for the environment, when one is named and a token allows it. */
export async function recordDeployment(
  settings: Settings,
  github: GitHubContext,
): Promise<DeploymentHandle | undefined> {
  if (!settings.environment || !settings.githubToken) return undefined;
  return startDeployment(await createOctokit(settings.githubToken), {
    owner: github.repository.owner,
    repo: github.repository.repo,
    ref: github.sha,
    environment: settings.environment,
    environmentUrl: settings.environmentUrl,
    description: `Slipway rollout of ${github.refName ?? github.sha.slice(0, 7)}`,
    logUrl: runUrl(github),
  });
}

/**
 * Tells the GitHub Deployment and the webhook how the rollout ended; what each could not do
 * becomes a note of the report.
 */
export async function announce(
  settings: Settings,
  github: GitHubContext,
  deployment: DeploymentHandle | undefined,
  report: RolloutReport,
): Promise<void> {
  if (deployment?.skippedBecause) report.notes.push(deployment.skippedBecause);
  const finished = await deployment?.finish(
    report.status === 'succeeded' ? 'success' : 'failure',
    verdictLine(report),
  );
  if (finished) report.notes.push(finished);
  if (!settings.notifyWebhook) return;
  const message = formatOutcome({
    status: report.status,
    environment: settings.environment ?? settings.namespace ?? settings.context ?? 'the cluster',
    workloads: report.workloads.map((workload) => ({
      name: workload.ref,
      from: workload.before.exists ? Object.values(workload.before.images)[0] : undefined,
      to: workloadImage(workload) ?? '',
    })),
    runUrl: runUrl(github),
  });
  const notified = await notifyWebhook(settings.notifyWebhook, message);
  if (notified) report.notes.push(notified);
}

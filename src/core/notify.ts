/**
 * A deploy's outcome as a Slack-compatible incoming-webhook message. A webhook URL is a
 * credential (Slack's carries its secret in the path), so only its host ever reaches a log or a
 * note, and a failed notification is reported, never fatal: the deploy already happened.
 *
 * The words are the caller's: each action says in its own terms what happened (a rollout rolled
 * back, a canary was aborted at 25%); this module only lays them out, escapes them and sends them.
 */
import * as core from '@actions/core';
import { describeThrown } from './errors.js';
import { neutralizeMentions } from './github.js';
import { HttpError, httpRequest, type HttpRequestOptions } from './http.js';
import { formatRetry } from './retry.js';
import { maskSecrets, registerSecret } from './secrets.js';

/** How the outcome reads at a glance; it picks the message's leading mark. */
export type NoticeTone = 'success' | 'reverted' | 'failure' | 'waiting';

export interface WorkloadChange {
  name: string;
  /** The image before this run; undefined for a first deploy. */
  from: string | undefined;
  to: string;
}

export interface DeployNotice {
  tone: NoticeTone;
  /** Plain text, escaped here: what happened, e.g. "Rollout to staging failed". */
  headline: string;
  environment: string;
  workloads: WorkloadChange[];
  /** Further plain-text lines shown after the workloads, e.g. the reason for a decision. */
  details?: string[];
  runUrl: string;
}

export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> };

/** `text` alone is what Slack-compatible receivers (Mattermost, Rocket.Chat…) all understand. */
export interface SlackMessage {
  text: string;
  blocks?: SlackBlock[];
}

/** Slack shows up to 50 blocks and 3,000 characters per section; a long list is cut well before. */
export const MAX_LISTED_WORKLOADS = 20;
/** A detail line (a reason quoting a pod's message, say) is cut so the section stays readable. */
export const MAX_DETAIL_LENGTH = 500;

const MARK: Record<NoticeTone, string> = {
  success: '✅',
  reverted: '↩️',
  failure: '❌',
  waiting: '⏸️',
};

/**
 * Slack's mrkdwn treats `&`, `<` and `>` as control characters (its docs ask for HTML entities),
 * so `<!channel>` or `<@U123>` in a workload name or a reason cannot ping anyone. Receivers such
 * as Mattermost also notify on a bare `@channel` or `@name`: a zero-width joiner after the `@`
 * keeps the text as it reads while no receiver sees a mention.
 */
export function escapeMrkdwn(text: string): string {
  return neutralizeMentions(
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  );
}

/** A `<url|label>` link; the URL must not contain the characters that end or split it. */
function link(url: string, label: string): string {
  const safeUrl = url.replace(/[|<>]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

function workloadLine(change: WorkloadChange): string {
  const from = change.from === undefined ? '_first deploy_' : `\`${escapeMrkdwn(change.from)}\``;
  return `• *${escapeMrkdwn(change.name)}*: ${from} → \`${escapeMrkdwn(change.to)}\``;
}

function detailLine(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  const cut =
    chars.length > MAX_DETAIL_LENGTH
      ? `${chars.slice(0, MAX_DETAIL_LENGTH - 1).join('')}…`
      : chars.join('');
  return escapeMrkdwn(cut);
}

/** The images a set of workloads moves to, in order of first appearance. */
export function targetImages(workloads: readonly WorkloadChange[]): string[] {
  return [...new Set(workloads.map((w) => w.to))];
}

export function formatNotice(notice: DeployNotice): SlackMessage {
  const title = `${MARK[notice.tone]} ${escapeMrkdwn(notice.headline)}`;
  const runLink = link(notice.runUrl, 'workflow run');
  const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } }];
  if (notice.workloads.length > 0) {
    const listed = notice.workloads.slice(0, MAX_LISTED_WORKLOADS).map(workloadLine);
    const rest = notice.workloads.length - listed.length;
    if (rest > 0) listed.push(`…and ${rest} more (see the workflow run)`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: listed.join('\n') } });
  }
  const details = (notice.details ?? []).filter((line) => line.trim() !== '').map(detailLine);
  if (details.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: details.join('\n') } });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Environment: *${escapeMrkdwn(notice.environment)}* · ${runLink}`,
      },
    ],
  });
  return { text: `${title} (${runLink})`, blocks };
}

export interface NotifyOptions {
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  retry?: HttpRequestOptions['retry'];
}

/**
 * POSTs the message; retries network failures and 5xx answers, never 4xx. Resolves to a note for
 * the summary when it could not be delivered, and never rejects.
 */
export async function notifyWebhook(
  url: string,
  message: SlackMessage,
  options: NotifyOptions = {},
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'No notification was sent: notify-webhook is not a URL.';
  }
  protectWebhook(url, parsed);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `No notification was sent: notify-webhook must be an http(s) URL, not ${parsed.protocol}.`;
  }
  const host = parsed.host;
  try {
    await httpRequest({
      method: 'POST',
      url: parsed,
      body: message,
      timeoutMs: options.timeoutMs ?? 10_000,
      retry: {
        maxAttempts: 3,
        deadlineMs: 60_000,
        // The default retry log line shows the URL's path, which is this webhook's secret.
        onRetry: (event) => {
          const error = event.error instanceof HttpError ? event.error.problem : event.error;
          core.info(hideWebhook(`Webhook ${host}: ${formatRetry({ ...event, error })}`, parsed));
        },
        ...options.retry,
      },
    });
    return undefined;
  } catch (thrown) {
    const problem = thrown instanceof HttpError ? thrown.problem : describeThrown(thrown);
    const status = thrown instanceof HttpError ? thrown.status : undefined;
    const hint =
      status === 403 || status === 404 || status === 410
        ? ' The webhook may have been removed or revoked; check the notify-webhook secret.'
        : '';
    return hideWebhook(`Could not send the notification to ${host}: ${problem}.${hint}`, parsed);
  }
}

/** Registers the URL and the parts that carry its secret, so the runner masks them too. */
function protectWebhook(url: string, parsed: URL): void {
  registerSecret(url);
  registerSecret(parsed.href);
  registerSecret(parsed.pathname.length > 1 ? parsed.pathname : undefined);
  registerSecret(parsed.search.length > 1 ? parsed.search.slice(1) : undefined);
}

function hideWebhook(text: string, parsed: URL): string {
  let hidden = text.split(parsed.href).join(parsed.host);
  if (parsed.pathname.length > 1) hidden = hidden.split(parsed.pathname).join('/***');
  return maskSecrets(hidden);
}

/**
 * The inputs that tell people about a deploy, read the same way by every deploying action: a
 * GitHub environment to record Deployments in (with its URL and the token that may write them),
 * and a Slack-compatible webhook for the outcome.
 */
import { InputError } from './errors.js';
import { readString, readUrl } from './inputs.js';
import { registerSecret } from './secrets.js';

export interface NoticeSettings {
  environment: string | undefined;
  environmentUrl: string | undefined;
  notifyWebhook: string | undefined;
  githubToken: string | undefined;
}

export function readNoticeInputs(environmentExample: string): NoticeSettings {
  const notifyWebhook = readUrl('notify-webhook', {
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    secret: true,
  });
  // A Slack webhook URL is a credential: whoever has it can post to the channel.
  registerSecret(notifyWebhook);
  const environment =
    readString('environment', { example: environmentExample })?.trim() || undefined;
  const environmentUrl = readUrl('environment-url', {
    example: `https://${environmentExample}.example.com`,
  });
  if (environmentUrl && !environment) {
    throw new InputError(
      'environment',
      'must be set when environment-url is, because the URL belongs to a GitHub environment.',
      environmentExample,
    );
  }
  const githubToken = readString('github-token', { example: '${{ github.token }}' });
  registerSecret(githubToken);
  return { environment, environmentUrl, notifyWebhook, githubToken };
}

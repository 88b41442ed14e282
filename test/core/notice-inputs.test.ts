import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readNoticeInputs } from '../../src/core/notice-inputs.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';
import { captureStdout } from '../support/capture-stdout.js';

afterEach(() => {
  vi.unstubAllEnvs();
  forgetSecretsForTesting();
});

function withInputs(inputs: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(inputs)) {
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value ?? '');
  }
}

describe('readNoticeInputs', () => {
  it('reads nothing when none is set', () => {
    expect(readNoticeInputs('staging')).toEqual({
      environment: undefined,
      environmentUrl: undefined,
      notifyWebhook: undefined,
      githubToken: undefined,
    });
  });

  it('reads all four and masks the webhook and the token', async () => {
    const webhook = 'https://hooks.slack.com/services/T1/B2/noticesecret';
    withInputs({
      environment: '  staging ',
      'environment-url': 'https://staging.example.com',
      'notify-webhook': webhook,
      'github-token': 'ghs_noticetoken',
    });
    let read: ReturnType<typeof readNoticeInputs> | undefined;
    await captureStdout(() => (read = readNoticeInputs('staging')));
    expect(read).toEqual({
      environment: 'staging',
      environmentUrl: 'https://staging.example.com',
      notifyWebhook: webhook,
      githubToken: 'ghs_noticetoken',
    });
    expect(maskSecrets(`${webhook} ghs_noticetoken`)).toBe('*** ***');
  });

  it.each([
    {
      inputs: { 'environment-url': 'https://staging.example.com' },
      input: 'environment',
      problem: /must be set when environment-url is/,
    },
    {
      inputs: { environment: 'staging', 'environment-url': 'staging' },
      input: 'environment-url',
      problem: /./,
    },
    { inputs: { 'notify-webhook': 'javascript:alert(1)' }, input: 'notify-webhook', problem: /./ },
  ])('refuses $inputs', async ({ inputs, input, problem }) => {
    withInputs(inputs);
    let thrown: unknown;
    await captureStdout(() => {
      try {
        readNoticeInputs('staging');
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).input).toBe(input);
    expect((thrown as InputError).problem).toMatch(problem);
    // A refused webhook URL is still a credential: the error must not show it.
    expect((thrown as InputError).message).not.toContain('alert(1)');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  forgetSecretsForTesting,
  maskSecrets,
  registerSecret,
  registerSecretWithDerivations,
} from '../../src/core/secrets.js';
import { captureStdout } from '../support/capture-stdout.js';

afterEach(() => forgetSecretsForTesting());

describe('secrets', () => {
  it('tells the runner to mask the value and masks it in our own text', async () => {
    const { commands } = await captureStdout(() => registerSecret('ghp_abcdefgh12345678'));
    expect(commands).toEqual([
      { command: 'add-mask', properties: {}, message: 'ghp_abcdefgh12345678' },
    ]);
    expect(maskSecrets('token=ghp_abcdefgh12345678;')).toBe('token=***;');
  });

  it('masks each line of a multi-line secret', async () => {
    await captureStdout(() => registerSecret('-----BEGIN KEY-----\nMIIEabcdef\n-----END KEY-----'));
    expect(maskSecrets('leaked MIIEabcdef here')).toBe('leaked *** here');
  });

  it('masks derived forms: base64 and URL encoding', async () => {
    const { commands } = await captureStdout(() => registerSecretWithDerivations('p@ss w0rd!'));
    const masks = commands.map((c) => c.message);
    expect(masks).toEqual([
      'p@ss w0rd!',
      Buffer.from('p@ss w0rd!').toString('base64'),
      'p%40ss%20w0rd!',
    ]);
    expect(maskSecrets(`auth: ${Buffer.from('p@ss w0rd!').toString('base64')}`)).toBe('auth: ***');
    expect(maskSecrets('https://x/?p=p%40ss%20w0rd!')).toBe('https://x/?p=***');
  });

  it('ignores empty and very short values, which would mask ordinary text everywhere', async () => {
    const { commands } = await captureStdout(() => {
      registerSecret('');
      registerSecret('abc');
      registerSecret(undefined);
    });
    expect(commands).toEqual([]);
    expect(maskSecrets('abc')).toBe('abc');
  });

  it('replaces a longer secret whole even when it contains a shorter one', async () => {
    await captureStdout(() => {
      registerSecret('secret');
      registerSecret('secret-extended');
    });
    expect(maskSecrets('secret-extended and secret')).toBe('*** and ***');
  });
});

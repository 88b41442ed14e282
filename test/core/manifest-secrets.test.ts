import { afterEach, describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/core/manifests.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';

const SECRETS = `apiVersion: v1
kind: Secret
metadata: { name: db }
stringData:
  url: postgres://app:Pa55word-from-stringData@db/app
  short: abc
data:
  password: ${Buffer.from('decoded-s3cret-value').toString('base64')}
  empty: ""
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data:
  greeting: hello-world-not-secret
`;

describe('Secret values in manifests', () => {
  afterEach(() => forgetSecretsForTesting());

  it('are masked from the moment the manifests are read, in the forms they travel in', async () => {
    await parseManifestText(SECRETS, 'app.yaml');
    const log = [
      'connecting to postgres://app:Pa55word-from-stringData@db/app',
      'password decoded-s3cret-value',
      `as stored ${Buffer.from('decoded-s3cret-value').toString('base64')}`,
      `stringData as stored ${Buffer.from('postgres://app:Pa55word-from-stringData@db/app').toString('base64')}`,
    ].join('\n');
    const masked = maskSecrets(log);
    expect(masked).not.toContain('Pa55word');
    expect(masked).not.toContain('decoded-s3cret-value');
    expect(masked).not.toContain(Buffer.from('decoded-s3cret-value').toString('base64'));
    expect(masked).toBe(
      ['connecting to ***', 'password ***', 'as stored ***', 'stringData as stored ***'].join('\n'),
    );
  });

  it('leave other objects and very short values alone, as the runner does', async () => {
    await parseManifestText(SECRETS, 'app.yaml');
    expect(maskSecrets('greeting hello-world-not-secret, short abc')).toBe(
      'greeting hello-world-not-secret, short abc',
    );
  });

  it('in a List are masked too', async () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: { name: token }
    stringData: { token: listed-token-1234 }
`;
    await parseManifestText(list, 'list.yaml');
    expect(maskSecrets('token listed-token-1234')).toBe('token ***');
  });
});

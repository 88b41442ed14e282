import { describe, expect, it } from 'vitest';
import { resolvePodEnv } from '../../../tools/kube-sim/pod-env.js';
import { ObjectStore } from '../../../tools/kube-sim/store.js';

function storeWith(...objects: object[]) {
  const store = new ObjectStore();
  for (const object of objects) {
    const o = object as { kind: string };
    store.create(o.kind === 'Secret' ? 'secrets' : 'configmaps', object);
  }
  return store;
}

const configMap = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data,
});

const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default' },
  data: Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
});

const pod = (container: object) => ({
  metadata: { name: 'web-1', namespace: 'default', uid: 'u-1' },
  spec: { containers: [{ name: 'web', image: 'app:1', ...container }] },
});

describe('resolvePodEnv', () => {
  it('applies envFrom with prefixes first, then env, expanding $(VAR)', () => {
    const store = storeWith(
      configMap('cfg', { HOST: 'db', PORT: '5432' }),
      secret('creds', { PASSWORD: 's3cret' }),
    );
    const { envs, errors } = resolvePodEnv(
      store,
      pod({
        envFrom: [
          { configMapRef: { name: 'cfg' } },
          { secretRef: { name: 'creds' }, prefix: 'DB_' },
        ],
        env: [
          { name: 'PORT', value: '6543' },
          { name: 'URL', value: 'pg://$(HOST):$(PORT)/$(UNKNOWN) $$(HOST)' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
      }),
    );
    expect(errors.size).toBe(0);
    expect(envs.web).toEqual({
      HOST: 'db',
      PORT: '6543',
      DB_PASSWORD: 's3cret',
      URL: 'pg://db:6543/$(UNKNOWN) $(HOST)',
      POD: 'web-1',
    });
  });

  it.each([
    {
      container: { envFrom: [{ secretRef: { name: 'nope' } }] },
      error: 'secret "nope" not found',
    },
    {
      container: {
        env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'B' } } }],
      },
      error: "couldn't find key B in ConfigMap default/cfg",
    },
    {
      container: { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'creds', key: 'B' } } }] },
      error: 'secret "creds" not found',
    },
  ])('reports $error with the kubelet wording', ({ container, error }) => {
    const { errors } = resolvePodEnv(storeWith(configMap('cfg', { A: '1' })), pod(container));
    expect(errors).toEqual(new Map([['web', error]]));
  });

  it('skips optional references to missing objects and keys', () => {
    const { envs, errors } = resolvePodEnv(
      storeWith(configMap('cfg', { A: '1' })),
      pod({
        envFrom: [{ configMapRef: { name: 'nope', optional: true } }],
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'B', optional: true } } },
          { name: 'C', valueFrom: { secretKeyRef: { name: 'x', key: 'y', optional: true } } },
        ],
      }),
    );
    expect(errors.size).toBe(0);
    expect(envs.web).toEqual({});
  });
});

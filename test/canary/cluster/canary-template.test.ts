import { describe, expect, it } from 'vitest';
import type { ManifestDocument } from '../../../src/core/manifests.js';
import {
  coveredBy,
  deriveCanary,
  describeChange,
  manifestsDigest,
  sameConfig,
} from '../../../src/canary/cluster/canary-template.js';

const doc = (object: Record<string, unknown>, index = 0): ManifestDocument => ({
  file: 'k8s/app.yaml',
  index,
  object,
});

function deployment(spec: Record<string, unknown>) {
  return doc({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec },
    },
  });
}

const podSpec = {
  containers: [
    {
      name: 'app',
      image: 'demo/web:1.1.0',
      env: [
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'mode' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'token' } } },
        { name: 'SHARED', valueFrom: { configMapKeyRef: { name: 'cluster-wide', key: 'x' } } },
      ],
      envFrom: [{ configMapRef: { name: 'web-config' } }],
    },
    { name: 'proxy', image: 'demo/proxy:2.0' },
  ],
  volumes: [
    { name: 'conf', configMap: { name: 'web-config' } },
    { name: 'certs', secret: { secretName: 'web-secret' } },
    {
      name: 'all',
      projected: {
        sources: [{ configMap: { name: 'web-config' } }, { secret: { name: 'web-secret' } }],
      },
    },
  ],
};
const configMap = doc(
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { mode: 'fast' } },
  1,
);
const secret = doc(
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'web-secret' },
    stringData: { token: 'abc' },
  },
  2,
);

describe('deriveCanary', () => {
  it('copies the ConfigMaps and Secrets in the manifests and points every reference at the copies', () => {
    const release = deriveCanary([deployment(podSpec), configMap, secret], 'web');
    expect(release.copies.map((copy) => [copy.kind, copy.name, copy.copyName])).toEqual([
      ['ConfigMap', 'web-config', 'web-config-canary'],
      ['Secret', 'web-secret', 'web-secret-canary'],
    ]);
    const spec = release.canaryTemplate.spec as typeof podSpec;
    const { env, envFrom } = spec.containers[0] as Required<(typeof podSpec.containers)[0]>;
    expect(env[0].valueFrom.configMapKeyRef?.name).toBe('web-config-canary');
    expect(env[1].valueFrom.secretKeyRef?.name).toBe('web-secret-canary');
    // Not in the manifests: the canary reads the same object stable reads.
    expect(env[2].valueFrom.configMapKeyRef?.name).toBe('cluster-wide');
    expect(envFrom[0].configMapRef.name).toBe('web-config-canary');
    expect(spec.volumes[0].configMap?.name).toBe('web-config-canary');
    expect(spec.volumes[1].secret?.secretName).toBe('web-secret-canary');
    expect(
      spec.volumes[2].projected?.sources.map((s) => s.configMap?.name ?? s.secret?.name),
    ).toEqual(['web-config-canary', 'web-secret-canary']);
    // The template stable gets at promotion keeps the real names.
    expect((release.template.spec as typeof podSpec).volumes[0].configMap?.name).toBe('web-config');
    expect(release.images).toEqual([
      { container: 'app', image: 'demo/web:1.1.0', init: false },
      { container: 'proxy', image: 'demo/proxy:2.0', init: false },
    ]);
  });

  it('copies a ConfigMap without metadata.namespace next to a Deployment with one, and the other way round', () => {
    const inNamespace = (object: ManifestDocument, namespace: string) =>
      doc({ ...object.object, metadata: { ...(object.object.metadata as object), namespace } });
    const withNs = deriveCanary(
      [inNamespace(deployment(podSpec), 'shop'), configMap],
      'web',
      'shop',
    );
    expect(withNs.copies.map((copy) => copy.name)).toEqual(['web-config']);
    const mapWithNs = deriveCanary(
      [deployment(podSpec), inNamespace(configMap, 'shop')],
      'web',
      'shop',
    );
    expect(mapWithNs.copies.map((copy) => copy.name)).toEqual(['web-config']);
    // One in another namespace than the canary's is not the one its pods read.
    const elsewhere = deriveCanary(
      [deployment(podSpec), inNamespace(configMap, 'other')],
      'web',
      'shop',
    );
    expect(elsewhere.copies).toEqual([]);
  });

  it('names the Deployments the manifests have when the wanted one is missing', () => {
    expect(() => deriveCanary([deployment(podSpec), configMap], 'api')).toThrow(
      /no Deployment 'api'.*Deployments found: web/,
    );
  });
});

describe('manifestsDigest', () => {
  it('is the same for the same objects written in another key order, and differs on any change', () => {
    const a = manifestsDigest([
      doc({ kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1', b: '2' } }),
    ]);
    const b = manifestsDigest([
      doc({ data: { b: '2', a: '1' }, metadata: { name: 'x' }, kind: 'ConfigMap' }),
    ]);
    const c = manifestsDigest([
      doc({ kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1', b: '3' } }),
    ]);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('comparing with what stable runs', () => {
  it('ignores defaults the API server adds but sees an added container or changed env', () => {
    const rendered = {
      spec: { containers: [{ name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }] }] },
    };
    const live = {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'a:1',
            imagePullPolicy: 'IfNotPresent',
            env: [{ name: 'X', value: '1' }],
          },
        ],
        restartPolicy: 'Always',
      },
    };
    expect(coveredBy(rendered, live)).toBe(true);
    const withEnv = structuredClone(rendered);
    withEnv.spec.containers[0].env[0].value = '2';
    expect(coveredBy(withEnv, live)).toBe(false);
    const withSidecar = {
      spec: { containers: [...rendered.spec.containers, { name: 'proxy', image: 'p:1' }] },
    };
    expect(coveredBy(withSidecar, live)).toBe(false);
  });

  it('compares Secret stringData with the live data as the server encodes it', () => {
    const live = { data: { token: Buffer.from('abc').toString('base64') } };
    expect(sameConfig(secret.object, live)).toBe(true);
    expect(sameConfig(secret.object, { data: { token: 'other' } })).toBe(false);
    expect(sameConfig(configMap.object, undefined)).toBe(false);
  });

  it('describes image changes per container and added containers', () => {
    const stable = { spec: { containers: [{ name: 'app', image: 'demo/web:1.0.0' }] } };
    const canary = {
      spec: {
        containers: [
          { name: 'app', image: 'demo/web:1.1.0' },
          { name: 'proxy', image: 'p:1' },
        ],
      },
    };
    expect(describeChange(stable, canary)).toEqual([
      'container app: demo/web:1.0.0 → demo/web:1.1.0',
      'container proxy added (p:1)',
    ]);
  });
});

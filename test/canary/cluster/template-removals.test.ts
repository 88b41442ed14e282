import { describe, expect, it } from 'vitest';
import type { PodTemplate } from '../../../src/canary/cluster/canary-template.js';
import {
  LAST_APPLIED_ANNOTATION,
  lastAppliedTemplate,
  removedFields,
} from '../../../src/canary/cluster/template-removals.js';

const probe = { httpGet: { path: '/healthz', port: 8080 } };

/** Stable as the API server returns it: the manifest's fields plus the server's defaults. */
const live: PodTemplate = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'web:1',
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        args: ['--fast'],
        env: [{ name: 'DEBUG', value: '1' }],
        readinessProbe: { ...probe, periodSeconds: 10, timeoutSeconds: 1 },
        resources: { limits: { cpu: '500m' } },
      },
    ],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    volumes: [{ name: 'tmp', emptyDir: {} }],
  },
};

const manifest = (container: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  ({
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'web:1', ...container }], ...spec },
  }) as PodTemplate;

const same = { args: ['--fast'], env: [{ name: 'DEBUG', value: '1' }], readinessProbe: probe };

describe('removedFields', () => {
  it('finds nothing when the manifests set all stable has but server defaults', () => {
    const rendered = manifest(
      { ...same, resources: { limits: { cpu: '500m' } } },
      { volumes: [{ name: 'tmp', emptyDir: {} }] },
    );
    expect(removedFields(rendered, live, undefined)).toEqual([]);
    // Kubernetes shows a container without resources as resources: {}; that is no resources.
    const bare = structuredClone(live);
    bare.spec.containers[0].resources = {};
    const noResources = manifest(same, { volumes: [{ name: 'tmp', emptyDir: {} }] });
    expect(removedFields(noResources, bare, undefined)).toEqual([]);
  });

  it('names each field the release drops: the only env var, args, resources, a probe, volumes', () => {
    expect(removedFields(manifest({ image: 'web:1' }), live, undefined)).toEqual([
      'spec.volumes removed',
      'container app: args removed',
      'container app: env removed',
      'container app: resources removed',
      'container app: readinessProbe removed',
    ]);
  });

  it("also counts what the previous manifests (kubectl's last-applied) set and the release drops", () => {
    const previous = manifest(same, {});
    previous.metadata = { labels: { app: 'web' }, annotations: { team: 'a' } };
    const rendered = manifest(
      { ...same, resources: { limits: { cpu: '500m' } } },
      { volumes: [{ name: 'tmp', emptyDir: {} }] },
    );
    expect(removedFields(rendered, live, previous)).toEqual(['metadata.annotations removed']);
  });
});

describe('lastAppliedTemplate', () => {
  it('reads the template kubectl apply recorded, and nothing from a missing or broken annotation', () => {
    const template = manifest(same);
    const applied = { spec: { template } };
    const annotated = (text: string) => ({
      metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: text } },
    });
    expect(lastAppliedTemplate(annotated(JSON.stringify(applied)))).toEqual(template);
    expect(lastAppliedTemplate(annotated('{not json'))).toBeUndefined();
    expect(lastAppliedTemplate({ metadata: {} })).toBeUndefined();
  });
});

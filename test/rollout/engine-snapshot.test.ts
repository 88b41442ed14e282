import { describe, expect, it } from 'vitest';
import { templateHash } from '../../src/rollout/engine-snapshot.js';

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'good/app:v1', imagePullPolicy: 'IfNotPresent' }] },
};

describe('templateHash: is a workload back on the pod template it had?', () => {
  it.each([
    {
      name: 'the same template with its keys in another order',
      other: {
        spec: {
          containers: [{ imagePullPolicy: 'IfNotPresent', image: 'good/app:v1', name: 'web' }],
        },
        metadata: { labels: { app: 'web' } },
      },
      same: true,
    },
    {
      // What `kubectl rollout undo` writes back: the template with creationTimestamp: null.
      name: 'the template as rollout undo restores it',
      other: { ...template, metadata: { ...template.metadata, creationTimestamp: null } },
      same: true,
    },
    {
      name: 'another image',
      other: {
        ...template,
        spec: { containers: [{ ...template.spec.containers[0], image: 'good/app:v2' }] },
      },
      same: false,
    },
    {
      name: 'an added environment variable',
      other: {
        ...template,
        spec: {
          containers: [{ ...template.spec.containers[0], env: [{ name: 'A', value: '1' }] }],
        },
      },
      same: false,
    },
    {
      name: 'containers in another order',
      other: {
        ...template,
        spec: { containers: [{ name: 'side', image: 'x' }, template.spec.containers[0]] },
      },
      same: false,
    },
  ])('$name: same = $same', ({ other, same }) => {
    const hash = templateHash({ spec: { template } });
    expect(templateHash({ spec: { template: other } }) === hash).toBe(same);
  });
});

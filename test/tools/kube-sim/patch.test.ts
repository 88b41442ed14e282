import { describe, expect, it } from 'vitest';
import {
  applyJsonPatch,
  applyMergePatch,
  applyServerSide,
  applyStrategicMergePatch,
} from '../../../tools/kube-sim/patch.js';
import { KIND_SCHEMAS } from '../../../tools/kube-sim/openapi/schemas.js';

const deploymentSchema = KIND_SCHEMAS.deployments;

function deployment(containers: unknown[], extra: Record<string, unknown> = {}) {
  return { metadata: { name: 'web' }, spec: { template: { spec: { containers, ...extra } } } };
}
function podSpecPatch(spec: Record<string, unknown>) {
  return { spec: { template: { spec } } };
}

describe('strategic merge patch', () => {
  it.each([
    {
      name: 'kubectl set image changes one container by name',
      live: deployment([
        { name: 'web', image: 'nginx:1.25' },
        { name: 'side', image: 'envoy:1' },
      ]),
      patch: podSpecPatch({
        '$setElementOrder/containers': [{ name: 'web' }, { name: 'side' }],
        containers: [{ image: 'nginx:1.26', name: 'web' }],
      }),
      want: deployment([
        { name: 'web', image: 'nginx:1.26' },
        { name: 'side', image: 'envoy:1' },
      ]),
    },
    {
      name: 'a new container is appended',
      live: deployment([{ name: 'web', image: 'a' }]),
      patch: podSpecPatch({ containers: [{ name: 'log', image: 'b' }] }),
      want: deployment([
        { name: 'web', image: 'a' },
        { name: 'log', image: 'b' },
      ]),
    },
    {
      name: '$patch: delete removes a container',
      live: deployment([
        { name: 'web', image: 'a' },
        { name: 'log', image: 'b' },
      ]),
      patch: podSpecPatch({ containers: [{ name: 'log', $patch: 'delete' }] }),
      want: deployment([{ name: 'web', image: 'a' }]),
    },
    {
      name: 'env merges by name and null deletes a field',
      live: deployment([
        {
          name: 'web',
          image: 'a',
          imagePullPolicy: 'Always',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
      ]),
      patch: podSpecPatch({
        containers: [{ name: 'web', imagePullPolicy: null, env: [{ name: 'B', value: '3' }] }],
      }),
      want: deployment([
        {
          name: 'web',
          image: 'a',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '3' },
          ],
        },
      ]),
    },
    {
      name: 'ports merge by containerPort',
      live: deployment([{ name: 'web', ports: [{ containerPort: 80, name: 'http' }] }]),
      patch: podSpecPatch({
        containers: [{ name: 'web', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
      }),
      want: deployment([
        { name: 'web', ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }] },
      ]),
    },
    {
      name: 'lists without a merge key are replaced',
      live: deployment([{ name: 'web', args: ['a', 'b'] }]),
      patch: podSpecPatch({ containers: [{ name: 'web', args: ['c'] }] }),
      want: deployment([{ name: 'web', args: ['c'] }]),
    },
    {
      name: '$setElementOrder reorders containers',
      live: deployment([{ name: 'a' }, { name: 'b' }]),
      patch: podSpecPatch({ '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] }),
      want: deployment([{ name: 'b' }, { name: 'a' }]),
    },
    {
      name: '$patch: replace on a list replaces it',
      live: deployment([{ name: 'a' }, { name: 'b' }]),
      patch: podSpecPatch({ containers: [{ name: 'c' }, { $patch: 'replace' }] }),
      want: deployment([{ name: 'c' }]),
    },
    {
      name: '$patch: replace on a map replaces it',
      live: { metadata: { name: 'web', labels: { a: '1', b: '2' } } },
      patch: { metadata: { labels: { c: '3', $patch: 'replace' } } },
      want: { metadata: { name: 'web', labels: { c: '3' } } },
    },
    {
      name: 'volumes use retainKeys',
      live: deployment([], { volumes: [{ name: 'v', emptyDir: {} }] }),
      patch: podSpecPatch({
        volumes: [{ name: 'v', configMap: { name: 'cm' }, $retainKeys: ['configMap', 'name'] }],
      }),
      want: deployment([], { volumes: [{ name: 'v', configMap: { name: 'cm' } }] }),
    },
    {
      name: 'finalizers merge as a set and $deleteFromPrimitiveList removes',
      live: { metadata: { name: 'web', finalizers: ['a', 'b'] } },
      patch: { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
      want: { metadata: { name: 'web', finalizers: ['b', 'c'] } },
    },
  ])('$name', ({ live, patch, want }) => {
    expect(applyStrategicMergePatch(live, patch, deploymentSchema)).toEqual(want);
    // The input is never modified.
    expect(applyStrategicMergePatch(live, {}, deploymentSchema)).toEqual(live);
  });
});

describe('JSON merge patch', () => {
  it.each([
    [{ a: 1, b: { c: 2 } }, { b: { d: 3 } }, { a: 1, b: { c: 2, d: 3 } }],
    [{ a: 1, b: 2 }, { a: null }, { b: 2 }],
    [{ list: [1, 2] }, { list: [3] }, { list: [3] }],
    [{ a: { b: 1 } }, { a: 'x' }, { a: 'x' }],
  ])('%j + %j', (target, patch, want) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });
});

describe('JSON patch', () => {
  const doc = {
    spec: { replicas: 1, list: ['a', 'b'] },
    metadata: { annotations: { 'a/b': 'x' } },
  };
  it.each([
    [
      [{ op: 'replace', path: '/spec/replicas', value: 3 }],
      { ...doc, spec: { ...doc.spec, replicas: 3 } },
    ],
    [
      [{ op: 'add', path: '/spec/list/-', value: 'c' }],
      { ...doc, spec: { ...doc.spec, list: ['a', 'b', 'c'] } },
    ],
    [
      [{ op: 'add', path: '/spec/list/0', value: 'z' }],
      { ...doc, spec: { ...doc.spec, list: ['z', 'a', 'b'] } },
    ],
    [[{ op: 'remove', path: '/spec/list/0' }], { ...doc, spec: { ...doc.spec, list: ['b'] } }],
    [
      [{ op: 'remove', path: '/metadata/annotations/a~1b' }],
      { ...doc, metadata: { annotations: {} } },
    ],
    [
      [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }],
      { ...doc, spec: { list: ['a', 'b'], count: 1 } },
    ],
    [
      [{ op: 'copy', from: '/spec/replicas', path: '/spec/count' }],
      { ...doc, spec: { ...doc.spec, count: 1 } },
    ],
    [[{ op: 'test', path: '/spec/replicas', value: 1 }], doc],
  ])('%j', (ops, want) => {
    expect(applyJsonPatch(doc, ops)).toEqual(want);
  });

  it.each([
    [[{ op: 'replace', path: '/spec/missing', value: 1 }], /missing key/],
    [[{ op: 'test', path: '/spec/replicas', value: 2 }], /testing value/],
    [[{ op: 'remove', path: '/nope/deeper' }], /missing path/],
    [[{ op: 'add', path: '/spec/list/9', value: 1 }], /out of range/],
    [{ op: 'add' }, /array/],
  ])('rejects %j', (ops, error) => {
    expect(() => applyJsonPatch(doc, ops)).toThrow(error);
  });
});

describe('server-side apply', () => {
  it.each([
    {
      name: 'merges into the live object, keeping fields others set',
      live: { metadata: { name: 'web', labels: { x: '1' } }, spec: { replicas: 3 } },
      applied: { metadata: { name: 'web' }, spec: { paused: true } },
      previous: undefined,
      want: { metadata: { name: 'web', labels: { x: '1' } }, spec: { replicas: 3, paused: true } },
    },
    {
      name: 'removes a field the same manager applied before and now omits',
      live: { metadata: { name: 'web' }, spec: { replicas: 3, paused: true } },
      applied: { metadata: { name: 'web' }, spec: { replicas: 3 } },
      previous: { metadata: { name: 'web' }, spec: { replicas: 3, paused: true } },
      want: { metadata: { name: 'web' }, spec: { replicas: 3 } },
    },
  ])('$name', ({ live, applied, previous, want }) => {
    expect(applyServerSide(live, applied, deploymentSchema, previous)).toEqual(want);
  });
});

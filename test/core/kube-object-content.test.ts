import { describe, expect, it } from 'vitest';
import {
  differences,
  mergePatch,
  resourceOf,
  withoutServerFields,
} from '../../src/core/kube-object-content.js';

describe('differences', () => {
  it('names the fields that differ, never their values, and ignores key order and empty maps', () => {
    const previous = {
      metadata: { name: 'a', labels: { a: '1', b: '2' }, annotations: {} },
      data: { key: 'old-secret' },
    };
    expect(
      differences(previous, {
        metadata: { labels: { b: '2', a: '1' } },
        data: { key: 'old-secret' },
      }),
    ).toEqual([]);
    const changed = differences(previous, {
      metadata: { labels: { a: '1' }, annotations: { note: 'x' } },
      data: { key: 'new-secret' },
    });
    expect(changed).toEqual(['data', 'metadata.labels', 'metadata.annotations']);
    expect(changed.join(' ')).not.toContain('secret');
  });

  it('drops what the server sets but keeps the last-applied annotation', () => {
    const stripped = withoutServerFields({
      metadata: {
        name: 'a',
        uid: 'u',
        resourceVersion: '7',
        managedFields: [],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      status: { phase: 'Active' },
    });
    expect(stripped).toEqual({
      metadata: {
        name: 'a',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
    });
  });
});

describe('mergePatch', () => {
  it.each([
    { name: 'equal objects', from: { a: 1, b: [1, 2] }, to: { b: [1, 2], a: 1 }, patch: undefined },
    {
      name: 'a changed value',
      from: { data: { a: 'x' } },
      to: { data: { a: 'y' } },
      patch: { data: { a: 'y' } },
    },
    {
      name: 'a removed key is null',
      from: { data: { a: 'x', b: 'y' } },
      to: { data: { a: 'x' } },
      patch: { data: { b: null } },
    },
    {
      name: 'a removed section is null',
      from: { metadata: { labels: { a: '1' } } },
      to: { metadata: {} },
      patch: { metadata: { labels: null } },
    },
    {
      name: 'lists replaced whole',
      from: { ports: [{ port: 80 }, { port: 81 }] },
      to: { ports: [{ port: 80 }] },
      patch: { ports: [{ port: 80 }] },
    },
  ])('$name', ({ from, to, patch }) => {
    expect(mergePatch(from, to)).toEqual(patch);
  });
});

describe('resourceOf', () => {
  it('names a grouped kind with its group and version, a core kind plainly', () => {
    expect(
      resourceOf({ apiVersion: 'batch/v1', kind: 'Job', name: 'm', namespace: undefined }),
    ).toBe('Job.v1.batch/m');
    expect(resourceOf({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'x' })).toBe(
      'ConfigMap/c',
    );
  });
});

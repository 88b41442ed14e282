import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  saveSnapshots,
  snapshotObjects,
  type ObjectSnapshot,
} from '../../../src/core/kube-objects.js';
import {
  promotionRecord,
  promotionSnapshots,
  restorePromotion,
} from '../../../src/canary/cluster/promotion-record.js';
import { parseClusterState } from '../../../src/canary/cluster/cluster-state.js';
import { describeWithTool } from '../../support/tools.js';
import {
  given,
  KUBECTL_TOOL,
  namespaceIn,
  startClusterSim,
  type ClusterSim,
} from './cluster-sim.js';

vi.mock('@actions/core', () => ({ info: vi.fn(), warning: vi.fn(), saveState: vi.fn() }));

function snapshot(kind: string, name: string, previous?: object): ObjectSnapshot {
  return {
    ref: { apiVersion: 'v1', kind, name, namespace: undefined },
    previous: previous as ObjectSnapshot['previous'],
    previousUid: previous ? `uid-${name}` : undefined,
  };
}

const EXISTING_SECRET = snapshot('Secret', 'db', { kind: 'Secret', data: { PASSWORD: 'b2xk' } });
const NEW_SECRET = snapshot('Secret', 'api-token');
const CONFIG = snapshot('ConfigMap', 'web-config', { kind: 'ConfigMap', data: { A: '1' } });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('promotionRecord', () => {
  it("keeps a Secret's earlier content off the canary's state and names it instead", () => {
    const record = promotionRecord([CONFIG, EXISTING_SECRET, NEW_SECRET]);
    expect(record.snapshots).toEqual([CONFIG, NEW_SECRET]);
    expect(record.withheld).toEqual(['Secret/db']);
    expect(JSON.stringify(record)).not.toContain('b2xk');
  });

  it('records no snapshots when they would not fit in an annotation', () => {
    const big = snapshot('ConfigMap', 'big', {
      kind: 'ConfigMap',
      data: { A: 'x'.repeat(200_000) },
    });
    expect(promotionRecord([big])).toEqual({ withheld: [] });
  });
});

describe('promotionSnapshots', () => {
  it("post reads main's private file, with Secrets; a later job the state's record, and says what it cannot restore", async () => {
    const runnerTemp = await mkdtemp(join(tmpdir(), 'promotion-record-'));
    vi.stubEnv('RUNNER_TEMP', runnerTemp);
    try {
      const all = [CONFIG, EXISTING_SECRET];
      const file = await saveSnapshots(all);
      const record = promotionRecord(all);
      expect(await promotionSnapshots({ memory: undefined, file, record })).toEqual({
        snapshots: all,
        missing: undefined,
      });
      const later = await promotionSnapshots({ memory: undefined, file: undefined, record });
      expect(later?.snapshots).toEqual([CONFIG]);
      expect(later?.missing).toContain('Secret/db kept no earlier content on the cluster');
      expect(
        await promotionSnapshots({ memory: undefined, file: undefined, record: undefined }),
      ).toBeUndefined();
    } finally {
      await rm(runnerTemp, { recursive: true, force: true });
    }
  });

  it("survives the canary's state annotation, which is parsed back with it", () => {
    const record = promotionRecord([CONFIG]);
    const text = JSON.stringify({
      version: 1,
      deployment: 'web',
      container: 'app',
      service: 'web',
      traffic: 'replicas',
      stableImage: 'web:1',
      stableRevision: 1,
      canaryImage: 'web:2',
      weight: 100,
      stepIndex: 3,
      startedAt: new Date().toISOString(),
      promotion: record,
    });
    expect(parseClusterState(text, 'web-canary').promotion).toEqual(record);
    const broken = text.replace('"withheld":[]', '"withheld":[1]');
    expect(() => parseClusterState(broken, 'web-canary')).toThrow(/promotion/);
  });
});

let cluster: ClusterSim;

describeWithTool(KUBECTL_TOOL, 'restoring an interrupted promotion against kube-sim', () => {
  beforeAll(async () => {
    cluster = await startClusterSim();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("a later job puts back the ConfigMap the apply changed and removes the one it created, from the state's record", async () => {
    const { kubectl } = await namespaceIn(cluster, 'promotion-restore');
    const config = (data: object) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config' },
      data,
    });
    const created = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-limits' },
      data: { MAX: '1' },
    };
    await given(kubectl, [config({ GREETING: 'hello' })]);
    const refs = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'web-config', namespace: undefined },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'web-limits', namespace: undefined },
    ];
    const snapshots = await snapshotObjects(kubectl, refs, Date.now() + 20_000);
    // Only the record survives main (as in the canary's state annotation, through JSON).
    const record = JSON.parse(JSON.stringify(promotionRecord(snapshots))) as ReturnType<
      typeof promotionRecord
    >;
    // The promotion's apply got this far before its runner was lost.
    await given(kubectl, [config({ GREETING: 'hi there' }), created]);

    const found = await promotionSnapshots({ memory: undefined, file: undefined, record });
    const results = await restorePromotion(kubectl, found?.snapshots ?? [], Date.now() + 20_000);
    expect(results.map((result) => [result.object, result.outcome, result.verified])).toEqual([
      ['ConfigMap/web-config', 'restored', true],
      ['ConfigMap/web-limits', 'removed', true],
    ]);
    const now = await kubectl.getIfExists<{ data: unknown }>('configmap/web-config');
    expect(now?.data).toEqual({ GREETING: 'hello' });
    expect(await kubectl.getIfExists('configmap/web-limits')).toBeUndefined();
  });
});

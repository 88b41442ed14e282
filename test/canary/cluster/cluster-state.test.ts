import { describe, expect, it } from 'vitest';
import {
  describeOwner,
  isStale,
  ownedBy,
  parseClusterState,
  sameRun,
  STATE_ANNOTATION,
  type ClusterState,
  type RunOwner,
} from '../../../src/canary/cluster/cluster-state.js';
import { ActionError } from '../../../src/core/errors.js';

const OWNER: RunOwner = {
  runId: '9876543210',
  runAttempt: 1,
  repository: 'acme/shop',
  workflow: 'deploy',
  job: 'canary',
};

/** A canary started by a Slipway version that recorded no owner, phase or lease. */
const OLD_STATE: ClusterState = {
  version: 1,
  deployment: 'web',
  container: 'web',
  service: 'web',
  traffic: 'gateway-api',
  route: 'web',
  stableImage: 'registry/web:v1',
  stableRevision: 3,
  canaryImage: 'registry/web:v2',
  weight: 10,
  stepIndex: 0,
  startedAt: '2025-01-02T03:04:05.000Z',
  originalRoute: { rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
};

const RENEWED_AT = '2025-01-02T03:10:00.000Z';
const renewed = Date.parse(RENEWED_AT);

function state(extra: Partial<ClusterState> = {}): ClusterState {
  return {
    ...OLD_STATE,
    owner: OWNER,
    phase: 'running',
    leaseSeconds: 60,
    renewedAt: RENEWED_AT,
    ...extra,
  };
}

describe('isStale', () => {
  it.each<[string, ClusterState, number, boolean]>([
    ['running, renewed just now', state(), renewed + 1_000, false],
    ['running, at the end of its lease', state(), renewed + 60_000, false],
    ['running, past its lease', state(), renewed + 60_001, true],
    ['running, long past its lease', state(), renewed + 3_600_000, true],
    ['promoting, past its lease', state({ phase: 'promoting' }), renewed + 120_000, true],
    ['promoting, within its lease', state({ phase: 'promoting' }), renewed + 30_000, false],
    ['paused, even a day later', state({ phase: 'paused' }), renewed + 86_400_000, false],
    ['an old canary without lease fields', OLD_STATE, renewed + 86_400_000, false],
    [
      'a lease that was never renewed',
      state({ renewedAt: undefined }),
      renewed + 86_400_000,
      false,
    ],
    ['a longer lease not yet over', state({ leaseSeconds: 600 }), renewed + 300_000, false],
  ])('%s -> %s', (_case, canary, now, expected) => {
    expect(isStale(canary, now)).toBe(expected);
  });
});

describe('sameRun and ownedBy', () => {
  it.each<[string, RunOwner, boolean, boolean]>([
    ['the very job attempt', OWNER, true, true],
    ['a re-run attempt of the same run', { ...OWNER, runAttempt: 2 }, true, false],
    ['another job of the same run', { ...OWNER, job: 'promote' }, true, false],
    ['another run of the same workflow', { ...OWNER, runId: '9876543211' }, false, false],
  ])('%s: sameRun %s, ownedBy %s', (_case, asking, same, owned) => {
    expect(sameRun(state(), asking)).toBe(same);
    expect(ownedBy(state(), asking)).toBe(owned);
  });

  it('treats a canary without an owner as belonging to no run', () => {
    expect(sameRun(OLD_STATE, OWNER)).toBe(false);
    expect(ownedBy(OLD_STATE, OWNER)).toBe(false);
    expect(describeOwner(OLD_STATE)).toBe('an earlier Slipway run');
  });

  it('describes the owner so a refused run can find it', () => {
    const text = describeOwner(state());
    for (const part of ['9876543210', 'attempt 1', "'deploy'", "'canary'", 'acme/shop']) {
      expect(text).toContain(part);
    }
  });
});

describe('parseClusterState', () => {
  it.each<[string, ClusterState]>([
    ['an old state without owner, phase or lease', OLD_STATE],
    ['a running state with owner and lease', state()],
    ['a paused state without a lease', state({ phase: 'paused', leaseSeconds: undefined })],
    ['a promoting state', state({ phase: 'promoting' })],
    ['a replicas canary without a route', { ...OLD_STATE, traffic: 'replicas', route: undefined }],
    [
      "a state that holds stable's HPA",
      state({
        hpaHolds: [
          { name: 'web', minReplicas: 1, maxReplicas: 10, heldMinReplicas: 4, heldMaxReplicas: 10 },
        ],
      }),
    ],
  ])('accepts %s', (_case, canary) => {
    expect(parseClusterState(JSON.stringify(canary), 'web-canary')).toEqual(canary);
  });

  it.each<[string, string, string]>([
    ['an unknown phase', JSON.stringify({ ...state(), phase: 'finished' }), "'phase'"],
    ['a phase that is not text', JSON.stringify({ ...state(), phase: 1 }), "'phase'"],
    ['an owner that is text', JSON.stringify({ ...state(), owner: 'octocat' }), "'owner'"],
    ['an owner that is null', JSON.stringify({ ...state(), owner: null }), "'owner'"],
    [
      'an owner with a numeric run id',
      JSON.stringify({ ...state(), owner: { ...OWNER, runId: 9876543210 } }),
      "'owner'",
    ],
    [
      'an owner without its attempt',
      JSON.stringify({ ...state(), owner: { ...OWNER, runAttempt: undefined } }),
      "'owner'",
    ],
    ['a lease given as text', JSON.stringify({ ...state(), leaseSeconds: '60' }), "'leaseSeconds'"],
    ['an unknown traffic mode', JSON.stringify({ ...OLD_STATE, traffic: 'linkerd' }), "'traffic'"],
    [
      'a missing canary image',
      JSON.stringify({ ...OLD_STATE, canaryImage: undefined }),
      "'canaryImage'",
    ],
    ['HPA holds that are not a list', JSON.stringify({ ...state(), hpaHolds: {} }), "'hpaHolds'"],
    [
      'an HPA hold without its original minReplicas',
      JSON.stringify({
        ...state(),
        hpaHolds: [{ name: 'web', maxReplicas: 10, heldMinReplicas: 4, heldMaxReplicas: 10 }],
      }),
      "'hpaHolds'",
    ],
    ['another version', JSON.stringify({ ...OLD_STATE, version: 2 }), 'version 2'],
    ['a list', '[]', 'not a JSON object'],
    ['text that is not JSON', '{"version": 1', 'not a JSON object'],
  ])('refuses %s, naming the field', (_case, text, field) => {
    let thrown: unknown;
    try {
      parseClusterState(text, 'web-canary');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ActionError);
    const { message, hint } = thrown as ActionError;
    expect(message).toContain(field);
    expect(message).toContain("'web-canary'");
    expect(message).toContain(STATE_ANNOTATION);
    expect(hint).toContain('mode: abort');
  });
});

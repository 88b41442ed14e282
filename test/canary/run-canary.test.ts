import { describe, expect, it, vi } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import { runCanary } from '../../src/canary/run-canary.js';
import type {
  AbortEnd,
  CanaryClusterPort,
  MetricsPort,
  ResumedCanary,
} from '../../src/canary/run-canary-ports.js';
import type { PromotionReport } from '../../src/canary/cluster/revert.js';
import type { CanaryPhase } from '../../src/canary/cluster/cluster-state.js';
import type {
  CleanupReport,
  Observation,
  Settings,
  StepRecord,
  TrackCounts,
} from '../../src/canary/types.js';

vi.mock('@actions/core', () => ({
  info: vi.fn(),
  warning: vi.fn(),
  error: vi.fn(),
}));

const OLD = 'ghcr.io/acme/web:1.0.0';
const NEW = 'ghcr.io/acme/web:2.0.0';

function settingsFor(overrides: Partial<Settings>): Settings {
  const settings: Partial<Settings> = {
    namespace: 'production',
    deployment: 'web',
    container: undefined,
    image: NEW,
    service: 'web',
    mode: 'auto',
    pauseAt: 10,
    traffic: 'replicas',
    route: undefined,
    steps: [10, 25, 50, 100],
    intervalMs: 10_000,
    checkIntervalMs: 1_000,
    stepTimeoutMs: 30_000,
    minRequests: 50,
    prometheus: { url: 'http://prometheus:9090', headers: new Map() },
    maxErrorRate: 0.01,
    maxLatencyP95Ms: 100,
    metrics: {
      preset: 'app',
      requestMetric: 'http_requests_total',
      latencyMetric: 'http_request_duration_seconds',
      statusLabel: 'code',
      trackLabel: 'track',
      namespaceLabel: 'namespace',
      selector: '',
    },
    checks: [],
    alpha: 0.01,
    warmUpMs: 0,
    errorMargin: { relative: 0, absolute: 0 },
    latencyMargin: { relative: 0, absolute: 0 },
    staleOnly: false,
    ...overrides,
  };
  // Only the fields runCanary reads are set; the cluster-side ones belong to the real port.
  return settings as Settings;
}

interface FakeCanary {
  image: string;
  weight: number;
  phase: CanaryPhase;
  owner: string;
  stale?: boolean;
}

interface World {
  stableImage: string;
  /** Whether stable rolls out healthily with what it is given. */
  stableHealthy: boolean;
  canary?: FakeCanary;
  /** begin() fails: before creating anything, or after the canary objects exist. */
  beginFails?: 'before' | 'after';
  /** Share of the canary's requests that fail. */
  canaryErrorRate?: number;
  prometheusDown?: boolean;
}

/** The cluster and Prometheus in memory, with the clock the progression drives. */
function fakeWorld(world: World) {
  let now = 0;
  const calls: string[] = [];
  const shifts: number[] = [];
  let created = false;
  const cleanup = (): CleanupReport => ({
    stableImage: world.stableImage,
    stableHealthy: world.stableHealthy,
    leftoverObjects: world.canary ? ['deployment/web-canary'] : [],
    canaryWeight: world.canary?.weight ?? 0,
  });
  const revert = (): Promise<CleanupReport> => {
    calls.push('revert');
    world.canary = undefined;
    return Promise.resolve(cleanup());
  };
  const cluster: CanaryClusterPort = {
    notes: [],
    get created() {
      return created;
    },
    get stableImage() {
      return world.stableImage;
    },
    namespace: 'production',
    stableSelector: { matchLabels: { app: 'web' } },
    container: 'web',
    get canaryImage() {
      return world.canary?.image;
    },
    begin: () => {
      calls.push('begin');
      if (world.beginFails === 'before') return Promise.reject(new ActionError('no such Service'));
      created = true;
      world.canary = { image: NEW, weight: 0, phase: 'running', owner: 'this run' };
      if (world.beginFails === 'after') {
        return Promise.reject(new ActionError('deployment/web-canary did not become ready'));
      }
      return Promise.resolve();
    },
    resume: (): Promise<ResumedCanary | undefined> => {
      calls.push('resume');
      const canary = world.canary;
      return Promise.resolve(
        canary && { weight: canary.weight, canaryImage: canary.image, phase: canary.phase },
      );
    },
    takeOver: () => {
      calls.push('takeOver');
      if (world.canary) world.canary = { ...world.canary, owner: 'this run', phase: 'running' };
      return Promise.resolve();
    },
    liveOwner: () => {
      const canary = world.canary;
      return Promise.resolve(
        canary === undefined ? undefined : canary.stale ? false : canary.owner,
      );
    },
    shiftTo: (weight) => {
      shifts.push(weight);
      if (world.canary) world.canary.weight = weight;
      return Promise.resolve(weight);
    },
    pause: () => {
      calls.push('pause');
      if (world.canary) world.canary.phase = 'paused';
      return Promise.resolve();
    },
    promote: (): Promise<PromotionReport> => {
      calls.push('promote');
      world.stableImage = world.canary?.image ?? world.stableImage;
      world.canary = undefined;
      return Promise.resolve({ ...cleanup(), promoted: true, problem: undefined });
    },
    revert,
    abort: async (): Promise<AbortEnd> => {
      calls.push('abort');
      const canary = world.canary;
      if (canary?.phase === 'promoting' && world.stableImage === canary.image) {
        if (world.stableHealthy) {
          world.canary = undefined;
          return { cleanup: cleanup(), finished: true };
        }
        world.stableImage = OLD;
        world.stableHealthy = true;
      }
      return { cleanup: await revert(), finished: false };
    },
    observe: () => Promise.resolve(cleanup()),
    recoveryTookMs: () => undefined,
    podHealth: () => ({
      baseline: () => Promise.resolve(),
      check: () => Promise.resolve(undefined),
    }),
    recordStep: (_record: StepRecord) => undefined,
  };
  // 100 requests a second split by the canary's weight; stable never fails.
  let canaryRequests = 0;
  let stableRequests = 0;
  let lastAt = 0;
  const track = (requests: number, errors: number): TrackCounts => ({
    requests: Math.round(requests),
    errors: Math.round(errors),
    buckets: [{ le: 0.05, count: Math.round(requests) }],
    latencyCount: Math.round(requests),
  });
  const metrics: MetricsPort = {
    reachable: () =>
      world.prometheusDown
        ? Promise.reject(new ActionError('Prometheus does not answer'))
        : Promise.resolve(),
    missingSeries: () => Promise.resolve(undefined),
    reader: () => () => {
      const weight = world.canary?.weight ?? 0;
      const seconds = (now - lastAt) / 1_000;
      canaryRequests += (100 * seconds * weight) / 100;
      stableRequests += (100 * seconds * (100 - weight)) / 100;
      lastAt = now;
      const observation: Observation = {
        atMs: now,
        canary: track(canaryRequests, canaryRequests * (world.canaryErrorRate ?? 0)),
        stable: track(stableRequests, 0),
      };
      return Promise.resolve(observation);
    },
    runChecks: () => Promise.resolve([]),
  };
  const clock = {
    now: () => now,
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve(true);
    },
    cancelled: () => false,
  };
  const promoting = vi.fn(() => calls.push('promoting'));
  const run = (settings: Settings) => runCanary(settings, { cluster, metrics, clock, promoting });
  return { run, calls, shifts, world };
}

describe('runCanary', () => {
  it('auto: a canary as healthy as stable goes through every step and is promoted', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true });
    const report = await fake.run(settingsFor({ mode: 'auto' }));
    expect(report.decision).toBe('promoted');
    expect(report.finalWeight).toBe(100);
    expect(fake.shifts).toEqual([10, 25, 50, 100]);
    // The post step must know stable is changing before promote touches it.
    expect(fake.calls).toEqual(['begin', 'promoting', 'promote']);
    expect(fake.world.stableImage).toBe(NEW);
    expect(fake.world.canary).toBeUndefined();
  });

  it('auto: a canary failing 10% of its requests is aborted and reverted at the first step', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true, canaryErrorRate: 0.1 });
    const report = await fake.run(settingsFor({ mode: 'auto' }));
    expect(report.decision).toBe('aborted');
    expect(report.reason).toMatch(/^aborted at 10%/);
    expect(fake.shifts).toEqual([10]);
    expect(fake.calls).toEqual(['begin', 'revert']);
    expect(report.cleanup).toMatchObject({ stableImage: OLD, leftoverObjects: [] });
    expect(report.detectionMs).toBeGreaterThan(0);
    expect(fake.world.canary).toBeUndefined();
  });

  it('start: stops at pause-at and leaves the canary paused with its weight', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true });
    const report = await fake.run(settingsFor({ mode: 'start', pauseAt: 25 }));
    expect(report.decision).toBe('paused');
    expect(report.finalWeight).toBe(25);
    expect(report.reason).toMatch(/every step up to 25%.*mode: promote or abort/);
    expect(fake.shifts).toEqual([10, 25]);
    expect(fake.calls).toEqual(['begin', 'pause']);
    expect(fake.world.canary).toMatchObject({ phase: 'paused', weight: 25, image: NEW });
    expect(fake.world.stableImage).toBe(OLD);
  });

  it('start with pause-at 0: the canary is created without traffic', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true });
    const report = await fake.run(settingsFor({ mode: 'start', pauseAt: 0 }));
    expect(report.decision).toBe('started');
    expect(fake.shifts).toEqual([]);
    expect(fake.world.canary).toMatchObject({ phase: 'paused', weight: 0 });
  });

  it('a start that fails after creating the canary reverts it and reports an abort', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true, beginFails: 'after' });
    const report = await fake.run(settingsFor({ mode: 'auto' }));
    expect(report.decision).toBe('aborted');
    expect(report.reason).toMatch(/^could not start the canary: .*did not become ready/);
    expect(fake.calls).toEqual(['begin', 'revert']);
    expect(fake.shifts).toEqual([]);
    expect(report.cleanup).toMatchObject({ stableImage: OLD, leftoverObjects: [] });
  });

  it('a start that fails before creating anything throws and reverts nothing', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true, beginFails: 'before' });
    await expect(fake.run(settingsFor({ mode: 'auto' }))).rejects.toThrow('no such Service');
    expect(fake.calls).toEqual(['begin']);
  });

  it('refuses to start when Prometheus does not answer, before touching the cluster', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true, prometheusDown: true });
    await expect(fake.run(settingsFor({ mode: 'auto' }))).rejects.toThrow(/does not answer/);
    expect(fake.calls).toEqual([]);
  });

  it('promote: continues after the weight start recorded and promotes', async () => {
    const fake = fakeWorld({
      stableImage: OLD,
      stableHealthy: true,
      canary: { image: NEW, weight: 25, phase: 'paused', owner: 'run 1' },
    });
    const report = await fake.run(settingsFor({ mode: 'promote' }));
    expect(report.decision).toBe('promoted');
    expect(fake.shifts).toEqual([50, 100]);
    expect(fake.calls).toEqual(['resume', 'takeOver', 'promoting', 'promote']);
    expect(fake.world.stableImage).toBe(NEW);
  });

  it('promote: refuses a canary of another image and changes nothing', async () => {
    const canary: FakeCanary = { image: NEW, weight: 25, phase: 'paused', owner: 'run 1' };
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true, canary: { ...canary } });
    const run = fake.run(settingsFor({ mode: 'promote', image: 'ghcr.io/acme/web:3.0.0' }));
    await expect(run).rejects.toThrow(
      `The running canary has image ${NEW}, not ghcr.io/acme/web:3.0.0.`,
    );
    expect(fake.calls).toEqual(['resume']);
    expect(fake.world.canary).toEqual(canary);
  });

  it('promote: says to start first when there is no canary', async () => {
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true });
    await expect(fake.run(settingsFor({ mode: 'promote' }))).rejects.toThrow(
      'There is no canary of web to promote.',
    );
  });

  it('abort of a paused canary reverts it and says at which weight', async () => {
    const fake = fakeWorld({
      stableImage: OLD,
      stableHealthy: true,
      canary: { image: NEW, weight: 25, phase: 'paused', owner: 'run 1' },
    });
    const report = await fake.run(settingsFor({ mode: 'abort', prometheus: undefined }));
    expect(report.decision).toBe('aborted');
    expect(report.reason).toBe('aborted on request at 25%; all traffic is back on stable');
    expect(fake.world.canary).toBeUndefined();
  });

  it('abort of a promoting canary finishes the promotion when stable runs it healthily', async () => {
    const fake = fakeWorld({
      stableImage: NEW,
      stableHealthy: true,
      canary: { image: NEW, weight: 100, phase: 'promoting', owner: 'run 1' },
    });
    const report = await fake.run(settingsFor({ mode: 'abort', image: undefined }));
    expect(report.decision).toBe('promoted');
    expect(report.finalWeight).toBe(100);
    expect(report.canaryImage).toBe(NEW);
    expect(report.reason).toMatch(/finished the promotion instead of rolling stable back/);
    expect(fake.world).toMatchObject({ stableImage: NEW, canary: undefined });
  });

  it('abort of a promoting canary whose stable is unhealthy rolls stable back', async () => {
    const fake = fakeWorld({
      stableImage: NEW,
      stableHealthy: false,
      canary: { image: NEW, weight: 100, phase: 'promoting', owner: 'run 1' },
    });
    const report = await fake.run(settingsFor({ mode: 'abort', image: undefined }));
    expect(report.decision).toBe('aborted');
    expect(report.reason).toMatch(/during its promotion; stable was rolled back and all traffic/);
    expect(report.stableImage).toBe(OLD);
  });

  it('abort with stale-only keeps a canary whose owner is alive', async () => {
    const canary: FakeCanary = { image: NEW, weight: 25, phase: 'running', owner: 'run 7' };
    const fake = fakeWorld({ stableImage: OLD, stableHealthy: true, canary: { ...canary } });
    const report = await fake.run(settingsFor({ mode: 'abort', staleOnly: true }));
    expect(report.decision).toBe('kept');
    expect(report.reason).toMatch(/belongs to run 7/);
    expect(fake.calls).toEqual([]);
    expect(fake.world.canary).toEqual(canary);
  });

  it('abort with stale-only reverts a canary whose lease expired', async () => {
    const fake = fakeWorld({
      stableImage: OLD,
      stableHealthy: true,
      canary: { image: NEW, weight: 25, phase: 'running', owner: 'run 7', stale: true },
    });
    const report = await fake.run(settingsFor({ mode: 'abort', staleOnly: true }));
    expect(report.decision).toBe('aborted');
    expect(fake.world.canary).toBeUndefined();
  });
});

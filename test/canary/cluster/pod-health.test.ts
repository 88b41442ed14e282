import { describe, expect, it } from 'vitest';
import {
  CanaryPodHealth,
  judgePods,
  notReadyGraceMs,
  selectorText,
  takeBaseline,
  type ContainerStatusJson,
  type PodJson,
} from '../../../src/canary/cluster/pod-health.js';
import { kubectlFailed } from '../../support/kubectl-failure.js';

const GRACE = 30_000;

interface PodSpec {
  ready?: boolean;
  readyMessage?: string;
  phase?: string;
  deleting?: boolean;
  containers?: ContainerStatusJson[];
  init?: ContainerStatusJson[];
}

function pod(name: string, spec: PodSpec = {}): PodJson {
  return {
    metadata: { name, ...(spec.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    status: {
      phase: spec.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: spec.ready === false ? 'False' : 'True',
          ...(spec.ready === false
            ? {
                reason: 'ContainersNotReady',
                message: spec.readyMessage ?? 'containers with unready status: [web]',
              }
            : {}),
        },
      ],
      containerStatuses: spec.containers ?? [{ name: 'web', restartCount: 0 }],
      ...(spec.init ? { initContainerStatuses: spec.init } : {}),
    },
  };
}

const OOM = { terminated: { reason: 'OOMKilled', exitCode: 137 } };
const waiting = (reason: string, message?: string) => ({ waiting: { reason, message } });

describe('judgePods', () => {
  const baselinePods = [
    pod('web-canary-1', { containers: [{ name: 'web', restartCount: 2 }] }),
    pod('web-canary-2'),
  ];
  it.each<{ name: string; pods: PodJson[]; reason: string | RegExp | undefined }>([
    { name: 'all ready, no restarts', pods: baselinePods, reason: undefined },
    { name: 'no pods', pods: [], reason: undefined },
    {
      name: 'restarts from before the baseline do not count',
      pods: [
        pod('web-canary-1', { containers: [{ name: 'web', restartCount: 2, lastState: OOM }] }),
      ],
      reason: undefined,
    },
    {
      name: 'a restart since the baseline',
      pods: [
        pod('web-canary-1', { containers: [{ name: 'web', restartCount: 4, lastState: OOM }] }),
      ],
      reason:
        'canary pod web-canary-1 container web restarted 2 times (last: OOMKilled, exit code 137)',
    },
    {
      name: 'a new pod: any restart counts',
      pods: [
        pod('web-canary-3', {
          containers: [
            {
              name: 'web',
              restartCount: 1,
              lastState: { terminated: { reason: 'Error', exitCode: 1 } },
            },
          ],
        }),
      ],
      reason: 'canary pod web-canary-3 container web restarted 1 time (last: Error, exit code 1)',
    },
    {
      name: 'a restart without a last state',
      pods: [pod('web-canary-2', { containers: [{ name: 'web', restartCount: 1 }] })],
      reason: 'canary pod web-canary-2 container web restarted 1 time',
    },
    {
      name: 'a crash loop, with the restart that caused it',
      pods: [
        pod('web-canary-2', {
          ready: false,
          containers: [
            {
              name: 'web',
              restartCount: 3,
              state: waiting('CrashLoopBackOff', 'back-off 40s restarting failed container=web'),
              lastState: { terminated: { reason: 'Error', exitCode: 2 } },
            },
          ],
        }),
      ],
      reason:
        'canary pod web-canary-2 container web restarted 3 times (last: Error, exit code 2) and is in CrashLoopBackOff (back-off 40s restarting failed container=web)',
    },
    {
      name: 'an image that cannot be pulled',
      pods: [
        pod('web-canary-9', {
          ready: false,
          containers: [
            {
              name: 'web',
              restartCount: 0,
              state: waiting('ImagePullBackOff', 'Back-off pulling image "demo/web:9"'),
            },
          ],
        }),
      ],
      reason:
        'canary pod web-canary-9 container web is in ImagePullBackOff (Back-off pulling image "demo/web:9")',
    },
    {
      name: 'ErrImagePull without a message',
      pods: [
        pod('p', { ready: false, containers: [{ name: 'web', state: waiting('ErrImagePull') }] }),
      ],
      reason: 'canary pod p container web is in ErrImagePull',
    },
    {
      name: 'a missing Secret',
      pods: [
        pod('p', {
          ready: false,
          containers: [
            { name: 'web', state: waiting('CreateContainerConfigError', 'secret "db" not found') },
          ],
        }),
      ],
      reason: 'canary pod p container web is in CreateContainerConfigError (secret "db" not found)',
    },
    {
      name: 'still creating is not a problem (yet)',
      pods: [
        pod('p', {
          ready: false,
          containers: [{ name: 'web', state: waiting('ContainerCreating') }],
        }),
      ],
      reason: undefined,
    },
    {
      name: 'an init container in a crash loop',
      pods: [
        pod('p', {
          ready: false,
          init: [{ name: 'migrate', restartCount: 4, state: waiting('CrashLoopBackOff') }],
          containers: [{ name: 'web', state: waiting('PodInitializing') }],
        }),
      ],
      reason: 'canary pod p init container migrate is in CrashLoopBackOff',
    },
    {
      name: 'an init container that was retried and then succeeded',
      pods: [pod('p', { init: [{ name: 'wait-for-db', restartCount: 2 }] })],
      reason: undefined,
    },
    {
      name: 'terminating and evicted pods are not judged',
      pods: [
        pod('old', {
          deleting: true,
          ready: false,
          containers: [{ name: 'web', restartCount: 5 }],
        }),
        pod('evicted', {
          phase: 'Failed',
          ready: false,
          containers: [{ name: 'web', restartCount: 1 }],
        }),
      ],
      reason: undefined,
    },
    {
      name: 'several problems: three named, the rest counted, in pod order',
      pods: ['d', 'c', 'b', 'a', 'e'].map((name) =>
        pod(name, { containers: [{ name: 'web', restartCount: 1 }] }),
      ),
      reason:
        'canary pod a container web restarted 1 time; canary pod b container web restarted 1 time; canary pod c container web restarted 1 time; and 2 more problems',
    },
    {
      name: 'cluster text is escaped: a message cannot start a workflow command',
      pods: [
        pod('p', {
          ready: false,
          containers: [
            {
              name: 'web',
              state: waiting('ErrImagePull', 'bad\n::set-output name=x::y ##[error]'),
            },
          ],
        }),
      ],
      reason:
        'canary pod p container web is in ErrImagePull (bad\\n::set-output name=x::y ##\\[error])',
    },
    {
      name: 'a long message is clipped',
      pods: [
        pod('p', {
          ready: false,
          containers: [{ name: 'web', state: waiting('ErrImagePull', 'x'.repeat(500)) }],
        }),
      ],
      reason: /ErrImagePull \(x{159}…\)$/,
    },
  ])('$name', ({ pods, reason }) => {
    const memory = takeBaseline(baselinePods, 0);
    const said = judgePods(pods, memory, 1_000, GRACE);
    if (reason instanceof RegExp) expect(said).toMatch(reason);
    else expect(said).toBe(reason);
  });

  // Pods seen not ready at these times (ms since the baseline); the reason, if any, at the last.
  it.each<{ name: string; checks: Array<[number, boolean]>; reason: string | undefined }>([
    {
      name: 'not ready briefly (a replaced pod)',
      checks: [
        [1_000, false],
        [20_000, false],
        [25_000, true],
      ],
      reason: undefined,
    },
    {
      name: 'not ready within the grace',
      checks: [
        [1_000, false],
        [30_000, false],
      ],
      reason: undefined,
    },
    {
      name: 'not ready for longer than the grace',
      checks: [
        [1_000, false],
        [20_000, false],
        [31_000, false],
      ],
      reason:
        'canary pod web-canary-1 has not been ready for 30s (containers with unready status: [web])',
    },
    {
      name: 'ready in between restarts the clock',
      checks: [
        [1_000, false],
        [20_000, true],
        [25_000, false],
        [50_000, false],
      ],
      reason: undefined,
    },
  ])('$name', ({ checks, reason }) => {
    const memory = takeBaseline([pod('web-canary-1')], 0);
    let said: string | undefined;
    for (const [at, ready] of checks)
      said = judgePods([pod('web-canary-1', { ready })], memory, at, GRACE);
    expect(said).toBe(reason);
  });

  it('counts not-ready time from the baseline, for a pod not ready already then', () => {
    const memory = takeBaseline([pod('p', { ready: false })], 0);
    expect(judgePods([pod('p', { ready: false })], memory, 30_000, GRACE)).toMatch(
      /has not been ready for 30s/,
    );
  });

  it('a pod without a Ready condition (not scheduled) is not ready', () => {
    const unscheduled: PodJson = {
      metadata: { name: 'p' },
      status: { phase: 'Pending', conditions: [] },
    };
    const memory = takeBaseline([], 0);
    expect(judgePods([unscheduled], memory, 1_000, GRACE)).toBeUndefined();
    expect(judgePods([unscheduled], memory, 40_000, GRACE)).toBe(
      'canary pod p has not been ready for 39s',
    );
  });
});

describe('notReadyGraceMs', () => {
  it.each([
    { checkIntervalMs: 1_000, grace: 30_000 },
    { checkIntervalMs: 10_000, grace: 30_000 },
    { checkIntervalMs: 60_000, grace: 120_000 },
  ])('check every $checkIntervalMs ms → $grace ms', ({ checkIntervalMs, grace }) => {
    expect(notReadyGraceMs(checkIntervalMs)).toBe(grace);
  });
});

describe('selectorText', () => {
  it.each<{ selector: Parameters<typeof selectorText>[0]; text: string }>([
    { selector: { matchLabels: { app: 'web', track: 'canary' } }, text: 'app=web,track=canary' },
    {
      selector: {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'team', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      text: 'app=web,tier in (a,b),env notin (dev),team,!legacy',
    },
  ])('$text', ({ selector, text }) => {
    expect(selectorText(selector)).toBe(text);
  });
});

describe('CanaryPodHealth', () => {
  function health(answers: Array<PodJson[] | Error>) {
    let now = 0;
    const logged: string[] = [];
    const watch = new CanaryPodHealth(
      async () => {
        const next = answers.shift();
        if (!next) throw new Error('no more answers');
        if (next instanceof Error) throw next;
        return next;
      },
      { graceMs: GRACE, now: () => (now += 1_000), log: (line) => logged.push(line) },
    );
    return { watch, logged };
  }
  const restarted = [
    pod('web-canary-1', { containers: [{ name: 'web', restartCount: 3, lastState: OOM }] }),
  ];
  const before = [pod('web-canary-1', { containers: [{ name: 'web', restartCount: 1 }] })];

  it('judges restarts against the baseline', async () => {
    const { watch } = health([before, before, restarted]);
    await watch.baseline();
    expect(await watch.check()).toBeUndefined();
    expect(await watch.check()).toBe(
      'canary pod web-canary-1 container web restarted 2 times (last: OOMKilled, exit code 137)',
    );
  });

  it('a transient API failure says nothing, logs once, and the next check looks again', async () => {
    const blip = kubectlFailed(
      'Error from server (ServiceUnavailable): the server is currently unable to handle the request',
    );
    const { watch, logged } = health([before, blip, blip, restarted]);
    await watch.baseline();
    expect(await watch.check()).toBeUndefined();
    expect(await watch.check()).toBeUndefined();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(
      /Could not list the canary's pods \(.*ServiceUnavailable.*\); the next check looks again/,
    );
    expect(await watch.check()).toMatch(/restarted 2 times/);
  });

  it('without a baseline (the listing failed then), the first check that lists the pods takes it', async () => {
    const blip = kubectlFailed(
      'Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout',
    );
    const { watch } = health([blip, before, restarted]);
    await watch.baseline();
    expect(await watch.check()).toBeUndefined();
    expect(await watch.check()).toMatch(/restarted 2 times/);
  });

  it('a listing refused for good aborts with what the user has to grant', async () => {
    const forbidden = kubectlFailed(
      'Error from server (Forbidden): pods is forbidden: User "ci" cannot list resource "pods" in API group "" in the namespace "prod"',
    );
    const { watch } = health([before, forbidden]);
    await watch.baseline();
    expect(await watch.check()).toMatch(
      /^could not list the canary's pods to check their health \(Error from server \(Forbidden\): pods is forbidden: .*\); the kubeconfig's user needs list on pods in the namespace$/,
    );
  });
});

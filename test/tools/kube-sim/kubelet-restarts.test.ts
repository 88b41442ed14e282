/**
 * The `restart-after` behaviour: a pod that becomes ready and later restarts (OOMKilled), over
 * and over, so a canary can fail after it passed its rollout.
 */
import { describe, expect, it } from 'vitest';
import { behaviourFor, parseBehaviours } from '../../../tools/kube-sim/behaviours.js';
import { podView } from '../../../tools/kube-sim/kubelet.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const START = Date.parse('2025-01-01T00:00:00Z');
const pod = {
  metadata: { name: 'web-1', namespace: 'default', uid: 'uid-1' },
  spec: { containers: [{ name: 'web', image: 'app:1' }] },
};

function viewAt(entry: Record<string, unknown>, atMs: number) {
  const [behaviour] = parseBehaviours([entry]);
  const view = podView(pod, behaviour, START, START + atMs);
  const status = view.status as any;
  return {
    ...view,
    container: status.containerStatuses[0],
    ready: status.conditions.find((c: any) => c.type === 'Ready'),
    phase: status.phase,
  };
}

describe('restart-after', () => {
  it.each([
    { entry: { image: '*', 'restart-after': '2s' }, kind: 'restarts', ready: 300, restart: 2000 },
    {
      entry: { image: '*', 'ready-after': '1s', 'restart-after': '3s' },
      kind: 'restarts',
      ready: 1000,
      restart: 3000,
    },
  ])('parses $entry', ({ entry, kind, ready, restart }) => {
    expect(behaviourFor(parseBehaviours([entry]), ['app:1'])).toMatchObject({
      kind,
      readyAfterMs: ready,
      restartAfterMs: restart,
    });
  });

  it.each([
    { entry: { image: 'a', 'restart-after': '2s', 'crash-loop': true }, error: /choose one of/ },
    { entry: { image: 'a', 'restart-after': 'later' }, error: /"later" is not a duration/ },
    { entry: { image: 'a', 'restart-after': 0 }, error: /restart-after: must be longer than 0/ },
  ])('rejects $entry', ({ entry, error }) => {
    expect(() => parseBehaviours([entry])).toThrow(error);
  });

  // ready-after 1s, runs 2s, back-off 0.5s: runs 1–3 s, 3.5–5.5 s, 6–8 s, …
  const entry = { image: '*', 'ready-after': '1s', 'restart-after': '2s' };
  it.each([
    { at: 500, ready: 'False', restartCount: 0, state: 'waiting', lastState: undefined },
    { at: 2000, ready: 'True', restartCount: 0, state: 'running', lastState: undefined },
    { at: 3200, ready: 'False', restartCount: 1, state: 'waiting', lastState: 'OOMKilled' },
    { at: 4000, ready: 'True', restartCount: 1, state: 'running', lastState: 'OOMKilled' },
    { at: 5700, ready: 'False', restartCount: 2, state: 'waiting', lastState: 'OOMKilled' },
    { at: 6100, ready: 'True', restartCount: 2, state: 'running', lastState: 'OOMKilled' },
  ])('after $at ms: ready $ready, $restartCount restarts', (row) => {
    const view = viewAt(entry, row.at);
    expect(view.ready.status).toBe(row.ready);
    expect(view.container.ready).toBe(row.ready === 'True');
    expect(view.container.restartCount).toBe(row.restartCount);
    expect(Object.keys(view.container.state)).toEqual([row.state]);
    expect(view.container.lastState.terminated?.reason).toBe(row.lastState);
    if (row.lastState) expect(view.container.lastState.terminated.exitCode).toBe(137);
    if (row.at > 1000) expect(view.phase).toBe('Running');
  });

  it('waits in CrashLoopBackOff between runs, and Ready changes when the container does', () => {
    const down = viewAt(entry, 3200);
    expect(down.container.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(down.ready.lastTransitionTime).toBe('2025-01-01T00:00:03Z');
    const up = viewAt(entry, 4000);
    expect(up.container.state.running.startedAt).toBe('2025-01-01T00:00:03Z');
    expect(up.ready.lastTransitionTime).toBe('2025-01-01T00:00:03Z');
  });

  it('records a BackOff event and an out-of-memory log line per restart', () => {
    const view = viewAt(entry, 6100);
    expect(view.happenings.filter((h) => h.reason === 'BackOff')).toHaveLength(2);
    expect(view.happenings.filter((h) => h.reason === 'Started')).toHaveLength(3);
    expect(view.logs.filter((log) => log.line === 'web: out of memory')).toHaveLength(2);
  });
});

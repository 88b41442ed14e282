import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JobSummary } from '../../src/core/summary.js';
import {
  addDiagnostics,
  describeProblems,
  diagnose,
  notReadyPods,
  recentWarnings,
} from '../../src/rollout/diagnostics.js';

// Captured from tools/kube-sim with the real kubectl: test/fixtures/rollout/capture-diagnostics.ts.
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/rollout/${name}`, import.meta.url), 'utf8'));
const pods = fixture('pods.json');
const events = fixture('events.json');

describe('not-ready pods from kube-sim', () => {
  it.each([
    { app: 'good', reasons: [] },
    { app: 'stuck', reasons: ['NotReady', 'NotReady'] },
    { app: 'crash', reasons: ['CrashLoopBackOff', 'CrashLoopBackOff'] },
    { app: 'pull', reasons: ['ImagePullBackOff', 'ImagePullBackOff'] },
  ])('$app → $reasons', ({ app, reasons }) => {
    const problems = notReadyPods(pods, { matchLabels: { app } });
    expect(problems.map((problem) => problem.reason)).toEqual(reasons);
    for (const problem of problems) expect(problem.pod.startsWith(`${app}-`)).toBe(true);
  });

  it.each([
    { app: 'stuck', detail: 'readiness probe has not passed', restarts: 0, container: 'main' },
    { app: 'crash', detail: 'last exit code 1 (Error)', restarts: 3, container: 'main' },
    {
      app: 'pull',
      detail: 'failed to pull and unpack image "example/app:missing"',
      restarts: 0,
      container: 'main',
    },
  ])('$app explains itself', ({ app, detail, restarts, container }) => {
    const [problem] = notReadyPods(pods, { matchLabels: { app } });
    expect(problem.detail).toContain(detail);
    expect(problem).toMatchObject({ restarts, container });
  });
});

describe('pod states beyond the fixtures', () => {
  const pod = (status: Record<string, unknown>, name = 'p') => ({
    items: [{ metadata: { name }, status }],
  });
  it.each([
    {
      name: 'unschedulable',
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', message: '0/3 nodes are available' }],
      },
      reason: 'Pending',
      detail: '0/3 nodes are available',
    },
    {
      name: 'ErrImagePull ranks before a sidecar in CrashLoopBackOff',
      status: {
        phase: 'Pending',
        containerStatuses: [
          { name: 'sidecar', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          {
            name: 'app',
            ready: false,
            state: { waiting: { reason: 'ErrImagePull', message: 'unauthorized' } },
          },
        ],
      },
      reason: 'ErrImagePull',
      detail: 'unauthorized',
    },
    {
      name: 'a failed init container',
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'migrate',
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 2 } },
          },
        ],
        containerStatuses: [
          { name: 'app', ready: false, state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
      reason: 'CrashLoopBackOff',
      detail: 'last exit code 2',
    },
    {
      name: 'evicted',
      status: { phase: 'Failed', message: 'The node was low on resource: memory.' },
      reason: 'Failed',
      detail: 'low on resource',
    },
  ])('$name', ({ status, reason, detail }) => {
    const [problem] = notReadyPods(pod(status));
    expect(problem.reason).toBe(reason);
    expect(problem.detail).toContain(detail);
  });

  it.each([
    {
      name: 'ready',
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    },
    { name: 'completed', status: { phase: 'Succeeded' } },
  ])('$name is not a problem', ({ status }) => {
    expect(notReadyPods(pod(status))).toEqual([]);
  });

  it('ignores input that is not a list', () => {
    expect(notReadyPods('garbage')).toEqual([]);
    expect(recentWarnings(null)).toEqual([]);
  });
});

describe('recent warnings from kube-sim', () => {
  const now = Date.parse('2026-11-22T01:53:00Z');
  it.each([
    { objects: ['good'], reasons: [] },
    { objects: ['crash'], reasons: ['BackOff'] },
    { objects: ['pull'], reasons: ['Failed'] },
    { objects: ['stuck'], reasons: ['Unhealthy'] },
  ])('$objects → $reasons', ({ objects, reasons }) => {
    const warnings = recentWarnings(events, { objects, now });
    expect([...new Set(warnings.map((warning) => warning.reason))]).toEqual(reasons);
    for (const warning of warnings)
      expect(warning.object).toMatch(new RegExp(`^Pod/${objects[0]}-`));
  });

  it('keeps the newest first, within the limit and the time window', () => {
    const warnings = recentWarnings(events, { now, limit: 3 });
    expect(warnings).toHaveLength(3);
    const times = warnings.map((warning) => warning.lastSeen ?? '');
    expect([...times].sort().reverse()).toEqual(times);
    expect(recentWarnings(events, { now: now + 3_600_000, sinceMs: 600_000 })).toEqual([]);
  });
});

describe('diagnostics in the summary', () => {
  it.each([
    { app: 'crash', line: '2 pods not ready: CrashLoopBackOff ×2' },
    { app: 'pull', line: '2 pods not ready: ImagePullBackOff ×2' },
    { app: 'good', line: 'no pods were found not ready' },
  ])('$app → $line', ({ app, line }) => {
    expect(describeProblems(notReadyPods(pods, { matchLabels: { app } }))).toBe(line);
  });

  it('renders escaped tables of pods and events', () => {
    const diagnostics = diagnose(pods, events, {
      matchLabels: { app: 'pull' },
      objects: ['pull'],
      now: Date.parse('2026-11-22T01:53:00Z'),
    });
    const summary = new JobSummary();
    summary.verdict('failure', 'rolled back');
    addDiagnostics(summary, diagnostics);
    const html = summary.render();
    expect(html).toContain('<strong>2 pods not ready: ImagePullBackOff ×2</strong>');
    expect(html).toContain('<th>pod</th><th>reason</th>');
    expect(html).toContain('&quot;example/app:missing&quot;');
    expect(html).toContain('Recent warning events');
    expect(html).not.toContain('"example/app:missing"');
  });

  it('names pods and events with their namespace when they come from several', () => {
    const diagnostics = diagnose(pods, events, { objects: ['pull'] });
    const inEast = <T extends object>(entry: T) => ({ ...entry, namespace: 'east' });
    const inWest = <T extends object>(entry: T) => ({ ...entry, namespace: 'west' });
    const summary = new JobSummary().verdict('failure', 'failed');
    addDiagnostics(summary, {
      pods: [...diagnostics.pods.map(inEast), ...diagnostics.pods.map(inWest)],
      events: diagnostics.events.map(inWest),
    });
    const html = summary.render();
    const pod = diagnostics.pods[0].pod;
    expect(html).toContain(`<code>east/${pod}</code>`);
    expect(html).toContain(`<code>west/${pod}</code>`);

    const single = new JobSummary().verdict('failure', 'failed');
    addDiagnostics(single, { pods: diagnostics.pods.map(inEast), events: [] });
    expect(single.render()).toContain(`<code>${pod}</code>`);
  });
});

import { describe, expect, it } from 'vitest';
import type { ObjectRestoreResult } from '../../src/core/kube-objects.js';
import type { Diagnostics } from '../../src/rollout/diagnostics.js';
import type { RollbackResult, WaitResult, WorkloadSnapshot } from '../../src/rollout/engine.js';
import type { SmokeResult } from '../../src/rollout/smoke-tests.js';
import {
  buildSummary,
  resultOf,
  type RolloutReport,
  type WorkloadReport,
} from '../../src/rollout/summary.js';

const APP_1_0 = 'registry.example/app:1.0';
const APP_1_1 = 'registry.example/app:1.1';
const HOSTILE = '<img src=x onerror=alert(1)>';

function snap(
  ref: string,
  revision: number | undefined,
  images: Record<string, string>,
  replicas: number | undefined = 3,
): WorkloadSnapshot {
  const [kubectlKind, name] = ref.split('/') as ['deployment' | 'statefulset', string];
  return {
    kind: kubectlKind === 'deployment' ? 'Deployment' : 'StatefulSet',
    name,
    ref,
    exists: revision !== undefined,
    revision,
    revisionName: undefined,
    templateHash: undefined,
    images,
    replicas,
  };
}

function rolledOut(workload: string, readyReplicas: number, durationMs: number): WaitResult {
  return {
    workload,
    done: true,
    reason: 'rolled-out',
    message: `${workload} successfully rolled out`,
    durationMs,
    readyReplicas,
  };
}

function stuck(workload: string, readyReplicas: number, durationMs: number): WaitResult {
  return {
    workload,
    done: false,
    reason: 'progress-deadline-exceeded',
    message: `${workload} exceeded its progress deadline`,
    durationMs,
    readyReplicas,
  };
}

const webUpgrade: WorkloadReport = {
  ref: 'deployment/web',
  before: snap('deployment/web', 3, { app: APP_1_0 }),
  after: snap('deployment/web', 4, { app: APP_1_1 }),
  wait: rolledOut('deployment/web', 3, 42_000),
};

const workerUpgrade: WorkloadReport = {
  ref: 'statefulset/worker',
  before: snap('statefulset/worker', 7, { worker: 'registry.example/worker:2.0' }, 2),
  after: snap('statefulset/worker', 8, { worker: 'registry.example/worker:2.1' }, 2),
  wait: rolledOut('statefulset/worker', 2, 65_000),
};

function report(overrides: Partial<RolloutReport>): RolloutReport {
  return {
    status: 'succeeded',
    namespace: 'shop',
    workloads: [webUpgrade],
    smokeTests: [],
    rollback: [],
    recovery: undefined,
    failure: undefined,
    diagnostics: undefined,
    durationMs: 50_000,
    notes: [],
    ...overrides,
  };
}

const undoneToRevision3: RollbackResult = {
  workload: 'deployment/web',
  outcome: 'rolled-back',
  revision: 3,
  images: { app: APP_1_0 },
  message: 'back on revision 3, 3/3 ready',
  wait: rolledOut('deployment/web', 3, 20_000),
};

const configRestored: ObjectRestoreResult = {
  object: 'ConfigMap/app-config',
  namespace: 'shop',
  outcome: 'restored',
  verified: true,
  message: 'previous content restored and verified',
};

const webRemoved: ObjectRestoreResult = {
  object: 'Deployment/web',
  namespace: 'shop',
  outcome: 'removed',
  verified: true,
  message: 'created by this deploy; removed and verified gone',
};

const smokeTests: SmokeResult[] = [
  { name: 'health', passed: true, status: 200, latencyMs: 35, attempts: 1, problem: undefined },
  {
    name: 'checkout',
    passed: false,
    status: undefined,
    latencyMs: undefined,
    attempts: 3,
    problem: 'connection refused',
  },
];

const pullFailure: Diagnostics = {
  pods: [
    {
      pod: 'web-6f7c-abcde',
      phase: 'Pending',
      reason: 'ImagePullBackOff',
      container: 'app',
      image: APP_1_1,
      restarts: 0,
      detail: 'pull access denied for registry.example/app',
    },
  ],
  events: [
    {
      object: 'Pod/web-6f7c-abcde',
      reason: 'Failed',
      message: 'Failed to pull image',
      count: 4,
      lastSeen: '2024-05-01T10:00:00Z',
    },
  ],
};

const DRY_RUN_PROBLEM =
  'the API server rejected the deploy in a server-side dry run; nothing was changed: ' +
  'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1';

interface Row {
  name: string;
  report: RolloutReport;
  firstLine: string;
  contains: string[];
  absent: string[];
  result: Record<string, unknown>;
}

const rows: Row[] = [
  {
    name: 'a succeeded deploy of one workload',
    report: report({}),
    firstLine: `<h3>✅ Deployed ${APP_1_1} to deployment/web — 3/3 ready in 42s</h3>`,
    contains: [
      '<th>workload</th><th>image</th><th>revision</th><th>ready</th><th>duration</th>',
      `<td><code>deployment/web</code></td><td><code>${APP_1_0}</code> → <code>${APP_1_1}</code></td><td>3 → 4</td><td>3/3</td><td>42s</td>`,
    ],
    absent: ['Smoke tests', 'Rollback', '<details>'],
    result: {
      status: 'succeeded',
      rolledBack: false,
      namespace: 'shop',
      failure: undefined,
      workloads: [expect.objectContaining({ workload: 'deployment/web', image: APP_1_1 })],
    },
  },
  {
    name: 'a succeeded deploy of two workloads',
    report: report({ workloads: [webUpgrade, workerUpgrade] }),
    firstLine:
      '<h3>✅ Deployed 2 images to deployment/web, statefulset/worker — 5/5 ready in 1m5s</h3>',
    contains: [
      '<td><code>statefulset/worker</code></td><td><code>registry.example/worker:2.0</code> → <code>registry.example/worker:2.1</code></td><td>7 → 8</td><td>2/2</td><td>1m5s</td>',
    ],
    absent: ['Rollback'],
    result: {
      status: 'succeeded',
      workloads: [
        expect.objectContaining({ workload: 'deployment/web', image: APP_1_1 }),
        expect.objectContaining({
          workload: 'statefulset/worker',
          image: 'registry.example/worker:2.1',
        }),
      ],
    },
  },
  {
    name: 'a rolled-back deploy naming the previous revision and image',
    report: report({
      status: 'rolled-back',
      failure: 'smoke test checkout failed',
      workloads: [
        {
          ref: 'deployment/web',
          before: snap('deployment/web', 3, { app: APP_1_0 }),
          after: snap('deployment/web', 5, { app: APP_1_0 }),
          wait: rolledOut('deployment/web', 3, 30_000),
        },
      ],
      rollback: [undoneToRevision3],
    }),
    firstLine: `<h3>⚠️ Rolled back deployment/web to revision 3 (image ${APP_1_0}) after: smoke test checkout failed</h3>`,
    contains: [
      `<td><code>${APP_1_0}</code> (unchanged)</td><td>3 → 5</td>`,
      '<h4>Rollback</h4>',
      '<td><code>deployment/web</code></td><td>rolled-back</td><td>back on revision 3, 3/3 ready</td>',
    ],
    absent: ['Deployed'],
    result: {
      status: 'rolled-back',
      rolledBack: true,
      failure: 'smoke test checkout failed',
      rollback: [undoneToRevision3],
      workloads: [expect.objectContaining({ image: APP_1_0 })],
    },
  },
  {
    name: 'a rollback that retried through API faults and finished',
    report: report({
      status: 'rolled-back',
      failure: 'smoke test checkout failed',
      rollback: [undoneToRevision3],
      recovery: { finished: true, durationMs: 4_200, deadlineMs: 300_000, command: undefined },
    }),
    firstLine: `<h3>⚠️ Rolled back deployment/web to revision 3 (image ${APP_1_0}) after: smoke test checkout failed</h3>`,
    contains: ['<p>The rollback finished in 4s.</p>'],
    absent: ['To finish it'],
    result: {
      status: 'rolled-back',
      recovery: { finished: true, durationMs: 4_200, deadlineMs: 300_000 },
    },
  },
  {
    name: 'a rollback that ran out of its recovery deadline',
    report: report({
      status: 'failed',
      failure: 'deployment/web did not become ready',
      rollback: [
        {
          workload: 'deployment/web',
          outcome: 'failed',
          revision: 3,
          images: {},
          message: 'rollback failed: the API server did not answer',
          wait: undefined,
        },
      ],
      recovery: {
        finished: false,
        durationMs: 300_000,
        deadlineMs: 300_000,
        command: 'kubectl -n shop rollout undo deployment/web --to-revision=3',
      },
    }),
    firstLine:
      '<h3>❌ Failed: deployment/web did not become ready; rollback failed for deployment/web (rollback failed: the API server did not answer)</h3>',
    contains: [
      'The rollback did not finish within its 5m recovery deadline (after 5m); the table shows each workload as it is now. To finish it: kubectl -n shop rollout undo deployment/web --to-revision=3',
    ],
    absent: ['Rolled back deployment/web'],
    result: {
      status: 'failed',
      rolledBack: false,
      recovery: expect.objectContaining({
        finished: false,
        command: 'kubectl -n shop rollout undo deployment/web --to-revision=3',
      }),
    },
  },
  {
    name: 'a failed first deploy: what it created is removed, the ConfigMap it changed restored',
    report: report({
      status: 'rolled-back',
      failure: 'deployment/web did not become ready',
      workloads: [
        {
          ref: 'deployment/web',
          before: snap('deployment/web', undefined, {}, undefined),
          after: undefined,
          wait: stuck('deployment/web', 0, 300_000),
        },
      ],
      rollback: [],
      restored: [configRestored, webRemoved],
      recovery: { finished: true, durationMs: 2_000, deadlineMs: 300_000, command: undefined },
    }),
    firstLine:
      '<h3>⚠️ Rolled back the deploy; restored shop/ConfigMap/app-config; removed shop/Deployment/web after: deployment/web did not become ready</h3>',
    contains: [
      '<h4>Objects restored</h4>',
      '<td><code>shop/ConfigMap/app-config</code></td><td>restored</td><td>✅</td><td>previous content restored and verified</td>',
      '<td><code>shop/Deployment/web</code></td><td>removed</td><td>✅</td>',
      '<p>The rollback finished in 2s.</p>',
    ],
    absent: ['Deployed', 'left in place', 'first deploy'],
    result: {
      status: 'rolled-back',
      rolledBack: true,
      restored: [configRestored, webRemoved],
    },
  },
  {
    name: 'a replaced migration Job: the new one removed, the old one not re-created, said so',
    report: report({
      status: 'rolled-back',
      failure: 'job/migrate failed',
      rollback: [undoneToRevision3],
      restored: [
        {
          object: 'Job/migrate',
          namespace: undefined,
          outcome: 'not-recreated',
          verified: true,
          message: "this deploy's Job was removed; the Job it replaced is not re-created",
        },
      ],
    }),
    firstLine: `<h3>⚠️ Rolled back deployment/web to revision 3 (image ${APP_1_0}); removed Job/migrate after: job/migrate failed</h3>`,
    contains: [
      '<td><code>Job/migrate</code></td><td>removed, old Job not re-created</td><td>✅</td>',
      'running an old migration again can harm data',
    ],
    absent: [],
    result: { status: 'rolled-back' },
  },
  {
    name: 'an object that could not be restored fails the verdict and names it',
    report: report({
      status: 'failed',
      failure: 'deployment/web did not become ready',
      rollback: [undoneToRevision3],
      restored: [
        {
          ...configRestored,
          outcome: 'failed',
          verified: false,
          message: 'restored, but data still differ',
        },
      ],
    }),
    firstLine:
      '<h3>❌ Failed: deployment/web did not become ready; NOT restored: shop/ConfigMap/app-config</h3>',
    contains: ['<td>failed</td><td>❌</td><td>restored, but data still differ</td>'],
    absent: [],
    result: { status: 'failed', restored: [expect.objectContaining({ verified: false })] },
  },
  {
    name: 'a deploy rejected by the server-side dry run',
    report: report({
      status: 'failed',
      failure: DRY_RUN_PROBLEM,
      workloads: [
        {
          ref: 'deployment/web',
          before: snap('deployment/web', 3, { app: APP_1_0 }),
          after: snap('deployment/web', 3, { app: APP_1_0 }),
          wait: undefined,
        },
      ],
    }),
    firstLine:
      '<h3>❌ Failed: the API server rejected the deploy in a server-side dry run; nothing was changed: ' +
      'Deployment.apps &quot;web&quot; is invalid: spec.replicas: Invalid value: -1</h3>',
    contains: [`<td><code>${APP_1_0}</code> (unchanged)</td><td>3</td><td>?</td><td></td>`],
    absent: ['rolled back', '<h4>Rollback</h4>'],
    result: { status: 'failed', rolledBack: false, failure: DRY_RUN_PROBLEM, rollback: [] },
  },
  {
    name: 'smoke tests with status, latency and attempts',
    report: report({ smokeTests }),
    firstLine: `<h3>✅ Deployed ${APP_1_1} to deployment/web — 3/3 ready in 42s</h3>`,
    contains: [
      '<h4>Smoke tests</h4>',
      '<th>test</th><th>status</th><th>latency</th><th>attempts</th><th>problem</th>',
      '<td>health</td><td>✅ 200</td><td>35ms</td><td>1</td><td></td>',
      '<td>checkout</td><td>❌ no answer</td><td></td><td>3</td><td>connection refused</td>',
    ],
    absent: [],
    result: { status: 'succeeded', smokeTests },
  },
  {
    name: 'diagnostics collapsed inside details',
    report: report({
      status: 'failed',
      failure: 'deployment/web did not become ready',
      workloads: [{ ...webUpgrade, wait: stuck('deployment/web', 1, 120_000) }],
      diagnostics: pullFailure,
    }),
    firstLine: '<h3>❌ Failed: deployment/web did not become ready</h3>',
    contains: [
      '<td>1/3 (progress-deadline-exceeded)</td><td>2m</td>',
      '<details><summary>Diagnostics: pods and warning events</summary>',
    ],
    absent: [],
    result: { status: 'failed', diagnostics: pullFailure },
  },
  {
    name: 'pod log tails, one collapsed block per pod, escaped',
    report: report({
      status: 'failed',
      failure: 'deployment/web did not become ready',
      diagnostics: {
        ...pullFailure,
        logs: [
          {
            pod: 'web-6f7c-abcde',
            container: 'app',
            previous: true,
            text: `config: LEVEL=${HOSTILE} is not a level\nexiting`,
            problem: undefined,
          },
          {
            pod: 'web-6f7c-fghij',
            container: 'app',
            previous: false,
            text: undefined,
            problem: 'could not be read: container "app" is waiting to start',
          },
        ],
      },
    }),
    firstLine: '<h3>❌ Failed: deployment/web did not become ready</h3>',
    contains: [
      '<details><summary>Log tail of pod web-6f7c-abcde</summary>',
      '<code>app</code> (previous instance, before its restart): last 20 lines',
      '<pre><code>config: LEVEL=&lt;img src=x onerror=alert(1)&gt; is not a level\nexiting</code></pre>',
      '<details><summary>Log tail of pod web-6f7c-fghij</summary>',
      'could not be read: container &quot;app&quot; is waiting to start',
    ],
    absent: ['<img'],
    result: { status: 'failed' },
  },
  {
    name: 'a hostile image name, escaped everywhere',
    report: report({
      workloads: [{ ...webUpgrade, after: snap('deployment/web', 4, { app: HOSTILE }) }],
    }),
    firstLine:
      '<h3>✅ Deployed &lt;img src=x onerror=alert(1)&gt; to deployment/web — 3/3 ready in 42s</h3>',
    contains: [`→ <code>&lt;img src=x onerror=alert(1)&gt;</code></td>`],
    absent: ['<img'],
    result: { workloads: [expect.objectContaining({ image: HOSTILE })] },
  },
];

describe('rollout summary', () => {
  it.each(rows)('$name', ({ report, firstLine, contains, absent, result }) => {
    const rendered = buildSummary(report).render();
    expect(rendered.split('\n')[0]).toBe(firstLine);
    for (const text of contains) expect(rendered).toContain(text);
    for (const text of absent) expect(rendered).not.toContain(text);
    expect(resultOf(report)).toMatchObject(result);
  });

  it.each([
    { name: 'pod problems', pattern: /<td><code>web-6f7c-abcde<\/code><\/td><td>ImagePullBackOff/ },
    {
      name: 'warning events',
      pattern: /<td><code>Pod\/web-6f7c-abcde<\/code><\/td><td>Failed<\/td><td>4<\/td>/,
    },
  ])('keeps $name inside the diagnostics details', ({ pattern }) => {
    const rendered = buildSummary(
      report({ status: 'failed', failure: 'stuck', diagnostics: pullFailure }),
    ).render();
    const details = /<details><summary>[^<]*<\/summary>([\s\S]*?)<\/details>/.exec(rendered);
    expect(details?.[1]).toMatch(pattern);
    expect(rendered.replace(details?.[0] ?? '', '')).not.toMatch(pattern);
  });
});

describe('the cluster under the verdict', () => {
  const eu = { context: 'eu-west', server: 'api.eu.example.com:6443' };
  const lines = (rendered: string) => rendered.split('\n').filter((line) => line.trim() !== '');

  it.each([
    {
      name: 'context, API server and namespace',
      cluster: eu,
      namespace: 'shop',
      line: '<p>Cluster <code>eu-west</code> at <code>api.eu.example.com:6443</code>, namespace <code>shop</code></p>',
    },
    {
      name: 'a context without a server',
      cluster: { context: 'eu-west', server: undefined },
      namespace: undefined,
      line: '<p>Cluster <code>eu-west</code></p>',
    },
    {
      name: 'a server without a context',
      cluster: { context: undefined, server: 'api.eu.example.com' },
      namespace: 'shop',
      line: '<p>API server <code>api.eu.example.com</code>, namespace <code>shop</code></p>',
    },
    {
      name: 'no cluster, a namespace',
      cluster: undefined,
      namespace: 'shop',
      line: '<p>Namespace <code>shop</code></p>',
    },
    {
      name: 'a hostile context name, escaped',
      cluster: { context: HOSTILE, server: undefined },
      namespace: undefined,
      line: '<p>Cluster <code>&lt;img src=x onerror=alert(1)&gt;</code></p>',
    },
  ])('$name: the line after the verdict', ({ cluster, namespace, line }) => {
    const rendered = lines(buildSummary(report({ cluster, namespace })).render());
    expect(rendered[0]).toMatch(/^<h3>✅ Deployed /);
    expect(rendered[1]).toBe(line);
  });

  it('has no such line when neither cluster nor namespace is known', () => {
    const rendered = lines(buildSummary(report({ namespace: undefined })).render());
    expect(rendered[1]).toMatch(/^<table>/);
  });

  it('is in result, with the phrase the log uses', () => {
    expect(resultOf(report({ cluster: eu }))).toMatchObject({
      cluster: {
        context: 'eu-west',
        server: 'api.eu.example.com:6443',
        name: 'eu-west (api.eu.example.com:6443)',
      },
    });
    expect(resultOf(report({}))).toMatchObject({ cluster: null });
  });
});

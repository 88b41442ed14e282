import { describe, expect, it } from 'vitest';
import { buildSummary, resultOf, stepsOutput, verdictLine } from '../../src/canary/summary.js';
import type {
  CanaryReport,
  CheckResult,
  CleanupReport,
  StepRecord,
  WindowStats,
} from '../../src/canary/types.js';

const STABLE = 'ghcr.io/acme/web:1.2.2';
const CANARY = 'ghcr.io/acme/web:1.2.3';
const HOSTILE = '<img src=x onerror=alert(1)>';

function stats(requests: number, errorRate: number | undefined, p95Ms: number | undefined) {
  const window: WindowStats = { requests, errorRate, p95Ms };
  return window;
}

function step(weight: number, overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    weight,
    achievedWeight: weight,
    startedAt: '2025-05-01T10:00:00.000Z',
    durationMs: 62_000,
    canary: stats(weight * 40, 0.001, 48),
    stable: stats((100 - weight) * 40 || 40, 0.002, 45),
    pValue: 1,
    checks: [],
    decision: 'passed',
    reason: undefined,
    ...overrides,
  };
}

const clean: CleanupReport = {
  stableImage: STABLE,
  stableHealthy: true,
  leftoverObjects: [],
  canaryWeight: 0,
};

function report(overrides: Partial<CanaryReport>): CanaryReport {
  return {
    decision: 'promoted',
    reason: 'the canary was as healthy as stable at every step',
    mode: 'auto',
    traffic: 'gateway-api',
    namespace: 'shop',
    deployment: 'web',
    container: 'web',
    stableImage: STABLE,
    canaryImage: CANARY,
    steps: [10, 25, 50, 75, 100].map((weight) => step(weight)),
    finalWeight: 100,
    durationMs: 312_000,
    detectionMs: undefined,
    cleanup: { ...clean, stableImage: CANARY },
    notes: [],
    ...overrides,
  };
}

const ERRORS_REASON = 'canary 5xx 4.8% vs stable 0.4%, p = 0.002';
const p99Failed: CheckResult = {
  name: 'p99',
  value: 0.31,
  min: undefined,
  max: 0.25,
  passed: false,
};
const saturation: CheckResult = { name: 'cpu', value: 0.4, min: 0, max: 0.8, passed: true };

interface Row {
  name: string;
  report: CanaryReport;
  verdict: string;
  contains: string[];
  absent: string[];
  result: Record<string, unknown>;
}

const rows: Row[] = [
  {
    name: 'promoted after every step',
    report: report({}),
    verdict: `✅ Promoted web to ${CANARY} after 5 steps in 5m 12s`,
    contains: [
      `<code>web</code> in <code>shop</code>: <code>${STABLE}</code> → <code>${CANARY}</code> · traffic gateway-api · mode auto · 5m 12s`,
      '<p>Why: the canary was as healthy as stable at every step</p>',
      '<th>weight</th><th>requests (canary / stable)</th><th>5xx (canary / stable)</th><th>p95 (canary / stable)</th><th>p-value</th><th>checks</th><th>time</th><th>decision</th>',
      '<tr><td>25%</td><td>1,000 / 3,000</td><td>0.1% / 0.2%</td><td>48ms / 45ms</td><td>1</td><td>—</td><td>1m 2s</td><td>✅ passed</td></tr>',
      '```mermaid\n%%{init:',
      'x-axis "weight" ["10%", "25%", "50%", "75%", "100%"]',
      'line [0.1, 0.1, 0.1, 0.1, 0.1]\n  line [0.2, 0.2, 0.2, 0.2, 0.2]',
      'line [48, 48, 48, 48, 48]\n  line [45, 45, 45, 45, 45]',
    ],
    absent: ['<h4>Cleanup</h4>', '<details>'],
    result: {
      decision: 'promoted',
      verdict: `Promoted web to ${CANARY} after 5 steps in 5m 12s`,
      cancelled: false,
      finalWeight: 100,
      stableImage: STABLE,
      detectionMs: null,
      cleanup: { ...clean, stableImage: CANARY },
    },
  },
  {
    name: 'aborted at 25% by the error comparison',
    report: report({
      decision: 'aborted',
      reason: `aborted at 25%: ${ERRORS_REASON}`,
      steps: [
        step(10),
        step(25, {
          canary: stats(840, 0.048, 50),
          stable: stats(2_520, 0.004, 46),
          pValue: 0.0021,
          decision: 'aborted',
          reason: ERRORS_REASON,
          durationMs: 21_000,
        }),
      ],
      finalWeight: 0,
      detectionMs: 83_000,
      cleanup: clean,
    }),
    verdict: `❌ Aborted at 25%: ${ERRORS_REASON}`,
    contains: [
      '· regression detected 1m 23s after the first traffic',
      `<tr><td>25%</td><td>840 / 2,520</td><td>4.8% / 0.4%</td><td>50ms / 46ms</td><td>0.002</td><td>—</td><td>21s</td><td>❌ aborted: ${ERRORS_REASON}</td></tr>`,
      'line [0.1, 4.8]\n  line [0.2, 0.4]',
      '<h4>Cleanup</h4>',
      '<th>stable image</th><th>stable healthy</th><th>canary weight</th><th>canary objects left</th>',
      `<td><code>${STABLE}</code></td><td>✅ yes</td><td>✅ 0%</td><td>✅ none</td>`,
    ],
    absent: ['Why:', 'cleanup incomplete'],
    result: { decision: 'aborted', detectionMs: 83_000, finalWeight: 0, cleanup: clean },
  },
  {
    name: 'aborted by the latency objective, with a failed custom check',
    report: report({
      decision: 'aborted',
      reason: 'aborted at 10%: canary p95 310ms is above max-latency-p95 100ms',
      steps: [
        step(10, {
          canary: stats(450, 0, 310),
          stable: stats(4_050, 0, 44),
          pValue: 0.04,
          checks: [saturation, p99Failed],
          decision: 'aborted',
          reason: 'canary p95 310ms is above max-latency-p95 100ms',
        }),
      ],
      finalWeight: 0,
      cleanup: clean,
    }),
    verdict: '❌ Aborted at 10%: canary p95 310ms is above max-latency-p95 100ms',
    contains: [
      '<td>0% / 0%</td><td>310ms / 44ms</td><td>0.04</td><td>❌ p99 = 0.31</td>',
      '<details><summary>Custom checks at the end of each step</summary>',
      '<tr><td>10%</td><td><code>cpu</code></td><td>0.4</td><td>≥ 0, ≤ 0.8</td><td>✅ passed</td></tr>',
      '<tr><td>10%</td><td><code>p99</code></td><td>0.31</td><td>≤ 0.25</td><td>❌ failed</td></tr>',
    ],
    // One step draws no line; the table says it all.
    absent: ['```mermaid'],
    result: {
      decision: 'aborted',
      steps: [
        expect.objectContaining({
          canary: { requests: 450, errorRate: 0, p95Ms: 310 },
          checks: [
            { name: 'cpu', value: 0.4, min: 0, max: 0.8, passed: true },
            { name: 'p99', value: 0.31, min: null, max: 0.25, passed: false },
          ],
        }),
      ],
    },
  },
  {
    name: 'aborted for no data at the step timeout',
    report: report({
      traffic: 'replicas',
      decision: 'aborted',
      reason: 'aborted at 10%: only 12 of 100 canary requests within step-timeout 5m',
      steps: [
        step(10, {
          achievedWeight: 25,
          canary: stats(12, 0, undefined),
          stable: stats(36, 0, undefined),
          pValue: undefined,
          durationMs: 300_000,
          decision: 'aborted',
          reason: 'only 12 of 100 canary requests within step-timeout 5m',
        }),
      ],
      finalWeight: 0,
      cleanup: clean,
    }),
    verdict:
      '❌ Aborted at 10% (achieved 25%): only 12 of 100 canary requests within step-timeout 5m',
    contains: [
      '<tr><td>10% (achieved 25%)</td><td>12 / 36</td><td>0% / 0%</td><td>— / —</td><td>—</td><td>—</td><td>5m</td>',
    ],
    absent: ['```mermaid', 'Why:'],
    result: {
      traffic: 'replicas',
      steps: [
        expect.objectContaining({
          weight: 10,
          achievedWeight: 25,
          pValue: null,
          stable: { requests: 36, errorRate: 0, p95Ms: null },
        }),
      ],
    },
  },
  {
    name: 'paused at the first step for a reviewer',
    report: report({
      mode: 'start',
      decision: 'paused',
      reason:
        'the canary passed every step up to 10% and keeps 10% of traffic; continue with mode: promote or abort',
      steps: [step(10, { canary: stats(1_204, 0.001, 48), stable: stats(10_877, 0.002, 45) })],
      finalWeight: 10,
      cleanup: undefined,
    }),
    verdict:
      'ℹ️ Paused at 10%: canary 5xx 0.1% vs stable 0.2%, p95 48ms vs 45ms over 1,204 canary requests',
    contains: [
      '<p>Why: the canary passed every step up to 10% and keeps 10% of traffic; continue with mode: promote or abort</p>',
      '<td>1,204 / 10,877</td>',
    ],
    absent: ['<h4>Cleanup</h4>'],
    result: { decision: 'paused', mode: 'start', finalWeight: 10, cleanup: null },
  },
  {
    name: 'started with no traffic',
    report: report({
      mode: 'start',
      decision: 'started',
      reason: 'the canary is ready and gets no traffic yet; continue with mode: promote or abort',
      steps: [],
      finalWeight: 0,
      cleanup: undefined,
      durationMs: 31_000,
    }),
    verdict: `ℹ️ Started canary ${CANARY} beside web, with no traffic yet`,
    contains: [
      '<p>Why: the canary is ready and gets no traffic yet; continue with mode: promote or abort</p>',
    ],
    absent: ['<table>', '```mermaid'],
    result: { decision: 'started', steps: [], finalWeight: 0 },
  },
  {
    name: 'cancelled mid-step and reverted',
    report: report({
      decision: 'aborted',
      reason: 'the run was cancelled',
      steps: [
        step(10),
        step(25, { decision: 'cancelled', reason: 'the run was cancelled', pValue: 0.4 }),
      ],
      finalWeight: 0,
      cleanup: clean,
    }),
    verdict: '❌ Cancelled at 25%; all traffic is back on stable and the canary is removed',
    contains: ['<td>⛔ cancelled: the run was cancelled</td>', '<h4>Cleanup</h4>'],
    absent: ['Aborted'],
    result: { decision: 'aborted', cancelled: true, reason: 'the run was cancelled' },
  },
  {
    name: 'aborted on request in a later job',
    report: report({
      mode: 'abort',
      decision: 'aborted',
      reason: 'aborted on request at 25%; all traffic is back on stable',
      steps: [],
      finalWeight: 0,
      cleanup: clean,
    }),
    verdict: '✅ Aborted on request at 25%; all traffic is back on stable',
    contains: ['· mode abort ·', '<td>✅ none</td>'],
    absent: ['<th>weight</th>'],
    result: { decision: 'aborted', mode: 'abort', cancelled: false },
  },
  {
    name: 'an abort that left the cluster half reverted',
    report: report({
      decision: 'aborted',
      reason: `aborted at 25%: ${ERRORS_REASON}`,
      steps: [step(25, { decision: 'aborted', reason: ERRORS_REASON })],
      finalWeight: 25,
      cleanup: {
        stableImage: STABLE,
        stableHealthy: false,
        leftoverObjects: ['Deployment/web-canary', 'Service/web-canary'],
        canaryWeight: 25,
      },
    }),
    verdict:
      `❌ Aborted at 25%: ${ERRORS_REASON} — cleanup incomplete: stable is not healthy, ` +
      '2 canary objects left (Deployment/web-canary, Service/web-canary), the canary still gets 25% of traffic',
    contains: [
      '<td>❌ no</td><td>❌ 25%</td><td>❌ <code>Deployment/web-canary</code>, <code>Service/web-canary</code></td>',
    ],
    absent: [],
    result: { cleanup: expect.objectContaining({ stableHealthy: false, canaryWeight: 25 }) },
  },
  {
    name: 'hostile names and notes, escaped everywhere',
    report: report({
      deployment: HOSTILE,
      canaryImage: HOSTILE,
      steps: [step(10, { checks: [{ ...saturation, name: HOSTILE }] }), step(100)],
      notes: [`stable pod ${HOSTILE} restarted`],
    }),
    verdict:
      '✅ Promoted &lt;img src=x onerror=alert(1)&gt; to &lt;img src=x onerror=alert(1)&gt; after 2 steps in 5m 12s',
    contains: [
      '<details><summary>Notes (1)</summary>',
      '<li>stable pod &lt;img src=x onerror=alert(1)&gt; restarted</li>',
      '<td><code>&lt;img src=x onerror=alert(1)&gt;</code></td>',
    ],
    absent: ['<img'],
    result: { deployment: HOSTILE, notes: [`stable pod ${HOSTILE} restarted`] },
  },
];

const SERIES =
  'http_requests_total{namespace="shop",app="web"} (matchers from Deployment web\'s selector): canary where track="canary", stable the rest';

describe('canary summary', () => {
  it.each(rows)('$name', ({ report, verdict, contains, absent, result }) => {
    const rendered = buildSummary(report).render();
    expect(rendered.split('\n')[0]).toBe(`<h3>${verdict}</h3>`);
    for (const text of contains) expect(rendered).toContain(text);
    for (const text of absent) expect(rendered).not.toContain(text);
    expect(resultOf(report)).toMatchObject(result);
  });

  it.each(rows)('the verdict line of $name is the summary headline', ({ report, verdict }) => {
    const plain = verdictLine(report).replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    expect(verdict).toContain(plain);
  });

  it('says which series were compared, escaped, in the details and the result', () => {
    const compared = report({ metricsSource: SERIES });
    const rendered = buildSummary(compared).render();
    expect(rendered).toContain(
      '<details><summary>Series compared</summary>\n\n<p>http_requests_total{namespace=&quot;shop&quot;,app=&quot;web&quot;} (matchers from Deployment web&#39;s selector): canary where track=&quot;canary&quot;, stable the rest</p>',
    );
    expect(resultOf(compared)).toMatchObject({ metricsSource: SERIES });
    const hostile = buildSummary(report({ metricsSource: `x{app="${HOSTILE}"}` })).render();
    expect(hostile).not.toContain('<img');
  });

  it('warns under the table when stable breaches a limit too, once per step', () => {
    const warning =
      "stable's 5xx 2.8% is above the 1% limit too (canary 3.0%): the service breaches its SLO, so the canary is judged only against stable";
    const warned = report({
      steps: [step(10, { warnings: [warning, warning] }), step(50)],
    });
    const rendered = buildSummary(warned).render();
    const shown = `⚠️ At 10%: ${warning.replaceAll("'", '&#39;')}.`;
    expect(rendered.split(shown)).toHaveLength(2);
    expect(rendered.indexOf('⚠️')).toBeGreaterThan(rendered.indexOf('<table'));
    expect(JSON.parse(stepsOutput(warned))[0]).toMatchObject({ warnings: [warning, warning] });
  });

  it('leaves steps without figures out of the chart and says so', () => {
    const rendered = buildSummary(
      report({
        steps: [
          step(10),
          step(25, { canary: stats(0, undefined, undefined) }),
          step(50),
          step(100),
        ],
      }),
    ).render();
    expect(rendered).toContain('x-axis "weight" ["10%", "50%", "100%"]');
    expect(rendered).toContain('1 step without figures for both tracks is left out');
  });

  it('keeps every key of the JSON outputs, with null for what is unknown', () => {
    const aborted = report({
      stableImage: undefined,
      namespace: undefined,
      cleanup: undefined,
      steps: [step(10, { pValue: undefined, reason: undefined })],
    });
    const json = JSON.parse(JSON.stringify(resultOf(aborted)));
    expect(Object.keys(json)).toEqual([
      'decision',
      'verdict',
      'reason',
      'cancelled',
      'mode',
      'traffic',
      'namespace',
      'cluster',
      'deployment',
      'container',
      'stableImage',
      'canaryImage',
      'canaryChange',
      'finalWeight',
      'durationMs',
      'detectionMs',
      'steps',
      'cleanup',
      'notes',
      'metricsSource',
    ]);
    expect(json).toMatchObject({
      namespace: null,
      cluster: null,
      stableImage: null,
      canaryChange: null,
      cleanup: null,
      metricsSource: null,
    });
    expect(JSON.parse(stepsOutput(aborted))).toEqual([
      {
        weight: 10,
        achievedWeight: 10,
        startedAt: '2025-05-01T10:00:00.000Z',
        durationMs: 62_000,
        canary: { requests: 400, errorRate: 0.001, p95Ms: 48 },
        stable: { requests: 3_600, errorRate: 0.002, p95Ms: 45 },
        pValue: null,
        checks: [],
        decision: 'passed',
        reason: null,
        warnings: [],
      },
    ]);
    expect(json.steps).toEqual(JSON.parse(stepsOutput(aborted)));
  });
});

describe('the cluster in the line under the verdict', () => {
  const lines = (rendered: string) => rendered.split('\n').filter((line) => line.trim() !== '');

  it.each([
    {
      name: 'context and API server',
      cluster: { context: 'eu-west', server: 'api.eu.example.com:6443' },
      phrase:
        '<code>web</code> in <code>shop</code> on cluster <code>eu-west</code> at <code>api.eu.example.com:6443</code>: ',
    },
    {
      name: 'an API server only',
      cluster: { context: undefined, server: 'api.eu.example.com' },
      phrase: '<code>web</code> in <code>shop</code> on <code>api.eu.example.com</code>: ',
    },
    {
      name: 'a hostile context, escaped',
      cluster: { context: HOSTILE, server: undefined },
      phrase: 'on cluster <code>&lt;img src=x onerror=alert(1)&gt;</code>: ',
    },
  ])('$name', ({ cluster, phrase }) => {
    const rendered = lines(buildSummary(report({ cluster })).render());
    expect(rendered[1]).toContain(phrase);
    expect(rendered.join('\n')).not.toContain('<img');
  });

  it('is in result, null when unknown', () => {
    const cluster = { context: 'eu-west', server: 'api.eu.example.com:6443' };
    expect(resultOf(report({ cluster }))).toMatchObject({
      cluster: {
        context: 'eu-west',
        server: 'api.eu.example.com:6443',
        name: 'eu-west (api.eu.example.com:6443)',
      },
    });
    expect(resultOf(report({}))).toMatchObject({ cluster: null });
  });
});

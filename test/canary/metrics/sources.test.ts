import { DEFAULT_APP_METRICS } from '../../../src/canary/metric-inputs.js';
import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/core/errors.js';
import { MetricsCollector } from '../../../src/canary/metrics/collector.js';
import {
  matchersFromLabelSelector,
  prometheusLabelName,
  regexQuote,
  seriesSourceFor,
  type LabelSelector,
  type SeriesSource,
  type SourceContext,
  type Track,
} from '../../../src/canary/metrics/sources.js';
import type { MetricNames } from '../../../src/canary/types.js';
import { ScrapedPrometheus } from '../../support/scraped-prometheus.js';

const APP: MetricNames = DEFAULT_APP_METRICS;

const CONTEXT: SourceContext = {
  namespace: 'prod',
  deployment: 'web',
  service: 'web-svc',
  traffic: 'nginx',
  route: 'web-ingress',
  stableSelector: { matchLabels: { app: 'web' } },
};

function source(preset: MetricNames['preset'], overrides: Partial<SourceContext> = {}) {
  return seriesSourceFor({ ...APP, preset }, { ...CONTEXT, ...overrides });
}

interface SeriesRow {
  preset: MetricNames['preset'];
  labels: Record<string, string>;
  track: Track | undefined;
  error: boolean;
}

/** One row per preset × series labels: which track the series counts for, and whether as a 5xx. */
const seriesRows: SeriesRow[] = [
  // app: the track label decides; everything the selector matched that is not canary is stable.
  { preset: 'app', labels: { track: 'canary', code: '200' }, track: 'canary', error: false },
  { preset: 'app', labels: { track: 'stable', code: '503' }, track: 'stable', error: true },
  { preset: 'app', labels: { code: '500' }, track: 'stable', error: true },
  { preset: 'app', labels: { track: 'canary', code: '404' }, track: 'canary', error: false },
  { preset: 'app', labels: { track: 'canary' }, track: 'canary', error: false },
  // istio: the destination workload is the Deployment.
  {
    preset: 'istio',
    labels: {
      destination_workload: 'web',
      destination_workload_namespace: 'prod',
      response_code: '200',
    },
    track: 'stable',
    error: false,
  },
  {
    preset: 'istio',
    labels: {
      destination_workload: 'web-canary',
      destination_workload_namespace: 'prod',
      response_code: '503',
    },
    track: 'canary',
    error: true,
  },
  {
    preset: 'istio',
    labels: {
      destination_workload: 'web-v2',
      destination_workload_namespace: 'prod',
      response_code: '200',
    },
    track: undefined,
    error: false,
  },
  {
    preset: 'istio',
    labels: {
      destination_workload: 'web',
      destination_workload_namespace: 'staging',
      response_code: '200',
    },
    track: undefined,
    error: false,
  },
  // nginx: the canary label holds the canary upstream; stable requests have none.
  {
    preset: 'nginx',
    labels: { ingress: 'web-ingress', service: 'web-svc', namespace: 'prod', status: '200' },
    track: 'stable',
    error: false,
  },
  {
    preset: 'nginx',
    labels: {
      ingress: 'web-ingress',
      service: 'web-svc',
      namespace: 'prod',
      canary: 'prod-web-svc-canary-80',
      status: '502',
    },
    track: 'canary',
    error: true,
  },
  {
    preset: 'nginx',
    labels: {
      ingress: 'web-ingress',
      service: 'web-svc',
      namespace: 'ingress-nginx',
      exported_namespace: 'prod',
      canary: 'prod-web-svc-canary-http',
      status: '5xx',
    },
    track: 'canary',
    error: true,
  },
  {
    preset: 'nginx',
    labels: {
      ingress: 'web-ingress',
      service: 'web-svc',
      namespace: 'ingress-nginx',
      exported_namespace: 'prod',
      status: '2xx',
    },
    track: 'stable',
    error: false,
  },
  {
    preset: 'nginx',
    labels: { ingress: 'web-ingress', service: 'web-svc', namespace: 'staging', status: '200' },
    track: undefined,
    error: false,
  },
  {
    preset: 'nginx',
    labels: {
      ingress: 'web-ingress',
      service: 'web-svc',
      namespace: 'prod',
      canary: 'prod-other-80',
      status: '200',
    },
    track: undefined,
    error: false,
  },
];

describe('series sources', () => {
  it.each(seriesRows)('$preset: $labels → $track', ({ preset, labels, track, error }) => {
    const chosen = source(preset);
    expect(chosen.trackOf(labels)).toBe(track);
    expect(chosen.isError(labels)).toBe(error);
  });

  it.each([
    { preset: 'app', leSeconds: 1 },
    { preset: 'istio', leSeconds: 0.001 },
    { preset: 'nginx', leSeconds: 1 },
  ] as const)('$preset histograms count le in units of $leSeconds s', ({ preset, leSeconds }) => {
    expect(source(preset).leSeconds).toBe(leSeconds);
  });

  it.each<{
    name: string;
    names?: Partial<MetricNames>;
    context?: Partial<SourceContext>;
    expected: Partial<SeriesSource>;
  }>([
    {
      name: 'app: the stable Deployment selector picks the series',
      expected: {
        requestSelector: 'http_requests_total{namespace="prod",app="web"}',
        latencySelector: 'http_request_duration_seconds_bucket{namespace="prod",app="web"}',
        description:
          'http_requests_total{namespace="prod",app="web"} (matchers from Deployment web\'s selector): canary where track="canary", stable the rest',
      },
    },
    {
      name: 'app: metrics-selector wins over the Deployment',
      names: { selector: 'job="pods",app=~"web|api"' },
      expected: {
        requestSelector: 'http_requests_total{namespace="prod",job="pods",app=~"web|api"}',
        description:
          'http_requests_total{namespace="prod",job="pods",app=~"web|api"} (matchers from metrics-selector): canary where track="canary", stable the rest',
      },
    },
    {
      name: 'app: other label names for namespace and track',
      names: {
        namespaceLabel: 'kubernetes_namespace',
        trackLabel: 'variant',
        requestMetric: 'http_server_requests_total',
        latencyMetric: 'http_server_duration_seconds',
      },
      context: {
        stableSelector: { matchLabels: { app: 'web', variant: 'stable', track: 'stable' } },
      },
      expected: {
        requestSelector: 'http_server_requests_total{kubernetes_namespace="prod",app="web"}',
        latencySelector:
          'http_server_duration_seconds_bucket{kubernetes_namespace="prod",app="web"}',
        warnings: [
          "The label 'variant' (the action selects variant itself) of Deployment web's selector is not used to select its metrics.",
        ],
      },
    },
    {
      name: 'app: a selector on the track only leaves the namespace, with a warning',
      context: { stableSelector: { matchLabels: { track: 'stable' } } },
      expected: {
        requestSelector: 'http_requests_total{namespace="prod"}',
        warnings: [
          'Deployment web\'s selector gave no label to select its metrics by, so every series in namespace prod that is not the canary counts as stable; set metrics-selector (e.g. app="web") to narrow it.',
        ],
      },
    },
    {
      name: 'app: without the Deployment, the namespace',
      context: { stableSelector: undefined },
      expected: {
        requestSelector: 'http_requests_total{namespace="prod"}',
        description:
          'http_requests_total{namespace="prod"} (the whole namespace): canary where track="canary", stable the rest',
      },
    },
    {
      name: 'istio: both workloads by name, reported by their own proxies',
      names: { preset: 'istio' },
      expected: {
        requestSelector:
          'istio_requests_total{reporter="destination",destination_workload_namespace="prod",destination_workload=~"web|web-canary"}',
        latencySelector:
          'istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="prod",destination_workload=~"web|web-canary"}',
        description:
          'istio_requests_total{reporter="destination",destination_workload_namespace="prod",destination_workload=~"web|web-canary"}: canary where destination_workload="web-canary", stable where destination_workload="web"',
      },
    },
    {
      name: 'istio: a dot in the Deployment name is literal in the regex',
      context: { deployment: 'web.v2' },
      names: { preset: 'istio', selector: 'source_workload_namespace="frontend"' },
      expected: {
        requestSelector:
          'istio_requests_total{reporter="destination",destination_workload_namespace="prod",destination_workload=~"web\\\\.v2|web\\\\.v2-canary",source_workload_namespace="frontend"}',
      },
    },
    {
      name: 'istio: a reporter matcher replaces reporter="destination"',
      names: { preset: 'istio', selector: 'reporter="source"' },
      expected: {
        requestSelector:
          'istio_requests_total{destination_workload_namespace="prod",destination_workload=~"web|web-canary",reporter="source"}',
      },
    },
    {
      name: 'nginx: the Ingress and the stable Service',
      names: { preset: 'nginx', selector: 'host="web.example.com"' },
      expected: {
        requestSelector:
          'nginx_ingress_controller_requests{ingress="web-ingress",service="web-svc",host="web.example.com"}',
        latencySelector:
          'nginx_ingress_controller_response_duration_seconds_bucket{ingress="web-ingress",service="web-svc",host="web.example.com"}',
        description:
          'nginx_ingress_controller_requests{ingress="web-ingress",service="web-svc",host="web.example.com"} of namespace prod: canary where canary="prod-web-svc-canary-<port>", stable where canary is empty',
      },
    },
  ])('$name', ({ names = {}, context = {}, expected }) => {
    const chosen = seriesSourceFor({ ...APP, ...names }, { ...CONTEXT, ...context });
    expect(chosen).toMatchObject(expected);
    if (!('warnings' in expected)) expect(chosen.warnings).toBeUndefined();
  });

  it.each([
    { traffic: 'gateway-api', route: 'web' },
    { traffic: 'replicas', route: undefined },
    { traffic: 'nginx', route: undefined },
  ] as const)('nginx refuses traffic $traffic with route $route', ({ traffic, route }) => {
    expect(() => source('nginx', { traffic, route })).toThrow(ActionError);
    expect(() => source('nginx', { traffic, route })).toThrow(/traffic: nginx/);
  });

  it('app with no preset set, as settings read before presets existed', () => {
    const chosen = seriesSourceFor({ ...APP, preset: undefined }, CONTEXT);
    expect(chosen.requestSelector).toBe('http_requests_total{namespace="prod",app="web"}');
  });

  it('escapes label values inside PromQL strings', () => {
    const chosen = source('app', {
      namespace: 'a"b\\c\n',
      stableSelector: { matchLabels: { app: 'we"b' } },
    });
    expect(chosen.requestSelector).toBe(
      'http_requests_total{namespace="a\\"b\\\\c\\n",app="we\\"b"}',
    );
  });
});

describe('matchers from a Deployment selector', () => {
  const reserved = { keys: ['track'], labels: ['track', 'namespace'] };

  it.each<{ name: string; selector: LabelSelector; matchers: string[]; skipped?: string[] }>([
    { name: 'matchLabels', selector: { matchLabels: { app: 'web' } }, matchers: ['app="web"'] },
    {
      name: 'Kubernetes keys become the names labelmap gives them',
      selector: {
        matchLabels: {
          'app.kubernetes.io/name': 'web',
          'app.kubernetes.io/part-of': 'shop',
          'example.com/team_name': 'a',
        },
      },
      matchers: [
        'app_kubernetes_io_name="web"',
        'app_kubernetes_io_part_of="shop"',
        'example_com_team_name="a"',
      ],
    },
    {
      name: 'In with several values, with regex characters quoted',
      selector: {
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'edge.v1'] }],
      },
      matchers: ['tier=~"api|edge\\\\.v1"'],
    },
    {
      name: 'In and NotIn with one value are plain equality',
      selector: {
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['api'] },
          { key: 'env', operator: 'NotIn', values: ['test'] },
        ],
      },
      matchers: ['tier="api"', 'env!="test"'],
    },
    {
      name: 'NotIn, Exists and DoesNotExist',
      selector: {
        matchExpressions: [
          { key: 'env', operator: 'NotIn', values: ['test', 'dev'] },
          { key: 'app.kubernetes.io/version', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      matchers: ['env!~"test|dev"', 'app_kubernetes_io_version!=""', 'legacy=""'],
    },
    {
      name: "the track key is the action's own, even in expressions",
      selector: {
        matchLabels: { app: 'web', track: 'stable' },
        matchExpressions: [{ key: 'track', operator: 'In', values: ['stable', 'canary'] }],
      },
      matchers: ['app="web"'],
    },
    {
      name: "keys that collide with the action's labels or are no label names are skipped",
      selector: {
        matchLabels: { app: 'web', namespace: 'x', '1password.com/vault': 'v' },
        matchExpressions: [{ key: 'tier', operator: 'Near', values: ['api'] }],
      },
      matchers: ['app="web"'],
      skipped: [
        "'namespace' (the action selects namespace itself)",
        "'1password.com/vault' (1password_com_vault is not a Prometheus label name)",
        "'tier' (unknown operator Near)",
      ],
    },
    {
      name: 'the same matcher twice is written once',
      selector: {
        matchLabels: { 'app.kubernetes.io/name': 'web' },
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web'] }],
      },
      matchers: ['app_kubernetes_io_name="web"'],
    },
    {
      name: 'label values are PromQL-escaped',
      selector: { matchLabels: { app: 'a"b\\' } },
      matchers: ['app="a\\"b\\\\"'],
    },
  ])('$name', ({ selector, matchers, skipped = [] }) => {
    expect(matchersFromLabelSelector(selector, reserved)).toEqual({ matchers, skipped });
  });

  it.each([
    ['app', 'app'],
    ['app.kubernetes.io/name', 'app_kubernetes_io_name'],
    ['example.com/a-b.c', 'example_com_a_b_c'],
    ['UPPER_case9', 'UPPER_case9'],
  ])('%s becomes %s', (key, name) => {
    expect(prometheusLabelName(key)).toBe(name);
  });

  it('quotes every RE2 metacharacter', () => {
    const special = 'a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o';
    expect(regexQuote(special)).toBe('a\\.b\\*c\\+d\\?e\\(f\\)g\\[h\\]i\\{j\\}k\\|l\\^m\\$n\\\\o');
    expect(new RegExp(`^${regexQuote(special)}$`).test(special)).toBe(true);
  });
});

describe('series sources read by the collector', () => {
  /** Two reads ten seconds apart over series that each grow by `perSecond` × 10. */
  async function counted(
    chosen: SeriesSource,
    series: Array<{ labels: Record<string, string>; perSecond: number }>,
  ) {
    const prometheus = new ScrapedPrometheus();
    for (const at of [0, 10]) {
      for (const { labels, perSecond } of series) prometheus.record(labels, at, perSecond * at);
    }
    const clock = { seconds: 0 };
    const collector = new MetricsCollector(prometheus, chosen, {
      checkIntervalMs: 10_000,
      now: () => clock.seconds * 1000,
    });
    await collector.read();
    clock.seconds = 10;
    return collector.read();
  }

  it("keeps a busier neighbour in the namespace out of stable by the Deployment's selector", async () => {
    // As the e2e environment labels them: {namespace, app: <service>, track}, and a neighbour.
    const requests = (labels: Record<string, string>) => ({
      __name__: 'http_requests_total',
      namespace: 'prod',
      code: '200',
      ...labels,
    });
    const observation = await counted(source('app'), [
      { labels: requests({ app: 'web', track: 'stable', pod: 's' }), perSecond: 9 },
      { labels: requests({ app: 'web', track: 'canary', pod: 'c' }), perSecond: 1 },
      { labels: requests({ app: 'billing', pod: 'b' }), perSecond: 30 },
      {
        labels: { ...requests({ app: 'web', track: 'stable' }), namespace: 'staging' },
        perSecond: 5,
      },
    ]);
    expect(observation.stable.requests).toBe(90);
    expect(observation.canary.requests).toBe(10);
  });

  it('reads Istio durations in milliseconds as seconds', async () => {
    const bucket = (workload: string, le: string) => ({
      __name__: 'istio_request_duration_milliseconds_bucket',
      reporter: 'destination',
      destination_workload: workload,
      destination_workload_namespace: 'prod',
      le,
    });
    const observation = await counted(source('istio'), [
      { labels: bucket('web-canary', '25'), perSecond: 4 },
      { labels: bucket('web-canary', '100'), perSecond: 5 },
      { labels: bucket('web-canary', '+Inf'), perSecond: 5 },
      { labels: bucket('web', '25'), perSecond: 9 },
      { labels: bucket('web', '+Inf'), perSecond: 9 },
      { labels: bucket('other', '+Inf'), perSecond: 100 },
    ]);
    expect(observation.canary.buckets).toEqual([
      { le: 0.025, count: 40 },
      { le: 0.1, count: 50 },
    ]);
    expect(observation.canary.latencyCount).toBe(50);
    expect(observation.stable.latencyCount).toBe(90);
  });

  it('counts the requests nginx sent to the canary upstream as the canary', async () => {
    const requests = (labels: Record<string, string>) => ({
      __name__: 'nginx_ingress_controller_requests',
      ingress: 'web-ingress',
      service: 'web-svc',
      namespace: 'ingress-nginx',
      exported_namespace: 'prod',
      ...labels,
    });
    const observation = await counted(source('nginx'), [
      { labels: requests({ status: '200' }), perSecond: 8 },
      { labels: requests({ status: '503' }), perSecond: 1 },
      { labels: requests({ status: '200', canary: 'prod-web-svc-canary-80' }), perSecond: 2 },
      { labels: requests({ status: '500', service: 'api' }), perSecond: 50 },
    ]);
    expect(observation.stable).toMatchObject({ requests: 90, errors: 10 });
    expect(observation.canary).toMatchObject({ requests: 20, errors: 0 });
  });
});

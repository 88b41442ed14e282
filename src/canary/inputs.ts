/**
 * Every input of the canary action, read and checked up front into one Settings object, so a
 * typo fails the step before a single canary pod exists or a request is shifted.
 */
import * as core from '@actions/core';
import { formatDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';
import {
  readBoolean,
  readDuration,
  readEnum,
  readInteger,
  readKubeconfigInputs,
  readKubernetesName,
  readList,
  readNumber,
  readString,
  readUrl,
  readYaml,
} from '../core/inputs.js';
import type { KubernetesNameRule } from '../core/kubernetes-name.js';
import { registerSecret } from '../core/secrets.js';
import {
  CHECKS_EXAMPLE,
  checkPauseAt,
  checksProblem,
  credentialPart,
  parseErrorRate,
  parseHeaders,
  parseLatency,
  parseSteps,
  toChecks,
} from './input-grammar.js';
import { readNoticeInputs } from '../core/notice-inputs.js';
import { readLoadTest } from './load-test-input.js';
import { readMargins, readWarmUp } from './margin-input.js';
import { routeKind, TRAFFIC_MODES, usesRoute } from './cluster/traffic/traffic-modes.js';
import { readMetricNames } from './metric-inputs.js';
import { readCanarySource } from './source-input.js';
import { CANARY_SUFFIX, roomForSuffix } from './names.js';
import type { CanaryMode, PrometheusSettings, Settings, TrafficMode } from './types.js';

const MODES: readonly CanaryMode[] = ['auto', 'start', 'promote', 'abort'];

interface NameRule extends KubernetesNameRule {
  what: string;
  example: string;
}

export async function readSettings(): Promise<Settings> {
  const mode = readEnum('mode', MODES, 'auto');
  const traffic = readEnum('traffic', TRAFFIC_MODES, 'replicas');
  const steps = parseSteps(readList('steps'));
  const intervalMs = readDuration('interval', {
    default: '60s',
    minMs: 1_000,
    maxMs: 6 * 3_600_000,
  });
  const needed = mode !== 'abort';
  return {
    ...(await readKubeconfigInputs('production')),
    namespace: readName('namespace', false, {
      kind: 'label',
      what: 'a namespace name',
      example: 'production',
    }),
    // The name is also a label value on the canary objects, and label values stop at 63.
    deployment: readName('deployment', true, {
      kind: 'subdomain',
      maxLength: 63,
      what: 'a Deployment name',
      example: 'web',
    }) as string,
    container: readName('container', false, {
      kind: 'label',
      what: 'a container name',
      example: 'web',
    }),
    ...readCanarySource(needed),
    service: readName('service', needed, {
      kind: 'label-1035',
      maxLength: roomForSuffix(63),
      what: `a Service name short enough to take the '${CANARY_SUFFIX}' suffix`,
      example: 'web',
    }),
    mode,
    pauseAt: readPauseAt(mode, steps),
    traffic,
    route: readRoute(traffic),
    steps,
    intervalMs,
    ...readChecking(intervalMs),
    minRequests: readInteger('min-requests', { default: 100, min: 0 }),
    prometheus: readPrometheus(needed),
    maxErrorRate: parseErrorRate(readString('max-error-rate', { default: '1%' }) as string),
    maxLatencyP95Ms: parseLatency(readString('max-latency-p95', { default: '100ms' }) as string),
    metrics: readMetricNames(traffic),
    checks: toChecks(await readYaml('checks', { example: CHECKS_EXAMPLE, check: checksProblem })),
    loadTest: readLoadTest(mode),
    alpha: readAlpha(),
    warmUpMs: readWarmUp(intervalMs),
    ...readMargins(),
    timeoutMs: readDuration('timeout', { default: '5m', minMs: 1_000, maxMs: 6 * 3_600_000 }),
    recoveryTimeoutMs: readDuration('recovery-timeout', {
      default: '5m',
      minMs: 1_000,
      maxMs: 6 * 3_600_000,
    }),
    leaseMs: readDuration('lease', { default: '2m', minMs: 10_000, maxMs: 3_600_000 }),
    onStale: readEnum('on-stale', ON_STALE, 'abort'),
    force: readModeFlag('force', mode, ['promote', 'abort']),
    staleOnly: readModeFlag('stale-only', mode, ['abort']),
    // A GitHub Deployment and a webhook notice per decision, as rollout records them.
    ...readNoticeInputs('production'),
  };
}

const ON_STALE = ['abort', 'fail'] as const;

/** A true/false input that only some modes read; set with another mode it is said to do nothing. */
function readModeFlag(name: string, mode: CanaryMode, modes: readonly CanaryMode[]): boolean {
  const value = readBoolean(name, false);
  if (value && !modes.includes(mode)) {
    core.warning(
      `Input '${name}' is used only with mode: ${modes.join(' or ')}; mode ${mode} ignores it.`,
    );
  }
  return value;
}

function readName(name: string, required: boolean, rule: NameRule): string | undefined {
  return readKubernetesName(name, { ...rule, required });
}

function readPauseAt(mode: CanaryMode, steps: readonly number[]): number {
  const given = readString('pause-at', { example: String(steps[0]) })?.trim();
  if (!given) return steps[0];
  if (!/^\d+%?$/.test(given)) {
    throw new InputError(
      'pause-at',
      `must be a whole percentage, got '${given}'.`,
      String(steps[0]),
    );
  }
  const pauseAt = checkPauseAt(Number(given.replace(/%$/, '')), steps);
  if (mode !== 'start') {
    core.warning(`Input 'pause-at' is used only with mode: start; mode ${mode} ignores it.`);
  }
  return pauseAt;
}

function readRoute(traffic: TrafficMode): string | undefined {
  const route = readName('route', false, {
    kind: 'subdomain',
    maxLength: roomForSuffix(253),
    what: 'the name of a route object',
    example: 'web',
  });
  if (!usesRoute(traffic) && route !== undefined) {
    throw new InputError(
      'route',
      'is only for traffic gateway-api, nginx or istio; traffic replicas splits by pod counts behind the stable Service and writes no route. Remove route, or set traffic.',
      'gateway-api',
    );
  }
  if (usesRoute(traffic) && route === undefined) {
    throw new InputError(
      'route',
      `is required with traffic ${traffic}: name the ${routeKind(traffic)} that sends traffic to the service.`,
      'web',
    );
  }
  return route;
}

function readChecking(intervalMs: number): Pick<Settings, 'checkIntervalMs' | 'stepTimeoutMs'> {
  const checkIntervalMs = readDuration('check-interval', { default: '10s', minMs: 1_000 });
  if (checkIntervalMs > intervalMs) {
    throw new InputError(
      'check-interval',
      `must be at most interval (${formatDuration(intervalMs)}), or a step would end before its first check; got ${formatDuration(checkIntervalMs)}.`,
      formatDuration(Math.max(1_000, Math.floor(intervalMs / 6_000) * 1_000)),
    );
  }
  const defaultTimeout = formatDuration(5 * intervalMs);
  const stepTimeoutMs = readString('step-timeout')?.trim()
    ? readDuration('step-timeout', { default: defaultTimeout })
    : 5 * intervalMs;
  if (stepTimeoutMs < intervalMs) {
    throw new InputError(
      'step-timeout',
      `must be at least interval (${formatDuration(intervalMs)}), since a step lasts that long; got ${formatDuration(stepTimeoutMs)}.`,
      defaultTimeout,
    );
  }
  return { checkIntervalMs, stepTimeoutMs };
}

function readPrometheus(required: boolean): PrometheusSettings | undefined {
  const example = 'http://prometheus.monitoring:9090';
  const url = readUrl('prometheus-url', {
    example,
    required,
    requiredProblem: 'is required: the canary is judged on what Prometheus reports.',
  });
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  // Basic-auth credentials in the URL are as secret as an Authorization header.
  registerSecret(parsed.password);
  registerSecret(safeDecode(parsed.password));
  const headers = parseHeaders(readList('prometheus-headers', { commas: false }));
  for (const value of headers.values()) {
    registerSecret(value);
    registerSecret(credentialPart(value));
  }
  return { url: url.replace(/\/+$/, ''), headers };
}

function readAlpha(): number {
  const alpha = readNumber('alpha', { min: 0, max: 0.5, example: '0.01' }) ?? 0.01;
  if (alpha === 0) {
    throw new InputError(
      'alpha',
      'must be above 0: with 0 the comparison with stable could never find the canary worse.',
      '0.01',
    );
  }
  return alpha;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The grammars of the canary's own inputs (Prometheus names; Kubernetes names, image references
 * and URLs are core's) and pure
 * parsers for those that are our own (steps, error rates, latencies, headers, custom checks). Each returns the value or throws InputError naming the input, so
 * inputs.ts only wires them to core.getInput.
 */
import { parseDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';
import type { CustomCheck } from './types.js';

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const DEFAULT_STEPS = [10, 25, 50, 75, 100];

/** `10,25,50,75,100`: whole percentages, increasing, ending at 100 where promotion starts. */
export function parseSteps(items: readonly string[]): number[] {
  const example = DEFAULT_STEPS.join(',');
  if (items.length === 0) return [...DEFAULT_STEPS];
  const steps = items.map((item) => {
    const value = item.replace(/%$/, '');
    if (!/^\d+$/.test(value)) {
      throw new InputError('steps', `must be whole percentages, got '${item}'.`, example);
    }
    const weight = Number(value);
    if (weight < 1 || weight > 100) {
      throw new InputError('steps', `must each be between 1 and 100, got ${weight}.`, example);
    }
    return weight;
  });
  for (let index = 1; index < steps.length; index++) {
    if (steps[index] <= steps[index - 1]) {
      throw new InputError(
        'steps',
        `must increase, but ${steps[index]} follows ${steps[index - 1]}.`,
        example,
      );
    }
  }
  if (steps[steps.length - 1] !== 100) {
    throw new InputError(
      'steps',
      `must end with 100, the step that judges the canary with all traffic before promotion; got ${steps.join(',')}.`,
      `${steps.join(',')},100`,
    );
  }
  return steps;
}

/** 0 (canary without traffic) or a step below 100; 100 would be a promotion without a gate. */
export function checkPauseAt(pauseAt: number, steps: readonly number[]): number {
  const allowed = [0, ...steps.filter((weight) => weight < 100)];
  if (!allowed.includes(pauseAt)) {
    throw new InputError(
      'pause-at',
      `must be 0 or one of the steps below 100 (${allowed.join(', ')}), got ${pauseAt}.`,
      String(allowed[1] ?? 0),
    );
  }
  return pauseAt;
}

/** `1%` or `0.01`, strictly between 0 and 1. */
export function parseErrorRate(text: string): number {
  const value = text.trim();
  const example = '1%';
  const percent = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(value);
  const fraction = /^(\d+(?:\.\d+)?|\.\d+)$/.exec(value);
  if (!percent && !fraction) {
    throw new InputError(
      'max-error-rate',
      `must be a percentage such as 1% or a fraction such as 0.01, got '${text}'.`,
      example,
    );
  }
  const rate = percent ? Number(percent[1]) / 100 : Number(value);
  if (fraction && rate >= 1) {
    throw new InputError(
      'max-error-rate',
      `is a fraction of requests, so ${value} would allow every request to fail; write '${value}%' for ${value} percent.`,
      example,
    );
  }
  if (!(rate > 0 && rate < 1)) {
    throw new InputError(
      'max-error-rate',
      `must be above 0% and below 100%, got '${text}'.`,
      example,
    );
  }
  return rate;
}

/** `100ms`, `0.25s` or anything parseDuration takes; returns milliseconds above 0. */
export function parseLatency(text: string): number {
  const value = text.trim().toLowerCase();
  const decimal = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m)$/.exec(value);
  const unit = { ms: 1, s: 1_000, m: 60_000 } as const;
  const ms = decimal
    ? Number(decimal[1]) * unit[decimal[2] as keyof typeof unit]
    : parseDuration(value);
  if (ms === undefined) {
    const bare = /^\d+(\.\d+)?$/.test(value)
      ? ` A bare number has no unit: write '${value}ms'.`
      : '';
    throw new InputError(
      'max-latency-p95',
      `must be a duration such as 100ms or 0.25s, got '${text}'.${bare}`,
      '100ms',
    );
  }
  if (!(ms > 0))
    throw new InputError('max-latency-p95', `must be above 0, got '${text}'.`, '100ms');
  return ms;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADERS_EXAMPLE = 'Authorization: Bearer ${{ secrets.PROMETHEUS_TOKEN }}';

/** `Name: value` lines; a header repeated (in any letter case) is refused, not merged. */
export function parseHeaders(lines: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name) || value === '') {
      // The line may hold a credential, so it is not repeated in the message.
      throw new InputError(
        'prometheus-headers',
        `has a line that is not 'Name: value' (header ${index + 1}).`,
        HEADERS_EXAMPLE,
      );
    }
    if (seen.has(name.toLowerCase())) {
      throw new InputError('prometheus-headers', `sets '${name}' more than once.`, HEADERS_EXAMPLE);
    }
    seen.add(name.toLowerCase());
    headers.set(name, value);
  }
  return headers;
}

/** The credential inside `Bearer abc` or `Basic abc`, which travels and leaks on its own. */
export function credentialPart(headerValue: string): string | undefined {
  const match = /^[A-Za-z][\w-]*\s+(\S+)$/.exec(headerValue.trim());
  return match?.[1];
}

export const CHECKS_EXAMPLE = [
  '- name: p99-latency',
  '  query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="{{namespace}}", track="{{track}}"}[{{interval}}])))',
  '  max: 0.25',
].join('\n');

const CHECK_KEYS = ['name', 'query', 'min', 'max'];
const PLACEHOLDERS = ['namespace', 'track', 'interval'];

/** Returns a problem for readYaml, or undefined when the value is a valid `checks` list. */
export function checksProblem(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value)) return 'must be a YAML list of checks, each with name and query.';
  const names = new Set<string>();
  for (const [index, item] of value.entries()) {
    const where = `item ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return `has ${where} that is not a mapping with name, query, min and max.`;
    }
    const entry = item as Record<string, unknown>;
    const unknownKey = Object.keys(entry).find((key) => !CHECK_KEYS.includes(key));
    if (unknownKey) {
      return `has ${where} with an unknown key '${unknownKey}'; a check has ${CHECK_KEYS.join(', ')}.`;
    }
    const name = entry.name;
    if (typeof name !== 'string' || !/^[^\r\n]+$/.test(name.trim())) {
      return `has ${where} without a name (one line of text).`;
    }
    if (names.has(name.trim())) return `names '${name.trim()}' more than once.`;
    names.add(name.trim());
    if (typeof entry.query !== 'string' || entry.query.trim() === '') {
      return `has check '${name}' without a query.`;
    }
    const unknownPlaceholder = [...entry.query.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)]
      .map((match) => match[1])
      .find((placeholder) => !PLACEHOLDERS.includes(placeholder));
    if (unknownPlaceholder !== undefined) {
      return `has check '${name}' with an unknown placeholder {{${unknownPlaceholder}}}; use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}.`;
    }
    for (const bound of ['min', 'max'] as const) {
      const limit = entry[bound];
      if (
        limit !== undefined &&
        limit !== null &&
        !(typeof limit === 'number' && isFinite(limit))
      ) {
        return `has check '${name}' whose ${bound} is not a number.`;
      }
    }
    if (!isNumber(entry.min) && !isNumber(entry.max)) {
      return `has check '${name}' without min or max, so it could never fail.`;
    }
    if (isNumber(entry.min) && isNumber(entry.max) && entry.min > entry.max) {
      return `has check '${name}' whose min ${entry.min} is above its max ${entry.max}.`;
    }
  }
  return undefined;
}

/** Converts a list that checksProblem accepted. */
export function toChecks(value: unknown): CustomCheck[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: Record<string, unknown>) => ({
    name: String(item.name).trim(),
    query: String(item.query).trim(),
    min: isNumber(item.min) ? item.min : undefined,
    max: isNumber(item.max) ? item.max : undefined,
  }));
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && isFinite(value);
}

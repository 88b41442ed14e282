/**
 * How the canary's figures read in the verdict, the table and the charts: one place, so the same
 * error rate never shows as 0.4% in one and 0.004 in the other.
 */
import { formatDuration } from '../core/duration.js';
import type { StepRecord, WindowStats } from './types.js';
import { groupDigits } from '../core/numbers.js';

export const NO_VALUE = '—';

/** 0.048 -> `4.8%`, 0.0004 -> `0.04%`; small rates keep a digit that is not zero. */
export function percent(rate: number | undefined): string {
  if (rate === undefined || !Number.isFinite(rate)) return NO_VALUE;
  const value = rate * 100;
  if (value === 0) return '0%';
  const digits = value >= 10 ? 0 : value >= 0.1 ? 1 : 2;
  return `${Number(value.toFixed(digits))}%`;
}

export function latency(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return NO_VALUE;
  if (ms >= 1_000) return `${Number((ms / 1_000).toFixed(2))}s`;
  return `${Number(ms.toFixed(ms < 10 ? 1 : 0))}ms`;
}

export function count(value: number): string {
  return groupDigits(value);
}

/** Anytime-valid p-values are reported down to 0.001; smaller ones say only that. */
export function pValue(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return NO_VALUE;
  if (p < 0.001) return '< 0.001';
  return String(Number(p.toFixed(3)));
}

/** `5m 12s`: formatDuration with a space between units, easier to read in a sentence. */
export function duration(ms: number): string {
  return formatDuration(ms).replace(/([a-z])(?=\d)/g, '$1 ');
}

/** `25%`, or `10% (achieved 25%)` where pod counts could not give the weight asked for. */
export function weight(step: StepRecord): string {
  return step.achievedWeight === step.weight
    ? `${step.weight}%`
    : `${step.weight}% (achieved ${step.achievedWeight}%)`;
}

/** `canary 5xx 0.1% vs stable 0.2%, p95 48ms vs 45ms over 1,204 canary requests`. */
export function comparison(canary: WindowStats, stable: WindowStats): string {
  if (canary.requests === 0) return 'no canary requests yet';
  return (
    `canary 5xx ${percent(canary.errorRate)} vs stable ${percent(stable.errorRate)}, ` +
    `p95 ${latency(canary.p95Ms)} vs ${latency(stable.p95Ms)} ` +
    `over ${count(canary.requests)} canary requests`
  );
}

const PALETTE = { canary: '#d1242f', stable: '#0969da' };

/**
 * A Mermaid xychart of one figure for both tracks over the steps. xychart-beta has no legend, so
 * the colours are fixed and named in the title. Steps without a value for either track are left
 * out rather than drawn as 0, which would look like a perfect canary.
 */
export function stepChart(
  steps: readonly StepRecord[],
  figure: { title: string; axis: string; value: (stats: WindowStats) => number | undefined },
): { source: string; omitted: number } | undefined {
  const points = steps
    .map((step) => ({
      label: `${step.achievedWeight}%`,
      canary: figure.value(step.canary),
      stable: figure.value(step.stable),
    }))
    .filter(
      (point): point is { label: string; canary: number; stable: number } =>
        isFiniteNumber(point.canary) && isFiniteNumber(point.stable),
    );
  // One point draws no line; the table already says everything about a single step.
  if (points.length < 2) return undefined;
  const top = niceCeiling(Math.max(...points.flatMap((point) => [point.canary, point.stable])));
  const series = (values: number[]) => `[${values.map((value) => round(value)).join(', ')}]`;
  const source = [
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${PALETTE.canary}, ${PALETTE.stable}"}}}}%%`,
    'xychart-beta',
    `  title "${figure.title}: canary (red) vs stable (blue)"`,
    `  x-axis "weight" [${points.map((point) => `"${point.label}"`).join(', ')}]`,
    `  y-axis "${figure.axis}" 0 --> ${top}`,
    `  line ${series(points.map((point) => point.canary))}`,
    `  line ${series(points.map((point) => point.stable))}`,
  ].join('\n');
  return { source, omitted: steps.length - points.length };
}

function isFiniteNumber(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}

function round(value: number): number {
  return Number(value.toFixed(3));
}

/** The next 1, 2 or 5 × 10^k above the value, so the axis ends on a round number. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10, 20].find((factor) => factor * magnitude >= value * 1.1) ?? 20;
  return round(step * magnitude);
}

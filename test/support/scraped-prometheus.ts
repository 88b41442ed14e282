/**
 * Prometheus' storage in memory: series of timestamped samples, as scrapes write them, answering
 * a range-vector selector evaluated at an instant the way GET /api/v1/query?query=sel[r]&time=t
 * does (every sample in (t − r, t], oldest first). It lets the judge's tests and benchmarks play
 * scrape timing — pods scraped at different moments, late scrapes, restarts — without a server.
 */
import type { SeriesSamples } from '../../src/canary/metrics/prometheus.js';

interface StoredSeries {
  labels: Record<string, string>;
  at: number[];
  values: number[];
}

type Matcher = (labels: Record<string, string>) => boolean;

const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")\s*,?/y;

export class ScrapedPrometheus {
  private readonly stored = new Map<string, StoredSeries>();
  private readonly parsed = new Map<string, Matcher>();

  /** Appends one sample; `labels` includes __name__. */
  record(labels: Record<string, string>, atSeconds: number, value: number): void {
    const key = JSON.stringify(Object.entries(labels).sort());
    let series = this.stored.get(key);
    if (!series) {
      series = { labels, at: [], values: [] };
      this.stored.set(key, series);
    }
    series.at.push(atSeconds);
    series.values.push(value);
  }

  series(selector: string, rangeSeconds: number, atSeconds: number): Promise<SeriesSamples[]> {
    const matches = this.matcher(selector);
    const answer: SeriesSamples[] = [];
    for (const series of this.stored.values()) {
      if (!matches(series.labels)) continue;
      const from = firstAfter(series.at, atSeconds - rangeSeconds);
      const points = [];
      for (let i = from; i < series.at.length && series.at[i] <= atSeconds; i += 1) {
        points.push({ atSeconds: series.at[i], value: series.values[i] });
      }
      if (points.length > 0) answer.push({ labels: { ...series.labels }, points });
    }
    return Promise.resolve(answer);
  }

  private matcher(selector: string): Matcher {
    let matcher = this.parsed.get(selector);
    if (!matcher) {
      matcher = parseSelector(selector);
      this.parsed.set(selector, matcher);
    }
    return matcher;
  }
}

function parseSelector(selector: string): Matcher {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?\{(.*)\}$/s.exec(selector.trim());
  if (!match) throw new Error(`not a series selector: ${selector}`);
  const [, name, body] = match;
  const tests: Matcher[] = name ? [(labels) => labels.__name__ === name] : [];
  for (let at = 0; at < body.length;) {
    MATCHER.lastIndex = at;
    const found = MATCHER.exec(body);
    if (!found) throw new Error(`cannot read matchers at '${body.slice(at)}' in ${selector}`);
    const [, label, op, quoted] = found;
    const value = JSON.parse(quoted) as string;
    const pattern = new RegExp(`^(?:${value})$`);
    tests.push((labels) => {
      const actual = labels[label] ?? '';
      if (op === '=') return actual === value;
      if (op === '!=') return actual !== value;
      if (op === '=~') return pattern.test(actual);
      return !pattern.test(actual);
    });
    at = MATCHER.lastIndex;
  }
  return (labels) => tests.every((test) => test(labels));
}

/** The index of the first time strictly after `after`. */
function firstAfter(times: readonly number[], after: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle] <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

import type { Track } from './sources.js';
import type { SeriesRole } from './collector.js';

interface Point {
  at: number;
  value: number;
}

/** Gaps remembered for the scrape interval. */
const GAPS_KEPT = 5;

/**
 * One counter series' samples, corrected for restarts (a drop means the process counted again
 * from zero), read at any instant by linear interpolation between the samples around it.
 */
export class SeriesCounter {
  /** Restart-corrected, oldest first; only what later instants can still need is kept. */
  private points: Point[] = [];
  private lastRaw: number | undefined;
  private offset = 0;
  private readonly gaps: number[] = [];
  private alignedValue: number | undefined;

  constructor(
    readonly track: Track,
    readonly role: SeriesRole,
    /** The series began at zero after the last aligned instant (see the collector). */
    private readonly bornAtZero = false,
  ) {}

  /** Takes a range's samples, oldest first; samples already seen are skipped. */
  add(samples: readonly { atSeconds: number; value: number }[]): void {
    for (const { atSeconds: at, value: raw } of samples) {
      const newest = this.points.at(-1);
      if (newest !== undefined && at <= newest.at) continue;
      if (this.lastRaw !== undefined && raw < this.lastRaw) this.offset += this.lastRaw;
      this.lastRaw = raw;
      if (newest !== undefined) {
        this.gaps.push(at - newest.at);
        if (this.gaps.length > GAPS_KEPT) this.gaps.shift();
      }
      this.points.push({ at, value: raw + this.offset });
    }
  }

  get newestAt(): number | undefined {
    return this.points.at(-1)?.at;
  }

  /** The median of the latest gaps between samples: the series' scrape interval. */
  get typicalGap(): number | undefined {
    if (this.gaps.length === 0) return undefined;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /**
   * The counter at `at`: interpolated between the samples around it, the first sample's value
   * before it (a series counts from its first sample) and the newest value after the newest.
   */
  valueAt(at: number): number | undefined {
    const points = this.points;
    if (points.length === 0) return undefined;
    if (at <= points[0].at) return points[0].value;
    const last = points[points.length - 1];
    if (at >= last.at) return last.value;
    let index = points.length - 1;
    while (index > 0 && points[index - 1].at >= at) index -= 1;
    const before = points[index - 1];
    const after = points[index];
    return (
      before.value + ((after.value - before.value) * (at - before.at)) / (after.at - before.at)
    );
  }

  /**
   * How much the counter grew from the previous aligned instant to `at` (0 the first time the
   * collector aligns); a series first seen now counts from `previous`, or its first sample, or
   * from zero when it was born at zero.
   */
  advanceTo(at: number, previous: number | undefined): number {
    const value = this.valueAt(at);
    if (value === undefined) return 0;
    const from =
      this.alignedValue ??
      (this.bornAtZero ? 0 : previous === undefined ? value : (this.valueAt(previous) ?? value));
    this.alignedValue = value;
    this.forgetBefore(at);
    return Math.max(0, value - from);
  }

  /** Keeps the newest sample at or before `at` and everything after it. */
  private forgetBefore(at: number): void {
    let keepFrom = 0;
    while (keepFrom + 1 < this.points.length && this.points[keepFrom + 1].at <= at) keepFrom += 1;
    if (keepFrom > 0) this.points = this.points.slice(keepFrom);
  }
}

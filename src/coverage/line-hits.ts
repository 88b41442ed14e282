import { countView, slabCounts, slabUint32, type CountArray } from './slab.js';

/** Lines above this (or not integers) are kept in the `pending` map, never in the typed arrays. */
const MAX_LINE = 0xfffffffe;
/** Counts above this (or not integers, or negative) are kept in the `exact` map. */
const MAX_STORED = 0xfffffffd;

/**
 * A whole number read from a Float64Array is a double; as an integer it stays a small integer in
 * the object's field, not a boxed number per object (and per file).
 */
export function small(value: number): number {
  return value <= 0x3fffffff ? value | 0 : value;
}

const EMPTY = new Uint8Array(0);

/** The narrowest element (bytes) that holds `count` below its two sentinels. */
function widthFor(count: number): 1 | 2 | 4 {
  return count < 0xfe ? 1 : count < 0xfffe ? 2 : 4;
}

function isLine(line: number): boolean {
  return Number.isInteger(line) && line >= 0 && line <= MAX_LINE;
}

/**
 * Coverable line → hit count, as a Map that costs about 4 bytes a line instead of about 40.
 * Lines are held in one of two layouts: dense (one Uint32 per line between the first and last
 * line, ABSENT where a line is not coverable) when at least half the span is coverable, else
 * sorted (line, hits) pairs, so a few lines at huge line numbers cost only themselves. Lines set
 * out of order wait in a small Map until the next read that needs order; counts that do not fit
 * a Uint32 are kept exactly beside it. Iteration is in ascending line order.
 *
 * Fast paths beyond Map: `add(line, hits)` sums into a line, `addSorted(…)` takes a whole
 * parsed record at once.
 */
export class LineHits implements Map<number, number> {
  /**
   * Dense: hits[i] is line base + i, `absent` past `length`; sparse: hits of keys[i]. As narrow
   * as the counts allow (a byte each, usually), widened when a larger count arrives. The two
   * highest values of the element are sentinels: `absent` (not a coverable line, dense only)
   * and `absent - 1` (the count is in `exact`).
   */
  private hitsBuffer: ArrayBufferLike = EMPTY.buffer;
  private hitsOffset = 0;
  private hitsLength = 0;
  private hitsWidth = 1;
  private base = 0;
  /** Dense: span of lines in use; sparse: number of pairs. */
  private length = 0;
  /** Lines held in the typed arrays. */
  private stored = 0;
  /**
   * What few files need (the sparse layout's keys, exact counts, lines set out of order), in
   * one object so that the others carry one field for it, not three: every field costs each
   * file 8 bytes of heap.
   */
  private rare:
    | { lineKeys?: Uint32Array; exact?: Map<number, number>; pending?: Map<number, number> }
    | undefined;

  constructor(entries?: Iterable<readonly [number, number]>) {
    if (entries) for (const [line, hits] of entries) this.set(line, hits);
  }

  /** The counts, as a view made afresh (see countView: the view is not kept). */
  private get hits(): CountArray {
    return countView(this.hitsBuffer, this.hitsOffset, this.hitsLength, this.hitsWidth);
  }

  private set hits(array: CountArray) {
    this.hitsBuffer = array.buffer;
    // Kept small integers: one double stored here would box this field in every LineHits.
    this.hitsOffset = array.byteOffset | 0;
    this.hitsLength = array.length | 0;
    this.hitsWidth = array.BYTES_PER_ELEMENT;
  }

  /** The element's highest value, which marks a line that is not coverable. */
  private get absent(): number {
    return this.hitsWidth === 1 ? 0xff : this.hitsWidth === 2 ? 0xffff : 0xffffffff;
  }

  /** Sparse layout: ascending lines, `hits` parallel; dense layout when undefined. */
  private get lineKeys(): Uint32Array | undefined {
    return this.rare?.lineKeys;
  }

  private set lineKeys(value: Uint32Array | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).lineKeys = value;
  }

  private get exact(): Map<number, number> | undefined {
    return this.rare?.exact;
  }

  private set exact(value: Map<number, number> | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).exact = value;
  }

  private get pending(): Map<number, number> | undefined {
    return this.rare?.pending;
  }

  private set pending(value: Map<number, number> | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).pending = value;
  }

  get size(): number {
    return this.stored + (this.pending?.size ?? 0);
  }

  get [Symbol.toStringTag](): string {
    return 'LineHits';
  }

  get(line: number): number | undefined {
    const index = this.indexOf(line);
    return index >= 0 ? this.valueAt(index, line) : this.pending?.get(line);
  }

  has(line: number): boolean {
    return this.indexOf(line) >= 0 || (this.pending?.has(line) ?? false);
  }

  set(line: number, hits: number): this {
    const index = this.indexOf(line);
    if (index >= 0) this.writeAt(index, line, hits);
    else if (this.pending?.has(line) || !this.append(line, hits)) this.postpone(line, hits);
    return this;
  }

  /** Adds `hits` to the line's count (a line not yet coverable starts at 0). */
  add(line: number, hits: number): void {
    const index = this.indexOf(line);
    if (index >= 0) this.writeAt(index, line, this.valueAt(index, line) + hits);
    else this.set(line, (this.pending?.get(line) ?? 0) + hits);
  }

  /**
   * Adds `count` lines at once: `lines` strictly ascending, `hits` parallel. Into an empty
   * LineHits this allocates exactly what the lines need, which is how parsers should fill it.
   */
  addSorted(lines: ArrayLike<number>, hits: ArrayLike<number>, count: number): void {
    if (this.size === 0 && count > 0 && isLine(lines[0]!) && isLine(lines[count - 1]!)) {
      this.rebuild(lines, hits, count);
      return;
    }
    for (let index = 0; index < count; index += 1) this.add(lines[index]!, hits[index]!);
  }

  /**
   * Adds every line of `other` as `add` would (the merge of another report's file). Another
   * LineHits is read from its arrays, and a sum that fits where this line already is is
   * written in place: shards of one test run list the same lines, so merging them makes no
   * tuple, view or array per line, and this file's arrays never move.
   */
  addAll(other: Map<number, number>): void {
    if (!(other instanceof LineHits)) {
      for (const [line, hits] of other) this.add(line, hits);
      return;
    }
    other.settle();
    const { lineKeys: fromKeys, hits: from, absent: fromAbsent, base: fromBase } = other;
    let hits = this.hits;
    for (let index = 0; index < other.length; index += 1) {
      const stored = from[index]!;
      if (stored === fromAbsent) continue;
      const line = fromKeys === undefined ? fromBase + index : fromKeys[index]!;
      const keys = this.lineKeys;
      const at =
        keys === undefined ? this.denseIndex(hits, line) : searchKeys(keys, this.length, line);
      const sum = (at >= 0 ? hits[at]! : this.absent) + stored;
      // Both below the sentinels, so whole numbers: only the sum's size is left to check.
      if (stored < fromAbsent - 1 && sum < this.absent - 1) hits[at] = sum;
      else {
        this.add(line, stored === fromAbsent - 1 ? other.exact!.get(line)! : stored);
        hits = this.hits;
      }
    }
    // Only lines the typed arrays cannot hold (not integers) are still pending after settle().
    if (other.pending) for (const [line, value] of other.pending) this.add(line, value);
  }

  delete(line: number): boolean {
    const index = this.indexOf(line);
    if (index < 0) return this.pending?.delete(line) ?? false;
    this.exact?.delete(line);
    this.stored -= 1;
    if (this.lineKeys === undefined) {
      this.hits[index] = this.absent;
    } else {
      this.lineKeys.copyWithin(index, index + 1, this.length);
      this.hits.copyWithin(index, index + 1, this.length);
      this.length -= 1;
    }
    return true;
  }

  clear(): void {
    this.lineKeys = undefined;
    this.hits = slabCounts(0, 1);
    this.base = 0;
    this.length = 0;
    this.stored = 0;
    this.exact = undefined;
    this.pending = undefined;
  }

  forEach(
    callback: (hits: number, line: number, map: Map<number, number>) => void,
    thisArg?: unknown,
  ): void {
    for (const [line, hits] of this.entries()) callback.call(thisArg, hits, line, this);
  }

  entries(): MapIterator<[number, number]> {
    this.settle();
    return this.generate();
  }

  keys(): MapIterator<number> {
    return mapped(this.entries(), ([line]) => line);
  }

  values(): MapIterator<number> {
    return mapped(this.entries(), ([, hits]) => hits);
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }

  /**
   * How many lines ran (hits > 0), as counting values() would say, but read straight from the
   * typed arrays: values() makes a tuple per line, which over a monorepo's merged files is
   * garbage many times the size of the counts. Pending lines are counted where they wait.
   */
  countCovered(): number {
    const { lineKeys: keys, hits, absent } = this;
    const elsewhere = absent - 1;
    let covered = 0;
    for (let index = 0; index < this.length; index += 1) {
      const stored = hits[index]!;
      if (stored === absent) continue;
      if (stored !== elsewhere) {
        if (stored > 0) covered += 1;
      } else if (this.exact!.get(keys === undefined ? this.base + index : keys[index]!)! > 0) {
        covered += 1;
      }
    }
    if (this.pending) for (const hits of this.pending.values()) if (hits > 0) covered += 1;
    return covered;
  }

  /**
   * How many of `lines` are coverable lines that ran (hits > 0), as `get(line) > 0` for each
   * would say, with one view of the counts for them all rather than a few per look-up.
   */
  countRan(lines: ArrayLike<number>): number {
    const { lineKeys: keys, hits, absent } = this;
    let ran = 0;
    for (let at = 0; at < lines.length; at += 1) {
      const line = lines[at]!;
      const index =
        keys === undefined ? this.denseIndex(hits, line) : searchKeys(keys, this.length, line);
      const value = index >= 0 ? hits[index]! : absent;
      if (value === absent) {
        if ((this.pending?.get(line) ?? 0) > 0) ran += 1;
      } else if (value === absent - 1 ? this.exact!.get(line)! > 0 : value > 0) ran += 1;
    }
    return ran;
  }

  /** Where the dense layout holds `line` in `hits` (maybe as absent), or -1. */
  private denseIndex(hits: CountArray, line: number): number {
    const index = line - this.base;
    return index >= 0 && index < this.length && index < hits.length && Number.isInteger(index)
      ? index
      : -1;
  }

  private *generate(withPending = true): Generator<[number, number], undefined, unknown> {
    const { lineKeys: keys, hits, absent } = this;
    for (let index = 0; index < this.length; index += 1) {
      const stored = hits[index]!;
      if (stored === absent) continue;
      const line = keys === undefined ? this.base + index : keys[index]!;
      yield [line, stored === absent - 1 ? this.exact!.get(line)! : stored];
    }
    // Only lines the typed arrays cannot hold (not integers) are still pending after settle().
    if (withPending && this.pending) yield* this.pending;
    return undefined;
  }

  private indexOf(line: number): number {
    const keys = this.lineKeys;
    if (keys === undefined) {
      const index = line - this.base;
      if (index < 0 || index >= this.length || index >= this.hitsLength) return -1;
      const stored = this.hits[index];
      return stored === undefined || stored === this.absent ? -1 : index;
    }
    let low = 0;
    let high = this.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = keys[middle]!;
      if (at === line) return middle;
      if (at < line) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private valueAt(index: number, line: number): number {
    const stored = this.hits[index]!;
    return stored === this.absent - 1 ? this.exact!.get(line)! : stored;
  }

  private writeAt(index: number, line: number, hits: number): void {
    const elsewhere = this.absent - 1;
    if (hits >= 0 && hits < elsewhere && Number.isInteger(hits)) {
      if (this.hits[index] === elsewhere) this.exact!.delete(line);
      this.hits[index] = hits;
    } else if (hits >= 0 && hits <= MAX_STORED && Number.isInteger(hits)) {
      this.widen(widthFor(hits));
      this.writeAt(index, line, hits);
    } else {
      this.hits[index] = elsewhere;
      (this.exact ??= new Map()).set(line, hits);
    }
  }

  /** Copies the counts into elements of `bytes`, keeping what the sentinels mean. */
  private widen(bytes: 1 | 2 | 4): void {
    const { hits, absent } = this;
    const wider = slabCounts(hits.length, bytes);
    const widerAbsent = 2 ** (bytes * 8) - 1;
    for (let index = 0; index < hits.length; index += 1) {
      const stored = hits[index]!;
      wider[index] = stored >= absent - 1 ? widerAbsent - (absent - stored) : stored;
    }
    this.hits = wider;
  }

  /** Stores a line after every stored one (or in a dense gap); false when that is not cheap. */
  private append(line: number, hits: number): boolean {
    if (!isLine(line)) return false;
    if (this.stored === 0) {
      this.lineKeys = undefined;
      this.base = line;
      this.length = 0;
      this.hits.fill(this.absent);
    }
    if (this.lineKeys === undefined) {
      const index = line - this.base;
      if (index < 0) return false;
      if (index >= this.hits.length) {
        // Growing the dense span only while at least half of it stays coverable.
        if (index >= 16 && (this.stored + 1) * 2 < index + 1) return false;
        const grown = slabCounts(
          Math.max(index + 1, this.hits.length * 2, 8),
          this.hits.BYTES_PER_ELEMENT as 1 | 2 | 4,
        );
        grown.set(this.hits);
        grown.fill(this.absent, this.hits.length);
        this.hits = grown;
      }
      this.length = Math.max(this.length, index + 1);
    } else {
      if (this.length > 0 && line <= this.lineKeys[this.length - 1]!) return false;
      if (this.length === this.lineKeys.length) {
        const capacity = Math.max(this.length * 2, 8);
        const keys = slabUint32(capacity);
        keys.set(this.lineKeys);
        const grown = slabCounts(capacity, this.hits.BYTES_PER_ELEMENT as 1 | 2 | 4);
        grown.set(this.hits);
        this.lineKeys = keys;
        this.hits = grown;
      }
      this.lineKeys[this.length] = line;
      this.length += 1;
    }
    this.stored += 1;
    const index = this.lineKeys === undefined ? line - this.base : this.length - 1;
    this.hits[index] = 0;
    this.writeAt(index, line, hits);
    return true;
  }

  private postpone(line: number, hits: number): void {
    const pending = (this.pending ??= new Map());
    pending.set(line, hits);
    // Settling rebuilds the arrays: only when the map has grown with them, so it stays amortized.
    if (pending.size > 16 && pending.size * 2 > this.stored) this.settle();
  }

  /** Moves pending lines into the typed arrays, in order, choosing the layout afresh. */
  private settle(): void {
    const pending = this.pending;
    if (!pending || pending.size === 0) return;
    const waiting = [...pending.keys()].filter(isLine).sort((a, b) => a - b);
    if (waiting.length === 0) return;
    const total = this.stored + waiting.length;
    const lines = new Float64Array(total);
    const hits = new Float64Array(total);
    let at = 0;
    let next = 0;
    for (const [line, count] of this.generate(false)) {
      while (next < waiting.length && waiting[next]! < line) {
        lines[at] = waiting[next]!;
        hits[at++] = pending.get(waiting[next++]!)!;
      }
      lines[at] = line;
      hits[at++] = count;
    }
    for (; next < waiting.length; next += 1) {
      lines[at] = waiting[next]!;
      hits[at++] = pending.get(waiting[next]!)!;
    }
    for (const line of waiting) pending.delete(line);
    if (pending.size === 0) this.pending = undefined;
    this.rebuild(lines, hits, total);
  }

  /** Replaces the typed arrays with exactly `count` ascending lines, in the cheaper layout. */
  private rebuild(lines: ArrayLike<number>, hits: ArrayLike<number>, count: number): void {
    this.exact = undefined;
    this.stored = count;
    let largest = 0;
    for (let index = 0; index < count; index += 1) {
      const value = hits[index]!;
      if (value > largest && value <= MAX_STORED && Number.isInteger(value)) largest = value;
    }
    const width = widthFor(largest);
    if (count === 0) {
      this.lineKeys = undefined;
      this.hits = slabCounts(0, width);
      this.length = 0;
      return;
    }
    const first = lines[0]!;
    const span = lines[count - 1]! - first + 1;
    if (span <= count * 2) {
      this.lineKeys = undefined;
      this.base = small(first);
      this.length = small(span);
      const view = slabCounts(span, width);
      this.hits = view;
      view.fill(this.absent);
      const elsewhere = this.absent - 1;
      for (let index = 0; index < count; index += 1) {
        const line = lines[index]!;
        const value = hits[index]!;
        // Stored straight into the view: a fresh view per line would cost more than the line.
        if (value >= 0 && value < elsewhere && Number.isInteger(value)) view[line - first] = value;
        else this.writeAt(line - first, line, value);
      }
    } else {
      this.lineKeys = slabUint32(count);
      this.hits = slabCounts(count, width);
      this.length = count;
      for (let index = 0; index < count; index += 1) {
        const line = lines[index]!;
        this.lineKeys[index] = line;
        this.writeAt(index, line, hits[index]!);
      }
    }
  }
}

/** The position of `line` among the first `length` ascending `keys`, or -1. */
function searchKeys(keys: Uint32Array, length: number, line: number): number {
  let low = 0;
  let high = length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = keys[middle]!;
    if (at === line) return middle;
    if (at < line) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** A MapIterator over `source`'s items passed through `map`. */
export function mapped<From, To>(source: Iterator<From>, map: (item: From) => To): MapIterator<To> {
  return (function* (): Generator<To, undefined, unknown> {
    for (let item = source.next(); !item.done; item = source.next()) yield map(item.value);
    return undefined;
  })();
}

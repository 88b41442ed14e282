import { mapped, small } from './line-hits.js';
import { slabCounts } from './slab.js';

const EMPTY = new Uint32Array(0);

/** The count is kept exactly in `exact`: too large for 32 bits, fractional or negative. */
const ELSEWHERE = 0xffffffff;
/** The same sentinel when the data is stored in 16 bits. */
const ELSEWHERE_16 = 0xffff;
const MAX_LINE = 0xfffffffe;

function storable(taken: number): boolean {
  return taken >= 0 && taken < ELSEWHERE && Number.isInteger(taken);
}

function isLine(line: number): boolean {
  return Number.isInteger(line) && line >= 0 && line <= MAX_LINE;
}

/**
 * Line → taken count of each branch on it, as a Map whose values are built on demand from
 * three typed arrays: the branch lines in ascending order, where each line's counts end, and
 * all counts one after another (about 4 bytes a branch). `get` returns a fresh array: change it
 * and `set` it back, as every parser does. Lines set out of order, or with a new number of
 * branches, wait in a small Map until the next read that needs order.
 *
 * Fast paths beyond Map: `addPositional(line, takens)` sums position by position (the merge of
 * several reports), `addSorted(…)` takes a whole parsed record at once.
 */
export class BranchTakens implements Map<number, number[]> {
  /**
   * One typed array (each costs a heap object): `capacity` branch lines ascending, then where
   * each line's counts end, then the counts; line i's counts are counts[ends[i - 1] (0 for
   * i = 0) … ends[i]).
   */
  private dataBuffer: ArrayBufferLike = EMPTY.buffer;
  private dataOffset = 0;
  private dataLength = 0;
  /** Bytes per element: 2 when a whole parsed record fits (most do), else 4. */
  private dataWidth = 4;
  private capacity = 0;
  private count = 0;
  private used = 0;
  /** Line → position → count, for counts the Uint32 cannot hold. */
  private exact: Map<number, Map<number, number>> | undefined;
  private pending: Map<number, number[]> | undefined;

  constructor(entries?: Iterable<readonly [number, number[]]>) {
    if (entries) for (const [line, takens] of entries) this.set(line, takens);
  }

  /** The lines, ends and counts, as a view made afresh (see countView in slab.ts). */
  private get data(): Uint16Array | Uint32Array {
    return this.dataWidth === 2
      ? new Uint16Array(this.dataBuffer, this.dataOffset, this.dataLength)
      : new Uint32Array(this.dataBuffer, this.dataOffset, this.dataLength);
  }

  private set data(array: Uint16Array | Uint32Array) {
    this.dataBuffer = array.buffer;
    // Small integers: a double stored here would box this field in every instance.
    this.dataOffset = array.byteOffset | 0;
    this.dataLength = array.length | 0;
    this.dataWidth = array.BYTES_PER_ELEMENT;
  }

  /** The stored count that means "in `exact`" at the current width. */
  private get elsewhere(): number {
    return this.dataWidth === 2 ? ELSEWHERE_16 : ELSEWHERE;
  }

  /** Copies the data into 32-bit elements, for a line, end or count that 16 bits cannot hold. */
  private widen(): void {
    if (this.dataWidth === 4) return;
    const narrow = this.data;
    const wide = slabCounts(narrow.length, 4) as Uint32Array;
    wide.set(narrow);
    const counts = 2 * this.capacity;
    for (let at = counts; at < counts + this.used; at += 1) {
      if (narrow[at] === ELSEWHERE_16) wide[at] = ELSEWHERE;
    }
    this.data = wide;
  }

  get size(): number {
    return this.count + (this.pending?.size ?? 0);
  }

  get [Symbol.toStringTag](): string {
    return 'BranchTakens';
  }

  get(line: number): number[] | undefined {
    const index = this.indexOf(line);
    return index >= 0 ? this.takensAt(index) : this.pending?.get(line);
  }

  has(line: number): boolean {
    return this.indexOf(line) >= 0 || (this.pending?.has(line) ?? false);
  }

  set(line: number, takens: number[]): this {
    const index = this.indexOf(line);
    if (index >= 0 && this.widthAt(index) === takens.length) {
      this.writeAt(index, line, takens);
      return this;
    }
    if (index >= 0) this.removeAt(index, line);
    if (this.pending?.has(line) || !this.append(line, takens)) this.postpone(line, takens);
    return this;
  }

  /** Adds `takens` to the line's counts position by position (a longer list extends it). */
  addPositional(line: number, takens: ArrayLike<number>): void {
    const index = this.indexOf(line);
    if (index >= 0 && this.widthAt(index) >= takens.length) {
      const start = index === 0 ? 0 : this.data[this.capacity + index - 1]!;
      for (let at = 0; at < takens.length; at += 1) {
        this.writeOne(start + at, line, at, this.valueAt(start + at, line, at) + takens[at]!);
      }
      return;
    }
    const existing = this.get(line) ?? [];
    const sum = Array.from(
      { length: Math.max(existing.length, takens.length) },
      (_, at) => (existing[at] ?? 0) + (takens[at] ?? 0),
    );
    this.set(line, sum);
  }

  /**
   * Adds every line of `other` as `addPositional` would (the merge of another report's file).
   * Another BranchTakens is read from its arrays, and a line whose sums fit where its counts
   * already are is summed in place: shards of one test run list the same branches, so merging
   * them makes no array or view per line, and this file's arrays never move.
   */
  addAll(other: Map<number, number[]>): void {
    if (!(other instanceof BranchTakens)) {
      for (const [line, takens] of other) this.addPositional(line, takens);
      return;
    }
    other.settle();
    const { data: from, capacity: fromCapacity, elsewhere: fromElsewhere } = other;
    let data = this.data;
    for (let index = 0, start = 0; index < other.count; index += 1) {
      const end = from[fromCapacity + index]!;
      const line = from[index]!;
      const at = searchLines(data, this.count, line);
      // Where this line's counts are, read through the one view (widthAt makes views).
      const first = at <= 0 ? 0 : data[this.capacity + at - 1]!;
      const into = 2 * this.capacity + first;
      let fits = at >= 0 && data[this.capacity + at]! - first >= end - start;
      for (let position = 0; fits && position < end - start; position += 1) {
        const taken = from[2 * fromCapacity + start + position]!;
        fits = taken !== fromElsewhere && data[into + position]! + taken < this.elsewhere;
      }
      if (fits) {
        for (let position = 0; position < end - start; position += 1)
          data[into + position] += from[2 * fromCapacity + start + position]!;
      } else {
        this.addPositional(line, other.takensAt(index));
        data = this.data;
      }
      start = end;
    }
    // Only lines the typed arrays cannot hold (not integers) are still pending after settle().
    if (other.pending) for (const [line, takens] of other.pending) this.addPositional(line, takens);
  }

  /**
   * Adds `count` lines at once: `lines` strictly ascending, line i's counts are
   * takens[ends[i - 1] … ends[i]). Into an empty BranchTakens this allocates exactly what they
   * need, which is how parsers should fill it.
   */
  addSorted(
    lines: ArrayLike<number>,
    ends: ArrayLike<number>,
    takens: ArrayLike<number>,
    count: number,
  ): void {
    if (this.size === 0 && count > 0 && isLine(lines[0]!) && isLine(lines[count - 1]!)) {
      const used = ends[count - 1]!;
      let narrow = lines[count - 1]! < ELSEWHERE_16 && used < ELSEWHERE_16;
      for (let at = 0; narrow && at < used; at += 1) narrow = takens[at]! < ELSEWHERE_16;
      this.dataWidth = narrow ? 2 : 4;
      // Written through one view: a fresh view per element would cost more than the element.
      const data = this.allocate(count, used);
      for (let index = 0; index < count; index += 1) {
        data[index] = lines[index]!;
        data[count + index] = ends[index]!;
      }
      this.count = count;
      this.used = small(used);
      // Each count is stored straight unless it needs an `exact` entry; none widens the data,
      // whose width was chosen for these counts.
      const elsewhere = this.elsewhere;
      const counts = 2 * count;
      for (let index = 0, start = 0; index < count; index += 1) {
        const end = ends[index]!;
        for (let at = start; at < end; at += 1) {
          const taken = takens[at]!;
          if (taken >= 0 && taken < elsewhere && Number.isInteger(taken)) data[counts + at] = taken;
          else this.writeOne(at, lines[index]!, at - start, taken);
        }
        start = end;
      }
      return;
    }
    for (let index = 0, start = 0; index < count; start = ends[index]!, index += 1) {
      const slice: number[] = [];
      for (let at = start; at < ends[index]!; at += 1) slice.push(takens[at]!);
      this.addPositional(lines[index]!, slice);
    }
  }

  delete(line: number): boolean {
    const index = this.indexOf(line);
    if (index < 0) return this.pending?.delete(line) ?? false;
    this.removeAt(index, line);
    return true;
  }

  clear(): void {
    this.data = slabCounts(0, 4) as Uint32Array;
    this.count = this.used = this.capacity = 0;
    this.exact = this.pending = undefined;
  }

  forEach(
    callback: (takens: number[], line: number, map: Map<number, number[]>) => void,
    thisArg?: unknown,
  ): void {
    for (const [line, takens] of this.entries()) callback.call(thisArg, takens, line, this);
  }

  entries(): MapIterator<[number, number[]]> {
    this.settle();
    return this.generate();
  }

  keys(): MapIterator<number> {
    return mapped(this.entries(), ([line]) => line);
  }

  values(): MapIterator<number[]> {
    return mapped(this.entries(), ([, takens]) => takens);
  }

  [Symbol.iterator](): MapIterator<[number, number[]]> {
    return this.entries();
  }

  /**
   * Branches in all and those taken (count > 0), as counting every list values() gives would
   * say, read straight from the typed arrays: values() builds an array per line, garbage many
   * times the size of the counts over a monorepo's merged files.
   */
  countTaken(): { taken: number; total: number } {
    const { data, capacity, elsewhere } = this;
    let taken = 0;
    let total = this.used;
    for (let index = 0, start = 0; index < this.count; index += 1) {
      const end = data[capacity + index]!;
      for (let at = start; at < end; at += 1) {
        const stored = data[2 * capacity + at]!;
        if (stored === elsewhere ? this.exact!.get(data[index]!)!.get(at - start)! > 0 : stored > 0)
          taken += 1;
      }
      start = end;
    }
    for (const takens of this.pending?.values() ?? []) {
      total += takens.length;
      for (const hits of takens) if (hits > 0) taken += 1;
    }
    return { taken, total };
  }

  /** The lines with a branch never taken (count 0), stored ones ascending, then pending ones. */
  untakenLines(): number[] {
    const { data, capacity, elsewhere } = this;
    const lines: number[] = [];
    for (let index = 0, start = 0; index < this.count; index += 1) {
      const end = data[capacity + index]!;
      for (let at = start; at < end; at += 1) {
        const stored = data[2 * capacity + at]!;
        if (
          stored === elsewhere ? this.exact!.get(data[index]!)!.get(at - start) === 0 : stored === 0
        ) {
          lines.push(data[index]!);
          break;
        }
      }
      start = end;
    }
    for (const [line, takens] of this.pending ?? []) if (takens.includes(0)) lines.push(line);
    return lines;
  }

  private *generate(): Generator<[number, number[]], undefined, unknown> {
    for (let index = 0; index < this.count; index += 1) {
      yield [this.data[index]!, this.takensAt(index)];
    }
    // Only lines the typed arrays cannot hold (not integers) are still pending after settle().
    if (this.pending) yield* this.pending;
    return undefined;
  }

  private indexOf(line: number): number {
    const lines = this.data;
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = lines[middle]!;
      if (at === line) return middle;
      if (at < line) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private widthAt(index: number): number {
    return (
      this.data[this.capacity + index]! - (index === 0 ? 0 : this.data[this.capacity + index - 1]!)
    );
  }

  private takensAt(index: number): number[] {
    const { data, capacity, elsewhere } = this;
    const line = data[index]!;
    const start = index === 0 ? 0 : data[capacity + index - 1]!;
    const end = data[capacity + index]!;
    const takens: number[] = [];
    for (let at = start; at < end; at += 1) {
      const stored = data[2 * capacity + at]!;
      takens.push(stored === elsewhere ? this.exact!.get(line)!.get(at - start)! : stored);
    }
    return takens;
  }

  private valueAt(at: number, line: number, position: number): number {
    const stored = this.data[2 * this.capacity + at]!;
    return stored === this.elsewhere ? this.exact!.get(line)!.get(position)! : stored;
  }

  private writeOne(at: number, line: number, position: number, taken: number): void {
    if (storable(taken) && taken >= this.elsewhere) this.widen();
    if (storable(taken)) {
      const data = this.data;
      if (data[2 * this.capacity + at] === this.elsewhere) this.exact?.get(line)?.delete(position);
      data[2 * this.capacity + at] = taken;
    } else {
      this.data[2 * this.capacity + at] = this.elsewhere;
      const exact = (this.exact ??= new Map());
      let onLine = exact.get(line);
      if (!onLine) exact.set(line, (onLine = new Map()));
      onLine.set(position, taken);
    }
  }

  private writeAt(index: number, line: number, takens: readonly number[]): void {
    const start = index === 0 ? 0 : this.data[this.capacity + index - 1]!;
    for (let at = 0; at < takens.length; at += 1) this.writeOne(start + at, line, at, takens[at]!);
  }

  private removeAt(index: number, line: number): void {
    const start = index === 0 ? 0 : this.data[this.capacity + index - 1]!;
    const width = this.data[this.capacity + index]! - start;
    const counts = 2 * this.capacity;
    this.data.copyWithin(counts + start, counts + start + width, counts + this.used);
    this.data.copyWithin(index, index + 1, this.count);
    this.data.copyWithin(
      this.capacity + index,
      this.capacity + index + 1,
      this.capacity + this.count,
    );
    this.count -= 1;
    this.used -= width;
    for (let at = index; at < this.count; at += 1) this.data[this.capacity + at] -= width;
    this.exact?.delete(line);
  }

  /** Stores a line after every stored one; false when it does not come after them. */
  private append(line: number, takens: readonly number[]): boolean {
    if (!isLine(line) || (this.count > 0 && line <= this.data[this.count - 1]!)) {
      return false;
    }
    // Lines set one by one may outgrow 16 bits anywhere: they are stored in 32.
    this.widen();
    if (
      this.count === this.capacity ||
      2 * this.capacity + this.used + takens.length > this.data.length
    ) {
      const { data, capacity } = this;
      this.allocate(
        this.count === capacity ? Math.max(this.count * 2, 4) : capacity,
        Math.max(this.used + takens.length, (data.length - 2 * capacity) * 2, 8),
      );
      this.data.set(data.subarray(0, this.count));
      this.data.set(data.subarray(capacity, capacity + this.count), this.capacity);
      this.data.set(data.subarray(2 * capacity, 2 * capacity + this.used), 2 * this.capacity);
    }
    this.data[this.count] = line;
    // Slots left by a removed line may still hold a sentinel.
    const counts = 2 * this.capacity;
    this.data.fill(0, counts + this.used, counts + this.used + takens.length);
    this.used += takens.length;
    this.data[this.capacity + this.count] = this.used;
    this.count += 1;
    this.writeAt(this.count - 1, line, takens);
    return true;
  }

  private allocate(lines: number, takens: number): Uint16Array | Uint32Array {
    const data = slabCounts(2 * lines + takens, this.dataWidth === 2 ? 2 : 4) as
      Uint16Array | Uint32Array;
    this.data = data;
    this.capacity = lines;
    return data;
  }

  private postpone(line: number, takens: number[]): void {
    const pending = (this.pending ??= new Map());
    pending.set(line, takens);
    // Settling rebuilds the arrays: only when the map has grown with them, so it stays amortized.
    if (pending.size > 16 && pending.size * 2 > this.count) this.settle();
  }

  /** Moves pending lines into the typed arrays, in order, allocating exactly what they need. */
  private settle(): void {
    const pending = this.pending;
    if (!pending || pending.size === 0) return;
    const waiting = [...pending.keys()].filter(isLine);
    if (waiting.length === 0) return;
    const all = new Map<number, number[]>();
    for (let index = 0; index < this.count; index += 1) {
      all.set(this.data[index]!, this.takensAt(index));
    }
    for (const line of waiting) {
      all.set(line, pending.get(line)!);
      pending.delete(line);
    }
    if (pending.size === 0) this.pending = undefined;
    const lines = [...all.keys()].sort((a, b) => a - b);
    const ends: number[] = [];
    const takens: number[] = [];
    for (const line of lines) {
      takens.push(...all.get(line)!);
      ends.push(takens.length);
    }
    this.clearArrays();
    this.addSorted(lines, ends, takens, lines.length);
  }

  private clearArrays(): void {
    this.data = slabCounts(0, 4) as Uint32Array;
    this.count = this.used = this.capacity = 0;
    this.exact = undefined;
  }
}

/** The position of `line` among the first `count` ascending lines of `data`, or -1. */
function searchLines(data: Uint16Array | Uint32Array, count: number, line: number): number {
  let low = 0;
  let high = count - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = data[middle]!;
    if (at === line) return middle;
    if (at < line) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

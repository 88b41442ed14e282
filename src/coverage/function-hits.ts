import { mapped } from './line-hits.js';
import { slabUint32 } from './slab.js';

/** Between names in the stored bytes; a name containing it is kept in the `odd` map instead. */
const SEPARATOR = '\u0000';
/** A stored count of this value means the count is in `exact` (too large, fractional, negative). */
const ELSEWHERE = 0xffffffff;
const EMPTY = new Uint32Array(0);

function storable(hits: number): boolean {
  return hits >= 0 && hits < ELSEWHERE && Number.isInteger(hits);
}

/**
 * Function key → hit count, as a Map that keeps a file's counts and names (UTF-8, joined) in one
 * view of a shared slab, outside the JavaScript heap, instead of a hash table and a string per
 * function: a monorepo tracefile has hundreds of thousands of functions, and every object the
 * parse keeps on the heap makes the garbage collector's young generation grow. Names are decoded
 * when iterated or looked up; a file that is looked up by name gets an index, built once. Names
 * set one by one wait in plain arrays until the next read that needs them all. Iteration is in
 * insertion order.
 *
 * Fast paths beyond Map: `add(name, hits)` sums into a function; `addAll(other)` sums another
 * file's functions, without a string per name when the two list the same names (the shards of
 * one test run) or this one is empty.
 */
export class FunctionHits implements Map<string, number> {
  /** `count` counts, then `nameBytes` bytes of names joined by SEPARATOR. */
  private dataBuffer: ArrayBufferLike = EMPTY.buffer;
  private dataOffset = 0;
  private dataLength = 0;
  private count = 0;
  private nameBytes = 0;
  /**
   * What few files need (exact counts, names set one by one, a name index, names with the
   * separator), in one object so that the others carry one field for it, not five: every field
   * costs each file 8 bytes of heap.
   */
  private rare:
    | {
        exact?: Map<number, number>;
        tailNames?: string[];
        tailHits?: number[];
        index?: Map<string, number>;
        odd?: Map<string, number>;
      }
    | undefined;

  constructor(entries?: Iterable<readonly [string, number]>) {
    if (entries) for (const [name, hits] of entries) this.set(name, hits);
  }

  /** Counts then names, as a view made afresh (see countView in slab.ts). */
  private get data(): Uint32Array {
    return new Uint32Array(this.dataBuffer, this.dataOffset, this.dataLength);
  }

  private set data(array: Uint32Array) {
    this.dataBuffer = array.buffer;
    // Small integers: a double stored here would box this field in every instance.
    this.dataOffset = array.byteOffset | 0;
    this.dataLength = array.length | 0;
  }

  /** Position → count, for counts stored as ELSEWHERE. */
  private get exact(): Map<number, number> | undefined {
    return this.rare?.exact;
  }

  private set exact(value: Map<number, number> | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).exact = value;
  }

  /** Names (and counts) added after the stored ones, not yet stored. */
  private get tailNames(): string[] | undefined {
    return this.rare?.tailNames;
  }

  private set tailNames(value: string[] | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).tailNames = value;
  }

  private get tailHits(): number[] | undefined {
    return this.rare?.tailHits;
  }

  private set tailHits(value: number[] | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).tailHits = value;
  }

  private get index(): Map<string, number> | undefined {
    return this.rare?.index;
  }

  private set index(value: Map<string, number> | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).index = value;
  }

  private get odd(): Map<string, number> | undefined {
    return this.rare?.odd;
  }

  private set odd(value: Map<string, number> | undefined) {
    if (value !== undefined || this.rare) (this.rare ??= {}).odd = value;
  }

  get size(): number {
    return this.positions() + (this.odd?.size ?? 0);
  }

  get [Symbol.toStringTag](): string {
    return 'FunctionHits';
  }

  get(name: string): number | undefined {
    if (name.includes(SEPARATOR)) return this.odd?.get(name);
    const at = this.indexOf(name);
    return at === -1 ? undefined : this.hitsAt(at);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, hits: number): this {
    if (name.includes(SEPARATOR)) {
      (this.odd ??= new Map()).set(name, hits);
      return this;
    }
    const at = this.indexOf(name);
    if (at !== -1) {
      this.writeAt(at, hits);
      return this;
    }
    this.index?.set(name, this.positions());
    (this.tailNames ??= []).push(name);
    (this.tailHits ??= []).push(hits);
    return this;
  }

  /** Adds `hits` to the function's count (a new function starts at 0). */
  add(name: string, hits: number): void {
    this.set(name, (this.get(name) ?? 0) + hits);
  }

  /**
   * Adds `names` (no repeats) with their counts to an empty FunctionHits at once, without an
   * index; into a non-empty one it adds them one by one.
   */
  addNew(names: readonly string[], hits: ArrayLike<number>): void {
    if (this.size > 0 || names.some((name) => name.includes(SEPARATOR))) {
      names.forEach((name, at) => this.add(name, hits[at]!));
      return;
    }
    this.store(names.join(SEPARATOR), hits, names.length);
  }

  /**
   * As addNew, with the names given as their UTF-8 bytes joined by the separator,
   * `joined[0 … byteLength)`, none holding it (the form they are stored in, so a parser that
   * reads names as bytes makes no string of them).
   */
  addJoined(joined: Uint8Array, byteLength: number, hits: ArrayLike<number>, count: number): void {
    if (this.size > 0) {
      const text = Buffer.from(joined.buffer, joined.byteOffset, byteLength).toString('utf8');
      this.addNew(count === 0 ? [] : text.split(SEPARATOR), hits);
      return;
    }
    const bytes = count === 0 ? 0 : byteLength;
    this.storeCounts(hits, count, bytes);
    // Copied in a loop: for names this short, two views and a native copy cost more.
    const names = new Uint8Array(this.dataBuffer, this.dataOffset + count * 4, bytes);
    for (let at = 0; at < bytes; at += 1) names[at] = joined[at]!;
  }

  /** Sums another file's function counts into this one (see the class comment). */
  addAll(other: Map<string, number>): void {
    if (other instanceof FunctionHits && other.odd === undefined && other.tailNames === undefined) {
      this.settle();
      if (this.size === 0) {
        this.store(other.joined(), other.counts(), other.count);
        return;
      }
      if (this.odd === undefined && this.sameNames(other)) {
        for (let at = 0; at < this.count; at += 1)
          this.writeAt(at, this.hitsAt(at) + other.hitsAt(at));
        return;
      }
    }
    for (const [name, hits] of other) this.add(name, hits);
  }

  delete(name: string): boolean {
    if (name.includes(SEPARATOR)) return this.odd?.delete(name) ?? false;
    const at = this.indexOf(name);
    if (at === -1) return false;
    const names = this.names();
    const hits = this.counts();
    names.splice(at, 1);
    hits.splice(at, 1);
    this.store(names.join(SEPARATOR), hits, names.length);
    return true;
  }

  clear(): void {
    this.store('', [], 0);
    this.odd = undefined;
  }

  forEach(
    callback: (hits: number, name: string, map: Map<string, number>) => void,
    thisArg?: unknown,
  ): void {
    for (const [name, hits] of this.entries()) callback.call(thisArg, hits, name, this);
  }

  entries(): MapIterator<[string, number]> {
    this.settle();
    return this.generate();
  }

  keys(): MapIterator<string> {
    return mapped(this.entries(), ([name]) => name);
  }

  values(): MapIterator<number> {
    return this.generateHits();
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  /** How many functions ran (hits > 0), as counting values() would say, with no generator. */
  countCovered(): number {
    const data = this.data;
    let covered = 0;
    for (let at = 0; at < this.count; at += 1) {
      const stored = data[at]!;
      if (stored === ELSEWHERE ? this.exact!.get(at)! > 0 : stored > 0) covered += 1;
    }
    for (const hits of this.tailHits ?? []) if (hits > 0) covered += 1;
    for (const hits of this.odd?.values() ?? []) if (hits > 0) covered += 1;
    return covered;
  }

  private positions(): number {
    return this.count + (this.tailNames?.length ?? 0);
  }

  private hitsAt(at: number): number {
    if (at >= this.count) return this.tailHits![at - this.count]!;
    const stored = this.data[at]!;
    return stored === ELSEWHERE ? this.exact!.get(at)! : stored;
  }

  private writeAt(at: number, hits: number): void {
    if (at >= this.count) {
      this.tailHits![at - this.count] = hits;
    } else if (storable(hits)) {
      this.exact?.delete(at);
      this.data[at] = hits;
    } else {
      this.data[at] = ELSEWHERE;
      (this.exact ??= new Map()).set(at, hits);
    }
  }

  /** The stored names' bytes, as a Buffer over the slab (no copy). */
  private nameView(): Buffer {
    return Buffer.from(this.dataBuffer, this.dataOffset + this.count * 4, this.nameBytes);
  }

  private joined(): string {
    return this.nameView().toString('utf8');
  }

  private sameNames(other: FunctionHits): boolean {
    return (
      this.count === other.count &&
      this.nameBytes === other.nameBytes &&
      this.nameView().equals(other.nameView())
    );
  }

  /** Stored names then tail names, in insertion order. */
  private names(): string[] {
    const stored = this.count === 0 ? [] : this.joined().split(SEPARATOR);
    return this.tailNames ? stored.concat(this.tailNames) : stored;
  }

  private counts(): number[] {
    const counts: number[] = [];
    for (let at = 0; at < this.positions(); at += 1) counts.push(this.hitsAt(at));
    return counts;
  }

  /** Replaces everything but `odd` with `count` names (joined) and their counts. */
  private store(joined: string, hits: ArrayLike<number>, count: number): void {
    const bytes = count === 0 ? 0 : Buffer.byteLength(joined, 'utf8');
    this.storeCounts(hits, count, bytes);
    if (bytes > 0) this.nameView().write(joined, 'utf8');
  }

  /** Replaces everything but `odd` with `count` counts and room for `nameBytes` bytes of names. */
  private storeCounts(hits: ArrayLike<number>, count: number, nameBytes: number): void {
    const data = slabUint32(count + Math.ceil(nameBytes / 4));
    this.data = data;
    this.count = count;
    this.nameBytes = nameBytes;
    this.exact = this.tailNames = this.tailHits = this.index = undefined;
    for (let at = 0; at < count; at += 1) {
      const value = hits[at]!;
      // Through the one view: `this.data` makes a view per access (see the getter).
      if (storable(value)) data[at] = value;
      else this.writeAt(at, value);
    }
  }

  /** Stores the tail names with the others. */
  private settle(): void {
    if (this.tailNames === undefined) return;
    const names = this.names();
    this.store(names.join(SEPARATOR), this.counts(), names.length);
  }

  private *generate(): Generator<[string, number], undefined, unknown> {
    const names = this.names();
    for (let at = 0; at < names.length; at += 1) yield [names[at]!, this.hitsAt(at)];
    if (this.odd) yield* this.odd;
    return undefined;
  }

  /** Counts only: totals need no names, so none are made. */
  private *generateHits(): Generator<number, undefined, unknown> {
    const positions = this.positions();
    for (let at = 0; at < positions; at += 1) yield this.hitsAt(at);
    if (this.odd) yield* this.odd.values();
    return undefined;
  }

  private indexOf(name: string): number {
    if (this.positions() === 0) return -1;
    if (!this.index) this.index = new Map(this.names().map((known, at) => [known, at]));
    return this.index.get(name) ?? -1;
  }
}

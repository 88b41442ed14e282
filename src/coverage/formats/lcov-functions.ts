/**
 * The functions of one LCOV record while it is read (FN and FNDA), by name, without a string or
 * an object per function: names are kept as their UTF-8 bytes, each followed by a 0 byte, which
 * is how FunctionHits stores a file's names, so a record's names are copied into its file as they
 * are. Reused from record to record.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const NOT_YET = Number.NaN;

function grownFloat64(array: Float64Array, length: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(length);
  grown.set(array);
  return grown;
}

export class RecordFunctions {
  /** Functions named so far, in the order FN (or FNDA) first named them. */
  count = 0;
  /** Names joined: function i's bytes are names[starts[i] … starts[i + 1] - 1), then a 0 byte. */
  names = Buffer.alloc(4096);
  /** Bytes of `names` in use, each name's trailing 0 byte included. */
  used = 0;
  /** A name held a 0 byte itself, so the joined form cannot be taken as it is. */
  separatorInName = false;
  private starts = new Uint32Array(64);
  /** Start line of each function; NaN until an FN line gives one. */
  private startLines = new Float64Array(64);
  /** Hits of each function, summed over its FNDA lines. */
  hits = new Float64Array(64);
  /** Open addressing by the names' hash: function index + 1, 0 for an empty slot. */
  private slots = new Int32Array(256);
  /** The function FNDA is expected to name next: FNDA lists them in FN's order, as a rule. */
  private expected = 0;

  clear(): void {
    if (this.count > 0) this.slots.fill(0);
    this.count = 0;
    this.used = 0;
    this.separatorInName = false;
    this.expected = 0;
  }

  /** FN: the function named `bytes[start … end)` (UTF-8) starts at `line`. */
  declare(bytes: Uint8Array, start: number, end: number, line: number): void {
    const hash = hashOf(bytes, start, end);
    const at = this.find(bytes, start, end, hash);
    if (at === -1) this.add(bytes, start, end, line, 0, hash);
    else if (Number.isNaN(this.startLines[at]!)) this.startLines[at] = line;
  }

  /** FNDA: adds `hits` to the function named `bytes[start … end)` (UTF-8), new or not. */
  hit(bytes: Uint8Array, start: number, end: number, hits: number): void {
    const next = this.expected;
    if (next < this.count && this.nameIs(next, bytes, start, end)) {
      this.expected = next + 1;
      this.hits[next] += hits;
      return;
    }
    const hash = hashOf(bytes, start, end);
    const at = this.find(bytes, start, end, hash);
    if (at === -1) this.add(bytes, start, end, NOT_YET, hits, hash);
    else this.hits[at] += hits;
  }

  declareName(name: string, line: number): void {
    const bytes = Buffer.from(name, 'utf8');
    this.declare(bytes, 0, bytes.length, line);
  }

  hitName(name: string, hits: number): void {
    const bytes = Buffer.from(name, 'utf8');
    this.hit(bytes, 0, bytes.length, hits);
  }

  nameAt(at: number): string {
    const end = at + 1 < this.count ? this.starts[at + 1]! - 1 : this.used - 1;
    return this.names.toString('utf8', this.starts[at]!, end);
  }

  /** Start line of function `at`, undefined when only FNDA named it. */
  lineAt(at: number): number | undefined {
    const line = this.startLines[at]!;
    return Number.isNaN(line) ? undefined : line;
  }

  private nameIs(at: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.starts[at]!;
    const to = at + 1 < this.count ? this.starts[at + 1]! - 1 : this.used - 1;
    if (to - from !== end - start) return false;
    const names = this.names;
    for (let index = 0; index < end - start; index += 1) {
      if (names[from + index] !== bytes[start + index]) return false;
    }
    return true;
  }

  private find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.nameIs(entry - 1, bytes, start, end)) return entry - 1;
    }
  }

  private add(
    bytes: Uint8Array,
    start: number,
    end: number,
    line: number,
    hits: number,
    hash: number,
  ): void {
    const at = this.count;
    if (at === this.starts.length) {
      const starts = new Uint32Array(at * 2);
      starts.set(this.starts);
      this.starts = starts;
      this.startLines = grownFloat64(this.startLines, at * 2);
      this.hits = grownFloat64(this.hits, at * 2);
    }
    const length = end - start;
    if (this.used + length + 1 > this.names.length) {
      const names = Buffer.alloc(Math.max(this.names.length * 2, this.used + length + 1));
      this.names.copy(names, 0, 0, this.used);
      this.names = names;
    }
    for (let index = 0; index < length; index += 1) {
      const byte = bytes[start + index]!;
      if (byte === 0) this.separatorInName = true;
      this.names[this.used + index] = byte;
    }
    this.names[this.used + length] = 0;
    this.starts[at] = this.used;
    this.used += length + 1;
    this.startLines[at] = line;
    this.hits[at] = hits;
    this.count = at + 1;
    // At most half full, so that a probe soon meets an empty slot.
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(at, hash);
  }

  private place(at: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = at + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let at = 0; at < this.count; at += 1) {
      const end = at + 1 < this.count ? this.starts[at + 1]! - 1 : this.used - 1;
      this.place(at, hashOf(this.names, this.starts[at]!, end));
    }
  }
}

/** FNV-1a of the bytes, an int32: a small integer, never a heap number. */
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let at = start; at < end; at += 1) hash = Math.imul(hash ^ bytes[at]!, FNV_PRIME);
  return hash | 0;
}

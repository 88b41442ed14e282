import type { CompactFileCoverage, FileCoverage } from '../model.js';
import { emptyFile } from '../model.js';
import { RecordFunctions } from './lcov-functions.js';

/**
 * One SF … end_of_record record while it is read, in arrays reused from record to record, and
 * the files the records are folded into. The same SF in several records (one per test name, or
 * concatenated tracefiles) is summed, as `lcov -a` does: lines by number, branches by their id
 * (`block,branch`), functions by name.
 */

/** Branch ids `<block>,<branch>` of small numbers, the usual form, are numbered without a string. */
const NUMERIC_ID = /^(0|[1-9]\d{0,5}),(0|[1-9]\d{0,3})$/;

/** FNL index → start line, and the names and counts FNA gives it (lcov ≥ 2.2). */
export type FunctionGroups = Map<string, { line: number; names: string[]; hits: number }>;

/** Branch ids as numbers for one parse: numeric ids encode themselves, others are interned. */
export class BranchIds {
  private readonly interned = new Map<string, number>();

  /** The number of `block,branch` given as small integers (no leading zeros). */
  static numeric(block: number, branch: number): number {
    return -(block * 10_000 + branch) - 1;
  }

  of(id: string): number {
    const match = NUMERIC_ID.exec(id);
    if (match) return BranchIds.numeric(Number(match[1]), Number(match[2]));
    let number = this.interned.get(id);
    if (number === undefined) this.interned.set(id, (number = this.interned.size));
    return number;
  }
}

function grown(array: Float64Array): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

export class RecordScratch {
  path = '';
  lineCount = 0;
  lineNumbers = new Float64Array(1024);
  lineHits = new Float64Array(1024);
  /** Lines came strictly ascending, as every tool writes them: no sort or sum needed. */
  linesAscending = true;
  /** The line added last, 0 before the first (lines start at 1). */
  lastLine = 0;
  branchCount = 0;
  branchLines = new Float64Array(256);
  branchIds = new Float64Array(256);
  branchTakens = new Float64Array(256);
  /** Branch lines never went down and no id repeated on a line: no grouping needed. */
  branchesInOrder = true;
  /** FN and FNDA (old records), by name. */
  readonly functions = new RecordFunctions();
  functionGroups: FunctionGroups = new Map();

  open(path: string): void {
    this.path = path;
    this.lineCount = 0;
    this.linesAscending = true;
    this.lastLine = 0;
    this.branchCount = 0;
    this.branchesInOrder = true;
    // Cleared, not replaced: a record's functions are copied into its file when it closes.
    this.functions.clear();
    // Clearing a Map allocates a new table, even an empty one's.
    if (this.functionGroups.size > 0) this.functionGroups.clear();
  }

  addLine(line: number, hits: number): void {
    const at = this.lineCount;
    if (at === this.lineNumbers.length) this.growLines();
    if (line <= this.lastLine) this.linesAscending = false;
    this.lastLine = line;
    this.lineNumbers[at] = line;
    this.lineHits[at] = hits;
    this.lineCount = at + 1;
  }

  /** Twice the room for lines. */
  growLines(): void {
    this.lineNumbers = grown(this.lineNumbers);
    this.lineHits = grown(this.lineHits);
  }

  /** Twice the room for branches. */
  private growBranches(): void {
    this.branchLines = grown(this.branchLines);
    this.branchIds = grown(this.branchIds);
    this.branchTakens = grown(this.branchTakens);
  }

  addBranch(line: number, id: number, taken: number): void {
    const at = this.branchCount;
    if (at === this.branchLines.length) this.growBranches();
    if (at > 0 && this.branchesInOrder) {
      const previous = this.branchLines[at - 1]!;
      if (line < previous) this.branchesInOrder = false;
      else if (line === previous) {
        for (let back = at - 1; back >= 0 && this.branchLines[back] === line; back -= 1) {
          if (this.branchIds[back] === id) this.branchesInOrder = false;
        }
      }
    }
    this.branchLines[at] = line;
    this.branchIds[at] = id;
    this.branchTakens[at] = taken;
    this.branchCount = at + 1;
  }
}

/** Line → id → taken, in the order ids first appear on each line. */
type BranchesById = Map<number, Map<number, number>>;

/** Each distinct list of ids on a line, numbered, so that a file keeps one number per line. */
class BranchPatterns {
  readonly lists: number[][] = [];
  private readonly root = new Map<number, { index: number; next: Map<number, never> }>();
  /** The list found last: branch lines one after another mostly repeat it (`0,0` and `0,1`). */
  private last = 0;

  of(ids: ArrayLike<number>, start: number, end: number): number {
    const last = this.lists.length > 0 ? this.lists[this.last]! : undefined;
    if (last !== undefined && last.length === end - start) {
      let same = true;
      for (let at = start; same && at < end; at += 1) same = last[at - start] === ids[at];
      if (same) return this.last;
    }
    const index = this.find(ids, start, end);
    if (index !== 0xffffffff) this.last = index;
    return index;
  }

  private find(ids: ArrayLike<number>, start: number, end: number): number {
    type Node = { index: number; next: Map<number, Node> };
    let level = this.root as unknown as Map<number, Node>;
    let node: Node | undefined;
    for (let at = start; at < end; at += 1) {
      node = level.get(ids[at]!);
      if (!node) level.set(ids[at]!, (node = { index: -1, next: new Map() }));
      level = node.next;
    }
    if (!node) return 0xffffffff;
    if (node.index === -1) {
      node.index = this.lists.length;
      this.lists.push(Array.prototype.slice.call(ids, start, end) as number[]);
    }
    return node.index;
  }
}

/** Marks a file's entry in `patternsAt` as the one pattern of all its branch lines. */
const UNIFORM = 0x80000000;

export class LcovFiles {
  /**
   * The files by path: open addressing by the path's hash, each slot the file's number (its place
   * in `list` and `patternsAt`) + 1, 0 when empty. A typed array, not a Map: no entry objects
   * for the garbage collector to copy, and a fresh path string is hashed once, here.
   */
  private slots = new Int32Array(1024);
  private readonly list: CompactFileCoverage[] = [];
  /**
   * Where each file's branch lines' patterns (see BranchPatterns), one per branch line in
   * ascending line order, start in `linePatterns`, or, with the UNIFORM bit, the one pattern of
   * all its lines (the usual case, kept without an entry per line): typed arrays for the whole
   * parse, not an object per file (every object the parse keeps makes the young generation grow).
   */
  private patternsAt = new Uint32Array(1024);
  private readonly patterns = new BranchPatterns();
  // Reused between records.
  private branchLines = new Float64Array(64);
  private branchEnds = new Float64Array(64);
  private linePatterns = new Uint32Array(4096);
  private linePatternCount = 0;

  /** Folds the record into its file. */
  close(record: RecordScratch): void {
    const hash = hashOf(record.path);
    let number = this.find(record.path, hash);
    if (number === -1) {
      number = this.list.length;
      this.list.push(emptyFile(record.path));
      this.place(number, hash);
      if (number === this.patternsAt.length) {
        const grown = new Uint32Array(number * 2);
        grown.set(this.patternsAt);
        this.patternsAt = grown;
      }
    }
    const file = this.list[number]!;
    this.addLines(file, record);
    if (record.branchCount > 0) this.addBranches(number, record);
    const { functions } = file;
    const named = record.functions;
    if (record.functionGroups.size === 0) {
      // Names are unique without FNL groups, so each is its own key.
      if (functions.size === 0 && !named.separatorInName) {
        functions.addJoined(named.names, Math.max(named.used - 1, 0), named.hits, named.count);
      } else if (functions.size === 0) {
        const names = Array.from({ length: named.count }, (_, at) => named.nameAt(at));
        functions.addNew(names, named.hits);
      } else {
        for (let at = 0; at < named.count; at += 1)
          functions.add(named.nameAt(at), named.hits[at]!);
      }
      return;
    }
    for (const [key, hits] of functionHits(record.functions, record.functionGroups)) {
      functions.add(key, hits);
    }
  }

  private find(path: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.list[entry - 1]!.path === path) return entry - 1;
    }
  }

  private place(number: number, hash: number): void {
    // At most half full, so that a probe soon meets an empty slot.
    if ((number + 1) * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let at = 0; at < number; at += 1) this.place(at, hashOf(this.list[at]!.path));
    }
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = number + 1;
  }

  /** The files, in the order their first record came; the ids and patterns die with this. */
  finish(): FileCoverage[] {
    return this.list;
  }

  private addLines(file: CompactFileCoverage, record: RecordScratch): void {
    const count = record.lineCount;
    if (record.linesAscending) {
      file.lines.addSorted(record.lineNumbers, record.lineHits, count);
      return;
    }
    const order = Array.from({ length: count }, (_, at) => at).sort(
      (a, b) => record.lineNumbers[a]! - record.lineNumbers[b]! || a - b,
    );
    const lines: number[] = [];
    const hits: number[] = [];
    for (const at of order) {
      const line = record.lineNumbers[at]!;
      if (lines.length > 0 && lines[lines.length - 1] === line) {
        hits[hits.length - 1] += record.lineHits[at]!;
      } else {
        lines.push(line);
        hits.push(record.lineHits[at]!);
      }
    }
    file.lines.addSorted(lines, hits, lines.length);
  }

  private addBranches(number: number, record: RecordScratch): void {
    const file = this.list[number]!;
    if (record.branchesInOrder && file.branches.size === 0) {
      // The usual case: a file's only record, its BRDA lines in order.
      let lines = 0;
      for (let at = 0; at < record.branchCount; at += 1) {
        if (at > 0 && record.branchLines[at] === record.branchLines[at - 1]) continue;
        if (lines === this.branchLines.length) {
          this.branchLines = grown(this.branchLines);
          this.branchEnds = grown(this.branchEnds);
        }
        if (lines > 0) this.branchEnds[lines - 1] = at;
        this.branchLines[lines++] = record.branchLines[at]!;
      }
      this.branchEnds[lines - 1] = record.branchCount;
      file.branches.addSorted(this.branchLines, this.branchEnds, record.branchTakens, lines);
      this.keepPatterns(number, record.branchIds, this.branchEnds, lines);
      return;
    }
    // A repeated SF, or BRDA out of order: merge by id through maps (rare, so kept simple).
    const byId: BranchesById = new Map();
    let index = 0;
    for (const [line, takens] of file.branches) {
      const ids = this.patternOf(number, index++);
      byId.set(line, new Map(ids.map((id, position) => [id, takens[position]!])));
    }
    for (let at = 0; at < record.branchCount; at += 1) {
      const line = record.branchLines[at]!;
      let onLine = byId.get(line);
      if (!onLine) byId.set(line, (onLine = new Map()));
      const id = record.branchIds[at]!;
      onLine.set(id, (onLine.get(id) ?? 0) + record.branchTakens[at]!);
    }
    const lines = [...byId.keys()].sort((a, b) => a - b);
    const ends: number[] = [];
    const ids: number[] = [];
    const takens: number[] = [];
    for (const line of lines) {
      for (const [id, taken] of byId.get(line)!) {
        ids.push(id);
        takens.push(taken);
      }
      ends.push(takens.length);
    }
    file.branches.clear();
    file.branches.addSorted(lines, ends, takens, lines.length);
    this.keepPatterns(number, ids, ends, lines.length);
  }

  /** Remembers the ids of file `number`'s `lines` branch lines, line i's at ids[ends[i - 1] … ends[i]). */
  private keepPatterns(
    number: number,
    ids: ArrayLike<number>,
    ends: ArrayLike<number>,
    lines: number,
  ): void {
    const width = ends[0]!;
    let uniform = true;
    for (let index = 1; uniform && index < lines; index += 1) {
      const start = ends[index - 1]!;
      uniform = ends[index]! - start === width;
      for (let at = 0; uniform && at < width; at += 1) uniform = ids[start + at] === ids[at];
    }
    if (uniform) {
      this.patternsAt[number] = UNIFORM + this.patterns.of(ids, 0, width);
      return;
    }
    const patternsAt = (this.patternsAt[number] = this.reservePatterns(lines));
    for (let index = 0, start = 0; index < lines; index += 1) {
      const end = ends[index]!;
      this.linePatterns[patternsAt + index] = this.patterns.of(ids, start, end);
      start = end;
    }
  }

  /** The ids of file `number`'s branch line at `index` (in ascending line order). */
  private patternOf(number: number, index: number): readonly number[] {
    const at = this.patternsAt[number]!;
    return this.patterns.lists[at >= UNIFORM ? at - UNIFORM : this.linePatterns[at + index]!]!;
  }

  /** Room for `count` line patterns; a file merged again leaves its old ones unused. */
  private reservePatterns(count: number): number {
    const at = this.linePatternCount;
    if (at + count > this.linePatterns.length) {
      const grown = new Uint32Array(Math.max(this.linePatterns.length * 2, at + count));
      grown.set(this.linePatterns.subarray(0, at));
      this.linePatterns = grown;
    }
    this.linePatternCount = at + count;
    return at;
  }
}

/** FNV-1a of the path's UTF-16 code units, an int32: a small integer, never a heap number. */
function hashOf(path: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < path.length; at += 1)
    hash = Math.imul(hash ^ path.charCodeAt(at), 0x01000193);
  return hash | 0;
}

/** Function keys: the name, or name@line when one name is listed at several start lines. */
function functionHits(functions: RecordFunctions, groups: FunctionGroups): Map<string, number> {
  const entries: { name: string; line?: number; hits: number }[] = [];
  for (let at = 0; at < functions.count; at += 1) {
    entries.push({
      name: functions.nameAt(at),
      line: functions.lineAt(at),
      hits: functions.hits[at]!,
    });
  }
  for (const group of groups.values()) {
    // A group FNA never named is still a function lcov counts; its start line names it.
    entries.push({
      name: group.names[0] ?? `line ${group.line}`,
      line: group.line,
      hits: group.hits,
    });
  }
  const lines = new Map<string, Set<number | undefined>>();
  for (const entry of entries) {
    const seen = lines.get(entry.name) ?? new Set();
    seen.add(entry.line);
    lines.set(entry.name, seen);
  }
  const hits = new Map<string, number>();
  for (const entry of entries) {
    const repeated = (lines.get(entry.name)?.size ?? 0) > 1;
    const key = repeated && entry.line !== undefined ? `${entry.name}@${entry.line}` : entry.name;
    hits.set(key, (hits.get(key) ?? 0) + entry.hits);
  }
  return hits;
}

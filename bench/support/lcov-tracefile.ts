/**
 * Generated LCOV tracefiles of a monorepo's size: every source has the same lines, functions and
 * branch pairs, with hits a shape chooses, and the summary lines (FNH, BRH, LH) a tool writes.
 * lcov.bench.ts parses one; lcov-shards.bench.ts merges several shards that differ only in hits.
 */

export interface TracefileShape {
  sources: number;
  /** Lines per source, 1 to `lines`. */
  lines: number;
  /** A function starts every `functionEvery` lines (at 1, 1 + functionEvery, …). */
  functionEvery: number;
  /** A branch pair on every line ≡ 0 (mod branchEvery). */
  branchEvery: number;
  /** The SF path of a source. */
  path(source: number): string;
  lineHits(line: number): number;
  /** Hits of the function at `index` (0, 1, …) in its source. */
  functionHits(index: number): number;
  /** Taken count of branch 0 or 1 of the pair on `line`; '-' is LCOV's "never evaluated". */
  branchTaken(line: number, branch: number): number | '-';
}

const BRANCH_EVERY = 6;

/**
 * 20,000 sources of 300 lines, 15 functions and 50 branch pairs (about 96 MB): lines ≡ 0 (mod 4)
 * never run; every other function runs; of each branch pair the first is taken twice, or on every
 * other pair never evaluated ('-'), the second never.
 */
export const MONOREPO: TracefileShape = {
  sources: 20_000,
  lines: 300,
  functionEvery: 20,
  branchEvery: BRANCH_EVERY,
  path: (source) => `/repo/packages/pkg_${source % 200}/src/module_${source}.ts`,
  lineHits: (line) => (line % 4 === 0 ? 0 : (line % 7) + 1),
  functionHits: (index) => (index % 2 === 0 ? 0 : 3),
  branchTaken: (line, branch) => (branch === 1 ? 0 : line % (2 * BRANCH_EVERY) === 0 ? '-' : 2),
};

/** One string per source record. */
export function* tracefile(shape: TracefileShape): Generator<string> {
  const { lines, functionEvery, branchEvery } = shape;
  const ours = totalsOf([shape], 1);
  for (let source = 0; source < shape.sources; source += 1) {
    const record = ['TN:bench', `SF:${shape.path(source)}`];
    const functions: string[] = [];
    for (let line = 1; line <= lines; line += functionEvery) {
      const name = `fn_${source}_${line}`;
      record.push(`FN:${line},${line + functionEvery - 1},${name}`);
      functions.push(`FNDA:${shape.functionHits((line - 1) / functionEvery)},${name}`);
    }
    record.push(...functions, `FNF:${ours.functions.total}`, `FNH:${ours.functions.covered}`);
    for (let line = branchEvery; line <= lines; line += branchEvery) {
      record.push(
        `BRDA:${line},0,0,${shape.branchTaken(line, 0)}`,
        `BRDA:${line},0,1,${shape.branchTaken(line, 1)}`,
      );
    }
    record.push(`BRF:${ours.branches.total}`, `BRH:${ours.branches.covered}`);
    for (let line = 1; line <= lines; line += 1) record.push(`DA:${line},${shape.lineHits(line)}`);
    record.push(`LF:${ours.lines.total}`, `LH:${ours.lines.covered}`, 'end_of_record', '');
    yield record.join('\n');
  }
}

export interface Totals {
  lines: { covered: number; total: number };
  branches: { covered: number; total: number };
  functions: { covered: number; total: number };
}

/**
 * The totals of the shapes' tracefiles merged, worked out here from the hits alone (hits summed
 * per line, branch position and function; covered when the sum is above 0), for `sources` sources.
 * The shapes must differ only in hits, as the shards of one test run do.
 */
export function totalsOf(shapes: readonly TracefileShape[], sources = shapes[0].sources): Totals {
  const { lines, functionEvery, branchEvery } = shapes[0];
  const count = (sums: number[]) => ({
    covered: sources * sums.filter((sum) => sum > 0).length,
    total: sources * sums.length,
  });
  const sum = (hits: (shape: TracefileShape) => number | '-') =>
    shapes.reduce((total, shape) => {
      const value = hits(shape);
      return total + (value === '-' ? 0 : value);
    }, 0);
  const lineSums: number[] = [];
  for (let line = 1; line <= lines; line += 1) lineSums.push(sum((s) => s.lineHits(line)));
  const functionSums: number[] = [];
  for (let index = 0; index * functionEvery < lines; index += 1)
    functionSums.push(sum((s) => s.functionHits(index)));
  const branchSums: number[] = [];
  for (let line = branchEvery; line <= lines; line += branchEvery)
    for (const branch of [0, 1]) branchSums.push(sum((s) => s.branchTaken(line, branch)));
  return { lines: count(lineSums), branches: count(branchSums), functions: count(functionSums) };
}

/**
 * Shard `index` of `count` of a matrix run over `base`'s sources, each covering the same files
 * with hits of its own, so that merging them is real work with a result no shard has alone:
 * lines ≡ 0 (mod 4) ran in the one shard whose turn it is, cycling over 2 × count turns (so half
 * of them never ran); other lines ran 0 to 2 times depending on the shard; of the functions
 * base never ran, every other one ran in one shard only; each branch pair's first branch is
 * never evaluated except in its turn's shard, its second taken in its turn of 2 × count.
 */
export function shardOf(base: TracefileShape, index: number, count: number): TracefileShape {
  const { branchEvery } = base;
  const turn = (step: number, of: number) => step % of === index;
  return {
    ...base,
    lineHits: (line) => (line % 4 === 0 ? (turn(line / 4, 2 * count) ? 1 : 0) : (line + index) % 3),
    functionHits: (fn) =>
      base.functionHits(fn) > 0
        ? base.functionHits(fn)
        : turn(fn / 2, count) && fn % 4 === 0
          ? 1
          : 0,
    branchTaken: (line, branch) =>
      branch === 0
        ? turn(line / branchEvery, count)
          ? 1
          : '-'
        : turn(line / branchEvery, 2 * count)
          ? 1
          : 0,
  };
}

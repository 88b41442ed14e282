export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every task once per round, in the same order each round (A, B, C, A, B, C, ...), so that a
 * machine that slows down or warms up during the run affects every task alike. Returns each
 * task's results by name.
 */
export async function alternate<T>(
  rounds: number,
  tasks: Record<string, () => Promise<T>>,
): Promise<Record<string, T[]>> {
  const results: Record<string, T[]> = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, task] of Object.entries(tasks)) results[name].push(await task());
  }
  return results;
}

export const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export const MIB = 1024 * 1024;

/**
 * A PromQL double-quoted string. PromQL unquotes like Go, which reads every escape JSON writes
 * (\", \\, \n, \uXXXX), so JSON's quoting is exact.
 */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * The distributions the SLO judgement needs, from jStat. jStat is 58 KB whose evaluation made up a
 * good part of every canary start, while only a canary that reaches its first traffic step judges
 * anything: `progress` loads it once, before its first step, and the functions below use it.
 */
type JStat = typeof import('jstat').default;

let library: JStat | undefined;

/** Loads jStat (once); call and await before the functions below. */
export async function loadStatistics(): Promise<void> {
  library ??= (await import('jstat')).default;
}

/** P(X ≤ k) for X ~ Binomial(trials, p). */
export function binomialCdf(k: number, trials: number, p: number): number {
  return loaded().binomial.cdf(k, trials, p);
}

/** The p-quantile of Beta(a, b). */
export function betaQuantile(p: number, a: number, b: number): number {
  return loaded().beta.inv(p, a, b);
}

function loaded(): JStat {
  if (library === undefined) throw new Error('loadStatistics() was not awaited before judging');
  return library;
}

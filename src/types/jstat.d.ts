// jstat ships no types; this declares the functions Slipway uses.
declare module 'jstat' {
  const jstat: {
    beta: {
      /** The Beta(a, b) distribution's quantile at probability p. */
      inv(p: number, a: number, b: number): number;
    };
    binomial: {
      /** P(X ≤ k) for X ~ Binomial(n, p). */
      cdf(k: number, n: number, p: number): number;
    };
  };
  export default jstat;
}

// jstat ships no types; this declares the one function Slipway uses.
declare module 'jstat' {
  const jstat: {
    beta: {
      /** The Beta(a, b) distribution's quantile at probability p. */
      inv(p: number, a: number, b: number): number;
    };
  };
  export default jstat;
}

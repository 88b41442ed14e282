/** The standard normal upper tail P(Z > z), from erfc (Numerical Recipes' erfcc, |error| < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const polynomial =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(polynomial);
  return (x >= 0 ? erfc : 2 - erfc) / 2;
}

/** P(X ≤ x) for log X ~ N(log median, σ²). */
export function logNormalCdf(x: number, median: number, sigma: number): number {
  return 1 - normalUpperTail((Math.log(x) - Math.log(median)) / sigma);
}

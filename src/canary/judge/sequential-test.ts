/**
 * An anytime-valid, one-sided test that the canary's event rate (5xx, slow requests) is higher
 * than stable's, after Lindon & Malek's counting-process construction ("Anytime-Valid Inference
 * for Multinomial Count Data", NeurIPS 2022).
 *
 * Within one batch (one check), let nc and ns be the requests each track received and ρ the
 * canary/stable rate ratio. Conditional on an event happening, it belongs to the canary with
 * probability q(ρ) = ρ·nc / (ρ·nc + ns). For each ρ ≥ 1 the product over batches of
 * q(ρ)^x (1 − q(ρ))^y / (q(1)^x (1 − q(1))^y) is a nonnegative supermartingale whenever the true
 * ratio is ≤ 1, however the exposures change from batch to batch (the traffic weight moves by
 * step): given the batch's exposures and total events, its expectation is ≤ 1. That also holds
 * when events are per-request Bernoulli rather than Poisson (conditionally hypergeometric, which
 * is dominated in convex order by the binomial, Hoeffding 1963), so slow-request shares near 100%
 * keep the guarantee. A mixture over ρ of supermartingales is one too, so by Ville's inequality
 * P(sup_t BF_t ≥ 1/α) ≤ α: the p-value below may be read after every batch without inflating the
 * false-alarm rate.
 *
 * The mixture is a half-normal prior on log ρ over a fixed grid. A discrete grid keeps the
 * guarantee exact (it is a finite mixture, not an approximation of an integral). Half-normal
 * rather than flat puts most weight on modest regressions (ρ of 1.1 to 5), where evidence is
 * scarce and prior mass buys power, while its tail still reaches 5xx bursts of 20× and more,
 * which the data reveal quickly even with little prior weight.
 */

export interface RateRatioBatch {
  canaryExposure: number;
  stableExposure: number;
  canaryEvents: number;
  stableEvents: number;
}

export interface RateRatioTestOptions {
  /** Standard deviation of the half-normal prior on log ρ. */
  priorScale?: number;
  /** Largest log ρ on the grid. */
  maxLogRatio?: number;
  gridPoints?: number;
}

const DEFAULTS = { priorScale: 1.5, maxLogRatio: 5, gridPoints: 50 } as const;

export class RateRatioTest {
  private readonly logRatios: number[];
  private readonly logPriorWeights: number[];
  /** log of each grid point's likelihood ratio against ρ = 1, accumulated over batches. */
  private readonly logLikelihoodRatios: number[];
  private currentLogBayesFactor = 0;
  private largestLogBayesFactor = 0;

  constructor(options: RateRatioTestOptions = {}) {
    const { priorScale, maxLogRatio, gridPoints } = { ...DEFAULTS, ...options };
    if (!(priorScale > 0) || !(maxLogRatio > 0) || !(gridPoints >= 1)) {
      throw new RangeError('priorScale, maxLogRatio and gridPoints must be positive');
    }
    // ρ = 1 itself is left out: its likelihood ratio is always 1 and would only dilute the rest.
    this.logRatios = Array.from(
      { length: gridPoints },
      (_, index) => ((index + 1) * maxLogRatio) / gridPoints,
    );
    const unnormalised = this.logRatios.map((x) => -(x * x) / (2 * priorScale * priorScale));
    const total = logSumExp(unnormalised);
    this.logPriorWeights = unnormalised.map((w) => w - total);
    this.logLikelihoodRatios = this.logRatios.map(() => 0);
  }

  /**
   * Adds one batch. `nullRatio` (ρ0 ≥ 1) is the ratio the canary may have without being worse:
   * each grid point is then ρ0·e^x, tested against ρ0, which is again a supermartingale under
   * any true ratio ≤ ρ0. It may change from batch to batch, if fixed before the batch is seen.
   */
  update(batch: RateRatioBatch, nullRatio = 1): void {
    const { canaryExposure, stableExposure, canaryEvents, stableEvents } = batch;
    if (!(nullRatio >= 1) || !Number.isFinite(nullRatio)) {
      throw new RangeError(`nullRatio must be a finite number ≥ 1, got ${nullRatio}`);
    }
    for (const value of Object.values(batch)) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(
          `batch counts must be finite and non-negative: ${JSON.stringify(batch)}`,
        );
      }
    }
    // Without exposure on both sides q is 0 or 1 whatever ρ is: the batch says nothing.
    if (canaryExposure === 0 || stableExposure === 0) return;
    if (canaryEvents === 0 && stableEvents === 0) return;

    // The null's own ratio scales the canary's exposure: ρ0·e^x against ρ0 is e^x against 1.
    const logCanary = Math.log(canaryExposure) + Math.log(nullRatio);
    const logStable = Math.log(stableExposure);
    const logNullTotal = logAddExp(logCanary, logStable);
    for (let k = 0; k < this.logRatios.length; k++) {
      const logTotal = logAddExp(this.logRatios[k] + logCanary, logStable);
      // log q(ρ) − log q(ρ0) and log(1 − q(ρ)) − log(1 − q(ρ0)), written to avoid cancellation.
      const canaryTerm = this.logRatios[k] - logTotal + logNullTotal;
      const stableTerm = logNullTotal - logTotal;
      this.logLikelihoodRatios[k] += canaryEvents * canaryTerm + stableEvents * stableTerm;
    }
    this.currentLogBayesFactor = logSumExp(
      this.logLikelihoodRatios.map((lr, k) => lr + this.logPriorWeights[k]),
    );
    this.largestLogBayesFactor = Math.max(this.largestLogBayesFactor, this.currentLogBayesFactor);
  }

  /** log BF_t, the evidence for "canary rate is higher" after the batches so far. */
  get logBayesFactor(): number {
    return this.currentLogBayesFactor;
  }

  /** min(1, 1 / max_{s≤t} BF_s): valid at any stopping time, and never increases. */
  get pValue(): number {
    return Math.min(1, Math.exp(-this.largestLogBayesFactor));
  }
}

export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const larger = Math.max(a, b);
  return larger + Math.log1p(Math.exp(-Math.abs(a - b)));
}

export function logSumExp(values: readonly number[]): number {
  const largest = Math.max(...values);
  if (largest === -Infinity || largest === Infinity) return largest;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - largest);
  return largest + Math.log(sum);
}

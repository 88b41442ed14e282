// @ts-check
/**
 * Seeded randomness for simulations that must come out the same on every machine: the traffic
 * router's split, the judge's tests and the canary benchmarks all draw from it.
 */

/**
 * mulberry32: small, fast and good enough for simulation.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Poisson draw by Knuth's product method; fine for the small means of one check's counts.
 * @param {() => number} random
 * @param {number} mean
 */
export function poisson(random, mean) {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

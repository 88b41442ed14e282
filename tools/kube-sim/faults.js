// @ts-check
/**
 * Fault injection for tests: failing requests, slow responses and dropped watch connections.
 */

export class Faults {
  /** @param {{ dropWatches: () => void }} watches */
  constructor(watches) {
    this.watches = watches;
    /** @type {{ remaining: number, status: 500 | 429 }} */
    this.failing = { remaining: 0, status: 500 };
    this.delayMs = 0;
  }

  /** Cut every open watch connection now. */
  dropWatches() {
    this.watches.dropWatches();
  }

  /**
   * Answer the next `count` requests with `status` (429 carries Retry-After).
   * @param {number} count
   * @param {500 | 429} [status]
   */
  failNext(count, status = 500) {
    this.failing = { remaining: count, status };
  }

  /** Delay every response by `ms` milliseconds (0 turns it off). @param {number} ms */
  delay(ms) {
    this.delayMs = ms;
  }

  reset() {
    this.failing = { remaining: 0, status: 500 };
    this.delayMs = 0;
  }

  /**
   * Consumes one injected failure if any is pending.
   * @returns {500 | 429 | undefined}
   */
  takeFailure() {
    if (this.failing.remaining <= 0) return undefined;
    this.failing.remaining -= 1;
    return this.failing.status;
  }
}

// @ts-check
/**
 * Fault injection for tests: failing requests, slow responses, dropped watch connections, outages,
 * triggers that inject a fault when a given request arrives, and a record of the requests seen.
 */

/** @typedef {500 | 429 | 503} InjectedStatus */
/**
 * One API request as the server saw it: `path` is the URL pathname (no query), `at` its arrival
 * (epoch ms), `status` the answer's status code, or 'dropped' when no answer was sent (an outage,
 * or a client that gave up before the answer).
 * @typedef {{ method: string, path: string, at: number, status: number | 'dropped' }} RequestRecord
 */
/**
 * Which request fires a trigger: `method` is compared case-insensitively, `path` with the URL
 * pathname (a string must be equal, a RegExp must match), and the first `skip` matching requests
 * are let through.
 * @typedef {{ method?: string, path?: RegExp | string, skip?: number }} TriggerMatch
 */
/** @typedef {{ fired: Promise<void>, cancel(): void }} Trigger */
/**
 * @typedef {{
 *   method: string | undefined,
 *   path: RegExp | string | undefined,
 *   skip: number,
 *   action: (faults: Faults) => void | Promise<void>,
 *   resolve: () => void,
 *   reject: (error: unknown) => void,
 * }} PendingTrigger
 */
/**
 * A request being recorded; `res` is kept until the exchange ends.
 * @typedef {{ method: string, path: string, at: number, status: number | 'dropped' | undefined, res: import('node:http').ServerResponse | undefined }} Entry
 */

/** How many requests `requests` keeps (the oldest are forgotten). */
export const MAX_RECORDED_REQUESTS = 10_000;

const STATUSES = [500, 429, 503];

export class Faults {
  /** @type {PendingTrigger[]} */
  #triggers = [];
  /** @type {Entry[]} */
  #entries = [];

  /** @param {{ dropWatches: () => void }} watches */
  constructor(watches) {
    this.watches = watches;
    /** @type {{ remaining: number, status: InjectedStatus }} */
    this.failing = { remaining: 0, status: 500 };
    this.delayMs = 0;
    /** Epoch ms at which the current outage ends (0: none). */
    this.outageUntil = 0;
  }

  /** Cut every open watch connection now. */
  dropWatches() {
    this.watches.dropWatches();
  }

  /**
   * Answer the next `count` requests with `status`: 500 InternalError, 429 TooManyRequests (with
   * Retry-After: 1) or 503 ServiceUnavailable.
   * @param {number} count
   * @param {InjectedStatus} [status]
   */
  failNext(count, status = 500) {
    if (!STATUSES.includes(status)) {
      throw new Error(`failNext: status must be one of ${STATUSES.join(', ')}, not ${status}`);
    }
    this.failing = { remaining: count, status };
  }

  /** Delay every response by `ms` milliseconds (0 turns it off). @param {number} ms */
  delay(ms) {
    this.delayMs = ms;
  }

  /**
   * For the next `ms` milliseconds every request (health paths too) has its connection destroyed
   * without an answer, as while the API server restarts behind a load balancer. Open watches and
   * followed logs are cut now. `outage(0)` ends an outage early.
   * @param {number} ms
   */
  outage(ms) {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`outage: bad duration ${ms}`);
    this.outageUntil = ms > 0 ? Date.now() + ms : 0;
    if (ms > 0) this.watches.dropWatches();
  }

  /** Whether an outage is going on. */
  inOutage() {
    return Date.now() < this.outageUntil;
  }

  /**
   * Calls `action(this)` once, when the first request matching `match` (after `skip` of them)
   * arrives, before that request is handled: a fault the action sets applies to it already. An
   * async action is awaited before the request goes on. Health paths never match. `fired`
   * resolves once the action has run (and rejects if it threw); it never settles for a trigger
   * cancelled, by `cancel()` or `reset()`, before it fired.
   * @param {TriggerMatch} match
   * @param {(faults: Faults) => void | Promise<void>} action
   * @returns {Trigger}
   */
  when(match, action) {
    const skip = match.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new Error(`when: bad skip ${match.skip}`);
    const path =
      match.path instanceof RegExp
        ? new RegExp(match.path.source, match.path.flags.replace(/[gy]/g, ''))
        : match.path;
    /** @type {() => void} */
    let resolve = () => {};
    /** @type {(error: unknown) => void} */
    let reject = () => {};
    /** @type {Promise<void>} */
    const fired = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    /** @type {PendingTrigger} */
    const trigger = { method: match.method?.toUpperCase(), path, skip, action, resolve, reject };
    this.#triggers.push(trigger);
    return {
      fired,
      cancel: () => {
        this.#triggers = this.#triggers.filter((t) => t !== trigger);
      },
    };
  }

  /**
   * The API requests answered or dropped since the start or the last `reset()`, oldest first
   * (the last MAX_RECORDED_REQUESTS of them). Health paths are not recorded. A request appears
   * once its answer's status is sent (a watch: when it starts streaming).
   * @returns {RequestRecord[]}
   */
  get requests() {
    /** @type {RequestRecord[]} */
    const records = [];
    for (const entry of this.#entries) {
      if (entry.status === undefined && entry.res?.headersSent) entry.status = entry.res.statusCode;
      if (entry.status === undefined) continue;
      records.push({ method: entry.method, path: entry.path, at: entry.at, status: entry.status });
    }
    return records;
  }

  /** Turns every fault off, cancels the triggers and clears `requests`. */
  reset() {
    this.failing = { remaining: 0, status: 500 };
    this.delayMs = 0;
    this.outageUntil = 0;
    this.#triggers = [];
    this.#entries = [];
  }

  /**
   * Consumes one injected failure if any is pending.
   * @returns {InjectedStatus | undefined}
   */
  takeFailure() {
    if (this.failing.remaining <= 0) return undefined;
    this.failing.remaining -= 1;
    return this.failing.status;
  }

  /**
   * The server calls this first for every request: records it (unless `health`), fires the
   * triggers it matches, and during an outage destroys its connection. Resolves false when the
   * request was dropped and must not be answered.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} path the URL pathname
   * @param {boolean} health whether `path` is a health endpoint
   * @returns {Promise<boolean>}
   */
  async admit(req, res, path, health) {
    /** @type {Entry | undefined} */
    let entry;
    if (!health) {
      const method = (req.method ?? 'GET').toUpperCase();
      /** @type {Entry} */
      const recorded = { method, path, at: Date.now(), status: undefined, res };
      entry = recorded;
      this.#entries.push(recorded);
      if (this.#entries.length > MAX_RECORDED_REQUESTS) this.#entries.shift();
      res.once('close', () => {
        recorded.status ??= res.headersSent ? res.statusCode : 'dropped';
        recorded.res = undefined;
      });
      await this.#fire(method, path);
    }
    if (!this.inOutage()) return true;
    if (entry) {
      entry.status = 'dropped';
      entry.res = undefined;
    }
    req.socket.destroy();
    return false;
  }

  /** @param {string} method upper case @param {string} path */
  async #fire(method, path) {
    /** @type {PendingTrigger[]} */
    const due = [];
    for (const trigger of this.#triggers) {
      if (trigger.method !== undefined && trigger.method !== method) continue;
      if (typeof trigger.path === 'string' && trigger.path !== path) continue;
      if (trigger.path instanceof RegExp && !trigger.path.test(path)) continue;
      if (trigger.skip > 0) trigger.skip -= 1;
      else due.push(trigger);
    }
    if (due.length === 0) return;
    this.#triggers = this.#triggers.filter((t) => !due.includes(t));
    for (const trigger of due) {
      try {
        await trigger.action(this);
        trigger.resolve();
      } catch (error) {
        trigger.reject(error);
      }
    }
  }
}

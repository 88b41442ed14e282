// @ts-check
/**
 * Steady traffic for the canary environment. Open loop: requests leave on a fixed schedule
 * whether or not earlier ones have been answered, as users' requests do, so a slow canary shows
 * up as latency rather than as fewer requests. Past `concurrency` requests in flight the
 * scheduled ones are skipped and counted as dropped instead of queuing without bound.
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';

/**
 * @typedef {object} LoadCounts
 * @property {number} sent requests started
 * @property {number} dropped requests skipped because `concurrency` were already in flight
 * @property {Record<string, number>} byStatus answers by HTTP status; `error` for network errors
 * @property {Record<string, number>} byTrack answers by their x-canary-track header
 */
/**
 * @typedef {object} RunningLoad
 * @property {() => LoadCounts} counts a snapshot so far
 * @property {() => Promise<LoadCounts>} stop stops sending and waits for the requests in flight
 */

const TICK_MS = 10;
const DRAIN_TIMEOUT_MS = 5000;

/** @param {Record<string, number>} counts @param {string} key */
function bump(counts, key) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * @param {{ url: string, ratePerSecond: number, concurrency?: number }} options
 * @returns {RunningLoad}
 */
export function startLoad({ url, ratePerSecond, concurrency = 64 }) {
  if (!(ratePerSecond > 0)) throw new Error(`ratePerSecond must be above 0, got ${ratePerSecond}`);
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  /** @type {LoadCounts} */
  const totals = { sent: 0, dropped: 0, byStatus: {}, byTrack: {} };
  let inFlight = 0;
  /** @type {Array<() => void>} */
  let idleWaiters = [];
  const started = performance.now();
  let scheduled = 0;

  const finished = () => {
    inFlight -= 1;
    if (inFlight === 0) idleWaiters.splice(0).forEach((resolve) => resolve());
  };

  const send = () => {
    totals.sent += 1;
    inFlight += 1;
    let done = false;
    // A socket error after the answer began can surface on both the request and the response.
    const finishOnce = () => {
      if (done) return;
      done = true;
      finished();
    };
    const outgoing = httpRequest(target, { agent, timeout: 30_000 }, (response) => {
      bump(totals.byStatus, String(response.statusCode));
      const track = response.headers['x-canary-track'];
      if (typeof track === 'string') bump(totals.byTrack, track);
      response.resume();
      response.once('end', finishOnce);
      response.once('error', finishOnce);
      response.once('aborted', finishOnce);
    });
    outgoing.once('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.once('error', () => {
      if (done) return;
      bump(totals.byStatus, 'error');
      finishOnce();
    });
    outgoing.end();
  };

  // Timers drift, so each tick sends whatever the schedule says is due since the start.
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * ratePerSecond);
    for (; scheduled < due; scheduled++) {
      if (inFlight >= concurrency) totals.dropped += 1;
      else send();
    }
  }, TICK_MS);

  const snapshot = () => ({
    sent: totals.sent,
    dropped: totals.dropped,
    byStatus: { ...totals.byStatus },
    byTrack: { ...totals.byTrack },
  });
  /** @type {Promise<LoadCounts> | undefined} */
  let stopping;
  return {
    counts: snapshot,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        if (inFlight > 0) {
          const idle = new Promise((resolve) => idleWaiters.push(() => resolve(undefined)));
          const drainTimer = setTimeout(() => agent.destroy(), DRAIN_TIMEOUT_MS);
          await idle;
          clearTimeout(drainTimer);
        }
        idleWaiters = [];
        agent.destroy();
        return snapshot();
      })();
      return stopping;
    },
  };
}

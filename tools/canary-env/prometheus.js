// @ts-check
/**
 * The real Prometheus, scraping the canary environment's services. It is started with a generated
 * config and only handed out once every target has been scraped, so callers can query at once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChild, unlessExited } from './child.js';

/** @typedef {{ url: string, labels?: Record<string, string> }} ScrapeTarget */
/** @typedef {{ metric: Record<string, string>, value: [number, string] }} Sample */
/**
 * @typedef {object} RunningPrometheus
 * @property {string} url
 * @property {number} pid
 * @property {(promql: string) => Promise<Sample[]>} query an instant vector query at now
 * @property {() => Promise<void>} stop
 */

const READY_TIMEOUT_MS = 30_000;
const MISSING_HINT = 'Install it with `apt-get install prometheus` (or run .ci/run).';

/** @param {number} ms */
function duration(ms) {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Prometheus config as JSON (which is YAML): one job per scheme and metrics path, and one static
 * group per target so that each target carries its own labels.
 * @param {ScrapeTarget[]} targets
 * @param {number} scrapeIntervalMs
 */
export function prometheusConfig(targets, scrapeIntervalMs) {
  /** @type {Map<string, any>} */
  const jobs = new Map();
  for (const target of targets) {
    const parsed = new URL(target.url);
    const scheme = parsed.protocol.replace(':', '');
    const metricsPath = parsed.pathname === '/' ? '/metrics' : parsed.pathname;
    const key = `${scheme} ${metricsPath}`;
    if (!jobs.has(key)) {
      jobs.set(key, {
        job_name: jobs.size === 0 ? 'canary-env' : `canary-env-${jobs.size + 1}`,
        scheme,
        metrics_path: metricsPath,
        static_configs: [],
      });
    }
    jobs.get(key).static_configs.push({ targets: [parsed.host], labels: target.labels ?? {} });
  }
  const interval = duration(scrapeIntervalMs);
  return {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [...jobs.values()],
  };
}

/** A port nobody listens on right now; Prometheus cannot listen on port 0 and tell us the port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {string} url
 * @returns {Promise<any>}
 */
async function getJson(url) {
  const response = await globalThis.fetch(url, { signal: globalThis.AbortSignal.timeout(5000) });
  const body = /** @type {any} */ (await response.json());
  if (body.status !== 'success') {
    throw new Error(`Prometheus answered ${response.status}: ${body.errorType}: ${body.error}`);
  }
  return body.data;
}

/**
 * Polls until Prometheus is ready and has scraped every target successfully once.
 * @param {string} url
 * @param {ScrapeTarget[]} targets
 * @param {() => boolean} running
 */
async function waitForScrapes(url, targets, running) {
  const hosts = targets.map((t) => new URL(t.url).host);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (running()) {
    if (Date.now() > deadline) {
      const list = targets.map((t) => t.url).join(', ');
      throw new Error(
        `prometheus was not ready with a first scrape of ${list} within ${READY_TIMEOUT_MS} ms`,
      );
    }
    const ready = await globalThis.fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      const data = await getJson(`${url}/api/v1/targets?state=active`);
      /** @type {Array<{ scrapeUrl: string, health: string }>} */
      const active = data.activeTargets;
      const up = (/** @type {string} */ host) =>
        active.some((t) => new URL(t.scrapeUrl).host === host && t.health === 'up');
      if (hosts.every(up)) return;
    }
    await sleep(100);
  }
}

/**
 * @param {{ dir: string, targets: ScrapeTarget[], scrapeIntervalMs?: number, program?: string }} options
 *   program defaults to `prometheus` on the PATH
 * @returns {Promise<RunningPrometheus>}
 */
export async function startPrometheus({
  dir,
  targets,
  scrapeIntervalMs = 1000,
  program = 'prometheus',
}) {
  await mkdir(dir, { recursive: true });
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, JSON.stringify(prometheusConfig(targets, scrapeIntervalMs), null, 2));
  // The port can be taken between freePort() and Prometheus binding it; try again if so.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = await startChild(
      program,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { cwd: dir, missingHint: MISSING_HINT },
    );
    try {
      await unlessExited(child, 'prometheus', waitForScrapes(url, targets, child.running));
    } catch (error) {
      await child.stop();
      const portTaken = /address already in use/.test(child.stderrTail());
      if (portTaken && attempt < 3) continue;
      const tail = child.stderrTail();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        message.includes(tail) || !tail ? message : `${message}\nprometheus stderr:\n${tail}`,
        { cause: error },
      );
    }
    return {
      url,
      pid: child.pid,
      async query(promql) {
        const data = await getJson(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
        return data.result;
      },
      stop: () => child.stop(5000),
    };
  }
}

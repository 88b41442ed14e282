/**
 * The canary environment (tools/canary-env) with TypeScript types. The JS modules carry JSDoc
 * types; declaring the API here as well, and assigning the JS functions to these declarations,
 * makes tsc fail when the two drift apart.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as env from '../../tools/canary-env/index.js';
import type { TrafficMode } from '../../src/canary/types.js';

export type { TrafficMode };

/** How a sample service answers: error share in [0, 1], mean latency and ± uniform jitter. */
export interface Behaviour {
  errorRate: number;
  latencyMs: number;
  jitterMs: number;
}

export interface SampleService {
  url: string;
  pid: number;
  /** Changes the behaviour of the running process; resolves with the whole new behaviour. */
  setBehaviour(change: Partial<Behaviour>): Promise<Behaviour>;
  stop(): Promise<void>;
}

export interface ScrapeTarget {
  /** The service's base URL (scraped at /metrics) or a full metrics URL. */
  url: string;
  labels?: Record<string, string>;
}

export interface Sample {
  metric: Record<string, string>;
  /** [unix seconds, value as Prometheus prints it] */
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  pid: number;
  /** Instant query at now; resolves with the vector's samples. */
  query(promql: string): Promise<Sample[]>;
  stop(): Promise<void>;
}

/** The two methods of kube-sim's ObjectStore the router reads. */
export interface ObjectSource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get(resource: string, namespace: string | undefined, name: string): any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  list(resource: string, namespace: string | undefined): any[];
}

export interface TrafficRouterOptions {
  store: ObjectSource;
  namespace: string;
  mode: TrafficMode;
  route?: string;
  service: string;
  backends: { stable: string; canary: string };
  random?: () => number;
}

export interface TrafficRouter {
  url: string;
  /** The canary's share in [0, 1] per the objects now; throws where a data plane would fail. */
  canaryShare(): number;
  stop(): Promise<void>;
}

export interface LoadCounts {
  sent: number;
  /** Scheduled requests skipped because `concurrency` requests were in flight. */
  dropped: number;
  /** By HTTP status, and `error` for network errors. */
  byStatus: Record<string, number>;
  /** By the router's x-canary-track header. */
  byTrack: Record<string, number>;
}

export interface RunningLoad {
  counts(): LoadCounts;
  stop(): Promise<LoadCounts>;
}

export interface CanaryEnvironmentOptions {
  store: ObjectSource;
  dir: string;
  namespace?: string;
  mode: TrafficMode;
  route?: string;
  service: string;
  stable: Behaviour;
  canary: Behaviour;
  /** Requests per second through the router; 0 or unset starts no load. */
  ratePerSecond?: number;
  concurrency?: number;
  scrapeIntervalMs?: number;
  random?: () => number;
  extraTargets?: Array<{ url: string; labels: Record<string, string> }>;
}

export interface CanaryEnvironment {
  prometheusUrl: string;
  routerUrl: string;
  stable: SampleService;
  canary: SampleService;
  prometheus: RunningPrometheus;
  router: TrafficRouter;
  /** The router's canary share per the kube-sim objects right now. */
  canaryShare(): number;
  load: RunningLoad | undefined;
  stop(): Promise<void>;
}

export const startSampleServiceProcess: (behaviour: Behaviour) => Promise<SampleService> =
  env.startSampleServiceProcess;

export const startPrometheus: (options: {
  dir: string;
  targets: ScrapeTarget[];
  scrapeIntervalMs?: number;
  program?: string;
}) => Promise<RunningPrometheus> = env.startPrometheus;

export const startTrafficRouter: (options: TrafficRouterOptions) => Promise<TrafficRouter> =
  env.startTrafficRouter;

export const startLoad: (options: {
  url: string;
  ratePerSecond: number;
  concurrency?: number;
}) => RunningLoad = env.startLoad;

export const startCanaryEnvironment: (
  options: CanaryEnvironmentOptions,
) => Promise<CanaryEnvironment> = env.startCanaryEnvironment;

export const seededRandom: (seed: number) => () => number = env.seededRandom;

export const LATENCY_BUCKETS: readonly number[] = env.LATENCY_BUCKETS;

/** Whether a process with this id still exists (a zombie counts: nobody waited for it). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The Prometheus test dependency, for describeWithTool. */
export const PROMETHEUS_TOOL = {
  program: 'prometheus',
  debianPackage: 'prometheus',
  versionArgs: ['--version'],
};

/** Ids of this process's living children, read from /proc (Linux), to prove nothing was left. */
export function childProcessIds(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name in parentheses may hold spaces; the fields after it are fixed.
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(parent) === process.pid && state !== 'Z') children.push(Number(entry));
  }
  return children;
}

/**
 * Whether `pid` still runs. A killed orphan stays a zombie where nothing reaps orphans (a
 * container whose PID 1 does not); it runs no more.
 */
export function processRuns(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until `pid` no longer runs; false if it still does after `ms`. */
export async function endsWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processRuns(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

const CANARY_ENV_DIR = fileURLToPath(new URL('../../tools/canary-env/', import.meta.url));

/**
 * Runs `script`, an ES module body that may import `./<module>.js` from tools/canary-env, in a
 * Node process of its own; resolves with the first line it prints, after killing that process
 * outright, as a test worker dies: none of its own clean-up runs.
 */
export async function firstLineOfKilledOwner(script: string): Promise<string> {
  const owner = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: CANARY_ENV_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    owner.stdout.setEncoding('utf8');
    owner.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    owner.once('exit', (code) => reject(new Error(`the owner exited first (${code})`)));
  });
  const exited = new Promise((resolve) => owner.once('exit', resolve));
  owner.kill('SIGKILL');
  await exited;
  return line;
}

/**
 * Stops a step's own kubectl calls once the run is cancelled, so a rollback never races a change
 * still on its way: after close(), no call through the gate starts, and close() waits for the
 * changes already under way to land before the rollback reads the cluster.
 */

/** Thrown by a kubectl call through a closed gate: the run was cancelled, nothing was sent. */
export class CancelledError extends Error {
  constructor(command: string) {
    super(`kubectl ${command} was not started: the run was cancelled`);
    this.name = 'CancelledError';
  }
}

/** Commands that only read the cluster; any other may change it. */
const READS = new Set([
  'get',
  'logs',
  'describe',
  'version',
  'api-resources',
  'api-versions',
  'cluster-info',
  'auth',
  'events',
  'top',
  'explain',
  'diff',
]);

/** Whether kubectl with these arguments may change the cluster (a server dry run does not). */
export function mayChange(args: readonly string[]): boolean {
  if (args.includes('--dry-run=server') || args.includes('--dry-run=client')) return false;
  const [verb, sub] = args;
  if (verb === undefined || READS.has(verb)) return false;
  return !(verb === 'rollout' && (sub === 'status' || sub === 'history'));
}

export class ChangeGate {
  private closedFlag = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Runs one kubectl call, or throws CancelledError when the gate is closed. */
  async run<T>(args: readonly string[], call: () => Promise<T>): Promise<T> {
    if (this.closedFlag) throw new CancelledError(args[0] ?? '');
    if (!mayChange(args)) return call();
    const pending = call();
    const settled = pending.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    try {
      return await pending;
    } finally {
      this.inFlight.delete(settled);
    }
  }

  /**
   * Lets no further call through and waits up to `maxWaitMs` for the changes under way (a read
   * in flight is not waited for: its answer no longer matters). False when one still ran then.
   */
  async close(maxWaitMs: number): Promise<boolean> {
    this.closedFlag = true;
    if (this.inFlight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), maxWaitMs);
    });
    const landed = Promise.all([...this.inFlight]).then(() => true as const);
    try {
      return await Promise.race([landed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Cancellation within the runner's grace period: GitHub sends SIGINT, then SIGTERM 7.5 s later,
 * then kills the process tree. The first signal starts one revert; the cluster lock makes sure no
 * weight change main had in flight lands after it.
 */
export class ClusterLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs changes one at a time, in call order. */
  run<T>(change: () => Promise<T>): Promise<T> {
    const result = this.tail.then(change);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class Cancellation {
  private signalled = false;
  private readonly waiters: Array<() => void> = [];
  private readonly listener = () => this.trigger();
  /** Settles when the handler has finished; it normally ends the process first. */
  done: Promise<void> = new Promise(() => undefined);

  constructor(private readonly handler: () => Promise<void>) {
    process.on('SIGINT', this.listener);
    process.on('SIGTERM', this.listener);
  }

  get cancelled(): boolean {
    return this.signalled;
  }

  /** Resolves true after ms, or false as soon as a cancellation arrives. */
  sleep(ms: number): Promise<boolean> {
    if (this.signalled) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(wake), 1);
        resolve(true);
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
      this.waiters.push(wake);
    });
  }

  stop(): void {
    process.off('SIGINT', this.listener);
    process.off('SIGTERM', this.listener);
  }

  private trigger(): void {
    // The runner sends SIGINT and then SIGTERM; one revert is enough.
    if (this.signalled) return;
    this.signalled = true;
    for (const wake of this.waiters.splice(0)) wake();
    this.done = this.handler();
  }
}

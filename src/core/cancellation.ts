/**
 * Cancellation as GitHub's runner does it: SIGINT, then SIGTERM 7.5 s later, then the process
 * tree is killed at 10 s. One handler per step runs on the first signal (the second must not
 * start it again); waits in the step end early so the handler has the grace period to itself.
 */
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

  /** No longer listens: the step is past the part a cancellation has to undo. */
  stop(): void {
    process.off('SIGINT', this.listener);
    process.off('SIGTERM', this.listener);
  }

  private trigger(): void {
    if (this.signalled) return;
    this.signalled = true;
    for (const wake of this.waiters.splice(0)) wake();
    this.done = this.handler();
  }
}

/** Calls `handler` once on the runner's first cancellation signal, until `stop()`. */
export function onCancel(handler: () => Promise<void>): Cancellation {
  return new Cancellation(handler);
}

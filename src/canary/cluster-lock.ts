/**
 * The canary's cluster changes run one at a time, in call order: a cancellation's revert, a lease
 * renewal and a weight change main had in flight never interleave, so none lands after the revert.
 */
export class ClusterLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(change: () => Promise<T>): Promise<T> {
    const result = this.tail.then(change);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

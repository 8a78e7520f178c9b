/**
 * Runs tasks keyed by group one after another per key, concurrently across keys. The cluster
 * store queues its POSTs here: a POST is merged from the group's current blob and committed only
 * if the group still holds it, so concurrent POSTs to one group would mostly lose the race and
 * retry; queued, only POSTs from other nodes can race.
 */
export class GroupQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Number of keys with queued or running tasks. */
  get size(): number {
    return this.tails.size;
  }
}

/**
 * The in-memory store's expiry index: which group expires when, earliest first, so finding the
 * due groups costs O(due · log n) rather than a scan of the store.
 *
 * A min-heap with lazy deletion: re-pushing a group adds a new entry and leaves the old one in the
 * heap, recognised as stale (its time is no longer the group's) when it surfaces. The heap is
 * rebuilt once stale entries outnumber live ones, so a group pushed every few seconds with a long
 * TTL cannot make it grow without bound.
 */

type Entry = readonly [expiresAt: number, id: string];

export class ExpiryQueue {
  /** Group id → its current expiry time, for groups that have one. */
  private readonly current = new Map<string, number>();
  private heap: Entry[] = [];

  /** Sets (undefined: removes) the expiry time of group `id`. */
  set(id: string, expiresAt: number | undefined): void {
    if (expiresAt === undefined) {
      this.current.delete(id);
      return;
    }
    if (this.current.get(id) === expiresAt) return;
    this.current.set(id, expiresAt);
    this.push([expiresAt, id]);
    if (this.heap.length > 2 * this.current.size + 64) this.rebuild();
  }

  /** The earliest expiry time of any group, or undefined when no group has one. */
  nextAt(): number | undefined {
    this.dropStale();
    return this.heap[0]?.[0];
  }

  /**
   * Takes up to `limit` groups whose expiry time is `<= nowSeconds` out of the queue, earliest
   * first, and returns their ids.
   */
  takeDue(nowSeconds: number, limit: number): string[] {
    const due: string[] = [];
    while (due.length < limit) {
      const next = this.nextAt();
      if (next === undefined || next > nowSeconds) break;
      const [, id] = this.pop() as Entry;
      this.current.delete(id);
      due.push(id);
    }
    return due;
  }

  clear(): void {
    this.current.clear();
    this.heap = [];
  }

  /** Number of heap entries, stale ones included (for tests of the bound). */
  get entries(): number {
    return this.heap.length;
  }

  private dropStale(): void {
    for (let top = this.heap[0]; top !== undefined; top = this.heap[0]) {
      if (this.current.get(top[1]) === top[0]) return;
      this.pop();
    }
  }

  private rebuild(): void {
    this.heap = [...this.current].map(([id, at]) => [at, id] as const);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private push(entry: Entry): void {
    this.heap.push(entry);
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, this.heap[parent] as Entry)) break;
      this.heap[i] = this.heap[parent] as Entry;
      i = parent;
    }
    this.heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top !== undefined && last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(start: number): void {
    const heap = this.heap;
    const entry = heap[start] as Entry;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && before(heap[child + 1] as Entry, heap[child] as Entry))
        child++;
      if (!before(heap[child] as Entry, entry)) break;
      heap[i] = heap[child] as Entry;
      i = child;
    }
    heap[i] = entry;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a[0] < b[0];
}

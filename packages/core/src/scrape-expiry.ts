/**
 * When groups of the scrape model expire, earliest first: a binary min-heap with lazy deletion.
 * A group pushed again gets a new entry and its old one stays behind; the model recognises stale
 * entries when they surface (the group's expiry is no longer theirs). The heap is rebuilt from
 * the live entries once stale ones outnumber them, so it stays proportional to the groups.
 */
type Entry = readonly [expiresAt: number, key: string];

export class ExpiryHeap {
  private heap: Entry[] = [];

  get length(): number {
    return this.heap.length;
  }

  push(expiresAt: number, key: string): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push([expiresAt, key]);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry;
      if (p[0] <= expiresAt) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = [expiresAt, key];
  }

  /** The earliest entry, or undefined. */
  peek(): Entry | undefined {
    return this.heap[0];
  }

  pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      const right = heap[child + 1];
      if (right !== undefined && right[0] < (heap[child] as Entry)[0]) child++;
      if ((heap[child] as Entry)[0] >= last[0]) break;
      heap[i] = heap[child] as Entry;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Keeps only the entries `live` accepts (re-heapified). */
  retain(live: (expiresAt: number, key: string) => boolean): void {
    const kept = this.heap.filter(([at, key]) => live(at, key));
    // A sorted array is a valid min-heap.
    this.heap = kept.sort((a, b) => a[0] - b[0]);
  }

  clear(): void {
    this.heap = [];
  }
}

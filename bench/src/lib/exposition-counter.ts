/** What a text-format scrape holds, counted without keeping the body in memory. */
export interface ExpositionCounts {
  /** Sample lines (one per series). */
  series: number;
  /** `# TYPE` lines (one per family). */
  families: number;
  /** `push_time_seconds` samples: every stored group has exactly one. */
  groups: number;
}

const GROUP_MARKER = 'push_time_seconds';
// Long enough to tell `push_time_seconds{`/`push_time_seconds ` from longer names.
const HEAD_LENGTH = GROUP_MARKER.length + 1;

/**
 * Streaming line classifier for text exposition 0.0.4. A scrape of 50,000 groups is
 * hundreds of MB, so it looks only at the first bytes of each line, across chunk boundaries.
 */
export class ExpositionCounter {
  private readonly counts: ExpositionCounts = { series: 0, families: 0, groups: 0 };
  private head = '';

  /** Feeds the next chunk of the body. */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl === -1 ? chunk.length : nl;
      if (this.head.length < HEAD_LENGTH) {
        this.head += chunk.toString(
          'latin1',
          pos,
          Math.min(end, pos + HEAD_LENGTH - this.head.length),
        );
      }
      if (nl === -1) return;
      this.classify(this.head);
      this.head = '';
      pos = nl + 1;
    }
  }

  /** Counts a final line without a trailing newline and returns the totals. */
  end(): ExpositionCounts {
    this.classify(this.head);
    this.head = '';
    return { ...this.counts };
  }

  private classify(head: string): void {
    if (head === '') return;
    if (head.startsWith('#')) {
      if (head.startsWith('# TYPE ')) this.counts.families++;
      return;
    }
    this.counts.series++;
    if (head.startsWith(GROUP_MARKER)) {
      const next = head.charAt(GROUP_MARKER.length);
      if (next === '{' || next === ' ') this.counts.groups++;
    }
  }
}

/** Counts a whole body at once (small bodies, tests). */
export function countExposition(body: Buffer | string): ExpositionCounts {
  const c = new ExpositionCounter();
  c.push(typeof body === 'string' ? Buffer.from(body) : body);
  return c.end();
}

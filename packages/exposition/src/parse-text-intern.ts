/**
 * A small direct-mapped cache of ASCII strings, looked up by the bytes they were decoded from.
 *
 * In a push, metric names, label names and most label values repeat on line after line. Handing
 * back the string decoded last time saves the decode and, more importantly on multi-megabyte
 * bodies, the garbage: the parsed families then share one string per distinct name. A slot
 * simply holds the last string that hashed to it, so memory stays bounded whatever the input.
 */

const MAX_SLOTS = 4096;
const MAX_LENGTH = 64; // longer strings rarely repeat and cost more to compare

export const FNV_OFFSET = 0x811c9dc5 | 0;

/** One FNV-1a step; callers fold it over the bytes while scanning them anyway. */
export function fnvStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

export class AsciiInterner {
  private readonly slots: (string | undefined)[];
  private readonly mask: number;

  /** Sized to the input: a small push should not pay for a table it cannot fill. */
  constructor(inputLength: number) {
    let size = 16;
    while (size < MAX_SLOTS && size * 32 < inputLength) size *= 2;
    this.slots = new Array<string | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  /** `buf[start:end]` (all bytes < 0x80) as a string; `hash` is FNV-1a over those bytes. */
  get(buf: Buffer, start: number, end: number, hash: number): string {
    const length = end - start;
    if (length > MAX_LENGTH) return buf.toString('latin1', start, end);
    const slot = hash & this.mask;
    const cached = this.slots[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === length) return cached;
    }
    const fresh = buf.toString('latin1', start, end);
    this.slots[slot] = fresh;
    return fresh;
  }
}

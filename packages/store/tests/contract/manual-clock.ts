import type { Clock } from '../../src/persistence';

/**
 * A Clock that moves only when told to, running the timers that come due on the way, so that
 * expiry can be tested at exact instants. Stores without timers (Redis) just read `now()`.
 */
export class ManualClock implements Clock {
  private timers: Array<{ atMs: number; callback: () => void; cancelled: boolean }> = [];

  constructor(private ms = 1_800_000_000_000) {}

  now(): number {
    return this.ms;
  }

  /** The current time in Unix seconds, as pushes carry it. */
  seconds(): number {
    return this.ms / 1000;
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const timer = { atMs: this.ms + delayMs, callback, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves the time forward by `ms`, running due timers in time order at their own instants. */
  advance(ms: number): void {
    const target = this.ms + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers.filter((t) => t.atMs <= target).sort((a, b) => a.atMs - b.atMs)[0];
      if (next === undefined) break;
      this.ms = Math.max(this.ms, next.atMs);
      next.cancelled = true;
      next.callback();
    }
    this.ms = target;
  }

  /**
   * Moves the time forward by `ms` without running timers, as when the event loop is busy: the
   * timers due on the way run late, at the next `advance`.
   */
  jump(ms: number): void {
    this.ms += ms;
  }

  /** Timers set and neither run nor cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

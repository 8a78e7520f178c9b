import type { MetricGroup } from '@pushgate/core';
import { PersistenceError } from './persistence-errors';
import { decodeSnapshot } from './persistence-format';
import { PersistenceScheduler, type Clock } from './persistence';

/** A clock whose timers fire only when the test advances it. */
class FakeClock implements Clock {
  time = 1_000_000;
  private timers: Array<{ at: number; callback: () => void; cancelled: boolean }> = [];

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const timer = { at: this.time + delayMs, callback, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  get pending(): number[] {
    return this.timers.filter((t) => !t.cancelled).map((t) => t.at - this.time);
  }

  /** Moves time on, firing due timers, and lets the writes they start finish. */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= this.time);
      if (due.length === 0) break;
      this.timers = this.timers.filter((t) => !due.includes(t));
      for (const timer of due) timer.callback();
      await settle();
    }
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

const INTERVAL = 60_000;

function setup(options: { fail?: boolean } = {}) {
  const clock = new FakeClock();
  const writes: Array<{ at: number; groups: MetricGroup[] }> = [];
  const errors: PersistenceError[] = [];
  let state: MetricGroup[] = [];
  let fail = options.fail ?? false;
  const scheduler = new PersistenceScheduler(
    { file: '/p/store.data', intervalMs: INTERVAL, onError: (err) => errors.push(err) },
    clock,
    () => state,
    async (file, data) => {
      if (fail) throw new PersistenceError('disk full', file);
      const chunks: Uint8Array[] = [];
      for await (const chunk of data) chunks.push(chunk);
      writes.push({ at: clock.now(), groups: decodeSnapshot(Buffer.concat(chunks), file) });
    },
  );
  const change = (job: string) => {
    state = [...state, { labels: { job }, families: {} }];
    scheduler.changed();
  };
  return { clock, writes, errors, scheduler, change, setFail: (v: boolean) => (fail = v) };
}

describe(PersistenceScheduler, () => {
  it('writes nothing while nothing changes, not even at close', async () => {
    const { clock, writes, scheduler } = setup();
    await clock.advance(10 * INTERVAL);
    await scheduler.close();
    expect(writes).toEqual([]);
  });

  it('writes one interval after start at the earliest, then at most once per interval', async () => {
    const { clock, writes, change } = setup();
    change('a');
    expect(clock.pending).toEqual([INTERVAL]);
    await clock.advance(INTERVAL - 1);
    expect(writes).toHaveLength(0);
    change('b');
    await clock.advance(1);
    expect(writes.map((w) => w.groups.length)).toEqual([2]);

    await clock.advance(10_000);
    change('c');
    change('d');
    expect(clock.pending).toEqual([INTERVAL - 10_000]);
    await clock.advance(INTERVAL);
    expect(writes.map((w) => w.groups.length)).toEqual([2, 4]);
  });

  it('writes at once when the last write is longer than an interval ago', async () => {
    const { clock, writes, change } = setup();
    await clock.advance(5 * INTERVAL);
    change('a');
    expect(clock.pending).toEqual([0]);
    await clock.advance(0);
    expect(writes).toHaveLength(1);
  });

  it('writes the last changes at close and cancels the timer', async () => {
    const { clock, writes, change, scheduler } = setup();
    change('a');
    await scheduler.close();
    expect(writes.map((w) => w.groups.length)).toEqual([1]);
    expect(clock.pending).toEqual([]);
    change('b');
    expect(clock.pending).toEqual([]);
  });

  it('reports a failed timer write and retries an interval later', async () => {
    const { clock, writes, errors, change, setFail } = setup({ fail: true });
    change('a');
    await clock.advance(INTERVAL);
    expect(errors.map((e) => e.message)).toEqual(['disk full']);
    expect(clock.pending).toEqual([INTERVAL]);
    setFail(false);
    await clock.advance(INTERVAL);
    expect(writes).toHaveLength(1);
    expect(clock.pending).toEqual([]);
  });

  it('rejects close when the final write fails', async () => {
    const { change, scheduler } = setup({ fail: true });
    change('a');
    await expect(scheduler.close()).rejects.toThrow(PersistenceError);
  });
});

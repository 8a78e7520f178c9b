import type { Redis } from 'ioredis';
import { StoreUnavailableError } from './metric-store';
import { RedisStoreProtocolError, ScriptCode } from './redis-errors';
import { RedisKeys } from './redis-keys';
import type { WriteReply } from './redis-replies';
import { MAX_SWEEP_ROUNDS, parseSweepReply, runSweepingDue, sweepBatch } from './redis-ttl';

const reply = (code: number, seq = 0): WriteReply => ({
  code,
  seq,
  gc: [],
  familyTypes: new Map(),
  seriesOwners: new Map(),
});

describe(parseSweepReply, () => {
  it('reads the count and whether more groups are due next to the write reply', () => {
    expect(parseSweepReply([1, 42, ['7:ab'], 3, 1])).toEqual({
      ...reply(1, 42),
      gc: ['7:ab'],
      deleted: 3,
      more: true,
    });
    expect(parseSweepReply([1, 0, [], 0, 0])).toMatchObject({ deleted: 0, more: false });
  });

  it.each([[null], [[1, 0, []]], [[1, 0, [], '3', 0]], [[1, 0, [1], 0, 0]]])(
    'refuses %j',
    (bad) => {
      expect(() => parseSweepReply(bad)).toThrow(RedisStoreProtocolError);
    },
  );
});

describe(sweepBatch, () => {
  const unused = {} as Redis;
  it.each([
    [NaN, 10],
    [Infinity, 10],
    [1e9, 0],
    [1e9, 1.5],
    [1e9, -1],
  ])('refuses time %p with batch size %p before calling Redis', async (now, batch) => {
    await expect(
      sweepBatch(unused, new RedisKeys('p'), now, batch, { graceMs: 0, batch: 1 }),
    ).rejects.toBeInstanceOf(RangeError);
  });
});

describe(runSweepingDue, () => {
  /** Runs with attempts answering `codes` in turn; records what happened, in order. */
  async function run(codes: number[]) {
    const events: string[] = [];
    let n = 0;
    const result = runSweepingDue(
      async () => {
        const code = codes[n++] ?? ScriptCode.APPLIED;
        events.push(`attempt ${code}`);
        return reply(code, n);
      },
      async () => {
        events.push('sweep');
      },
      async (r) => {
        events.push(`settled ${r.seq}`);
      },
    );
    return { result, events };
  }

  it('returns the first answer when no sweep is needed, settling nothing', async () => {
    const { result, events } = await run([ScriptCode.REJECTED]);
    expect((await result).code).toBe(ScriptCode.REJECTED);
    expect(events).toEqual([`attempt ${ScriptCode.REJECTED}`]);
  });

  it('sweeps, then runs the write again, settling the answer it set aside', async () => {
    const { result, events } = await run([ScriptCode.SWEEP_NEEDED, ScriptCode.APPLIED]);
    expect(await result).toEqual(reply(ScriptCode.APPLIED, 2));
    expect(events).toEqual([
      `attempt ${ScriptCode.SWEEP_NEEDED}`,
      'settled 1',
      'sweep',
      `attempt ${ScriptCode.APPLIED}`,
    ]);
  });

  it(`gives up with StoreUnavailableError after ${MAX_SWEEP_ROUNDS} sweeps`, async () => {
    const { result, events } = await run(Array(10).fill(ScriptCode.SWEEP_NEEDED));
    await expect(result).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(events.filter((e) => e === 'sweep')).toHaveLength(MAX_SWEEP_ROUNDS);
    expect(events.filter((e) => e.startsWith('settled'))).toHaveLength(MAX_SWEEP_ROUNDS + 1);
  });
});

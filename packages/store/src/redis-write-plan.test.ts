import { preparePush, seriesId, type PushMode } from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import { encodeName } from './redis-codec';
import { groupHash, seriesKey, shardOf } from './redis-keys';
import { planWrite } from './redis-write-plan';

const GC = { graceMs: 10000, batch: 100 };
const NO_TTL = { expiry: undefined, nowSeconds: 1700000000.5 };

function plan(body: string, mode: PushMode = 'replace') {
  const prepared = preparePush(
    { labels: { job: 'j' }, families: parseText(body), mode, receivedAt: 1700000000.25 },
    new Map(),
  );
  return { prepared, plan: planWrite(prepared, GC, NO_TTL) };
}

/** The (name, type, bookkeeping, keys) quadruples of the plan's ARGV. */
function families(args: readonly (string | number)[]): Array<[string, string, string, string]> {
  const count = Number(args[7]);
  return Array.from(
    { length: count },
    (_, i) => args.slice(8 + 4 * i, 12 + 4 * i) as [string, string, string, string],
  );
}

function replaced(args: readonly (string | number)[]): (string | number)[] {
  const at = 8 + 4 * Number(args[7]);
  return args.slice(at + 1, at + 1 + Number(args[at]));
}

const labels = (extra: Record<string, string>) =>
  Object.entries({ instance: '', job: 'j', ...extra })
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));

describe(planWrite, () => {
  it('lists each family the write leaves, with its series keys in order, bookkeeping flagged', () => {
    const { plan: p } = plan('# TYPE m counter\nm{x="1"} 1\nm{x="2"} 2\ng 3\n');
    expect(p.h).toBe(groupHash('job="j"'));
    expect(p.shard).toBe(shardOf(p.h));
    expect(p.args.slice(0, 7)).toEqual([
      p.h,
      '{"job":"j"}',
      'replace',
      '1700000000.25',
      '0',
      10000,
      100,
    ]);
    const key = (name: string, extra: Record<string, string> = {}) =>
      seriesKey(seriesId(name, labels(extra)));
    expect(families(p.args)).toEqual([
      ['g', 'UNTYPED', '0', key('g')],
      ['m', 'COUNTER', '0', key('m', { x: '1' }) + key('m', { x: '2' })],
      ['push_time_seconds', 'GAUGE', '1', key('push_time_seconds')],
      ['push_failure_time_seconds', 'GAUGE', '1', key('push_failure_time_seconds')],
    ]);
    expect(replaced(p.args)).toEqual([]);
    expect(p.records).toHaveLength(1);
    // One ARGV entry holding both records in blob order, separated as in a blob.
    expect(p.records[0]).toMatch(/^"g":\{[^\n]*\},\n"m":\{[^\n]*\}$/);
    expect(p.replacedEncoded).toEqual([]);
  });

  it('indexes no family without series, but stores it', () => {
    const { prepared } = plan('');
    const p = planWrite(
      {
        ...prepared,
        families: [{ name: 'e', type: 'GAUGE', metric: [] }],
        mode: 'merge',
        index: { ...prepared.index, replacedFamilies: ['e'] },
      },
      GC,
      NO_TTL,
    );
    expect(families(p.args).map(([name]) => name)).toEqual([
      'push_time_seconds',
      'push_failure_time_seconds',
    ]);
    expect(p.records).toEqual([expect.stringMatching(/^"e":/)]);
    expect(p.replacedEncoded).toEqual([encodeName('e')]);
  });

  it('replaces, for a POST, the pushed families and the bookkeeping gauges', () => {
    const { plan: p } = plan('a 1\nb 2\n', 'merge');
    expect(replaced(p.args)).toEqual(['a', 'b', 'push_time_seconds', 'push_failure_time_seconds']);
    expect(p.replacedEncoded).toEqual(['"a"', '"b"']);
  });

  it('marks a push core already rejected and carries no blob for it', () => {
    const { plan: p } = plan('a 1 1000\n', 'merge');
    expect(p.args[4]).toBe('1');
    expect(p.records).toEqual([]);
    expect(p.replacedEncoded).toEqual([]);
    expect(families(p.args).map(([name]) => name)).toEqual([
      'push_time_seconds',
      'push_failure_time_seconds',
    ]);
  });

  it('refuses a push whose index core computed differently', () => {
    const { prepared } = plan('a 1\n');
    expect(() =>
      planWrite({ ...prepared, index: { ...prepared.index, series: [] } }, GC, NO_TTL),
    ).toThrow(/push index mismatch/);
  });

  it.each([
    [{ expiry: undefined, nowSeconds: 1700000000.5 }, ['-', '-', '1700000000.5']],
    [
      { expiry: { ttlSeconds: 90, expiresAt: 1700000090.25 }, nowSeconds: 1700000001 },
      ['90', '1700000090.25', '1700000001'],
    ],
  ])('ends the common ARGV with the expiry and the clock: %j', (time, tail) => {
    const { prepared } = plan('a 1\n');
    const p = planWrite(prepared, GC, time);
    expect(p.args.slice(-3)).toEqual(tail);
    expect(p.nowSeconds).toBe(time.nowSeconds);
  });
});

/**
 * The behavioural contract of MetricStore (see src/metric-store.ts), run against every
 * implementation: PUT/POST/DELETE semantics, bookkeeping, the failure path, the cross-group rules
 * including upstream's poisoning cases, concurrency and ownership of returned data.
 *
 * Usage, in a `*.test.ts` file:
 *   describeMetricStoreContract('MemoryMetricStore', async () => {
 *     const store = new MemoryMetricStore();
 *     return { store, cleanup: () => store.close() };
 *   });
 * Every test gets a fresh, empty store from `makeStore` and calls `cleanup` afterwards.
 */
import {
  getFamily,
  groupId,
  lastPushSuccessful,
  mergeGroups,
  PushRejectedError,
  type GroupingLabels,
  type MetricGroup,
  type PushMode,
} from '@pushgate/core';
import { parseText, type Metric, type MetricFamily } from '@pushgate/exposition';
import type { MetricStore } from '../../src/metric-store';

export interface ContractSubject {
  store: MetricStore;
  cleanup(): Promise<void>;
}

const PREFIX = 'pushed metrics are invalid or inconsistent with existing metrics: ';

export function describeMetricStoreContract(
  name: string,
  makeStore: () => Promise<ContractSubject>,
): void {
  describe(`MetricStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: MetricStore;
    // Distinct, increasing receive times with sub-millisecond digits, as the gateway produces.
    let clock = 0;
    const nextTime = () => 1_700_000_000.000125 + ++clock;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
      clock = 0;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    async function push(
      labels: GroupingLabels,
      body: string | MetricFamily[],
      mode: PushMode = 'replace',
      receivedAt = nextTime(),
    ) {
      const families = typeof body === 'string' ? parseText(body) : body;
      await store.push({ labels, families, mode, receivedAt });
      return receivedAt;
    }

    async function rejection(
      labels: GroupingLabels,
      body: string | MetricFamily[],
      mode: PushMode = 'replace',
    ): Promise<PushRejectedError> {
      const error = await push(labels, body, mode).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(PushRejectedError);
      return error as PushRejectedError;
    }

    async function group(labels: GroupingLabels): Promise<MetricGroup | undefined> {
      return (await store.getGroups()).find((g) => groupId(g.labels) === groupId(labels));
    }

    /** Family name → [value of the first series, stored timestamp]. */
    async function contents(
      labels: GroupingLabels,
    ): Promise<Record<string, [number | undefined, number]> | undefined> {
      const found = await group(labels);
      if (found === undefined) return undefined;
      return Object.fromEntries(
        Object.entries(found.families).map(([family, stored]) => [
          family,
          [valueOf(stored.family.metric[0]), stored.timestamp],
        ]),
      );
    }

    /** The stored state renders to a valid scrape: one type per family, no repeated series. */
    async function expectConsistent(): Promise<void> {
      const groups = await store.getGroups();
      const types = new Map<string, string>();
      const series = new Set<string>();
      let count = 0;
      for (const g of groups) {
        for (const [familyName, { family }] of Object.entries(g.families)) {
          if (family.metric.length === 0) continue;
          expect([familyName, types.get(familyName) ?? family.type]).toEqual([
            familyName,
            family.type,
          ]);
          types.set(familyName, family.type);
          for (const metric of family.metric) {
            const id = JSON.stringify([familyName, metric.label]);
            expect(series.has(id)).toBe(false);
            series.add(id);
            count++;
          }
        }
      }
      // mergeGroups drops whatever would make the scrape invalid; nothing may be dropped.
      const merged = mergeGroups(groups, [], new Map());
      expect(merged.reduce((n, f) => n + f.metric.length, 0)).toBe(count);
    }

    describe('PUT, POST and DELETE', () => {
      it('creates a group holding the pushed families and both bookkeeping gauges', async () => {
        const at = await push(
          { job: 'j', instance: 'i' },
          '# HELP a Help.\n# TYPE a gauge\na{x="1"} 1.5\n',
        );
        const stored = await group({ job: 'j', instance: 'i' });
        expect(stored?.labels).toEqual({ job: 'j', instance: 'i' });
        expect(await contents({ job: 'j', instance: 'i' })).toEqual({
          a: [1.5, at],
          push_time_seconds: [at, at],
          push_failure_time_seconds: [0, at],
        });
        expect(stored?.families.a?.family).toEqual({
          name: 'a',
          help: 'Help.',
          type: 'GAUGE',
          metric: [{ label: labels({ instance: 'i', job: 'j', x: '1' }), gauge: { value: 1.5 } }],
        });
        expect(stored?.families.push_time_seconds?.family).toEqual({
          name: 'push_time_seconds',
          help: 'Last Unix time when changing this group in the Pushgateway succeeded.',
          type: 'GAUGE',
          metric: [{ label: labels({ instance: 'i', job: 'j' }), gauge: { value: at } }],
        });
      });

      it('sanitises series: grouping labels win over body labels, instance="" is added', async () => {
        await push({ job: 't4' }, 'a{job="other",instance="i9"} 1\nb 2\n');
        const stored = await group({ job: 't4' });
        expect(stored?.families.a?.family.metric[0]?.label).toEqual(
          labels({ instance: 'i9', job: 't4' }),
        );
        expect(stored?.families.b?.family.metric[0]?.label).toEqual(
          labels({ instance: '', job: 't4' }),
        );
      });

      it('PUT replaces every family but the bookkeeping gauges', async () => {
        const first = await push({ job: 'j' }, 'a 1\nb 2\n');
        const second = await push({ job: 'j' }, 'c 3\n');
        expect(await contents({ job: 'j' })).toEqual({
          c: [3, second],
          push_time_seconds: [second, second],
          push_failure_time_seconds: [0, first],
        });
      });

      it('PUT with an empty body leaves only the bookkeeping gauges', async () => {
        const first = await push({ job: 'j' }, 'a 1\n');
        const second = await push({ job: 'j' }, '');
        expect(await contents({ job: 'j' })).toEqual({
          push_time_seconds: [second, second],
          push_failure_time_seconds: [0, first],
        });
      });

      it('PUT with an empty body creates a missing group', async () => {
        const at = await push({ job: 'new' }, '');
        expect(await contents({ job: 'new' })).toEqual({
          push_time_seconds: [at, at],
          push_failure_time_seconds: [0, at],
        });
      });

      it('POST replaces whole families named in the body and keeps the others', async () => {
        const first = await push({ job: 'j' }, 'a{x="1"} 1\na{x="2"} 1\nb 2\n');
        const second = await push({ job: 'j' }, 'a{x="3"} 5\nc 3\n', 'merge');
        expect(await contents({ job: 'j' })).toEqual({
          a: [5, second],
          b: [2, first],
          c: [3, second],
          push_time_seconds: [second, second],
          push_failure_time_seconds: [0, first],
        });
        expect((await group({ job: 'j' }))?.families.a?.family.metric).toHaveLength(1);
      });

      it('POST with an empty body only refreshes push_time_seconds', async () => {
        const first = await push({ job: 'j' }, 'a 1\n');
        const second = await push({ job: 'j' }, '', 'merge');
        expect(await contents({ job: 'j' })).toEqual({
          a: [1, first],
          push_time_seconds: [second, second],
          push_failure_time_seconds: [0, first],
        });
      });

      it('POST of a family without series empties that family', async () => {
        await push({ job: 'j' }, 'a 1\nb 2\n');
        await push({ job: 'j' }, [{ name: 'a', type: 'UNTYPED', metric: [] }], 'merge');
        const stored = await group({ job: 'j' });
        expect(stored?.families.a?.family.metric).toEqual([]);
        expect(valueOf(stored?.families.b?.family.metric[0])).toBe(2);
      });

      it('treats grouping labels as a set', async () => {
        await push({ job: 'j', a: '1', b: '2' }, 'x 1\n');
        await push({ b: '2', job: 'j', a: '1' }, 'y 1\n');
        expect(await store.getGroups()).toHaveLength(1);
        expect(Object.keys((await group({ job: 'j', a: '1', b: '2' }))?.families ?? {})).toContain(
          'y',
        );
      });

      it('deletes exactly one grouping key, bookkeeping gauges included', async () => {
        await push({ job: 'x' }, 'a 1\n');
        await push({ job: 'x', instance: 'i' }, 'a 1\n');
        await store.delete({ job: 'x' });
        expect((await store.getGroups()).map((g) => g.labels)).toEqual([
          { job: 'x', instance: 'i' },
        ]);
      });

      it('treats deleting a missing group as a no-op', async () => {
        await push({ job: 'x' }, 'a 1\n');
        await store.delete({ job: 'nonexistent' });
        await store.delete({ job: 'x', instance: 'i' });
        expect(await store.getGroups()).toHaveLength(1);
      });

      it('wipes every group', async () => {
        await push({ job: 'a' }, 'm 1\n');
        await push({ job: 'b' }, 'm 1\n');
        await store.wipe();
        expect(await store.getGroups()).toEqual([]);
        await push({ job: 'a' }, '# TYPE m counter\nm 1\n');
        expect(await store.getGroups()).toHaveLength(1);
      });

      it('returns groups ordered by groupId', async () => {
        for (const job of ['c', 'a', 'b']) await push({ job }, '');
        await push({ job: 'a', instance: 'z' }, '');
        const ids = (await store.getGroups()).map((g) => groupId(g.labels));
        expect(ids).toEqual([...ids].sort());
        expect(ids).toHaveLength(4);
      });

      it('keeps values JSON cannot hold, exact floats and every model field', async () => {
        const family: MetricFamily = {
          name: 'h',
          help: '',
          type: 'HISTOGRAM',
          metric: [
            {
              label: [{ name: 'l', value: 'é "\\\n' }],
              histogram: {
                sampleCount: 3,
                sampleSum: -0,
                bucket: [
                  {
                    upperBound: 0.1,
                    cumulativeCount: 1,
                    exemplar: {
                      label: [{ name: 't', value: 'x' }],
                      value: 0.05,
                      timestamp: { seconds: 1, nanos: 2 },
                    },
                  },
                  { upperBound: Infinity, cumulativeCount: 3 },
                ],
                schema: 3,
                zeroThreshold: 1e-128,
                zeroCount: 0,
                positiveSpan: [{ offset: -2, length: 2 }],
                positiveDelta: [1, -1],
                createdTimestamp: { seconds: 1700000000, nanos: 5 },
              },
            },
          ],
        };
        const specials: MetricFamily = {
          name: 'g',
          type: 'GAUGE',
          metric: [NaN, Infinity, -Infinity, 0.1 + 0.2, 5e-324].map((value, i) => ({
            label: [{ name: 'i', value: String(i) }],
            gauge: { value },
          })),
        };
        const at = await push({ job: 'j' }, [family, specials]);
        const stored = await group({ job: 'j' });
        expect(stored?.families.h?.family).toEqual({
          ...family,
          metric: [
            { ...family.metric[0], label: labels({ instance: '', job: 'j', l: 'é "\\\n' }) },
          ],
        });
        expect(Object.is(stored?.families.h?.family.metric[0]?.histogram?.sampleSum, -0)).toBe(
          true,
        );
        expect(stored?.families.g?.family.metric.map((m) => m.gauge?.value)).toEqual([
          NaN,
          Infinity,
          -Infinity,
          0.1 + 0.2,
          5e-324,
        ]);
        expect(stored?.families.h?.timestamp).toBe(at);
      });

      it('stores any family name, even one a JS object would treat specially', async () => {
        const names = ['__proto__', 'constructor', 'hasOwnProperty'];
        await push(
          { job: 'j' },
          names.map((n) => ({
            name: n,
            type: 'GAUGE',
            metric: [{ label: [], gauge: { value: 1 } }],
          })),
        );
        const stored = await group({ job: 'j' });
        expect(Object.keys(stored?.families ?? {}).sort()).toEqual(
          [...names, 'push_failure_time_seconds', 'push_time_seconds'].sort(),
        );
        expect(getFamily(stored, 'constructor')?.family.name).toBe('constructor');
        expect(getFamily(stored, '__proto__')?.family.name).toBe('__proto__');
        await rejection({ job: 'k' }, 'constructor 2\n');
        await push({ job: 'k' }, '# TYPE constructor gauge\nconstructor 2\n');
        await expectConsistent();
      });

      it('rejects a family name that is not a valid metric name (protobuf can carry one)', async () => {
        const bad = {
          name: '0bad',
          type: 'GAUGE' as const,
          metric: [{ label: [], gauge: { value: 1 } }],
        };
        await expect(
          store.push({ labels: { job: 'j' }, families: [bad], mode: 'replace', receivedAt: 10 }),
        ).rejects.toThrow('"0bad" is not a valid metric name');
        expect(getFamily(await group({ job: 'j' }), '0bad')).toBeUndefined();
      });
    });

    describe('failed pushes', () => {
      it('rejects timestamps and records the failure on a new group holding only the gauges', async () => {
        const error = await rejection({ job: 'c6' }, 'a 1 1000\nb 1\n');
        expect(error.message).toBe(`${PREFIX}pushed metrics must not have timestamps`);
        expect(error.errors).toEqual(['pushed metrics must not have timestamps']);
        const at = clock + 1_700_000_000.000125;
        expect(await contents({ job: 'c6' })).toEqual({
          push_time_seconds: [0, at],
          push_failure_time_seconds: [at, at],
        });
        expect(lastPushSuccessful((await group({ job: 'c6' })) as MetricGroup)).toBe(false);
      });

      it('leaves the metrics of an existing group alone, then keeps the failure time after a success', async () => {
        const first = await push({ job: 'j' }, 'a 1\n');
        await rejection({ job: 'j' }, 'a 1\na 2\n');
        const failed = clock + 1_700_000_000.000125;
        expect(await contents({ job: 'j' })).toEqual({
          a: [1, first],
          push_time_seconds: [first, first],
          push_failure_time_seconds: [failed, failed],
        });
        expect(lastPushSuccessful((await group({ job: 'j' })) as MetricGroup)).toBe(false);
        const third = await push({ job: 'j' }, 'b 1\n', 'merge');
        expect(await contents({ job: 'j' })).toEqual({
          a: [1, first],
          b: [1, third],
          push_time_seconds: [third, third],
          push_failure_time_seconds: [failed, failed],
        });
        expect(lastPushSuccessful((await group({ job: 'j' })) as MetricGroup)).toBe(true);
      });

      it('reports every problem in upstream wording', async () => {
        const error = await rejection({ job: 't1' }, 'a 1\na 2\nb{__x="1"} 1\n');
        expect(error.errors).toEqual([
          expect.stringMatching(
            /^collected metric "a" \{.*\} was collected before with the same name and label values$/,
          ),
          expect.stringMatching(
            /^collected metric "b" \{.*\} has a label with an invalid name: __x$/,
          ),
        ]);
        expect(error.message).toMatch(
          new RegExp(`^${PREFIX}2 error\\(s\\) occurred:\\n\\* collected metric "a"`),
        );
      });

      it("rejects a push contradicting the gateway's own families", async () => {
        const error = await rejection(
          { job: 'c3' },
          '# TYPE go_goroutines counter\ngo_goroutines 1\n',
        );
        expect(error.errors).toEqual([
          'gathered metric family go_goroutines has type COUNTER but should have GAUGE',
        ]);
      });
    });

    describe('rules across groups', () => {
      it('rejects a type clash with another group, whose family stays as it was', async () => {
        await push({ job: 'c1' }, '# TYPE m counter\nm 1\n');
        const error = await rejection({ job: 'c2' }, '# TYPE m gauge\nm 1\n');
        expect(error.errors).toEqual([
          expect.stringMatching(/^collected metric "m" \{.*\} is not a COUNTER$/),
        ]);
        expect((await contents({ job: 'c1' }))?.m).toBeDefined();
        expect(Object.keys((await contents({ job: 'c2' })) ?? {}).sort()).toEqual([
          'push_failure_time_seconds',
          'push_time_seconds',
        ]);
        await expectConsistent();
      });

      it('rejects untyped against counter but accepts the same type with another HELP', async () => {
        await push({ job: 'a' }, '# HELP m one\n# TYPE m counter\nm 1\n');
        await rejection({ job: 'b' }, 'm 1\n');
        await push({ job: 'c' }, '# HELP m two\n# TYPE m counter\nm 1\n');
        await expectConsistent();
      });

      it('rejects a series another group holds, and records the failure (spec §6 item 64)', async () => {
        await push({ job: 'k1' }, 'm{instance="x"} 1\n');
        const error = await rejection({ job: 'k1', instance: 'x' }, 'm 2\n');
        expect(error.errors).toEqual([
          expect.stringMatching(/was collected before with the same name and label values$/),
        ]);
        expect(await contents({ job: 'k1', instance: 'x' })).toEqual({
          push_time_seconds: [0, expect.any(Number)],
          push_failure_time_seconds: [expect.any(Number), expect.any(Number)],
        });
        await expectConsistent();
      });

      it.each([
        [
          '# TYPE s summary\ns_count 1\n',
          '# TYPE s_count gauge\ns_count 1\n',
          'collected metric named "s_count" collides with previously collected summary named "s"',
        ],
        [
          '# TYPE h histogram\nh_count 1\n',
          'h_bucket 1\n',
          'collected metric named "h_bucket" collides with previously collected histogram named "h"',
        ],
        [
          'x_sum 1\n',
          '# TYPE x summary\nx_count 1\n',
          'collected histogram or summary named "x" collides with previously collected metric named "x_sum"',
        ],
        [
          'x_bucket 1\n',
          '# TYPE x histogram\nx_count 1\n',
          'collected histogram named "x" collides with previously collected metric named "x_bucket"',
        ],
      ])('rejects suffix collisions: %j then %j', async (first, second, message) => {
        await push({ job: 'a' }, first);
        expect((await rejection({ job: 'b' }, second)).errors).toEqual([message]);
        await expectConsistent();
      });

      it('accepts a summary next to an X_bucket family', async () => {
        await push({ job: 'a' }, 's_bucket 1\n');
        await push({ job: 'b' }, '# TYPE s summary\ns_count 1\n');
        await expectConsistent();
      });

      it('lets a group change the type of its own family', async () => {
        await push({ job: 'a' }, '# TYPE m counter\nm 1\nn 1\n');
        await push({ job: 'a' }, '# TYPE m gauge\nm 1\nn 1\n');
        await push({ job: 'a' }, '# TYPE n counter\nn 1\n', 'merge');
        const stored = await group({ job: 'a' });
        expect([stored?.families.m?.family.type, stored?.families.n?.family.type]).toEqual([
          'GAUGE',
          'COUNTER',
        ]);
        await expectConsistent();
      });

      it("checks a POST against the group's kept families", async () => {
        await push({ job: 'p' }, '# TYPE s summary\ns_count 1\n');
        expect(
          (await rejection({ job: 'p' }, '# TYPE s_count gauge\ns_count 1\n', 'merge')).errors,
        ).toEqual([
          'collected metric named "s_count" collides with previously collected summary named "s"',
        ]);
        await push({ job: 'p' }, '# TYPE s_count gauge\ns_count 1\n', 'replace');
        await expectConsistent();
      });

      it('frees a family type once no group holds the family any more', async () => {
        await push({ job: 'a' }, '# TYPE m counter\nm 1\n');
        await push({ job: 'b' }, '# TYPE m counter\nm 1\n');
        await store.delete({ job: 'a' });
        await rejection({ job: 'c' }, '# TYPE m gauge\nm 1\n');
        await push({ job: 'b' }, 'other 1\n');
        await push({ job: 'c' }, '# TYPE m gauge\nm 1\n');
        await expectConsistent();
      });

      it('frees a series once its group no longer holds it', async () => {
        await push({ job: 'k1' }, 'm{instance="x"} 1\n');
        await rejection({ job: 'k1', instance: 'x' }, 'm 2\n');
        await push({ job: 'k1' }, 'm{instance="y"} 1\n', 'merge');
        await push({ job: 'k1', instance: 'x' }, 'm 2\n');
        await store.delete({ job: 'k1', instance: 'x' });
        await push({ job: 'k1' }, 'm{instance="x"} 1\n', 'merge');
        await expectConsistent();
      });
    });

    describe("grouping keys that would poison upstream's store (spec §2.7)", () => {
      it('refuses {job=X, instance=""} while {job=X} exists, without creating the group', async () => {
        await push({ job: 'k3' }, 'a 1\n');
        const error = await rejection({ job: 'k3', instance: '' }, 'y 1\n');
        expect(error.errors).toEqual([
          expect.stringMatching(
            /^collected metric "push_time_seconds" \{.*\} was collected before with the same name and label values$/,
          ),
          expect.stringMatching(
            /^collected metric "push_failure_time_seconds" \{.*\} was collected before/,
          ),
        ]);
        expect(await group({ job: 'k3', instance: '' })).toBeUndefined();
        // Upstream answers every later push and scrape with errors here; this store does not.
        await push({ job: 'k3' }, 'b 1\n');
        await push({ job: 'other' }, 'c 1\n');
        await expectConsistent();
      });

      it('refuses {job=X} while {job=X, instance=""} exists, even with timestamps in the body', async () => {
        await push({ job: 'k4', instance: '' }, 'a 1\n');
        const error = await rejection({ job: 'k4' }, 'a 1 1000\n');
        expect(error.errors).toContain('pushed metrics must not have timestamps');
        expect(await group({ job: 'k4' })).toBeUndefined();
        await expectConsistent();
      });
    });

    describe('concurrency', () => {
      it('applies parallel pushes with clashing types as some serial order would', async () => {
        const pushes = Array.from({ length: 20 }, (_, i) =>
          push({ job: `g${i}` }, `# TYPE m ${i % 2 === 0 ? 'counter' : 'gauge'}\nm 1\n`).then(
            () => true,
            (err: unknown) => (expect(err).toBeInstanceOf(PushRejectedError), false),
          ),
        );
        const accepted = await Promise.all(pushes);
        const types = new Set(accepted.flatMap((ok, i) => (ok ? [i % 2] : [])));
        expect(types.size).toBe(1);
        // In a serial order, the first push of the winning type is accepted and so are all others
        // of that type, while every push of the other type is refused.
        const winner = [...types][0];
        expect(accepted).toEqual(accepted.map((_, i) => i % 2 === winner));
        for (let i = 0; i < 20; i++) expect(await group({ job: `g${i}` })).toBeDefined();
        await expectConsistent();
      });

      it('ends parallel PUTs to one group with exactly one of them, in full', async () => {
        const times = Array.from({ length: 10 }, () => nextTime());
        await Promise.all(
          times.map((at, i) =>
            push(
              { job: 'same' },
              `f${i}{n="a"} ${i}\nf${i}{n="b"} ${i}\nshared ${i}\n`,
              'replace',
              at,
            ),
          ),
        );
        const stored = (await contents({ job: 'same' })) ?? {};
        const winner = Object.keys(stored).find((n) => /^f\d$/.test(n)) ?? '';
        const i = Number(winner.slice(1));
        expect(stored).toEqual({
          [winner]: [i, times[i]],
          shared: [i, times[i]],
          push_time_seconds: [times[i], times[i]],
          push_failure_time_seconds: [0, expect.any(Number)],
        });
      });

      it('keeps the store consistent under a mix of parallel writes', async () => {
        const work: Array<Promise<unknown>> = [];
        for (let i = 0; i < 60; i++) {
          const labels = { job: `j${i % 7}`, ...(i % 3 === 0 ? { instance: '' } : {}) };
          const type = ['counter', 'gauge', 'untyped'][i % 3] ?? 'untyped';
          if (i % 11 === 0) work.push(store.delete(labels));
          else
            work.push(
              push(
                labels,
                `# TYPE m${i % 4} ${type}\nm${i % 4}{i="${i % 5}"} ${i}\nshared 1\n`,
                i % 2 ? 'merge' : 'replace',
              ).catch(() => undefined),
            );
        }
        await Promise.all(work);
        await expectConsistent();
      });
    });

    describe('ownership of data', () => {
      it('returns copies: changing what getGroups returned does not change the store', async () => {
        await push({ job: 'j' }, 'a{x="1"} 1\n');
        const first = await store.getGroups();
        const stored = first[0] as MetricGroup;
        (stored.labels as Record<string, string>).job = 'changed';
        const metric = stored.families.a?.family.metric[0] as Metric;
        (metric.untyped as { value: number }).value = 99;
        metric.label.push({ name: 'y', value: '2' });
        delete stored.families.push_time_seconds;
        const again = await store.getGroups();
        expect(again[0]?.labels).toEqual({ job: 'j' });
        expect(again[0]?.families.a?.family.metric[0]).toEqual({
          label: labels({ instance: '', job: 'j', x: '1' }),
          untyped: { value: 1 },
        });
        expect(again[0]?.families.push_time_seconds).toBeDefined();
      });

      it('does not keep references to the pushed families', async () => {
        const families = parseText('a{x="1"} 1\n');
        await store.push({
          labels: { job: 'j' },
          families,
          mode: 'replace',
          receivedAt: nextTime(),
        });
        const metric = families[0]?.metric[0] as Metric;
        (metric.untyped as { value: number }).value = 99;
        (metric.label[0] as { value: string }).value = 'changed';
        expect(valueOf((await group({ job: 'j' }))?.families.a?.family.metric[0])).toBe(1);
        expect((await group({ job: 'j' }))?.families.a?.family.metric[0]?.label).toEqual(
          labels({ instance: '', job: 'j', x: '1' }),
        );
      });

      it('answers ready while it works', async () => {
        expect(await store.ready()).toBe(true);
      });
    });
  });
}

function labels(pairs: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.keys(pairs)
    .sort()
    .map((name) => ({ name, value: pairs[name] as string }));
}

function valueOf(metric: Metric | undefined): number | undefined {
  return metric?.gauge?.value ?? metric?.counter?.value ?? metric?.untyped?.value;
}

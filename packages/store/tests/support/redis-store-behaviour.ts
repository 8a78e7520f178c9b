/**
 * What the Redis store guarantees beyond the MetricStore contract, run against every topology
 * (standalone in redis-metric-store.test.ts, a 3-master cluster in
 * redis-cluster-metric-store.test.ts): writes from several clients apply in one serial order,
 * the indexes always describe exactly the stored groups, concurrent POSTs to one group all land,
 * reads are consistent snapshots, superseded blobs are collected.
 */
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import {
  groupId,
  mergeGroups,
  PushRejectedError,
  seriesId,
  type GroupingLabels,
  type MetricGroup,
  type PushMode,
} from '@pushgate/core';
import { parseText, type MetricFamily } from '@pushgate/exposition';
import { MemoryMetricStore } from '../../src/memory-metric-store';
import { RedisKeys, groupHash, seriesBucket, seriesKey, shardOf } from '../../src/redis-keys';
import { RedisMetricStore, type RedisMetricStoreOptions } from '../../src/redis-metric-store';

/** A fresh key prefix, so every test has a store of its own on the shared Redis. */
export function randomPrefix(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

export interface RedisTestEnvironment {
  /** A client for inspecting keys directly (shared, not closed by the suite). */
  client(): Redis | Cluster;
  /** A new client, as another gateway node would have (closed by the suite). */
  connect(): Redis | Cluster;
}

type Op =
  | { kind: 'push'; labels: GroupingLabels; body: string; mode: PushMode; receivedAt: number }
  | { kind: 'delete'; labels: GroupingLabels }
  | { kind: 'wipe' };

/** Outcome of one operation: 'ok' or the rejection's errors. */
type Outcome = 'ok' | readonly string[];

/** Deterministic PRNG (mulberry32), so a failing interleaving's workload can be reproduced. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Groups and bodies chosen to collide: types (m, s/s_count), series ({job=a} holds
// m{instance="x"}, which is {job=a,instance=x}'s m), intra-push errors, timestamps.
export const GROUPS: readonly GroupingLabels[] = [
  { job: 'a' },
  { job: 'b' },
  { job: 'c' },
  { job: 'a', instance: 'x' },
];
const BODIES = [
  '# TYPE m counter\nm 1\n',
  '# TYPE m gauge\nm 2\n',
  'm{instance="x"} 3\n',
  'm 4\n',
  '# TYPE s summary\ns_count 1\ns_sum 2\n',
  '# TYPE s_count gauge\ns_count 1\n',
  'n{k="1"} 1\nn{k="2"} 2\n',
  '',
  'ts 1 1000\n',
  'dup 1\ndup 2\n',
];

function workload(seed: number, count: number, base: number): Op[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: count }, (_, i): Op => {
    const r = random();
    if (r < 0.02) return { kind: 'wipe' };
    if (r < 0.17) return { kind: 'delete', labels: pick(GROUPS) };
    return {
      kind: 'push',
      labels: pick(GROUPS),
      body: pick(BODIES),
      mode: random() < 0.5 ? 'replace' : 'merge',
      receivedAt: base + i / 1000 + seed,
    };
  });
}

async function run(store: RedisMetricStore | MemoryMetricStore, op: Op): Promise<Outcome> {
  try {
    if (op.kind === 'push') {
      await store.push({
        labels: op.labels,
        families: parseText(op.body),
        mode: op.mode,
        receivedAt: op.receivedAt,
      });
    } else if (op.kind === 'delete') {
      await store.delete(op.labels);
    } else {
      await store.wipe();
    }
    return 'ok';
  } catch (err) {
    if (err instanceof PushRejectedError) return err.errors;
    throw err;
  }
}

/** The scrape of `groups` loses nothing: one type per family, no series twice. */
function expectRenderable(groups: readonly MetricGroup[]): void {
  let series = 0;
  const seen = new Set<string>();
  const types = new Map<string, string>();
  for (const g of groups) {
    for (const [name, { family }] of Object.entries(g.families)) {
      if (family.metric.length === 0) continue;
      expect(`${name}: ${types.get(name) ?? family.type}`).toBe(`${name}: ${family.type}`);
      types.set(name, family.type);
      for (const metric of family.metric) {
        const id = seriesId(name, metric.label);
        expect(seen.has(id) ? id : 'unique').toBe('unique');
        seen.add(id);
        series++;
      }
    }
  }
  expect(mergeGroups(groups, [], new Map()).reduce((n, f) => n + f.metric.length, 0)).toBe(series);
}

/** Reads every key of a hash as a plain object (HGETALL). */
async function hash(client: Redis | Cluster, key: string): Promise<Record<string, string>> {
  return { ...(await client.hgetall(key)) };
}

/** Every entry of the series index, read from every bucket there is (SCAN: tests only). */
async function seriesIndex(
  client: Redis | Cluster,
  keys: RedisKeys,
): Promise<Record<string, string>> {
  const nodes = 'nodes' in client ? client.nodes('master') : [client];
  const index: Record<string, string> = {};
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', `${keys.series}:*`, 'COUNT', 1000);
      cursor = next;
      for (const bucket of found) {
        const entries = await node.hgetall(bucket);
        for (const [k, h] of Object.entries(entries)) {
          expect(seriesBucket(keys.series, k)).toBe(bucket);
          index[k] = h;
        }
      }
    } while (cursor !== '0');
  }
  return index;
}

/**
 * The indexes in Redis are exactly what the stored groups imply: family → type and number of
 * groups holding it (families with series), series key → owning group, and per group its
 * families with their series keys. Nothing more, nothing less.
 */
export async function expectIndexesMatch(
  client: Redis | Cluster,
  keys: RedisKeys,
  groups: readonly MetricGroup[],
): Promise<void> {
  const families: Record<string, string> = {};
  const series: Record<string, string> = {};
  const counts = new Map<string, { type: string; n: number }>();
  const perGroup: Array<{ h: string; expected: Record<string, string> }> = [];
  for (const g of groups) {
    const h = groupHash(groupId(g.labels));
    const expected: Record<string, string> = {};
    for (const [name, { family }] of Object.entries(g.families)) {
      if (family.metric.length === 0) continue;
      const c = counts.get(name) ?? { type: family.type, n: 0 };
      counts.set(name, { type: c.type, n: c.n + 1 });
      const ks = family.metric.map((m) => seriesKey(seriesId(name, m.label)));
      for (const k of ks) series[k] = h;
      expected[name] = `${family.type} ${ks.join('')}`;
    }
    perGroup.push({ h, expected });
  }
  for (const [name, { type, n }] of counts) families[name] = `${type} ${n}`;
  expect(await hash(client, keys.families)).toEqual(families);
  expect(await seriesIndex(client, keys)).toEqual(series);
  for (const { h, expected } of perGroup)
    expect(await hash(client, keys.groupFamilies(h))).toEqual(expected);
  expect(Object.keys(await hash(client, keys.groups)).sort()).toEqual(
    perGroup.map((g) => g.h).sort(),
  );
}

/** Number of blobs stored for the groups `labels` (all fields of their shards' blob hashes). */
async function blobCount(
  client: Redis | Cluster,
  keys: RedisKeys,
  labels: readonly GroupingLabels[],
): Promise<number> {
  const shards = new Set(labels.map((l) => shardOf(groupHash(groupId(l)))));
  let n = 0;
  for (const shard of shards) n += await client.hlen(keys.blobs(shard));
  return n;
}

export function describeRedisStoreBehaviour(topology: string, env: RedisTestEnvironment): void {
  describe(`RedisMetricStore on ${topology} Redis`, () => {
    const opened: Array<{ store: RedisMetricStore; client: Redis | Cluster }> = [];
    let prefix: string;
    let keys: RedisKeys;

    /** A store on a client of its own, as one gateway node has. */
    function node(options: Partial<RedisMetricStoreOptions> = {}): RedisMetricStore {
      const client = env.connect();
      const store = new RedisMetricStore({ redis: client, keyPrefix: prefix, ...options });
      opened.push({ store, client });
      return store;
    }

    beforeEach(() => {
      prefix = randomPrefix();
      keys = new RedisKeys(prefix);
    });

    afterEach(async () => {
      for (const { store, client } of opened.splice(0)) {
        await store.close();
        await client.quit();
      }
    });

    it('applies writes from several clients exactly as the serial order of their versions', async () => {
      const workers = [1, 2, 3, 4].map((seed) => ({
        store: node(),
        ops: workload(seed, 40, 1_700_000_000),
      }));
      const log: Array<{ op: Op; outcome: Outcome; version: number }> = [];
      await Promise.all(
        workers.map(async ({ store, ops }) => {
          for (const op of ops) {
            const before = store.lastWriteVersion;
            const outcome = await run(store, op);
            log.push({
              op,
              outcome,
              version: store.lastWriteVersion === before ? 0 : store.lastWriteVersion,
            });
          }
        }),
      );
      // Every state change got its own version, 1..n without gaps: one serial order.
      const versions = log
        .filter((e) => e.version > 0)
        .map((e) => e.version)
        .sort((a, b) => a - b);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
      // Operations without a version changed nothing: deletes of missing groups.
      for (const e of log.filter((x) => x.version === 0))
        expect([e.op.kind, e.outcome]).toEqual(['delete', 'ok']);

      // Replaying that order on the in-memory store gives the same outcomes and the same groups.
      const reference = new MemoryMetricStore();
      for (const e of log.filter((x) => x.version > 0).sort((a, b) => a.version - b.version)) {
        expect({ version: e.version, outcome: await run(reference, e.op) }).toEqual({
          version: e.version,
          outcome: e.outcome,
        });
      }
      const groups = await workers[0]!.store.getGroups();
      expect(groups).toEqual(await reference.getGroups());
      expect(log.some((e) => e.outcome !== 'ok')).toBe(true);
      await expectIndexesMatch(env.client(), keys, groups);
      await reference.close();
    });

    it('keeps the indexes in step through pushes, failures and deletes, and leaves nothing behind', async () => {
      const store = node({ blobGraceMs: 0 });
      for (const op of workload(7, 120, 1_700_000_000)) {
        if (op.kind !== 'wipe') await run(store, op);
      }
      await expectIndexesMatch(env.client(), keys, await store.getGroups());
      for (const labels of GROUPS) await store.delete(labels);
      await expectIndexesMatch(env.client(), keys, []);
      // The group table, the family and series index and every group's hash are gone; the blobs
      // superseded by the deletes are collected by the writes that follow (grace period 0), once
      // a batch (32) of superseded blobs is due.
      for (let i = 0; i < 32; i++) {
        await store.push({
          labels: { job: 'last' },
          families: parseText(`last ${i}\n`),
          mode: 'replace',
          receivedAt: 2e9 + i,
        });
      }
      expect(await blobCount(env.client(), keys, GROUPS)).toBe(0);
      await expectIndexesMatch(env.client(), keys, await store.getGroups());
    });

    it('removes every index entry and blob on wipe', async () => {
      const store = node();
      for (const op of workload(11, 60, 1_700_000_000)) await run(store, op);
      await store.push({
        labels: { job: 'b' },
        families: parseText('w 1\n'),
        mode: 'replace',
        receivedAt: 2e9,
      });
      expect(await blobCount(env.client(), keys, GROUPS)).toBeGreaterThan(0);
      await store.wipe();
      expect(await store.getGroups()).toEqual([]);
      await expectIndexesMatch(env.client(), keys, []);
      expect(await blobCount(env.client(), keys, GROUPS)).toBe(0);
    });

    it('lands every one of many concurrent POSTs to one group, from several clients', async () => {
      const stores = [node(), node(), node()];
      await stores[0]!.push({
        labels: { job: 'p' },
        families: parseText('base 1\n'),
        mode: 'replace',
        receivedAt: 1,
      });
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          stores[i % 3]!.push({
            labels: { job: 'p' },
            families: parseText(`f${i} ${i}\n`),
            mode: 'merge',
            receivedAt: 2 + i,
          }),
        ),
      );
      const [group] = await stores[1]!.getGroups();
      expect(Object.keys(group?.families ?? {}).sort()).toEqual(
        [
          'base',
          ...Array.from({ length: 24 }, (_, i) => `f${i}`),
          'push_failure_time_seconds',
          'push_time_seconds',
        ].sort(),
      );
    });

    it('reads consistent snapshots while series and types move between groups', async () => {
      const writer = node();
      const reader = node();
      const moves: Array<[GroupingLabels, string]> = [
        [{ job: 'a' }, 'm{instance="x"} 1\n# TYPE t counter\nt 1\n'],
        [{ job: 'a' }, ''],
        [{ job: 'a', instance: 'x' }, 'm 2\n# TYPE t gauge\nt 2\n'],
        [{ job: 'a', instance: 'x' }, ''],
      ];
      let writing = true;
      const written = (async () => {
        for (let i = 0; i < 40 * moves.length; i++) {
          const [labels, body] = moves[i % moves.length]!;
          await writer.push({
            labels,
            families: parseText(body),
            mode: 'replace',
            receivedAt: i + 1,
          });
        }
        writing = false;
      })();
      let reads = 0;
      while (writing) {
        expectRenderable(await reader.getGroups());
        reads++;
      }
      await written;
      expect(reads).toBeGreaterThan(0);
    });

    it('collects superseded blobs after the grace period, and not before', async () => {
      const store = node({ blobGraceMs: 60_000 });
      const labels = [{ job: 'g1' }, { job: 'g2' }];
      for (let i = 0; i < 3; i++) {
        for (const l of labels)
          await store.push({
            labels: l,
            families: parseText(`v ${i}\n`),
            mode: 'replace',
            receivedAt: i,
          });
      }
      // Within the grace period every version stays readable.
      expect(await blobCount(env.client(), keys, labels)).toBe(6);
      // Past it, 5 superseded blobs are due: fewer than a batch (min(32, batch)), so a write
      // leaves them for later; with a batch of 6, the next write's 6 are handed back and deleted.
      await node({ blobGraceMs: 0 }).push({
        labels: { job: 'g2' },
        families: parseText('v 2\n'),
        mode: 'merge',
        receivedAt: 8,
      });
      expect(await blobCount(env.client(), keys, labels)).toBe(7);
      const eager = node({ blobGraceMs: 0, blobGcBatch: 6 });
      await eager.push({
        labels: { job: 'g1' },
        families: parseText('v 9\n'),
        mode: 'merge',
        receivedAt: 9,
      });
      expect(await blobCount(env.client(), keys, labels)).toBe(2);
      expect(
        (await eager.getGroups()).map((g) => g.families.v?.family.metric[0]?.untyped?.value),
      ).toEqual([9, 2]);
    });

    it('merges records whose HELP and label values hold JSON-special text byte for byte', async () => {
      // Metric names are plain identifiers (invalid ones are rejected), so what the Lua merge of
      // JSON records must carry untouched is HELP text and label values.
      const store = node();
      const awkward = ['a"b', 'x\ny', 'q",\n"r', 'ü ∑', '\\', '"', '}\n,{'];
      const family = (i: number, value: number): MetricFamily => ({
        name: `f${i}`,
        help: awkward[i],
        type: 'GAUGE',
        metric: [{ label: [{ name: 'v', value: awkward[i] ?? '' }], gauge: { value } }],
      });
      const all = awkward.map((_, i) => family(i, 1));
      await store.push({ labels: { job: 'n' }, families: all, mode: 'replace', receivedAt: 1 });
      await store.push({
        labels: { job: 'n' },
        families: [family(2, 2), family(5, 2)],
        mode: 'merge',
        receivedAt: 2,
      });
      const [group] = await store.getGroups();
      awkward.forEach((text, i) => {
        const stored = group?.families[`f${i}`]?.family;
        expect(stored?.help).toBe(text);
        expect(stored?.metric[0]?.label).toEqual([
          { name: 'instance', value: '' },
          { name: 'job', value: 'n' },
          { name: 'v', value: text },
        ]);
        expect(stored?.metric[0]?.gauge?.value).toBe(i === 2 || i === 5 ? 2 : 1);
      });
    });

    it('answers ready, and reports its version', async () => {
      const store = node();
      expect(await store.ready()).toBe(true);
      expect(await store.version()).toBe(0);
      await store.push({ labels: { job: 'v' }, families: [], mode: 'replace', receivedAt: 1 });
      await store.delete({ job: 'v' });
      expect(await store.version()).toBe(2);
      expect(store.lastWriteVersion).toBe(2);
    });
  });
}

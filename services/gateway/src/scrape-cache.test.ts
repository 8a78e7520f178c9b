import { mergeGroups, UPSTREAM_OWN_FAMILIES, type MetricGroup } from '@pushgate/core';
import { parseText, renderText } from '@pushgate/exposition';
import {
  MemoryMetricStore,
  StoreUnavailableError,
  type ChangeFeed,
  type ChangedGroup,
  type StoreChanges,
} from '@pushgate/store';
import { OpsMetrics } from './ops-metrics';
import { ScrapeCache } from './scrape-cache';

const text = async (cache: ScrapeCache) =>
  Buffer.concat((await cache.snapshot()).segments.map((s) => s.text)).toString('utf8');

function cacheOf(store: MemoryMetricStore): ScrapeCache {
  return new ScrapeCache({
    feed: store.changeFeed(),
    reserved: UPSTREAM_OWN_FAMILIES,
    ops: new OpsMetrics(store),
  });
}

/** A clock for the store: milliseconds, settable. */
function manualClock(startMs: number) {
  let now = startMs;
  return {
    now: () => now,
    setTimer: () => () => undefined,
    set: (ms: number) => (now = ms),
  };
}

describe('ScrapeCache on the memory store', () => {
  it('follows the store and renders what the simple path renders', async () => {
    const store = new MemoryMetricStore();
    const cache = cacheOf(store);
    const push = (job: string, body: string) =>
      store.push({ labels: { job }, families: parseText(body), mode: 'replace', receivedAt: 1 });
    const simple = async () =>
      renderText(mergeGroups(await store.getGroups(), [], UPSTREAM_OWN_FAMILIES));

    expect(await text(cache)).toBe('');
    await push('a', '# HELP m M.\n# TYPE m gauge\nm{x="1"} 1\n');
    await push('b', '# TYPE m gauge\nm{x="0"} 2\n');
    expect(await text(cache)).toBe(await simple());
    await store.delete({ job: 'a' });
    expect(await text(cache)).toBe(await simple());
    await store.wipe();
    expect(await text(cache)).toBe('');
    await cache.close();
    await store.close();
  });

  it('drops a group when its expiry comes, by the store clock', async () => {
    const clock = manualClock(1_000_000);
    const store = new MemoryMetricStore({ clock });
    const cache = cacheOf(store);
    await store.push({
      labels: { job: 'ttl' },
      families: parseText('m 1\n'),
      mode: 'replace',
      receivedAt: 1000,
      ttlSeconds: 60,
    });
    expect(await text(cache)).toContain('m{instance="",job="ttl"} 1\n');
    clock.set(1_059_999);
    expect(await text(cache)).toContain('job="ttl"');
    clock.set(1_060_000);
    // No write and no sweep happened: the cache drops it on its own.
    expect(await text(cache)).toBe('');
    await cache.close();
    await store.close();
  });
});

/** A feed whose next() calls are recorded and answered by the test. */
class ScriptedFeed implements ChangeFeed {
  calls = 0;
  restarts = 0;
  readonly answers: Array<(changes: StoreChanges) => void> = [];

  next(): Promise<StoreChanges> {
    this.calls++;
    return new Promise((resolve) => this.answers.push(resolve));
  }

  restart(): void {
    this.restarts++;
  }

  close(): void {}
}

function changes(
  groups: Array<[string, MetricGroup]>,
  opts: Partial<StoreChanges> = {},
): StoreChanges {
  const batch: ChangedGroup[] = groups.map(([key, group]) => ({ key, read: () => group }));
  return {
    reset: false,
    removed: [],
    changed: (async function* () {
      if (batch.length > 0) yield batch;
    })(),
    unchanged: groups.length === 0,
    now: 0,
    ...opts,
  };
}

function group(job: string, value: number): MetricGroup {
  const families = Object.create(null) as MetricGroup['families'];
  families.m = {
    family: {
      name: 'm',
      type: 'GAUGE',
      metric: [{ label: [{ name: 'job', value: job }], gauge: { value } }],
    },
    timestamp: 0,
  };
  return { labels: { job }, families };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ScrapeCache refreshes', () => {
  const store = new MemoryMetricStore();
  afterAll(() => store.close());

  it('gives every scrape a refresh that started after it, and lets waiting scrapes share one', async () => {
    const feed = new ScriptedFeed();
    const cache = new ScrapeCache({
      feed,
      reserved: UPSTREAM_OWN_FAMILIES,
      ops: new OpsMetrics(store),
    });
    const first = cache.snapshot();
    await tick();
    expect(feed.calls).toBe(1);
    // Arriving while the first refresh runs: they need a later one, and share it.
    const second = cache.snapshot();
    const third = cache.snapshot();
    expect(third).toBe(second);
    feed.answers[0]?.(changes([['a', group('a', 1)]], { reset: true }));
    await first;
    await tick();
    expect(feed.calls).toBe(2);
    feed.answers[1]?.(changes([['a', group('a', 2)]]));
    const snapshot = await second;
    expect(Buffer.concat(snapshot.segments.map((s) => s.text)).toString()).toBe(
      '# TYPE m gauge\nm{job="a"} 2\n',
    );
    await cache.close();
  });

  it('starts over after a refresh failed part-way', async () => {
    const feed = new ScriptedFeed();
    const cache = new ScrapeCache({
      feed,
      reserved: UPSTREAM_OWN_FAMILIES,
      ops: new OpsMetrics(store),
    });
    const first = cache.snapshot();
    await tick();
    feed.answers[0]?.(changes([['a', group('a', 1)]], { reset: true }));
    await first;

    const failing = cache.snapshot();
    await tick();
    feed.answers[1]?.({
      ...changes([]),
      unchanged: false,
      changed: (async function* () {
        yield [{ key: 'b', read: () => group('b', 1) }];
        throw new StoreUnavailableError('Redis went away');
      })(),
    });
    await expect(failing).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(feed.restarts).toBe(1);

    // The half-applied change is gone: the next refresh (a reset) is all the cache shows.
    const after = cache.snapshot();
    await tick();
    feed.answers[2]?.(changes([['c', group('c', 3)]], { reset: true }));
    const snapshot = await after;
    expect(Buffer.concat(snapshot.segments.map((s) => s.text)).toString()).toBe(
      '# TYPE m gauge\nm{job="c"} 3\n',
    );
    await cache.close();
  });
});

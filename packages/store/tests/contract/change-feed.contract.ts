/**
 * The contract of ChangeFeed (src/change-feed.ts), run against every store that offers one: a
 * reader that applies every `next()` to its own map of groups holds exactly what getGroups()
 * returns, whatever the writes (pushes, failures, deletes, wipes) in between.
 */
import {
  groupId,
  PushRejectedError,
  type GroupingLabels,
  type MetricGroup,
  type PushMode,
} from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import type { ChangeFeed, ChangeFeedSource, StoreChanges } from '../../src/change-feed';
import type { MetricStore } from '../../src/metric-store';

export interface ChangeFeedSubject {
  store: MetricStore & ChangeFeedSource;
  cleanup(): Promise<void>;
}

/** A reader's view: what applying every change so far gives. */
class View {
  readonly groups = new Map<string, MetricGroup>();
  resets = 0;

  async apply(changes: StoreChanges): Promise<{ changed: string[]; removed: string[] }> {
    if (changes.reset) {
      this.groups.clear();
      this.resets++;
    }
    const changed: string[] = [];
    for (const key of changes.removed) this.groups.delete(key);
    for await (const batch of changes.changed) {
      for (const group of batch) {
        const g = group.read();
        if (g === undefined) this.groups.delete(group.key);
        else this.groups.set(group.key, g);
        changed.push(group.key);
      }
    }
    return { changed, removed: [...changes.removed] };
  }

  /** The groups in getGroups' order and shape. */
  sorted(): MetricGroup[] {
    return [...this.groups.values()]
      .map((g) => ({ id: groupId(g.labels), g }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(({ g }) => ({ labels: g.labels, families: g.families }));
  }
}

/** getGroups without the parts a feed does not promise to match (none, for now). */
async function stored(store: MetricStore): Promise<MetricGroup[]> {
  return (await store.getGroups()).map((g) => ({ labels: g.labels, families: g.families }));
}

export function describeChangeFeedContract(
  name: string,
  makeStore: () => Promise<ChangeFeedSubject>,
): void {
  describe(`ChangeFeed contract: ${name}`, () => {
    let subject: ChangeFeedSubject;
    let store: MetricStore & ChangeFeedSource;
    let feed: ChangeFeed;
    let view: View;
    let clock = 0;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
      clock = 0;
      view = new View();
      feed = store.changeFeed();
    });

    afterEach(async () => {
      feed.close();
      await subject.cleanup();
    });

    const push = (labels: GroupingLabels, body: string, mode: PushMode = 'replace') =>
      store.push({
        labels,
        families: parseText(body),
        mode,
        receivedAt: 1_700_000_000.5 + ++clock,
      });

    const sync = async () => view.apply(await feed.next());

    it('starts with every group as a reset, then reports nothing until a write', async () => {
      await push({ job: 'a' }, 'm 1\n');
      await push({ job: 'b', instance: 'i' }, 'm 2\n');
      const first = await feed.next();
      expect(first.reset).toBe(true);
      await view.apply(first);
      expect(view.sorted()).toEqual(await stored(store));
      const second = await feed.next();
      expect(second.unchanged).toBe(true);
      expect((await view.apply(second)).changed).toEqual([]);
    });

    it('reports a push, a recorded failure and a delete by the same key', async () => {
      await sync();
      await push({ job: 'a' }, 'm 1\n');
      const pushed = await sync();
      expect(pushed.changed).toHaveLength(1);
      const key = pushed.changed[0] as string;

      // A failed push changes push_failure_time_seconds: a change too.
      await expect(push({ job: 'a' }, 'm{job="x"} 1\nm{job="x"} 2\n')).rejects.toBeInstanceOf(
        PushRejectedError,
      );
      expect((await sync()).changed).toEqual([key]);
      expect(view.sorted()).toEqual(await stored(store));

      await store.delete({ job: 'a' });
      const deleted = await sync();
      expect(deleted.removed).toEqual([key]);
      expect(view.groups.size).toBe(0);
    });

    it('starts over after a wipe', async () => {
      await push({ job: 'a' }, 'm 1\n');
      await sync();
      await store.wipe();
      await push({ job: 'b' }, 'm 2\n');
      const changes = await feed.next();
      expect(changes.reset).toBe(true);
      await view.apply(changes);
      expect(view.sorted()).toEqual(await stored(store));
    });

    it('starts over after restart()', async () => {
      await push({ job: 'a' }, 'm 1\n');
      await sync();
      feed.restart();
      const changes = await feed.next();
      expect(changes.reset).toBe(true);
      await view.apply(changes);
      expect(view.sorted()).toEqual(await stored(store));
    });

    it('covers writes made while the reader applies changes', async () => {
      for (let i = 0; i < 5; i++) await push({ job: `j${i}` }, `m ${i}\n`);
      const changes = await feed.next();
      // Writes between next() and the reads: a later next() reports whatever was not seen.
      await push({ job: 'j1' }, 'm 10\n');
      await store.delete({ job: 'j2' });
      await push({ job: 'new' }, 'm 11\n');
      await view.apply(changes);
      await sync();
      expect(view.sorted()).toEqual(await stored(store));
    });

    it('keeps a reader equal to getGroups() through random writes', async () => {
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const jobs = ['a', 'b', 'c', 'd', 'e', 'f'];
      for (let step = 0; step < 120; step++) {
        const job = jobs[Math.floor(random() * jobs.length)] as string;
        const r = random();
        if (r < 0.6) {
          // Now and then m as a counter: it and later untyped pushes clash, failures get recorded.
          const body = r < 0.1 ? '# TYPE m counter\nm 1\n' : `m{k="${step % 3}"} ${step}\n`;
          await push({ job }, body, random() < 0.5 ? 'replace' : 'merge').catch((err: unknown) => {
            if (!(err instanceof PushRejectedError)) throw err;
          });
        } else if (r < 0.85) {
          await store.delete({ job });
        } else if (r < 0.88) {
          await store.wipe();
        }
        if (random() < 0.3) {
          await sync();
          expect(view.sorted()).toEqual(await stored(store));
        }
      }
      await sync();
      expect(view.sorted()).toEqual(await stored(store));
    });
  });
}

/**
 * Change feed of the Redis store. Every write script records the group it touched in the change
 * feed keys (lua/includes/changes.lua) with the version it got, so "what changed since version V"
 * is one small script call (changes-since.lua): nothing but the counter when it is still V, else
 * the changed groups' metadata and the removed groups' hashes. Only the changed groups' blobs are
 * then fetched. A reader with no version yet, too far behind, or facing a Redis that lost its data
 * reads the group table with HSCAN in batches, never the whole store at once.
 */
import type { Cluster, Redis } from 'ioredis';
import { groupId, type MetricGroup } from '@pushgate/core';
import type { ChangeFeed, ChangedGroup, StoreChanges } from './change-feed';
import { noChanges } from './change-feed';
import { decodeMeta } from './redis-codec';
import { RedisStoreProtocolError } from './redis-errors';
import type { RedisKeys } from './redis-keys';
import { type BookkeepingFamilies, fetchBlobs, type GroupRef, toGroup } from './redis-reader';
import { SCRIPTS } from './redis-scripts';

/** A point in the store's history: its change counter, and the epoch it counts in. */
interface FeedPosition {
  version: number;
  epoch: string;
}

/** changes-since.lua's status codes. */
const Status = { CURRENT: 0, CHANGES: 1, RELOAD: 2 } as const;

/** More changed groups than this are read like a reload (in batches), not listed by the script. */
const MAX_LISTED_CHANGES = 20_000;

/** Groups whose blobs are fetched per round trip (and held as strings until applied). */
const BATCH = 500;

/** Rounds of re-reading a group whose blob was collected while it was being fetched. */
const REFETCH_ROUNDS = 3;

/** What the feed needs of its store. */
export interface RedisFeedContext {
  client: Redis | Cluster;
  keys: RedisKeys;
  bookkeeping: BookkeepingFamilies;
  /** Runs one Redis operation under the store's timeout and error mapping. */
  run<T>(operation: () => Promise<T>): Promise<T>;
  /** Unix seconds (this node's clock: expiry is judged by every node's own clock). */
  nowSeconds(): number;
}

export class RedisChangeFeed implements ChangeFeed {
  /** Where everything read so far is current (version and epoch); undefined: start over. */
  private at: FeedPosition | undefined;

  constructor(private readonly ctx: RedisFeedContext) {}

  async next(): Promise<StoreChanges> {
    const now = this.ctx.nowSeconds();
    const { client, keys } = this.ctx;
    const since = this.at ?? { version: -1, epoch: '' };
    const reply = await this.ctx.run(() =>
      SCRIPTS.changesSince.run(
        client,
        [keys.seq, keys.changed, keys.removed, keys.feed, keys.groups],
        [since.version, since.epoch, MAX_LISTED_CHANGES],
      ),
    );
    const answer = parseChangesReply(reply);
    const at = { version: answer.seq, epoch: answer.epoch };
    if (answer.status === Status.CURRENT) return noChanges(now);
    if (answer.status === Status.RELOAD) {
      // Groups written during the scan may be read in their newer state (a later delta reports
      // them again, which is harmless); none written after the script ran can be missed.
      return {
        reset: true,
        removed: [],
        changed: this.load(this.scanSorted(), at),
        unchanged: false,
        now,
      };
    }
    const refs: GroupRef[] = [];
    const removed = [...answer.removed];
    answer.hashes.forEach((h, i) => {
      const meta = answer.metas[i];
      if (meta === null || meta === undefined) removed.push(h);
      else refs.push({ h, meta: decodeMeta(meta) });
    });
    return {
      reset: false,
      removed,
      changed: this.load(listed(byGroupId(refs)), at),
      unchanged: false,
      now,
    };
  }

  restart(): void {
    this.at = undefined;
  }

  close(): void {
    this.at = undefined;
  }

  /**
   * The group table (read with HSCAN: Redis is never blocked by one large reply), in batches in
   * group id order.
   */
  private async *scanSorted(): AsyncGenerator<GroupRef[]> {
    const { client, keys } = this.ctx;
    const refs: GroupRef[] = [];
    let cursor = '0';
    do {
      const [nextCursor, flat] = await this.ctx.run(() =>
        client.hscan(keys.groups, cursor, 'COUNT', BATCH),
      );
      cursor = nextCursor;
      for (let i = 0; i + 1 < flat.length; i += 2)
        refs.push({ h: flat[i] as string, meta: decodeMeta(flat[i + 1] as string) });
    } while (cursor !== '0');
    // HSCAN may return a field twice.
    const unique = [...new Map(refs.map((r) => [r.h, r])).values()];
    yield* listed(byGroupId(unique));
  }

  /**
   * The groups of `batches` with their blobs, as ChangedGroups that decode when read. The feed
   * is at `at` once the reader has taken every batch.
   */
  private async *load(
    batches: AsyncIterable<GroupRef[]>,
    at: FeedPosition,
  ): AsyncGenerator<readonly ChangedGroup[]> {
    // The next batch is fetched while the reader applies the current one.
    const fetched = prefetch(batches, (refs) =>
      this.fetch(refs).then((blobs) => ({ refs, blobs })),
    );
    for await (const { refs, blobs } of fetched) {
      yield refs.flatMap(({ h, meta }) => {
        const blob = blobs.get(h);
        // Still missing after the re-reads: the group was rewritten again and again, or removed;
        // either way a later next() reports it.
        if (meta.tx !== undefined && blob === undefined) return [];
        return [{ key: h, read: (): MetricGroup => toGroup(meta, blob, this.ctx.bookkeeping) }];
      });
    }
    this.at = at;
  }

  /**
   * Blobs of `refs`. A blob collected since its metadata was read belongs to a group rewritten
   * since: its current metadata is read and its current blob fetched instead (any newer state is
   * as good for the reader, and later changes are reported again), a few rounds at most.
   */
  private async fetch(refs: GroupRef[]): Promise<Map<string, string>> {
    const { client, keys } = this.ctx;
    const blobs = await this.ctx.run(() => fetchBlobs(client, keys, refs));
    let missing = refs.filter(({ h, meta }) => meta.tx !== undefined && !blobs.has(h));
    for (let round = 0; round < REFETCH_ROUNDS && missing.length > 0; round++) {
      const hashes = missing.map((r) => r.h);
      const metas = await this.ctx.run(() => client.hmget(keys.groups, ...hashes));
      // A group deleted meanwhile stays missing: a later next() reports its removal.
      const current: GroupRef[] = [];
      metas.forEach((meta, i) => {
        if (meta !== null)
          current.push(Object.assign(missing[i] as GroupRef, { meta: decodeMeta(meta) }));
      });
      const more = await this.ctx.run(() => fetchBlobs(client, keys, current));
      for (const [h, blob] of more) blobs.set(h, blob);
      missing = current.filter(({ h, meta }) => meta.tx !== undefined && !blobs.has(h));
    }
    return blobs;
  }
}

/**
 * `fetch` of every item of `items`, one item ahead of the consumer: the fetch of the next item
 * runs while the consumer handles the current one. A failed fetch surfaces when its turn comes.
 */
async function* prefetch<T, R>(
  items: AsyncIterable<T>,
  fetch: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const iterator = items[Symbol.asyncIterator]();
  const start = async (): Promise<{ done: true } | { done: false; value: Promise<R> }> => {
    const next = await iterator.next();
    if (next.done) return { done: true };
    const value = fetch(next.value);
    value.catch(() => undefined); // observed when awaited below; never an unhandled rejection
    return { done: false, value };
  };
  let ahead = start();
  for (;;) {
    const current = await ahead;
    if (current.done) return;
    ahead = start();
    ahead.catch(() => undefined);
    yield await current.value;
  }
}

/**
 * Groups in group id order: the order of the scrape's series in most families (grouping labels
 * such as `instance` and `job` come first), so a reader mostly appends to what it has sorted.
 */
function byGroupId(refs: GroupRef[]): GroupRef[] {
  return refs
    .map((ref) => ({ ref, id: groupId(ref.meta.labels) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ ref }) => ref);
}

async function* listed(refs: GroupRef[]): AsyncGenerator<GroupRef[]> {
  for (let i = 0; i < refs.length; i += BATCH) yield refs.slice(i, i + BATCH);
}

interface ChangesAnswer {
  seq: number;
  epoch: string;
  status: number;
  hashes: string[];
  metas: Array<string | null>;
  removed: string[];
}

function parseChangesReply(reply: unknown): ChangesAnswer {
  const fail = (): never => {
    throw new RedisStoreProtocolError(
      `unexpected reply from changes-since.lua: ${JSON.stringify(reply)?.slice(0, 200)}`,
    );
  };
  if (
    !Array.isArray(reply) ||
    typeof reply[0] !== 'number' ||
    typeof reply[1] !== 'string' ||
    typeof reply[2] !== 'number'
  )
    return fail();
  const [seq, epoch, status, hashes = [], metas = [], removed = []] = reply as [
    number,
    string,
    number,
    unknown,
    unknown,
    unknown,
  ];
  if (!Array.isArray(hashes) || !Array.isArray(metas) || !Array.isArray(removed)) return fail();
  return {
    seq,
    epoch,
    status,
    hashes: hashes as string[],
    metas: metas as Array<string | null>,
    removed: removed as string[],
  };
}

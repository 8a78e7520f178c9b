import type { Cluster, Redis } from 'ioredis';
import {
  expiryAfterPush,
  groupId,
  preparePush,
  type GroupingLabels,
  type MetricGroup,
  type PushRequest,
  type ReservedFamilies,
  UPSTREAM_OWN_FAMILIES,
} from '@pushgate/core';
import type { ChangeFeed, ChangeFeedSource } from './change-feed';
import {
  StoreUnavailableError,
  type MaintainableMetricStore,
  type RestoreResult,
  type SweepResult,
} from './metric-store';
import { deleteBlobs } from './redis-blob-gc';
import { bookkeepingFamilies } from './redis-bookkeeping';
import { encodeLabels } from './redis-codec';
import {
  createRedisClient,
  firstConnection,
  isClient,
  isCluster,
  pingMasters,
  type RedisConnectionSpec,
} from './redis-connection';
import {
  GroupHashCollisionError,
  REDIS_LAYOUT_VERSION,
  RedisStoreProtocolError,
  ScriptCode,
  StoreLayoutError,
  toStoreError,
} from './redis-errors';
import { groupHash, RedisKeys } from './redis-keys';
import { RedisChangeFeed } from './redis-changes';
import { readGroups } from './redis-reader';
import { GroupQueue } from './redis-group-queue';
import { collectOrphans } from './redis-orphans';
import { rejection } from './redis-rejection';
import { parseWriteReply, type WriteReply } from './redis-replies';
import { SCRIPTS } from './redis-scripts';
import { planWrite } from './redis-write-plan';
import { writeCluster, writeStandalone } from './redis-writer';
// Expiry and restore (MaintainableMetricStore).
import { planRestore, restoreAll, restoreGroup, restoreOutcome } from './redis-restore';
import { runSweepingDue, sweepBatch, WRITE_SWEEP_BATCH } from './redis-ttl';

/** Options of {@link RedisMetricStore}. */
export interface RedisMetricStoreOptions {
  /**
   * An ioredis `Redis` (standalone or Sentinel) or `Cluster` client, which the store uses but never
   * closes; or where to connect, in which case the store creates (fail-fast options) and owns it.
   */
  redis: Redis | Cluster | RedisConnectionSpec;
  /**
   * Prefix of every key (no `{`/`}`: the store builds its own hash tags). Stores with different
   * prefixes share a Redis without seeing each other. ioredis' `keyPrefix` must not be set.
   * Default `pushgate`.
   */
  keyPrefix?: string;
  /** Families pushes must not contradict (default: upstream 1.5.1's own, as MemoryMetricStore). */
  reserved?: ReservedFamilies;
  /** Longest any operation may take before it rejects with StoreUnavailableError. Default 5000. */
  operationTimeoutMs?: number;
  /** How long a superseded blob stays readable for readers that listed it before. Default 10000. */
  blobGraceMs?: number;
  /**
   * Most superseded blobs one write hands back for deletion (default 100). The scripts wait until
   * min(32, this) are due before handing any back, so deletions go in batches; a due blob waits at
   * most 5 s longer when writes are rare (lua/includes/meta.lua, gc_pop).
   */
  blobGcBatch?: number;
  /**
   * This node's clock (ms since the epoch) for expiry: reads leave out groups expired by it and
   * writes judge expired groups by it. Default `Date.now`. Keep nodes NTP-synchronised.
   */
  now?: () => number;
  /**
   * Called with connection errors ioredis reports while it reconnects in the background (for
   * logging; operations already fail with StoreUnavailableError).
   */
  onConnectionError?: (err: Error) => void;
}

/** Due blobs a write hands back for deletion at most; the rest wait for the next write. */
const GC_BATCH = 100;

/**
 * MetricStore on Redis (standalone, Sentinel or Cluster), shared by any number of stateless
 * gateway nodes. Every write is decided and applied atomically by a Lua script against indexes
 * kept in Redis, so the cross-group rules hold across nodes at O(size of the push); reads are
 * consistent snapshots. The layout and guarantees are in docs/architecture.md (Redis model).
 * Group expiry, the sweep and restore (MaintainableMetricStore) judge time by the `now` option.
 */
export class RedisMetricStore implements MaintainableMetricStore, ChangeFeedSource {
  private readonly client: Redis | Cluster;
  private readonly ownsClient: boolean;
  private readonly cluster: boolean;
  private readonly keys: RedisKeys;
  private readonly reserved: ReservedFamilies;
  private readonly timeoutMs: number;
  private readonly gc: { graceMs: number; batch: number };
  private readonly now: () => number;
  /** The last connection-level error, for diagnostics; ioredis reports them as events. */
  lastError: Error | undefined;
  /**
   * The store's change counter right after the last write this instance applied (0 before any).
   * Writes are totally ordered by it: it is their serial order, across all nodes.
   */
  lastWriteVersion = 0;
  private readonly onError: (err: Error) => void;
  /** Cluster only: this node's POSTs, one at a time per group (see GroupQueue). */
  private readonly posts = new GroupQueue();
  /**
   * The wait for the client's first connection, shared by the operations issued meanwhile; done
   * once (connected or not), so afterwards an unreachable Redis fails operations fast.
   */
  private firstConnect: Promise<void> | undefined;
  /** The data layout under the prefix was found to be this code's (see layoutChecked). */
  private layoutOk = false;

  /**
   * Creates the store and waits until Redis answers or the operation timeout passes; it never
   * fails because Redis is away (ready() then says so, and the client keeps reconnecting).
   */
  static async connect(options: RedisMetricStoreOptions): Promise<RedisMetricStore> {
    const store = new RedisMetricStore(options);
    await store.ready();
    return store;
  }

  constructor(options: RedisMetricStoreOptions) {
    this.keys = new RedisKeys(options.keyPrefix ?? 'pushgate');
    this.onError = (err) => {
      this.lastError = err;
      options.onConnectionError?.(err);
    };
    const given = options.redis;
    this.ownsClient = !isClient(given);
    this.client = isClient(given) ? given : createRedisClient(given);
    if ((this.client.options as { keyPrefix?: string }).keyPrefix) {
      throw new TypeError(
        'RedisMetricStore: the ioredis keyPrefix option is not supported, use keyPrefix of the store',
      );
    }
    this.cluster = isCluster(this.client);
    this.reserved = options.reserved ?? UPSTREAM_OWN_FAMILIES;
    this.timeoutMs = options.operationTimeoutMs ?? 5000;
    this.gc = { graceMs: options.blobGraceMs ?? 10000, batch: options.blobGcBatch ?? GC_BATCH };
    this.now = options.now ?? Date.now;
    // Without a listener an 'error' event would be fatal; ioredis keeps reconnecting on its own.
    this.client.on('error', this.onError);
    if (this.cluster) this.client.on('node error', this.onError);
  }

  async push(request: PushRequest): Promise<void> {
    const prepared = preparePush(request, this.reserved);
    const nowSeconds = this.nowSeconds();
    const expiry = expiryAfterPush(request.ttlSeconds, request.receivedAt);
    const plan = planWrite(prepared, this.gc, { expiry, nowSeconds });
    const reply = await this.sweepingDue(nowSeconds, () =>
      this.run(() => {
        if (!this.cluster) return writeStandalone(this.client, this.keys, plan);
        if (prepared.mode === 'replace') return writeCluster(this.client, this.keys, plan);
        return this.posts.run(plan.h, () => writeCluster(this.client, this.keys, plan));
      }),
    );
    await this.applied(reply);
    switch (reply.code) {
      case ScriptCode.APPLIED:
        return;
      case ScriptCode.REJECTED:
      case ScriptCode.REJECTED_BY_GROUPING_KEY:
        throw rejection(prepared, reply);
      case ScriptCode.GROUP_HASH_COLLISION:
        throw new GroupHashCollisionError(
          `group ${prepared.groupId} shares its hash ${plan.h} with another group`,
        );
      default:
        throw new RedisStoreProtocolError(`push: unexpected result code ${reply.code}`);
    }
  }

  async delete(labels: GroupingLabels): Promise<void> {
    const h = groupHash(groupId(labels));
    const reply = await this.run(async () =>
      parseWriteReply(
        'delete',
        await SCRIPTS.delete.run(
          this.client,
          [...this.keys.indexKeys(), this.keys.groupFamilies(h), this.keys.expiry],
          [h, encodeLabels(labels), this.gc.graceMs, this.gc.batch],
        ),
      ),
    );
    await this.applied(reply);
    if (reply.code !== ScriptCode.APPLIED && reply.code !== ScriptCode.NO_SUCH_GROUP) {
      throw new RedisStoreProtocolError(`delete: unexpected result code ${reply.code}`);
    }
  }

  async wipe(): Promise<void> {
    const reply = await this.run(async () =>
      parseWriteReply(
        'wipe',
        await SCRIPTS.wipe.run(
          this.client,
          [...this.keys.indexKeys(), this.keys.expiry],
          [this.keys.groupFamiliesPrefix],
        ),
      ),
    );
    await this.applied(reply);
  }

  getGroups(): Promise<MetricGroup[]> {
    const nowSeconds = this.nowSeconds();
    return this.run(() => readGroups(this.client, this.keys, bookkeepingFamilies, nowSeconds));
  }

  /**
   * A feed of what changed in the store (every node's writes) since the reader last asked, read
   * from the change-feed keys the write scripts keep (see redis-changes.ts).
   */
  changeFeed(): ChangeFeed {
    return new RedisChangeFeed({
      client: this.client,
      keys: this.keys,
      bookkeeping: bookkeepingFamilies,
      run: (operation) => this.run(operation),
      nowSeconds: () => this.nowSeconds(),
    });
  }

  // ---- Expiry and restore (MaintainableMetricStore; redis-ttl.ts, redis-restore.ts) ----

  /**
   * Deletes up to `batchSize` groups expired at `nowSeconds`, earliest first, in one script that
   * re-checks each group's expiry and deletes it as `delete` does (sweep.lua).
   */
  async sweepExpired(nowSeconds: number, batchSize: number): Promise<SweepResult> {
    const reply = await this.run(() =>
      sweepBatch(this.client, this.keys, nowSeconds, batchSize, this.gc),
    );
    await this.applied(reply);
    return { deleted: reply.deleted, more: reply.more };
  }

  /**
   * Restores snapshot groups into free grouping keys (restore.lua, one group per script, a few at
   * a time), each judged by this node's clock when its turn comes.
   */
  async restoreGroups(groups: readonly MetricGroup[]): Promise<RestoreResult> {
    return restoreAll(groups, async (group) => {
      const nowSeconds = this.nowSeconds();
      const plan = planRestore(group, nowSeconds, this.gc);
      const reply = await this.sweepingDue(nowSeconds, () =>
        this.run(() => restoreGroup(this.client, this.keys, plan)),
      );
      await this.applied(reply);
      return restoreOutcome(reply.code);
    });
  }

  private nowSeconds(): number {
    return this.now() / 1000;
  }

  /**
   * Runs a write script; if it broke a rule while groups were due (SWEEP_NEEDED, nothing
   * recorded), sweeps every group due at `nowSeconds` and runs it again (see runSweepingDue).
   */
  private sweepingDue(nowSeconds: number, write: () => Promise<WriteReply>): Promise<WriteReply> {
    return runSweepingDue(
      write,
      async () => {
        let more = true;
        while (more) more = (await this.sweepExpired(nowSeconds, WRITE_SWEEP_BATCH)).more;
      },
      (reply) => this.applied(reply),
    );
  }

  // ---- end of expiry and restore ----

  /**
   * The store's change counter: it grows with every applied write (push, recorded failure,
   * delete, wipe), so a node that cached a rendering at version v knows it is current while the
   * counter is still v. Each group's metadata carries the version of its own last change.
   */
  async version(): Promise<number> {
    return this.run(async () => Number((await this.client.get(this.keys.seq)) ?? 0));
  }

  /**
   * Maintenance, for a periodic job (never a request path): deletes blobs a cluster node staged
   * but never committed or settled because it died in between, staged more than `olderThanMs`
   * ago (default 15 minutes). Returns how many were deleted. On standalone Redis only a restore
   * interrupted between its two steps (redis-restore.ts) can leave one.
   */
  async collectOrphans(olderThanMs = 15 * 60_000): Promise<number> {
    return collectOrphans(this.client, this.keys, olderThanMs);
  }

  /**
   * True when Redis answers PING within the operation timeout; on a cluster, every master that
   * CLUSTER SLOTS names must answer (a store with one master down cannot serve every group). A
   * client still making its first connection gets up to a second to finish it, so a store that
   * was just created does not report an outage it never had.
   */
  async ready(): Promise<boolean> {
    try {
      await this.run(async () => {
        if (isCluster(this.client)) await pingMasters(this.client);
        else await this.client.ping();
      });
      return true;
    } catch (err) {
      // Connection errors arrive as events; a layout mismatch only here, so it is kept too.
      if (err instanceof StoreLayoutError) this.lastError = err;
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) {
      try {
        await this.client.quit();
      } catch {
        this.client.disconnect();
      }
    }
    this.client.off('error', this.onError);
    if (this.cluster) this.client.off('node error', this.onError);
  }

  /** Runs a Redis operation under the operation timeout, mapping failures (see toStoreError). */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`Redis did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([
        this.connectedOnce()
          .then(() => this.layoutChecked())
          .then(operation),
        timeout,
      ]);
    } catch (err) {
      throw toStoreError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Resolves once the client made its first connection, or up to a second after the first
   * operation found it still connecting: a client created with the store (fail-fast, no offline
   * queue) would otherwise refuse the operations of a store that was just created.
   */
  private connectedOnce(): Promise<void> {
    this.firstConnect ??= firstConnection(this.client, Math.min(this.timeoutMs, 1000));
    return this.firstConnect;
  }

  /**
   * Checks once per store instance (and again after a failed check) that the data under the
   * prefix is in the layout this code uses, recording it in an empty store (lua/layout.lua).
   * A mismatch fails every operation with StoreLayoutError and keeps ready() false, so a node
   * never misreads data of another version; fixing the data needs no restart.
   */
  private async layoutChecked(): Promise<void> {
    if (this.layoutOk) return;
    const layout = String(
      await SCRIPTS.layout.run(
        this.client,
        [this.keys.layout, this.keys.groups],
        [REDIS_LAYOUT_VERSION],
      ),
    );
    if (layout !== REDIS_LAYOUT_VERSION) {
      throw new StoreLayoutError(
        `Redis holds Pushgate data in layout ${layout} under the key prefix "${this.keys.prefix}"; ` +
          `this node reads and writes layout ${REDIS_LAYOUT_VERSION}. Migrate it with a snapshot ` +
          `and a restore into an empty Redis or a new prefix (docs/operations.md, "Upgrading")`,
      );
    }
    this.layoutOk = true;
  }

  /**
   * Bookkeeping after a write script ran: remembers its version and deletes the blobs it reported
   * due. Collection never fails the write: unreferenced blobs are invisible, leaving some behind
   * costs memory, not correctness.
   */
  private async applied(reply: WriteReply): Promise<void> {
    if (reply.seq > this.lastWriteVersion) this.lastWriteVersion = reply.seq;
    await this.run(() => deleteBlobs(this.client, this.keys, reply.gc)).catch(() => undefined);
  }
}

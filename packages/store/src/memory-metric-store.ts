/**
 * The single-node MetricStore: groups in a Map, indexes for the cross-group rules, group expiry
 * driven by in-process timers, and optionally upstream-style persistence to a file.
 */
import {
  applyFailure,
  applyPush,
  checkAgainstStore,
  expiryAfterFailure,
  expiryAfterPush,
  groupId,
  isExpired,
  preparePush,
  PushRejectedError,
  UPSTREAM_OWN_FAMILIES,
  type GroupExpiry,
  type GroupingLabels,
  type MetricGroup,
  type PreparedPush,
  type PushRequest,
  type ReservedFamilies,
} from '@pushgate/core';
import type { ChangeFeed, ChangeFeedSource } from './change-feed';
import { cloneFamily, cloneGroup } from './memory-clone';
import { MemoryChangeLog } from './memory-changes';
import { ExpiryQueue } from './memory-expiry';
import { ConsistencyIndex, IndexConflictError } from './memory-index';
import {
  StoreUnavailableError,
  type MaintainableMetricStore,
  type RestoreResult,
  type SweepResult,
} from './metric-store';
import { PersistenceCorruptError, PersistenceError } from './persistence-errors';
import {
  PersistenceScheduler,
  readSnapshotFile,
  systemClock,
  type Clock,
  type PersistenceOptions,
} from './persistence';

export interface MemoryMetricStoreOptions {
  /** Families pushes must not contradict (default: upstream 1.5.1's own families). */
  reserved?: ReservedFamilies;
  /** Persist to a file as upstream's `--persistence.file` does; none by default. */
  persistence?: PersistenceOptions;
  /** Time source for expiry, the expiry timer and the persistence timer. */
  clock?: Clock;
}

/** Node's timers overflow (and fire at once) beyond 2^31-1 ms; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * MetricStore in process memory (one node; the Redis store is for clusters).
 *
 * Every method does its whole work synchronously before its promise settles, with no await in
 * between, so writes apply one at a time in call order: the single write queue of upstream, and
 * a reader never sees half a write. Each write costs O(size of the write): the rules run against
 * the indexes, never against the whole store.
 *
 * With persistence the file is read in the constructor (synchronously, as upstream does at
 * start). If it cannot be used, the store starts empty, `restoreError` says why, and the file is
 * left untouched until the first write replaces it. The file doubles as the store's snapshot: it
 * has the format of the worker's snapshot files, so either can stand in for the other.
 *
 * Expiry (MaintainableMetricStore): reads leave out expired groups; a write first deletes every
 * due group, so expired groups never take part in a write's checks; and a timer set for the
 * earliest expiry deletes due groups when nothing else happens, so that their memory is freed and
 * the persistence file follows. `sweepExpired` is therefore rarely left with work to do here.
 */
export class MemoryMetricStore implements MaintainableMetricStore, ChangeFeedSource {
  /** Why the persistence file could not be restored, if it could not. */
  readonly restoreError: PersistenceError | undefined;

  private readonly reserved: ReservedFamilies;
  private readonly groups = new Map<string, MetricGroup>();
  private readonly index = new ConsistencyIndex();
  private readonly expiries = new ExpiryQueue();
  private readonly clock: Clock;
  /** The pending expiry timer: when it fires (ms) and how to cancel it. */
  private expiryTimer: { atMs: number; cancel: () => void } | undefined;
  private readonly persistence: PersistenceScheduler | undefined;
  /** Open change feeds (the gateway's scrape cache), told about every write. */
  private readonly changes = new MemoryChangeLog();
  /** Group ids in order, kept until the set of groups changes. */
  private sortedIds: string[] | undefined;
  private closed = false;

  constructor(options: MemoryMetricStoreOptions = {}) {
    this.reserved = options.reserved ?? UPSTREAM_OWN_FAMILIES;
    this.clock = options.clock ?? systemClock;
    if (options.persistence === undefined) return;
    this.persistence = new PersistenceScheduler(options.persistence, this.clock, () =>
      this.liveGroups(),
    );
    try {
      this.restore(readSnapshotFile(options.persistence.file), options.persistence.file);
    } catch (err) {
      if (!(err instanceof PersistenceError)) throw err;
      this.groups.clear();
      this.index.clear();
      this.expiries.clear();
      this.restoreError = err;
    }
    this.armExpiryTimer();
  }

  /** Number of groups held (expired ones included until they are deleted). */
  get size(): number {
    return this.groups.size;
  }

  async push(request: PushRequest): Promise<void> {
    this.assertOpen();
    this.deleteDue();
    const prepared = preparePush(request, this.reserved);
    const id = prepared.groupId;
    const current = this.groups.get(id);
    const view = this.index.view(id, current, prepared.index.replacedFamilies);
    const check = checkAgainstStore(prepared, view);
    const errors = [...prepared.errors, ...check.errors];
    const { ttlSeconds, receivedAt } = request;
    if (errors.length > 0) {
      // A failure caused by the grouping key must leave no group behind: it would collide.
      if (!check.groupingKeyConflict) {
        const failed = applyFailure(current, prepared.labels, prepared.receivedAt);
        this.write(id, withExpiry(failed, expiryAfterFailure(current, ttlSeconds, receivedAt)));
      }
      throw new PushRejectedError(errors);
    }
    const pushed = applyPush(current, owned(prepared));
    this.write(id, withExpiry(pushed, expiryAfterPush(ttlSeconds, receivedAt)));
  }

  async delete(labels: GroupingLabels): Promise<void> {
    this.assertOpen();
    this.write(groupId(labels), undefined);
  }

  async wipe(): Promise<void> {
    this.assertOpen();
    if (this.groups.size === 0) return;
    this.groups.clear();
    this.index.clear();
    this.expiries.clear();
    this.sortedIds = undefined;
    this.changes.wiped();
    this.persistence?.changed();
  }

  async getGroups(): Promise<MetricGroup[]> {
    this.assertOpen();
    return this.liveGroups().map(cloneGroup);
  }

  async sweepExpired(nowSeconds: number, batchSize: number): Promise<SweepResult> {
    this.assertOpen();
    const due = this.expiries.takeDue(nowSeconds, batchSize);
    for (const id of due) this.write(id, undefined);
    const next = this.expiries.nextAt();
    return { deleted: due.length, more: next !== undefined && next <= nowSeconds };
  }

  async restoreGroups(groups: readonly MetricGroup[]): Promise<RestoreResult> {
    this.assertOpen();
    this.deleteDue();
    const now = this.nowSeconds();
    const result: RestoreResult = { restored: 0, skipped: [] };
    for (const group of groups) {
      const id = groupId(group.labels);
      const skip = (reason: RestoreResult['skipped'][number]['reason']) =>
        result.skipped.push({ labels: { ...group.labels }, reason });
      if (this.groups.has(id)) skip('exists');
      else if (isExpired(group, now)) skip('expired');
      else {
        try {
          this.write(id, cloneGroup(group));
          result.restored++;
        } catch (err) {
          if (!(err instanceof IndexConflictError)) throw err;
          skip('conflict');
        }
      }
    }
    return result;
  }

  async ready(): Promise<boolean> {
    return !this.closed;
  }

  /**
   * A feed of the groups written from now on (its first `next()` reports every group), reading
   * the stored objects without copying them (see change-feed.ts).
   */
  changeFeed(): ChangeFeed {
    return this.changes.open({
      ids: () => this.groups.keys(),
      get: (id) => this.groups.get(id),
      nowSeconds: () => this.nowSeconds(),
    });
  }

  /** Writes the last changes to the persistence file (if any) and refuses further use. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    await this.persistence?.close();
  }

  /**
   * Replaces (or with undefined, removes) group `id`, keeping the indexes in step. Throws
   * IndexConflictError, changing nothing, if the group conflicts with the others (only possible
   * for groups that did not pass the push rules: restored ones).
   */
  private write(id: string, group: MetricGroup | undefined): void {
    const before = this.groups.get(id);
    if (before === undefined && group === undefined) return;
    this.index.update(id, before, group);
    if (group === undefined) this.groups.delete(id);
    else this.groups.set(id, group);
    if ((before === undefined) !== (group === undefined)) this.sortedIds = undefined;
    this.expiries.set(id, group?.expiry?.expiresAt);
    if (group?.expiry !== undefined) this.armExpiryTimer();
    this.changes.changed(id);
    this.persistence?.changed();
  }

  private nowSeconds(): number {
    return this.clock.now() / 1000;
  }

  /** Deletes every group whose expiry time has come. */
  private deleteDue(): void {
    const now = this.nowSeconds();
    const next = this.expiries.nextAt();
    if (next === undefined || next > now) return;
    for (const id of this.expiries.takeDue(now, Infinity)) this.write(id, undefined);
  }

  /** Sets the timer for the earliest expiry, unless one is set for that time or earlier. */
  private armExpiryTimer(): void {
    const next = this.expiries.nextAt();
    if (this.closed || next === undefined) return;
    const atMs = next * 1000;
    if (this.expiryTimer !== undefined && this.expiryTimer.atMs <= atMs) return;
    this.expiryTimer?.cancel();
    const delay = Math.min(Math.max(0, atMs - this.clock.now()), MAX_TIMER_MS);
    const cancel = this.clock.setTimer(() => {
      this.expiryTimer = undefined;
      if (this.closed) return;
      this.deleteDue();
      this.armExpiryTimer();
    }, delay);
    this.expiryTimer = { atMs, cancel };
  }

  private orderedGroups(): MetricGroup[] {
    this.sortedIds ??= [...this.groups.keys()].sort();
    return this.sortedIds.map((id) => this.groups.get(id) as MetricGroup);
  }

  /** The groups readers see: ordered, expired ones left out even before they are deleted. */
  private liveGroups(): MetricGroup[] {
    const now = this.nowSeconds();
    const ordered = this.orderedGroups();
    return this.expiries.nextAt() === undefined
      ? ordered
      : ordered.filter((group) => !isExpired(group, now));
  }

  private restore(groups: readonly MetricGroup[], file: string): void {
    const now = this.nowSeconds();
    for (const group of groups) {
      const id = groupId(group.labels);
      if (this.groups.has(id))
        throw new PersistenceCorruptError(`persistence file ${file} holds group ${id} twice`, file);
      // A group that expired while the gateway was down is not brought back.
      if (isExpired(group, now)) continue;
      try {
        this.index.update(id, undefined, group);
      } catch (err) {
        if (!(err instanceof IndexConflictError)) throw err;
        throw new PersistenceCorruptError(
          `persistence file ${file} is inconsistent: ${err.message}`,
          file,
        );
      }
      this.groups.set(id, group);
      this.expiries.set(id, group.expiry?.expiresAt);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the metric store is closed');
  }
}

/** `group` with `expiry`, or without any when undefined (no `expiry: undefined` key either). */
function withExpiry(group: MetricGroup, expiry: GroupExpiry | undefined): MetricGroup {
  return expiry === undefined ? group : { ...group, expiry };
}

/** The push with families the store owns, so later changes by the caller cannot reach it. */
function owned(prepared: PreparedPush): PreparedPush {
  return { ...prepared, families: prepared.families.map(cloneFamily) };
}

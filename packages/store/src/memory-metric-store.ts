/**
 * The single-node MetricStore: groups in a Map, indexes for the cross-group rules, and optionally
 * upstream-style persistence to a file.
 */
import {
  applyFailure,
  applyPush,
  checkAgainstStore,
  groupId,
  preparePush,
  PushRejectedError,
  UPSTREAM_OWN_FAMILIES,
  type GroupingLabels,
  type MetricGroup,
  type PreparedPush,
  type PushRequest,
  type ReservedFamilies,
} from '@pushgate/core';
import { cloneFamily, cloneGroup } from './memory-clone';
import { ConsistencyIndex, IndexConflictError } from './memory-index';
import { StoreUnavailableError, type MetricStore } from './metric-store';
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
  /** Time source for the persistence timer. */
  clock?: Clock;
}

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
 * left untouched until the first write replaces it.
 */
export class MemoryMetricStore implements MetricStore {
  /** Why the persistence file could not be restored, if it could not. */
  readonly restoreError: PersistenceError | undefined;

  private readonly reserved: ReservedFamilies;
  private readonly groups = new Map<string, MetricGroup>();
  private readonly index = new ConsistencyIndex();
  private readonly persistence: PersistenceScheduler | undefined;
  /** Group ids in order, kept until the set of groups changes. */
  private sortedIds: string[] | undefined;
  private closed = false;

  constructor(options: MemoryMetricStoreOptions = {}) {
    this.reserved = options.reserved ?? UPSTREAM_OWN_FAMILIES;
    if (options.persistence === undefined) return;
    this.persistence = new PersistenceScheduler(
      options.persistence,
      options.clock ?? systemClock,
      () => this.orderedGroups(),
    );
    try {
      this.restore(readSnapshotFile(options.persistence.file), options.persistence.file);
    } catch (err) {
      if (!(err instanceof PersistenceError)) throw err;
      this.groups.clear();
      this.index.clear();
      this.restoreError = err;
    }
  }

  /** Number of groups held. */
  get size(): number {
    return this.groups.size;
  }

  async push(request: PushRequest): Promise<void> {
    this.assertOpen();
    const prepared = preparePush(request, this.reserved);
    const id = prepared.groupId;
    const current = this.groups.get(id);
    const view = this.index.view(id, current, prepared.index.replacedFamilies);
    const check = checkAgainstStore(prepared, view);
    const errors = [...prepared.errors, ...check.errors];
    if (errors.length > 0) {
      // A failure caused by the grouping key must leave no group behind: it would collide.
      if (!check.groupingKeyConflict)
        this.write(id, applyFailure(current, prepared.labels, prepared.receivedAt));
      throw new PushRejectedError(errors);
    }
    this.write(id, applyPush(current, owned(prepared)));
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
    this.sortedIds = undefined;
    this.persistence?.changed();
  }

  async getGroups(): Promise<MetricGroup[]> {
    this.assertOpen();
    return this.orderedGroups().map(cloneGroup);
  }

  async ready(): Promise<boolean> {
    return !this.closed;
  }

  /** Writes the last changes to the persistence file (if any) and refuses further use. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.persistence?.close();
  }

  /** Replaces (or with undefined, removes) group `id`, keeping the indexes in step. */
  private write(id: string, group: MetricGroup | undefined): void {
    const before = this.groups.get(id);
    if (before === undefined && group === undefined) return;
    this.index.update(id, before, group);
    if (group === undefined) this.groups.delete(id);
    else this.groups.set(id, group);
    if ((before === undefined) !== (group === undefined)) this.sortedIds = undefined;
    this.persistence?.changed();
  }

  private orderedGroups(): MetricGroup[] {
    this.sortedIds ??= [...this.groups.keys()].sort();
    return this.sortedIds.map((id) => this.groups.get(id) as MetricGroup);
  }

  private restore(groups: readonly MetricGroup[], file: string): void {
    for (const group of groups) {
      const id = groupId(group.labels);
      if (this.groups.has(id))
        throw new PersistenceCorruptError(`persistence file ${file} holds group ${id} twice`, file);
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
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the metric store is closed');
  }
}

/** The push with families the store owns, so later changes by the caller cannot reach it. */
function owned(prepared: PreparedPush): PreparedPush {
  return { ...prepared, families: prepared.families.map(cloneFamily) };
}

import type { MetricGroup } from '@pushgate/core';
import {
  readSnapshot,
  SnapshotCorruptError,
  type MaintainableMetricStore,
  type RestoreResult,
  type SnapshotDirectory,
} from '@pushgate/store';
import type { Logger } from './logger';

/** What to do with the groups a store already holds when restoring into it. */
export type RestoreMode =
  /** Refuse unless the store is empty (the default of `snapshot:restore`). */
  | 'empty-only'
  /** Wipe the store first: afterwards it holds exactly the snapshot. */
  | 'wipe'
  /** Keep them; add the snapshot's groups whose grouping keys are free. */
  | 'merge';

/** The store holds groups and the mode says not to touch them; nothing was changed. */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

/**
 * Restores the snapshot `file` into `store`. The file is read and checked completely before the
 * store is touched, so a truncated, corrupt or wrong-version file (SnapshotCorruptError) or an
 * unreadable one (SnapshotError) changes nothing.
 */
export async function restoreFile(
  store: MaintainableMetricStore,
  file: string,
  mode: RestoreMode,
): Promise<RestoreResult> {
  return restoreSnapshot(store, await readSnapshot(file), mode);
}

/** Restores checked snapshot groups (from readSnapshot) into `store` as `mode` says. */
export async function restoreSnapshot(
  store: MaintainableMetricStore,
  groups: readonly MetricGroup[],
  mode: RestoreMode,
): Promise<RestoreResult> {
  if (mode === 'empty-only') {
    const held = (await store.getGroups()).length;
    if (held > 0)
      throw new RestoreRefusedError(
        `the store holds ${held} group(s); nothing was restored (--wipe replaces them, --merge keeps them and adds the snapshot's groups whose grouping keys are free)`,
      );
  }
  if (mode === 'wipe') await store.wipe();
  return store.restoreGroups(groups);
}

export interface RestoreOnEmptyOptions {
  store: MaintainableMetricStore;
  snapshots: SnapshotDirectory;
  /**
   * Claims the restore for this replica; false when another replica has it. Replicas start
   * together, and a restore running twice could bring back a group deleted in between.
   */
  claim: () => Promise<boolean>;
  logger: Logger;
}

/**
 * At start: when the store holds no group, restores the newest intact snapshot (a corrupt one is
 * logged and the next older one tried). Returns what was restored, or undefined when nothing was.
 */
export async function restoreOnEmpty({
  store,
  snapshots,
  claim,
  logger,
}: RestoreOnEmptyOptions): Promise<(RestoreResult & { file: string }) | undefined> {
  if ((await store.getGroups()).length > 0) return undefined;
  const candidates = (await snapshots.list()).reverse();
  if (candidates.length === 0) {
    logger.info({ dir: snapshots.dir }, 'store is empty and there is no snapshot to restore');
    return undefined;
  }
  if (!(await claim())) {
    logger.info('store is empty; another worker is restoring it');
    return undefined;
  }
  for (const { file } of candidates) {
    let groups;
    try {
      groups = await readSnapshot(file);
    } catch (err) {
      if (!(err instanceof SnapshotCorruptError)) throw err;
      logger.error({ err, file }, 'snapshot refused, trying the previous one');
      continue;
    }
    const result = await store.restoreGroups(groups);
    logger.info(
      { file, restored: result.restored, skipped: result.skipped.length },
      'store was empty: restored the newest intact snapshot',
    );
    return { ...result, file };
  }
  logger.error(
    { dir: snapshots.dir },
    'store is empty and no snapshot is intact; nothing restored',
  );
  return undefined;
}

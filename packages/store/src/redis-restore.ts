/**
 * Restoring snapshot groups into the Redis store (MaintainableMetricStore.restoreGroups): each
 * group's blob is staged in its shard (stage.lua), then restore.lua decides in the index slot and
 * either points the group at it, atomically, or refuses (key held, expired, clash); the staged blob
 * is then settled as a push's is. No push rule runs: the snapshot's groups passed them when pushed.
 */
import type { Cluster, Redis } from 'ioredis';
import {
  applyFailure,
  groupId,
  PUSH_FAILURE_TIME_SECONDS,
  PUSH_TIME_SECONDS,
  seriesId,
  type MetricGroup,
  type StoredFamily,
} from '@pushgate/core';
import type { MetricFamily } from '@pushgate/exposition';
import type { RestoreResult, RestoreSkipReason } from './metric-store';
import { encodeLabels, encodeRecord } from './redis-codec';
import { RedisStoreProtocolError, ScriptCode } from './redis-errors';
import { groupHash, seriesKey, shardOf, type RedisKeys } from './redis-keys';
import { parseStageReply, parseWriteReply, type WriteReply } from './redis-replies';
import { SCRIPTS } from './redis-scripts';
import { newTx, settle } from './redis-writer';

/** One snapshot group translated into what stage.lua and restore.lua take. */
export interface RestorePlan {
  h: string;
  shard: number;
  /** Blob records of the group's families, bookkeeping gauges excluded (they go in metadata). */
  records: string[];
  /** restore.lua's ARGV before the blob field. */
  head: (string | number)[];
  /** restore.lua's ARGV after the blob field: the families with series, for the indexes. */
  families: (string | number)[];
}

const BOOKKEEPING: readonly string[] = [PUSH_TIME_SECONDS, PUSH_FAILURE_TIME_SECONDS];

/**
 * Plans the restore of `group` at `nowSeconds`. Its bookkeeping gauges become metadata values and
 * times (a gauge the snapshot lacks reads as 0 at time 0); their index entries are those of the
 * gauges the store rebuilds for the group's labels, so the indexes match what reads return.
 */
export function planRestore(
  group: MetricGroup,
  nowSeconds: number,
  gc: { graceMs: number; batch: number },
): RestorePlan {
  const h = groupHash(groupId(group.labels));
  const records: string[] = [];
  const families: (string | number)[] = [];
  let count = 0;
  const index = (family: MetricFamily, bookkeeping: boolean): void => {
    if (family.metric.length === 0) return;
    const keys = family.metric.map((m) => seriesKey(seriesId(family.name, m.label))).join('');
    families.push(family.name, family.type, bookkeeping ? '1' : '0', keys);
    count++;
  };
  for (const [name, stored] of Object.entries(group.families)) {
    if (BOOKKEEPING.includes(name)) continue;
    records.push(encodeRecord(stored));
    index(stored.family, false);
  }
  const template = applyFailure(undefined, group.labels, 0).families;
  for (const name of BOOKKEEPING) index((template[name] as StoredFamily).family, true);

  const pushed = gauge(group.families[PUSH_TIME_SECONDS]);
  const failed = gauge(group.families[PUSH_FAILURE_TIME_SECONDS]);
  const { expiry } = group;
  return {
    h,
    shard: shardOf(h),
    records,
    head: [
      h,
      encodeLabels(group.labels),
      String(nowSeconds),
      pushed.value,
      pushed.time,
      failed.value,
      failed.time,
      expiry === undefined ? '-' : String(expiry.ttlSeconds),
      expiry === undefined ? '-' : String(expiry.expiresAt),
      gc.graceMs,
      gc.batch,
    ],
    families: [count, ...families],
  };
}

function gauge(stored: StoredFamily | undefined): { value: string; time: string } {
  return {
    value: String(stored?.family.metric[0]?.gauge?.value ?? 0),
    time: String(stored?.timestamp ?? 0),
  };
}

/** Stages the group's blob (if it has families), runs restore.lua, settles the blob. */
export async function restoreGroup(
  client: Redis | Cluster,
  keys: RedisKeys,
  plan: RestorePlan,
): Promise<WriteReply> {
  let tx = '-';
  if (plan.records.length > 0) {
    const stage = parseStageReply(
      await SCRIPTS.stage.run(
        client,
        [keys.blobs(plan.shard), keys.staged(plan.shard)],
        ['replace', newTx(), '-', 0, plan.records.length, ...plan.records],
      ),
    );
    tx = stage.tx;
  }
  // If restore.lua's outcome is unknown (it threw), the staged blob is left alone: it may be live.
  const reply = parseWriteReply(
    'restore',
    await SCRIPTS.restore.run(
      client,
      [...keys.indexKeys(), keys.groupFamilies(plan.h), keys.expiry],
      [...plan.head, tx, ...plan.families],
    ),
  );
  await settle(client, keys, plan.shard, tx, reply.code === ScriptCode.APPLIED);
  return reply;
}

/** Why restore.lua refused a group, or undefined when it restored it. */
export function restoreOutcome(code: number): RestoreSkipReason | undefined {
  switch (code) {
    case ScriptCode.APPLIED:
      return undefined;
    case ScriptCode.GROUP_EXISTS:
      return 'exists';
    case ScriptCode.GROUP_EXPIRED:
      return 'expired';
    case ScriptCode.RESTORE_CONFLICT:
    case ScriptCode.GROUP_HASH_COLLISION:
      return 'conflict';
    default:
      throw new RedisStoreProtocolError(`restore: unexpected result code ${code}`);
  }
}

/** Groups restored at once: one round trip each, so a large snapshot is not restored serially. */
export const RESTORE_CONCURRENCY = 8;

/**
 * Restores every group with `restoreOne` (at most RESTORE_CONCURRENCY at a time) and reports the
 * skipped ones in snapshot order. A snapshot's groups never clash with each other, so the order in
 * which they land changes nothing. The first failure rejects the whole call once the groups under
 * way have settled; groups restored before it stay (restoring again skips them as 'exists').
 */
export async function restoreAll(
  groups: readonly MetricGroup[],
  restoreOne: (group: MetricGroup) => Promise<RestoreSkipReason | undefined>,
): Promise<RestoreResult> {
  const outcomes: Array<RestoreSkipReason | undefined> = new Array(groups.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < groups.length) {
      const i = next++;
      try {
        outcomes[i] = await restoreOne(groups[i] as MetricGroup);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(RESTORE_CONCURRENCY, groups.length) }, lane);
  const settled = await Promise.allSettled(lanes);
  const rejection = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejection !== undefined) throw rejection.reason;
  const result: RestoreResult = { restored: 0, skipped: [] };
  outcomes.forEach((reason, i) => {
    if (reason === undefined) result.restored++;
    else result.skipped.push({ labels: { ...(groups[i] as MetricGroup).labels }, reason });
  });
  return result;
}

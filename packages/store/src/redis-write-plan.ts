import {
  applyFailure,
  PUSH_FAILURE_TIME_SECONDS,
  PUSH_TIME_SECONDS,
  type GroupExpiry,
  type PreparedPush,
} from '@pushgate/core';
import type { MetricFamily } from '@pushgate/exposition';
import { encodeLabels, encodeName, encodeRecord } from './redis-codec';
import { RedisStoreProtocolError } from './redis-errors';
import { groupHash, seriesKey, shardOf } from './redis-keys';

/** A prepared push translated into what the write scripts take (see lua/includes/write.lua). */
export interface WritePlan {
  prepared: PreparedPush;
  /** Group hash and blob shard. */
  h: string;
  shard: number;
  /** The common ARGV of push.lua and commit.lua. */
  args: (string | number)[];
  /**
   * Blob records of the pushed families, joined into one ARGV entry (the scripts join entries
   * with the same ",\n" a blob separates records with, so fewer, larger strings cross the wire
   * and Lua builds no table of them); empty when there is none or core already rejected the push.
   */
  records: string[];
  /** POST: JSON-encoded names of the pushed families, whose stored records the merge drops. */
  replacedEncoded: string[];
  /** The node's clock (Unix s) at which the write judges expiry, in the script and in the client. */
  nowSeconds: number;
}

/** When a write happens, for expiry: the group's expiry if the write stores one, and the clock. */
export interface WriteTime {
  /** Core `expiryAfterPush` of the push (also what a failure gives a group it creates). */
  expiry: GroupExpiry | undefined;
  /** The node's clock, Unix seconds. */
  nowSeconds: number;
}

const BOOKKEEPING = [PUSH_TIME_SECONDS, PUSH_FAILURE_TIME_SECONDS] as const;

/**
 * Builds the write for `prepared`. The index entries are core's (`prepared.index`), grouped by
 * family so the scripts can later release exactly the series of a replaced family: each family
 * the write leaves in the group, with its type and its series keys, the bookkeeping gauges
 * flagged so a conflict on them is blamed on the grouping key. Then the expiry and the clock.
 */
export function planWrite(
  prepared: PreparedPush,
  gc: { graceMs: number; batch: number },
  time: WriteTime,
): WritePlan {
  const h = groupHash(prepared.groupId);
  const families = indexedFamilies(prepared);
  const replaced =
    prepared.mode === 'merge' ? [...(prepared.index.replacedFamilies ?? []), ...BOOKKEEPING] : [];
  const rejected = prepared.errors.length > 0;
  const args: (string | number)[] = [
    h,
    encodeLabels(prepared.labels),
    prepared.mode,
    String(prepared.receivedAt),
    rejected ? '1' : '0',
    gc.graceMs,
    gc.batch,
    families.length,
  ];
  for (const f of families) args.push(f.name, f.type, f.bookkeeping ? '1' : '0', f.keys);
  args.push(replaced.length, ...replaced);
  const { expiry, nowSeconds } = time;
  args.push(
    expiry === undefined ? '-' : String(expiry.ttlSeconds),
    expiry === undefined ? '-' : String(expiry.expiresAt),
    String(nowSeconds),
  );
  return {
    prepared,
    h,
    shard: shardOf(h),
    args,
    records: rejected ? [] : joinedRecords(prepared),
    replacedEncoded:
      rejected || prepared.mode !== 'merge' ? [] : prepared.families.map((f) => encodeName(f.name)),
    nowSeconds,
  };
}

function joinedRecords(prepared: PreparedPush): string[] {
  if (prepared.families.length === 0) return [];
  const at = prepared.receivedAt;
  return [prepared.families.map((family) => encodeRecord({ family, timestamp: at })).join(',\n')];
}

interface IndexedFamily {
  name: string;
  type: string;
  bookkeeping: boolean;
  keys: string;
}

function indexedFamilies(prepared: PreparedPush): IndexedFamily[] {
  // Core's index lists the series ids of the bookkeeping families first, then those of every
  // family with series, in the order of prepared.families: key them from there, not again.
  const ids = prepared.index.series;
  const template = applyFailure(undefined, prepared.labels, 0);
  const bookkeeping = BOOKKEEPING.map(
    (name) => (template.families[name] as { family: MetricFamily }).family,
  );
  let bookkeepingIds = 0;
  let pushedIds = bookkeeping.reduce((n, f) => n + f.metric.length, 0);
  const entry = (family: MetricFamily, isBookkeeping: boolean): IndexedFamily => {
    let keys = '';
    for (let i = 0; i < family.metric.length; i++)
      keys += seriesKey(ids[isBookkeeping ? bookkeepingIds++ : pushedIds++] ?? '');
    return { name: family.name, type: family.type, bookkeeping: isBookkeeping, keys };
  };
  // The scripts take the pushed families first, then the bookkeeping ones.
  const out = prepared.families.filter((f) => f.metric.length > 0).map((f) => entry(f, false));
  for (const family of bookkeeping) out.push(entry(family, true));

  if (out.length !== prepared.index.families.length || pushedIds !== ids.length) {
    throw new RedisStoreProtocolError(
      `push index mismatch: core lists ${prepared.index.families.length} families / ${ids.length} series, the store derived ${out.length} / ${pushedIds}`,
    );
  }
  return out;
}

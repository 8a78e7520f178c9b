import * as crypto from 'node:crypto';

/**
 * One-shot digest: crypto.hash (Node >= 20.12) skips the Hash object that createHash builds,
 * several times faster for the short inputs hashed on every push.
 */
const digest: (algorithm: string, data: string, encoding: 'hex' | 'base64url') => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (crypto as unknown as { hash: typeof digestWithHashObject }).hash
    : digestWithHashObject;

function digestWithHashObject(
  algorithm: string,
  data: string,
  encoding: 'hex' | 'base64url',
): string {
  return crypto.createHash(algorithm).update(data).digest(encoding);
}

/**
 * Number of blob shards. Groups are spread over `{<prefix>:<shard>}` hash tags, so a cluster
 * spreads them over its masters; readers fetch one HMGET per shard. Fixed: the shard of a group
 * is derived from its hash (lua/includes/meta.lua computes it the same way).
 */
export const SHARDS = 1024;

/** Width of a series key (lua/includes/index.lua reads them in fixed-width steps). */
export const SERIES_KEY_LENGTH = 20;

/**
 * A group's short identity in Redis: 96 bits of SHA-1 over core's groupId, in hex. The scripts
 * store the group's labels next to it and refuse a write whose labels differ (a collision),
 * so a collision can never merge two groups silently.
 */
export function groupHash(groupId: string): string {
  return digest('sha1', groupId, 'hex').slice(0, 24);
}

/** The blob shard of a group. */
export function shardOf(groupHash: string): number {
  return parseInt(groupHash.slice(0, 3), 16) % SHARDS;
}

/** The fixed-width digest of a core seriesId that the series index stores (120 bits). */
export function seriesKey(seriesId: string): string {
  return digest('sha1', seriesId, 'base64url').slice(0, SERIES_KEY_LENGTH);
}

/**
 * The bucket HASH of the series index holding `seriesKey`: its first two characters and its third
 * character's code mod 8, as lua/includes/index.lua `series_bucket` (32,768 buckets, each small
 * enough for Redis' compact listpack encoding).
 */
export function seriesBucket(series: string, seriesKey: string): string {
  return `${series}:${seriesKey.slice(0, 2)}${seriesKey.charCodeAt(2) % 8}`;
}

/**
 * Every key name the Redis store uses, built in this one place.
 *
 * Index slot (hash tag `{<prefix>}`, one slot): the group table, the consistency indexes, the
 * change counter, the change feed and the blob collector: everything the atomic write scripts
 * read and write.
 * Blob shards (hash tags `{<prefix>:<shard>}`): the groups' immutable blobs, spread over slots.
 */
export class RedisKeys {
  /** HASH group hash → metadata (labels, blob tx, bookkeeping gauges, version). */
  readonly groups: string;
  /** STRING the data layout version of everything under the prefix (lua/layout.lua). */
  readonly layout: string;
  /** HASH family name → "<TYPE> <number of groups holding it>". */
  readonly families: string;
  /**
   * Name of the series index, series key → hash of the owning group, kept in 32,768 bucket
   * HASHes `<series>:<bucket>` (see `seriesBucket`).
   */
  readonly series: string;
  /** STRING global change counter. */
  readonly seq: string;
  /** ZSET "<shard>:<tx>" of superseded blobs → time they were superseded (ms). */
  readonly gc: string;
  /** Change feed: ZSET group hash → version of the group's last change. */
  readonly changed: string;
  /** Change feed: ZSET group hash → version of its deletion (the newest tombstones). */
  readonly removed: string;
  /**
   * Change feed: HASH with `floor` (the oldest version from which `changed` and `removed` are
   * complete) and `epoch` (when the counter started: tells a Redis that lost its data and counts
   * again from 1 apart from the one a reader knew).
   */
  readonly feed: string;
  /** Prefix of the per-group family hashes (family → "<TYPE> <series keys>"). */
  readonly groupFamiliesPrefix: string;
  /**
   * Expiry: ZSET group hash → expiresAt (Unix s) of every group with a TTL (lua/includes/expiry.lua).
   * Not in indexKeys(): the scripts that keep it take it after their other keys.
   */
  readonly expiry: string;

  constructor(readonly prefix: string) {
    if (prefix === '' || /[{}]/.test(prefix)) {
      throw new TypeError(
        `Redis key prefix must be non-empty and free of '{' and '}', got ${JSON.stringify(prefix)}`,
      );
    }
    const index = `{${prefix}}`;
    this.groups = `${index}:groups`;
    this.layout = `${index}:layout`;
    this.families = `${index}:families`;
    this.series = `${index}:series`;
    this.seq = `${index}:seq`;
    this.gc = `${index}:gc`;
    this.changed = `${index}:changed`;
    this.removed = `${index}:removed`;
    this.feed = `${index}:feed`;
    this.groupFamiliesPrefix = `${index}:g:`;
    this.expiry = `${index}:expiry`;
  }

  /** HASH family name → "<TYPE> <series keys>" of one group (index slot). */
  groupFamilies(groupHash: string): string {
    return this.groupFamiliesPrefix + groupHash;
  }

  /** HASH tx → blob, of one shard. */
  blobs(shard: number): string {
    return `{${this.prefix}:${shard}}:blobs`;
  }

  /** ZSET tx → staging time of blobs staged but not yet settled (cluster writes), of one shard. */
  staged(shard: number): string {
    return `{${this.prefix}:${shard}}:staged`;
  }

  /** The index-slot keys every write script takes first, in script order. */
  indexKeys(): string[] {
    return [
      this.groups,
      this.families,
      this.series,
      this.seq,
      this.gc,
      this.changed,
      this.removed,
      this.feed,
    ];
  }
}

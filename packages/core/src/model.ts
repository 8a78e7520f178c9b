import type { MetricFamily, MetricType } from '@pushgate/exposition';

/**
 * The grouping key of a metric group: `job` plus the label pairs of the push path, all values
 * valid UTF-8. Key order carries no meaning; use `groupId` for identity.
 */
export type GroupingLabels = Readonly<Record<string, string>>;

/** PUT replaces the whole group; POST replaces only the families named in the body. */
export type PushMode = 'replace' | 'merge';

/** A push as the HTTP layer hands it to a store: path and body parsed, nothing checked yet. */
export interface PushRequest {
  labels: GroupingLabels;
  /** Families as decoded from the body (unsanitised, may carry timestamps). */
  families: MetricFamily[];
  mode: PushMode;
  /** Unix time in seconds (float, sub-ms precision) at which the node accepted the request. */
  receivedAt: number;
  /**
   * Time to live of the group from this push on, in seconds (an extension: upstream has no TTL).
   * The gateway resolves it (Pushgate-TTL header, else a per-job rule, else the default) so the
   * store only records it. Undefined or 0: the group never expires.
   */
  ttlSeconds?: number;
}

/** A family as stored in a group, with the time of the write that last stored it. */
export interface StoredFamily {
  family: MetricFamily;
  /** Unix seconds (float) of the write that stored this family (`time_stamp` in /api/v1/metrics). */
  timestamp: number;
}

/**
 * One metric group. `families` always contains the two bookkeeping gauges
 * (`push_time_seconds`, `push_failure_time_seconds`) once the group exists.
 */
export interface MetricGroup {
  labels: GroupingLabels;
  families: Record<string, StoredFamily>;
  /** When the group expires; absent for a group that never does (see core `ttl.ts`). */
  expiry?: GroupExpiry;
}

/**
 * The TTL a group carries, set by its last successful push (TTL extension). A group is expired
 * once `expiresAt <= now`: from then on it is gone for every reader and writer, even before a
 * sweep deletes it.
 */
export interface GroupExpiry {
  /** The TTL of that push in seconds (> 0). */
  ttlSeconds: number;
  /** Unix seconds (float): that push's receivedAt + ttlSeconds. */
  expiresAt: number;
}

/** A family the gateway itself exposes (or upstream exposed), which pushes must not contradict. */
export interface ReservedFamily {
  type: MetricType;
  help: string;
  /**
   * True when the family had samples when the gateway started: upstream then rewrites the HELP of
   * pushed families of that name to its own, otherwise a different HELP is an error.
   */
  presentAtStartup: boolean;
}

export type ReservedFamilies = ReadonlyMap<string, ReservedFamily>;

/**
 * A push after the pure, O(size of push) part of the rules has run (core `preparePush`):
 * families sanitised, intra-push problems found, and the index entries the cross-group
 * check needs computed. A store applies it or records its failure.
 */
export interface PreparedPush {
  labels: GroupingLabels;
  groupId: string;
  mode: PushMode;
  receivedAt: number;
  /**
   * Sanitised families sorted by name, bookkeeping gauges excluded (a body's own
   * `push_time_seconds` / `push_failure_time_seconds` are dropped here: the gateway's always
   * win). Families without series are kept for POST semantics (a family named in the body
   * replaces the stored one); they take part in no check and no index, since they are never
   * rendered. Empty when the push carries timestamps (nothing else is checked then).
   */
  families: MetricFamily[];
  /**
   * Problems found without looking at the store (timestamps, label names, duplicates inside the
   * push, quantile labels, suffix collisions inside the push, clashes with reserved families).
   * Non-empty means the push is rejected and its failure is recorded, unless checkAgainstStore
   * reports a grouping key conflict (then nothing is recorded). Stores run checkAgainstStore in
   * any case and report both lists, prepared errors first.
   */
  errors: string[];
  /** What the cross-group check needs to know about this push. */
  index: PushIndex;
}

export interface PushIndex {
  /**
   * Family name and type of every family with series the write stores, bookkeeping included
   * (for a POST not the families the group keeps).
   */
  families: ReadonlyArray<{ name: string; type: MetricType }>;
  /** Series identity (`seriesId`) of every series the write stores, bookkeeping included. */
  series: readonly string[];
  /**
   * For a POST: names of the families the body names, which the write replaces (with or without
   * series). For a PUT: undefined (all are replaced). The bookkeeping gauges are not listed; every
   * write rewrites push_time_seconds and keeps or creates push_failure_time_seconds, with the same
   * series either way. The store keeps the group's other families, and they take part in the checks.
   */
  replacedFamilies?: readonly string[];
}

/**
 * Read access to the rest of the store, as the cross-group check needs it. Implementations answer
 * from indexes (family name → type, series id → owning group); "the rest" excludes the families
 * the write replaces in its own group (all of them for a PUT; the named ones and the bookkeeping
 * gauges for a POST) and families without series. `consistencyLookups` lists every key a check
 * may ask about, for stores that fetch the answers first.
 */
export interface ConsistencyView {
  /** Type of the family `name` elsewhere in the store, or undefined if nobody else has it. */
  familyType(name: string): MetricType | undefined;
  /** Group id of the group holding series `seriesId` elsewhere in the store, or undefined. */
  seriesOwner(seriesId: string): string | undefined;
}

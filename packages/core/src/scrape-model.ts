/**
 * The incremental scrape (text format): what renderText(mergeGroups(groups, own, reserved)) gives,
 * byte for byte, kept up to date group by group instead of recomputed per scrape.
 *
 * A large store makes the simple path expensive on every scrape (50,000 groups of 25 series: about
 * a second each to merge, sort and render 100 MB of text). Here every series is rendered once, when
 * its group changes, and kept, sorted, in blocks of text per family (scrape-blocks.ts); a scrape is
 * then the current list of segments. A group change touches only the blocks holding its series.
 *
 * Work is split for the caller: setGroup costs O(size of the group), commit yields after every
 * rebuilt block, so a server can interleave other requests.
 */
import type { Metric, MetricFamily, MetricType } from '@pushgate/exposition';
import { groupId } from './grouping-key';
import type { MetricGroup, ReservedFamilies, StoredFamily } from './model';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';
import { DEFAULT_BLOCK_BYTES, type ScrapeSegment, type SeriesOwner } from './scrape-blocks';
import { ExpiryHeap } from './scrape-expiry';
import { type Contribution, FamilyState } from './scrape-family';
import { labelNamesKey, labelValuesKey } from './scrape-key';
import { hasValueFor } from './series-checks';
import { suffixCollision } from './suffix-collisions';

export type { ScrapeSegment } from './scrape-blocks';

/** The scrape as of a commit: segments in order; their texts concatenated are the scrape. */
export interface ScrapeSnapshot {
  readonly segments: readonly ScrapeSegment[];
  /** Total bytes of the segments. */
  readonly bytes: number;
}

export interface ScrapeModelOptions {
  /** As given to mergeGroups (default: upstream's own families). */
  reserved?: ReservedFamilies;
  /** Target size of a block of rendered series. */
  blockBytes?: number;
}

/** One owner's family: its contribution and the keys of the series it inserted. */
interface FamilyEntry extends Contribution {
  readonly family: FamilyState;
  keys: string[];
  /** Label-name keys of the series: one for all of them when they share it (the usual case). */
  names: string | string[];
}

/** A group (or the gateway's own metrics) as the model holds it: keys, not data. */
interface OwnerRecord extends SeriesOwner {
  entries: FamilyEntry[];
  expiresAt: number | undefined;
}

/** Orders before every groupId (which always holds `job`). */
const OWN_ORDER = '';

export class ScrapeModel {
  private readonly reserved: ReservedFamilies;
  private readonly blockBytes: number;
  private groups = new Map<string, OwnerRecord>();
  private families = new Map<string, FamilyState>();
  private readonly own: OwnerRecord = { order: OWN_ORDER, entries: [], expiresAt: undefined };
  private readonly expiries = new ExpiryHeap();
  /** Label-name keys and HELP texts repeat across series and groups: one string each. */
  private namesKeys = new Map<string, string>();
  private helps = new Map<string, string>();
  /** Families whose series, winner or existence changed since the last commit. */
  private dirty = new Set<FamilyState>();
  /** Families in scrape order; undefined when a family was added or removed. */
  private sorted: FamilyState[] | undefined;
  private snapshot: ScrapeSnapshot = { segments: [], bytes: 0 };
  private seriesCount = 0;
  private ownFamilies: readonly MetricFamily[] = [];

  constructor(options: ScrapeModelOptions = {}) {
    this.reserved = options.reserved ?? UPSTREAM_OWN_FAMILIES;
    this.blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  }

  /** Number of groups held. */
  get groupCount(): number {
    return this.groups.size;
  }

  /** Number of series held (every type, repeats included). */
  get series(): number {
    return this.seriesCount;
  }

  /**
   * Adds or replaces the group stored under `key` (any identity of the caller's: group id, hash).
   * A group whose expiry has passed at `now` (Unix seconds) is removed instead. Costs O(series of
   * the group); the model keeps none of the group's objects.
   */
  setGroup(key: string, group: MetricGroup, now: number): void {
    let record = this.groups.get(key);
    if (record !== undefined) this.withdraw(record);
    const expiresAt = group.expiry?.expiresAt;
    if (expiresAt !== undefined && expiresAt <= now) {
      this.groups.delete(key);
      return;
    }
    if (record === undefined) {
      record = { order: groupId(group.labels), entries: [], expiresAt };
      this.groups.set(key, record);
    }
    record.expiresAt = expiresAt;
    if (expiresAt !== undefined) this.expiries.push(expiresAt, key);
    for (const name of Object.keys(group.families)) {
      const { family } = group.families[name] as StoredFamily;
      // mergeGroups: a name the gateway had at startup gets the gateway's HELP.
      const reserved = this.reserved.get(name);
      this.contribute(record, family, reserved?.presentAtStartup ? reserved.help : family.help);
    }
  }

  /** Removes the group stored under `key`, if any. */
  deleteGroup(key: string): void {
    const record = this.groups.get(key);
    if (record === undefined) return;
    this.withdraw(record);
    this.groups.delete(key);
  }

  /** Removes every group (the gateway's own families stay). Costs O(1) plus the own families. */
  clear(): void {
    this.groups = new Map();
    this.families = new Map();
    this.namesKeys = new Map();
    this.helps = new Map();
    this.expiries.clear();
    this.sorted = undefined;
    this.dirty = new Set();
    this.seriesCount = 0;
    this.own.entries = [];
    this.setOwnFamilies(this.ownFamilies);
  }

  /**
   * Replaces the gateway's own families (single-node mode merges them into the scrape, ahead of
   * every group, as mergeGroups' `ownFamilies`).
   */
  setOwnFamilies(families: readonly MetricFamily[]): void {
    this.withdraw(this.own);
    this.ownFamilies = families;
    for (const family of families) this.contribute(this.own, family, family.help);
  }

  /** Removes every group whose expiry has come at `now` (Unix seconds); returns how many. */
  expire(now: number): number {
    let removed = 0;
    for (let top = this.expiries.peek(); top !== undefined && top[0] <= now;) {
      this.expiries.pop();
      const [at, key] = top;
      if (this.groups.get(key)?.expiresAt === at) {
        this.deleteGroup(key);
        removed++;
      }
      top = this.expiries.peek();
    }
    if (this.expiries.length > 2 * this.groups.size + 1024) {
      this.expiries.retain((at, key) => this.groups.get(key)?.expiresAt === at);
    }
    return removed;
  }

  /**
   * Brings the rendered scrape up to date with every change so far and returns it. Yields after
   * each rebuilt block; the model must not be changed while a commit is suspended.
   */
  *commit(): Generator<void, ScrapeSnapshot, void> {
    if (this.dirty.size === 0 && this.sorted !== undefined) return this.snapshot;
    this.findWinners();
    for (const family of this.dirty) {
      for (const list of family.allLists()) yield* list.commit();
      if (family.contributors === 0) {
        this.families.delete(family.name);
        this.sorted = undefined;
      }
    }
    this.dirty.clear();
    this.sorted ??= [...this.families.values()].sort((a, b) =>
      a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0,
    );
    this.snapshot = this.layout(this.sorted);
    return this.snapshot;
  }

  /** The segments of every family that is scraped, as mergeGroups decides which are. */
  private layout(sorted: readonly FamilyState[]): ScrapeSnapshot {
    const present = sorted.filter((f) => f.scraped !== undefined);
    // Suffix collisions: the gateway's own families are accepted first, then the pushed ones, each
    // group in name order (mergeGroups).
    const accepted = new Map<string, MetricType>();
    const typeOf = (name: string) => accepted.get(name);
    for (const own of [true, false]) {
      for (const family of present) {
        const winner = family.winner as Contribution;
        if ((winner.owner === this.own) !== own) continue;
        if (suffixCollision(family.name, winner.type, typeOf) === undefined)
          accepted.set(family.name, winner.type);
      }
    }
    const segments: ScrapeSegment[] = [];
    let bytes = 0;
    for (const family of present) {
      if (!accepted.has(family.name)) continue;
      const header = family.headerSegment();
      segments.push(header);
      bytes += header.text.length;
      const list = family.scraped;
      if (list === undefined) continue;
      const from = segments.length;
      list.segments(segments);
      for (let i = from; i < segments.length; i++)
        bytes += (segments[i] as ScrapeSegment).text.length;
    }
    return { segments, bytes };
  }

  /** Adds one family of an owner: its contribution and its series of the right kind. */
  private contribute(record: OwnerRecord, family: MetricFamily, help: string | undefined): void {
    const metrics = family.metric;
    if (metrics.length === 0) return;
    let state = this.families.get(family.name);
    if (state === undefined) {
      state = new FamilyState(family.name, this.blockBytes);
      this.families.set(family.name, state);
      this.sorted = undefined;
    }
    const entry: FamilyEntry = {
      owner: record,
      type: family.type,
      help: help === undefined ? undefined : this.intern(this.helps, help),
      family: state,
      keys: [],
      names: '',
    };
    state.contribute(entry);
    const list = state.list(family.type);
    const text = state.text(family.type);
    for (const metric of metrics) {
      if (!hasValueFor(family.type, metric)) continue;
      const key = labelValuesKey(metric.label);
      const names = this.namesKey(metric);
      list.insert(key, names, record, text.series(metric));
      const n = entry.keys.push(key);
      if (n === 1) entry.names = names;
      else if (typeof entry.names !== 'string') entry.names.push(names);
      else if (entry.names !== names)
        entry.names = [...Array<string>(n - 1).fill(entry.names), names];
    }
    this.seriesCount += entry.keys.length;
    // Exact-size arrays: entries live long, and push() leaves most of a small array's room unused.
    entry.keys = entry.keys.slice();
    if (typeof entry.names !== 'string') entry.names = entry.names.slice();
    record.entries.push(entry);
    this.dirty.add(state);
  }

  /** Removes every family an owner contributed. */
  private withdraw(record: OwnerRecord): void {
    for (const entry of record.entries) {
      const list = entry.family.list(entry.type);
      const { keys, names } = entry;
      for (let i = 0; i < keys.length; i++)
        list.remove(
          keys[i] as string,
          typeof names === 'string' ? names : (names[i] as string),
          record,
        );
      this.seriesCount -= entry.keys.length;
      entry.family.withdraw(entry);
      this.dirty.add(entry.family);
    }
    record.entries = [];
  }

  /** Finds the winner of every changed family that lost it, in one pass over all owners. */
  private findWinners(): void {
    const lost = new Set<FamilyState>();
    for (const family of this.dirty) if (family.winnerUnknown) lost.add(family);
    if (lost.size === 0) return;
    const consider = (record: OwnerRecord) => {
      for (const entry of record.entries) {
        const family = entry.family;
        if (!lost.has(family)) continue;
        if (family.winner === undefined || record.order < family.winner.owner.order)
          family.winner = entry;
      }
    };
    consider(this.own);
    for (const record of this.groups.values()) consider(record);
    for (const family of lost) family.lostOrder = undefined;
  }

  private namesKey(metric: Metric): string {
    return this.intern(this.namesKeys, labelNamesKey(metric.label));
  }

  private intern(strings: Map<string, string>, s: string): string {
    const interned = strings.get(s);
    if (interned !== undefined) return interned;
    strings.set(s, s);
    return s;
  }
}

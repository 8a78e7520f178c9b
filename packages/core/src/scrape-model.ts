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

/**
 * A group (or the gateway's own metrics) as the model holds it: keys, not data.
 *
 * Its families are packed into one flat array, because a large store holds hundreds of
 * thousands of them and node's builds have no pointer compression: an object and a key array
 * per family cost about 120 bytes more than these five slots (28 MB at 50,000 groups of 7
 * families). Per contributed family, HEAD slots: the FamilyState, the type, the HELP (after the
 * reserved rewrite), the label-name key(s) of its series (one string when they all share it,
 * the usual case, else one per series) and the series count; then the sort keys of its series.
 */
interface OwnerRecord extends SeriesOwner {
  packed: unknown[];
  expiresAt: number | undefined;
}

const HEAD = 5;

/** The packed family at `i` of a record (see OwnerRecord). */
function familyAt(packed: readonly unknown[], i: number) {
  return {
    state: packed[i] as FamilyState,
    type: packed[i + 1] as MetricType,
    help: packed[i + 2] as string | undefined,
    names: packed[i + 3] as string | string[],
    count: packed[i + 4] as number,
  };
}

/** Orders before every groupId (which always holds `job`). */
const OWN_ORDER = '';

export class ScrapeModel {
  private readonly reserved: ReservedFamilies;
  private readonly blockBytes: number;
  private groups = new Map<string, OwnerRecord>();
  private families = new Map<string, FamilyState>();
  private readonly own: OwnerRecord = { order: OWN_ORDER, packed: [], expiresAt: undefined };
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
      record = { order: groupId(group.labels), packed: [], expiresAt };
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
    // Exact size: records live long, and push() leaves room unused.
    record.packed = record.packed.slice();
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
    this.own.packed = [];
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
    this.own.packed = this.own.packed.slice();
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
    const interned = help === undefined ? undefined : this.intern(this.helps, help);
    state.contribute(record, family.type, interned);
    const packed = record.packed;
    const at = packed.length;
    packed.push(state, family.type, interned, '', 0);
    const list = state.list(family.type);
    const text = state.text(family.type);
    let names: string | string[] = '';
    let n = 0;
    for (const metric of metrics) {
      if (!hasValueFor(family.type, metric)) continue;
      const key = labelValuesKey(metric.label);
      const seriesNames = this.namesKey(metric);
      list.insert(key, seriesNames, record, text.series(metric));
      packed.push(key);
      n++;
      if (n === 1) names = seriesNames;
      else if (typeof names !== 'string') names.push(seriesNames);
      else if (names !== seriesNames) names = [...Array<string>(n - 1).fill(names), seriesNames];
    }
    packed[at + 3] = typeof names === 'string' ? names : names.slice();
    packed[at + 4] = n;
    this.seriesCount += n;
    this.dirty.add(state);
  }

  /** Removes every family an owner contributed. */
  private withdraw(record: OwnerRecord): void {
    const packed = record.packed;
    for (let i = 0; i < packed.length;) {
      const { state, type, names, count } = familyAt(packed, i);
      const list = state.list(type);
      for (let j = 0; j < count; j++)
        list.remove(
          packed[i + HEAD + j] as string,
          typeof names === 'string' ? names : (names[j] as string),
          record,
        );
      this.seriesCount -= count;
      state.withdraw(record);
      this.dirty.add(state);
      i += HEAD + count;
    }
    record.packed = [];
  }

  /** Finds the winner of every changed family that lost it, in one pass over all owners. */
  private findWinners(): void {
    const lost = new Set<FamilyState>();
    for (const family of this.dirty) if (family.winnerUnknown) lost.add(family);
    if (lost.size === 0) return;
    const consider = (record: OwnerRecord) => {
      const packed = record.packed;
      for (let i = 0; i < packed.length; i += HEAD + (packed[i + 4] as number)) {
        const family = packed[i] as FamilyState;
        if (!lost.has(family)) continue;
        if (family.winner === undefined || record.order < family.winner.owner.order) {
          const { type, help } = familyAt(packed, i);
          family.winner = { owner: record, type, help };
        }
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

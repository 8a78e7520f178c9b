/**
 * The indexes behind the in-memory store's ConsistencyView: family name → type (with the number
 * of groups holding it) and series id → owning group, so the cross-group check costs O(size of
 * the push) however large the store is.
 */
import {
  getFamily,
  isBookkeepingFamily,
  seriesId,
  type ConsistencyView,
  type MetricGroup,
  type StoredFamily,
} from '@pushgate/core';
import type { MetricType } from '@pushgate/exposition';

/** The index would hold two types for one family name, or one series in two groups. */
export class IndexConflictError extends Error {
  override name = 'IndexConflictError';
}

interface FamilyEntry {
  type: MetricType;
  groups: number;
}

export class ConsistencyIndex {
  private readonly families = new Map<string, FamilyEntry>();
  private readonly owners = new Map<string, string>();
  /** Series ids per stored family, so removing a family does not re-encode its series. */
  private readonly idsByFamily = new WeakMap<StoredFamily, string[]>();

  /**
   * Moves group `id` from `before` to `after` (undefined: absent). Only families whose
   * StoredFamily object differs are touched, so a POST costs what it writes. Families without
   * series are not indexed: they are never rendered, so they cannot conflict.
   * Throws IndexConflictError, leaving the index unchanged, if `after` conflicts with the rest.
   */
  update(id: string, before: MetricGroup | undefined, after: MetricGroup | undefined): void {
    const removed: Array<[string, StoredFamily]> = [];
    const added: Array<[string, StoredFamily]> = [];
    if (before !== undefined) {
      for (const name of Object.keys(before.families)) {
        const old = getFamily(before, name) as StoredFamily;
        if (getFamily(after, name) !== old) removed.push([name, old]);
      }
    }
    if (after !== undefined) {
      for (const name of Object.keys(after.families)) {
        const next = getFamily(after, name) as StoredFamily;
        if (getFamily(before, name) !== next) added.push([name, next]);
      }
    }
    for (const [name, stored] of removed) this.remove(id, name, stored);
    const done: Array<[string, StoredFamily]> = [];
    try {
      for (const [name, stored] of added) {
        this.add(id, name, stored);
        done.push([name, stored]);
      }
    } catch (err) {
      for (const [name, stored] of done) this.remove(id, name, stored);
      for (const [name, stored] of removed) this.add(id, name, stored);
      throw err;
    }
  }

  clear(): void {
    this.families.clear();
    this.owners.clear();
  }

  /**
   * The rest of the store as a write to group `id` sees it: the families it replaces in its own
   * group (all for a PUT, the named ones plus the bookkeeping gauges for a POST) do not count,
   * the group's other families do.
   */
  view(
    id: string,
    group: MetricGroup | undefined,
    replacedFamilies: readonly string[] | undefined,
  ): ConsistencyView {
    const replaced = replacedFamilies === undefined ? undefined : new Set(replacedFamilies);
    const isReplaced = (name: string) =>
      replaced === undefined || replaced.has(name) || isBookkeepingFamily(name);
    return {
      familyType: (name) => {
        const entry = this.families.get(name);
        if (entry === undefined) return undefined;
        const own = getFamily(group, name);
        if (own !== undefined && own.family.metric.length > 0 && isReplaced(name)) {
          return entry.groups > 1 ? entry.type : undefined;
        }
        return entry.type;
      },
      // A group's own series are never a conflict: a write replaces the family holding them.
      seriesOwner: (series) => {
        const owner = this.owners.get(series);
        return owner === id ? undefined : owner;
      },
    };
  }

  private add(id: string, name: string, stored: StoredFamily): void {
    const { family } = stored;
    if (family.metric.length === 0) return;
    const entry = this.families.get(name);
    if (entry !== undefined && entry.type !== family.type) {
      throw new IndexConflictError(`family ${name} is stored as ${entry.type} and ${family.type}`);
    }
    const ids =
      this.idsByFamily.get(stored) ?? family.metric.map((metric) => seriesId(name, metric.label));
    const taken = ids.find((series) => this.owners.has(series));
    if (taken !== undefined || new Set(ids).size !== ids.length) {
      throw new IndexConflictError(`family ${name} of group ${id} repeats a stored series`);
    }
    if (entry === undefined) this.families.set(name, { type: family.type, groups: 1 });
    else entry.groups++;
    for (const series of ids) this.owners.set(series, id);
    this.idsByFamily.set(stored, ids);
  }

  private remove(id: string, name: string, stored: StoredFamily): void {
    const { family } = stored;
    if (family.metric.length === 0) return;
    const entry = this.families.get(name);
    if (entry !== undefined && --entry.groups === 0) this.families.delete(name);
    const ids =
      this.idsByFamily.get(stored) ?? family.metric.map((metric) => seriesId(name, metric.label));
    for (const series of ids) if (this.owners.get(series) === id) this.owners.delete(series);
  }
}

/**
 * Safe access to `MetricGroup.families`. Family names pushed via protobuf are not validated, so a
 * family may be called `__proto__` or `constructor`: records are created without a prototype and
 * read through own-property checks only.
 */
import type { MetricGroup, StoredFamily } from './model';

/** An empty families record with no prototype, so that any family name is an ordinary key. */
export function newFamilies(): Record<string, StoredFamily> {
  return Object.create(null) as Record<string, StoredFamily>;
}

/** A shallow copy of a families record (the StoredFamily objects are shared). */
export function copyFamilies(
  families: Readonly<Record<string, StoredFamily>>,
): Record<string, StoredFamily> {
  const copy = newFamilies();
  for (const name of Object.keys(families)) copy[name] = families[name] as StoredFamily;
  return copy;
}

/** The family `name` of the group, or undefined (never an inherited property). */
export function getFamily(group: MetricGroup | undefined, name: string): StoredFamily | undefined {
  if (group === undefined || !Object.hasOwn(group.families, name)) return undefined;
  return group.families[name];
}

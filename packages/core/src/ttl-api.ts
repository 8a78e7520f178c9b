/**
 * The TTL of a group as /api/v1/metrics shows it (TTL extension): two extra keys in the group's
 * object, only for groups that have a TTL, so without TTLs the answer is byte for byte upstream's.
 *
 *   "ttl-seconds": "7200"                           the TTL, a Go float string like every API number
 *   "expires-at":  "2026-11-21T09:39:04.139189Z"    RFC 3339 like `time_stamp`
 *
 * The group object also holds one key per family name. Both names contain `-`, which no metric
 * name valid in the text format can, so only a family pushed via protobuf (whose names upstream
 * does not check) could take them; such a family then replaces the key, as upstream lets a family
 * named `labels` replace the grouping labels.
 */
import { formatGoFloat } from '@pushgate/exposition';
import { toApiGroupsJson } from './api-groups';
import { goJsonMap } from './go-json';
import { formatRfc3339Nano } from './go-time';
import type { MetricGroup } from './model';

export const API_TTL_KEY = 'ttl-seconds';
export const API_EXPIRES_KEY = 'expires-at';

/** `toApiGroupsJson` with the TTL keys added to the groups that have a TTL. */
export function toApiGroupsJsonWithTtl(groups: readonly MetricGroup[]): string {
  if (groups.every((group) => group.expiry === undefined)) return toApiGroupsJson(groups);
  return `[${groups.map(groupJsonWithTtl).join(',')}]`;
}

function groupJsonWithTtl(group: MetricGroup): string {
  const json = toApiGroupsJson([group]).slice(1, -1);
  const { expiry } = group;
  if (expiry === undefined) return json;
  const ttl: Array<[string, string]> = [
    [API_TTL_KEY, `"${formatGoFloat(expiry.ttlSeconds)}"`],
    [API_EXPIRES_KEY, `"${formatRfc3339Nano(expiry.expiresAt)}"`],
  ];
  // Families come last so that they win, as in upstream's map; goJsonMap restores Go's key order.
  return goJsonMap([...ttl, ...objectEntries(json)]);
}

/**
 * The top-level entries of a JSON object as [key, raw JSON value] pairs, for re-assembling an
 * object this module's own encoder wrote (so it is well-formed and has no whitespace).
 */
export function objectEntries(json: string): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  let i = 1;
  while (json[i] === '"' || json[i] === ',') {
    if (json[i] === ',') i++;
    const keyEnd = endOfString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    const valueStart = keyEnd + 1; // past the ':'
    const valueEnd = endOfValue(json, valueStart);
    entries.push([key, json.slice(valueStart, valueEnd)]);
    i = valueEnd;
  }
  return entries;
}

/** Index just past the string starting at `start` (a `"`). */
function endOfString(json: string, start: number): number {
  let i = start + 1;
  while (json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Index just past the value starting at `start`: a string, an object or array, or a literal. */
function endOfValue(json: string, start: number): number {
  if (json[start] === '"') return endOfString(json, start);
  let depth = 0;
  let i = start;
  for (; i < json.length; i++) {
    const c = json[i];
    if (c === '"') i = endOfString(json, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) break;
      if (--depth === 0) return i + 1;
    } else if (c === ',' && depth === 0) break;
  }
  return i;
}

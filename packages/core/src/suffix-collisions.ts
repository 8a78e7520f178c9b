/**
 * client_golang's checkSuffixCollisions: a summary or histogram `X` renders series named
 * `X_count` and `X_sum` (and `X_bucket` for a histogram), so no other family may have those
 * names. A summary `X` next to a family `X_bucket` is fine. GAUGE_HISTOGRAM is not checked,
 * exactly as upstream.
 */
import type { MetricType } from '@pushgate/exposition';
import { goQuote } from './go-quote';

const SUFFIXES = ['_count', '_sum', '_bucket'] as const;

/**
 * Checks family `name` of `type` against the families already collected (`collected` answers the
 * type of a family by name, undefined when there is none). Returns upstream's error, or undefined.
 */
export function suffixCollision(
  name: string,
  type: MetricType,
  collected: (name: string) => MetricType | undefined,
): string | undefined {
  for (const suffix of SUFFIXES) {
    if (!name.endsWith(suffix) || name.length === suffix.length) continue;
    const base = name.slice(0, -suffix.length);
    const baseType = collected(base);
    if (baseType === 'SUMMARY' && suffix !== '_bucket') {
      return `collected metric named ${goQuote(name)} collides with previously collected summary named ${goQuote(base)}`;
    }
    if (baseType === 'HISTOGRAM') {
      return `collected metric named ${goQuote(name)} collides with previously collected histogram named ${goQuote(base)}`;
    }
    break; // Go strips at most one suffix (the first that matches in this order).
  }
  if (type === 'SUMMARY' || type === 'HISTOGRAM') {
    for (const suffix of type === 'HISTOGRAM' ? SUFFIXES : SUFFIXES.slice(0, 2)) {
      if (collected(name + suffix) === undefined) continue;
      const kind = suffix === '_bucket' ? 'histogram' : 'histogram or summary';
      return `collected ${kind} named ${goQuote(name)} collides with previously collected metric named ${goQuote(name + suffix)}`;
    }
  }
  return undefined;
}

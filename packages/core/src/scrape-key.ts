/**
 * Sort keys of the incremental scrape model: strings whose plain JS order (`<`, one native
 * comparison) is exactly the order exposition's normalizeFamilies gives series (compareMetrics)
 * and families (byte order of names). Sorting 1.35 million series with compareMetrics costs
 * about a second; a scrape model that keeps series sorted compares keys instead.
 */
import type { LabelPair } from '@pushgate/exposition';

/** Ends every encoded component: lower than any encoded character. */
const END = '\u0000\u0000';

// Code units from U+D800 up are where UTF-16 order (JS `<`) and UTF-8 byte order (Go) disagree,
// and NUL must be escaped to stay above END.
const NEEDS_MAPPING = /[\u0000\uD800-\uFFFF]/;
const MAPPED = /[\u0000\uD800-\uFFFF]/g;

function mapUnit(c: string): string {
  const u = c.charCodeAt(0);
  if (u === 0) return '\u0000\u0001';
  // Surrogates (characters above U+FFFF) sort after U+E000–U+FFFF in UTF-8: move them to the top.
  return String.fromCharCode(u <= 0xdfff ? u + 0x2000 : u - 0x800);
}

/**
 * `s` re-coded so that JS string order equals the UTF-8 byte order of the originals, also as a
 * component followed by END (a proper prefix sorts first, as in Go).
 */
export function byteOrderKey(s: string): string {
  return NEEDS_MAPPING.test(s) ? s.replace(MAPPED, mapUnit) : s;
}

/**
 * The part of compareMetrics that orders series with different label values: the number of
 * labels, then the values position by position (labels are sorted by name). Series whose keys are
 * equal have equal values; `labelNamesKey` then breaks the tie as compareMetrics does.
 */
export function labelValuesKey(labels: readonly LabelPair[]): string {
  const n = labels.length;
  // Two units of 15 bits each: any count, and never a code unit from U+D800 up.
  const parts = [String.fromCharCode(n >>> 15, n & 0x7fff)];
  for (let i = 0; i < n; i++) parts.push(byteOrderKey((labels[i] as LabelPair).value));
  parts.push('');
  // join builds one flat string; `+=` would keep a tree of string pieces alive per key.
  return parts.join(END);
}

/** The label names position by position, encoded like labelValuesKey (callers intern it). */
export function labelNamesKey(labels: readonly LabelPair[]): string {
  let key = '';
  for (let i = 0; i < labels.length; i++) key += byteOrderKey((labels[i] as LabelPair).name) + END;
  return key;
}

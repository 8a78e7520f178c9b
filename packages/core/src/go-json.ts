/**
 * The parts of Go's encoding/json (go1.19, as in upstream 1.5.1) needed to write the API's bytes
 * as upstream does: its string escaping and its map key order.
 */
import { compareByteOrder } from './bytes';

const NEEDS_ESCAPE = /[\x00-\x1f"\\<>&\u2028\u2029\ud800-\udfff]/;

/**
 * A string as json.Marshal writes it: `"` and `\` escaped; \n, \r, \t short; other control
 * characters, `<`, `>`, `&` (HTML-safe by default), U+2028 and U+2029 as `\u00XX`-style escapes;
 * invalid UTF-8 (here: a lone surrogate) as `\ufffd`.
 */
export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s.slice(i, i + 2);
        i++;
      } else {
        out += '\\ufffd';
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
    } else if (c === 0x22) {
      out += '\\"';
    } else if (c === 0x5c) {
      out += '\\\\';
    } else if (c === 0x0a) {
      out += '\\n';
    } else if (c === 0x0d) {
      out += '\\r';
    } else if (c === 0x09) {
      out += '\\t';
    } else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += s.charAt(i);
    }
  }
  return `${out}"`;
}

/**
 * A Go map[string]string or map[string]<json>: keys sorted in byte order, a repeated key keeping
 * its last value (as assigning to a Go map does). Values must already be JSON.
 */
export function goJsonMap(entries: ReadonlyArray<readonly [string, string]>): string {
  let sorted = entries;
  for (let i = 1; i < entries.length; i++) {
    if (
      compareByteOrder(
        (entries[i - 1] as [string, string])[0],
        (entries[i] as [string, string])[0],
      ) >= 0
    ) {
      sorted = [...new Map(entries)].sort((a, b) => compareByteOrder(a[0], b[0]));
      break;
    }
  }
  let out = '{';
  for (let i = 0; i < sorted.length; i++) {
    const [key, value] = sorted[i] as [string, string];
    out += `${i === 0 ? '' : ','}${goJsonString(key)}:${value}`;
  }
  return `${out}}`;
}

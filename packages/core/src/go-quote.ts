/**
 * Go's `%q` / strconv.Quote, which upstream uses in every message that quotes user input
 * (`odd number of components in label string "/a"`, `improper label name "a-b"`, ...).
 */
import { decodeRune, encodeUtf8Bytes } from './bytes';

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

/** strconv.Quote of a JS string (encoded as UTF-8 first). */
export function goQuote(s: string): string {
  return goQuoteBytes(encodeUtf8Bytes(s));
}

/**
 * strconv.Quote of a byte string: printable characters as they are, `\"` and `\\`, the C-style
 * short escapes, other control characters as `\xNN`, other non-printable characters as
 * `\uNNNN`/`\UNNNNNNNN`, and bytes that are not valid UTF-8 as `\xNN`.
 */
export function goQuoteBytes(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length;) {
    const { cp, width } = decodeRune(bytes, i);
    if (cp < 0) {
      out += `\\x${hex(bytes.charCodeAt(i), 2)}`;
    } else {
      out += escapeRune(cp);
    }
    i += width;
  }
  return `${out}"`;
}

function escapeRune(cp: number): string {
  if (cp === 0x22) return '\\"';
  if (cp === 0x5c) return '\\\\';
  if (isPrint(cp)) return String.fromCodePoint(cp);
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

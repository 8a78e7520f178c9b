/**
 * Go's `%q` and `%c` verbs, as the text parser's error messages use them.
 *
 * Upstream formats raw input bytes into its messages (`expected float as value, got "1\r"`,
 * `invalid label value "\xff"`), and clients match on those strings, so the quoting must be
 * strconv's to the byte: printable runes as-is, `\a\b\f\n\r\t\v`, `\xHH` for other control
 * bytes and for bytes that are not valid UTF-8, `\uHHHH`/`\UHHHHHHHH` for other non-printable
 * runes. Printability follows this Node's Unicode tables, which may be newer than Go 1.19's
 * (Unicode 13): runes assigned since then print unescaped here but escaped upstream.
 */

const HEX = '0123456789abcdef';

const PRINTABLE_ABOVE_LATIN1 = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(r: number): boolean {
  if (r <= 0xff) {
    if (r >= 0x20 && r <= 0x7e) return true;
    return r >= 0xa1 && r !== 0xad; // soft hyphen is a format character
  }
  return PRINTABLE_ABOVE_LATIN1.test(String.fromCodePoint(r));
}

function hex(v: number, digits: number): string {
  let s = '';
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) s += HEX[(v >>> shift) & 0xf];
  return s;
}

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

/** strconv's appendEscapedRune for a valid rune inside `quote`-delimited output. */
function escapeRune(r: number, quote: number): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCodePoint(r);
  if (isPrint(r)) return String.fromCodePoint(r);
  const named = NAMED_ESCAPES[r];
  if (named !== undefined) return named;
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

/**
 * utf8.DecodeRune: the rune starting at `i` and its width, or -1 with width 1 for a byte that
 * does not start a valid sequence (overlong forms, surrogates and values past U+10FFFF included).
 */
function decodeRune(b: Uint8Array, i: number, end: number): [rune: number, width: number] {
  const b0 = b[i] as number;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const v = i + k < end ? (b[i + k] as number) : -1;
    return v >= lo && v <= hi ? v & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [-1, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf);
    const c2 = c1 < 0 ? -1 : cont(2);
    return c2 < 0 ? [-1, 1] : [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf);
    const c2 = c1 < 0 ? -1 : cont(2);
    const c3 = c2 < 0 ? -1 : cont(3);
    return c3 < 0 ? [-1, 1] : [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [-1, 1];
}

/** `fmt.Sprintf("%q", s)` for a Go string holding the bytes `b[start:end]`. */
export function goQuote(b: Uint8Array, start = 0, end = b.length): string {
  let out = '"';
  for (let i = start; i < end;) {
    const [r, width] = decodeRune(b, i, end);
    out += r < 0 ? '\\x' + hex(b[i] as number, 2) : escapeRune(r, 0x22);
    i += width;
  }
  return out + '"';
}

/** `fmt.Sprintf("%q", c)` for a Go byte `c`: a rune literal of U+00cc, e.g. `'\n'` or `'Ã'`. */
export function goQuoteByte(c: number): string {
  return "'" + escapeRune(c, 0x27) + "'";
}

/** `fmt.Sprintf("%c", c)` for a Go byte `c`: the rune U+00cc, unescaped. */
export function goCharOfByte(c: number): string {
  return String.fromCharCode(c);
}

/** `fmt.Sprintf("%q", s)` for a JS string, quoted as its UTF-8 encoding. */
export function goQuoteString(s: string): string {
  return goQuote(Buffer.from(s, 'utf8'));
}

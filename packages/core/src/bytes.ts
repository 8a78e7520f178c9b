/**
 * "Byte strings": JS strings holding one byte per char (U+0000–U+00FF), the way Go's string type
 * holds arbitrary bytes. The push path is decoded into byte strings so that upstream's messages,
 * which quote raw bytes, can be reproduced before anything is interpreted as UTF-8.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a byte string as UTF-8; undefined when it is not valid UTF-8 (Go's utf8.ValidString). */
export function decodeUtf8Bytes(bytes: string): string | undefined {
  // Pure ASCII is by far the common case and needs no decoder.
  if (!/[^\x00-\x7f]/.test(bytes)) return bytes;
  try {
    return strictUtf8.decode(toUint8Array(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Encodes a JS string as a UTF-8 byte string. A lone surrogate (which no valid UTF-8 decodes to)
 * is encoded as its 3-byte WTF-8 form, so it shows up as invalid bytes when quoted, as the
 * original invalid input would in Go.
 */
export function encodeUtf8Bytes(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      }
    }
    out += codePointToBytes(cp);
  }
  return out;
}

/** True when the string holds a lone surrogate, i.e. it did not come from valid UTF-8. */
export function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/**
 * Decodes the UTF-8 sequence starting at `i` as Go's utf8.DecodeRuneInString does: returns the
 * code point and its width, or code point -1 and width 1 for an invalid or truncated sequence
 * (overlong forms, surrogates and values above U+10FFFF are invalid).
 */
export function decodeRune(bytes: string, i: number): { cp: number; width: number } {
  const b0 = bytes.charCodeAt(i);
  if (b0 < 0x80) return { cp: b0, width: 1 };
  const invalid = { cp: -1, width: 1 };
  let width: number;
  let min: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    width = 2;
    min = 0x80;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    width = 3;
    min = 0x800;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    width = 4;
    min = 0x10000;
    cp = b0 & 0x07;
  } else {
    return invalid;
  }
  if (i + width > bytes.length) return invalid;
  for (let k = 1; k < width; k++) {
    const b = bytes.charCodeAt(i + k);
    if ((b & 0xc0) !== 0x80) return invalid;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return invalid;
  return { cp, width };
}

function codePointToBytes(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) {
    return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  );
}

function toUint8Array(bytes: string): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

/** Compares strings in UTF-8 byte order, the order of Go's `<` on strings (one implementation, in exposition). */
export { compareBytes as compareByteOrder } from '@pushgate/exposition';

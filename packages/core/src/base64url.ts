/**
 * The `@base64` decoding of the push path, as upstream's decodeBase64 does it:
 * `base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))`.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Map([...ALPHABET].map((c, i) => [c, i]));

export interface Base64Result {
  /** Decoded bytes (a byte string). On error: what Go had decoded before it, which upstream prints. */
  bytes: string;
  /** Go's error text, e.g. `illegal base64 data at input byte 3`. */
  error?: string;
}

/**
 * Decodes URL-safe base64 without padding after stripping every trailing `=`, reproducing Go's
 * decoder exactly: input is taken in quanta of four characters; CR and LF are skipped; a lone
 * final character is an error at its offset; leftover bits in a final partial quantum are
 * ignored (RawURLEncoding is not strict). A failing quantum contributes no bytes.
 */
export function decodeBase64Url(input: string): Base64Result {
  const src = input.replace(/=+$/, '');
  let bytes = '';
  let si = 0;
  while (si < src.length) {
    const quantum = [0, 0, 0, 0];
    let length = 4;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { bytes };
        if (j === 1) return { bytes, error: illegal(si - j) };
        length = j;
        break;
      }
      const c = src.charAt(si);
      si++;
      const v = DECODE.get(c);
      if (v !== undefined) {
        quantum[j] = v;
        continue;
      }
      if (c === '\n' || c === '\r') {
        j--;
        continue;
      }
      return { bytes, error: illegal(si - 1) };
    }
    const [a, b, c, d] = quantum as [number, number, number, number];
    const value = (a << 18) | (b << 12) | (c << 6) | d;
    const decoded = String.fromCharCode((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
    bytes += decoded.slice(0, length - 1);
  }
  return { bytes };
}

function illegal(offset: number): string {
  return `illegal base64 data at input byte ${offset}`;
}

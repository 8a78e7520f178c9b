/**
 * The lexer of PromQL series selectors, reduced to what `ParseMetricSelector` accepts: metric
 * names, braces, commas, the four match operators and string literals. Rules and error texts
 * follow Prometheus' promql/parser/lex.go so a selector valid (or invalid) there is valid (or
 * invalid) here, with the same message.
 */
import { decodeUtf8Bytes, encodeUtf8Bytes } from './bytes';
import { SelectorParseError } from './selector-error';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export type Token =
  | { kind: 'identifier'; offset: number; text: string }
  /** `text` is the literal as written (quotes included), `value` what it denotes. */
  | { kind: 'string'; offset: number; text: string; value: string }
  | { kind: '{' | '}' | ','; offset: number; text: string }
  | { kind: 'op'; offset: number; text: MatchOp }
  | { kind: 'eof'; offset: number; text: '' };

/** How the parser names a token in "unexpected …" messages (promql's Item.desc). */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'identifier':
      return `identifier ${JSON.stringify(token.text)}`;
    case 'string':
      return `string ${JSON.stringify(token.text)}`;
    case 'eof':
      return 'end of input';
    default:
      return JSON.stringify(token.text);
  }
}

const SPACE = /[ \t\n\r]/;
const ALPHA = /[A-Za-z_]/;
const ALNUM = /[A-Za-z0-9_]/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};
const NUMERIC_ESCAPES: Readonly<Record<string, { digits: number; base: number; max: number }>> = {
  x: { digits: 2, base: 16, max: 0xff },
  u: { digits: 4, base: 16, max: 0x10ffff },
  U: { digits: 8, base: 16, max: 0x10ffff },
  // An octal escape starts with its first digit, so it has two more to come.
  '0': { digits: 2, base: 8, max: 0xff },
};

/**
 * Tokenises one selector. Outside braces a name may contain colons (recording-rule names);
 * inside braces label names may not, exactly as in PromQL. `#` starts a comment to end of line.
 */
export class SelectorLexer {
  private pos = 0;

  constructor(private readonly input: string) {}

  /** The next token; `insideBraces` selects the rules for label matchers. */
  next(insideBraces: boolean): Token {
    this.skipSpaceAndComments();
    const start = this.pos;
    const c = this.input[start];
    if (c === undefined) {
      if (insideBraces) this.fail(start, 'unexpected end of input inside braces');
      return { kind: 'eof', offset: start, text: '' };
    }
    if (c === '"' || c === "'" || c === '`') return this.string(c);
    if (c === '{' || (insideBraces && (c === '}' || c === ','))) {
      this.pos++;
      return { kind: c, offset: start, text: c };
    }
    if (insideBraces) {
      if (ALPHA.test(c)) return this.identifier(ALNUM);
      if (c === '=' || c === '!') return this.operator(c);
      this.fail(
        start,
        `unexpected character inside braces: ${goQuoteRune(codePointAt(this.input, start))}`,
      );
    }
    if (ALPHA.test(c) || c === ':') return this.identifier(/[A-Za-z0-9_:]/);
    this.fail(start, `unexpected character: ${goQuoteRune(codePointAt(this.input, start))}`);
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const c = this.input[this.pos];
      if (c !== undefined && SPACE.test(c)) {
        this.pos++;
      } else if (c === '#') {
        const eol = this.input.indexOf('\n', this.pos);
        this.pos = eol < 0 ? this.input.length : eol;
      } else {
        return;
      }
    }
  }

  private identifier(rest: RegExp): Token {
    const start = this.pos++;
    while (this.pos < this.input.length && rest.test(this.input[this.pos] ?? '')) this.pos++;
    return { kind: 'identifier', offset: start, text: this.input.slice(start, this.pos) };
  }

  private operator(first: '=' | '!'): Token {
    const start = this.pos++;
    const second = this.input[this.pos];
    let text: MatchOp;
    if (first === '=') {
      text = second === '~' ? '=~' : '=';
    } else if (second === '=' || second === '~') {
      text = `!${second}`;
    } else {
      const found =
        second === undefined ? 'end of input' : goQuoteRune(codePointAt(this.input, this.pos));
      this.fail(start, `unexpected character after '!' inside braces: ${found}`);
    }
    this.pos = start + text.length;
    return { kind: 'op', offset: start, text };
  }

  /**
   * A string literal. "…" and '…' take Go escapes (the other quote may not be escaped); `…` is
   * raw. The value is assembled as bytes, because \x and octal escapes denote bytes, not
   * characters (`"\xc3\xa9"` is "é"), then decoded as UTF-8.
   */
  private string(quote: '"' | "'" | '`'): Token {
    const start = this.pos++;
    if (quote === '`') {
      const end = this.input.indexOf('`', this.pos);
      if (end < 0) this.fail(start, 'unterminated raw string');
      this.pos = end + 1;
      return {
        kind: 'string',
        offset: start,
        text: this.input.slice(start, this.pos),
        value: this.input.slice(start + 1, end),
      };
    }
    let bytes = '';
    for (;;) {
      const c = this.input[this.pos];
      if (c === undefined || c === '\n') this.fail(start, 'unterminated quoted string');
      if (c === quote) {
        this.pos++;
        break;
      }
      if (c === '\\') {
        this.pos++;
        bytes += this.escape(start, quote);
        continue;
      }
      // Whole code points: a surrogate pair encoded half by half would not be valid UTF-8.
      const ch = String.fromCodePoint(codePointAt(this.input, this.pos));
      bytes += encodeUtf8Bytes(ch);
      this.pos += ch.length;
    }
    const text = this.input.slice(start, this.pos);
    const value = decodeUtf8Bytes(bytes);
    // Prometheus keeps such bytes in the matcher, where they can never equal a (valid UTF-8)
    // label value; refusing the selector says so instead of silently matching nothing.
    if (value === undefined) this.fail(start, `invalid UTF-8 in string ${JSON.stringify(text)}`);
    return { kind: 'string', offset: start, text, value };
  }

  /** One escape sequence after the backslash, as bytes (lex.go lexEscape + strutil.Unquote). */
  private escape(stringStart: number, quote: string): string {
    const c = this.input[this.pos];
    if (c === undefined) this.fail(stringStart, 'unterminated quoted string');
    const simple = c === quote ? quote : SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      this.pos++;
      return simple;
    }
    const octal = c >= '0' && c <= '7';
    const spec = NUMERIC_ESCAPES[octal ? '0' : c];
    if (spec === undefined) {
      this.fail(
        stringStart,
        `unknown escape sequence ${goRuneDescription(codePointAt(this.input, this.pos))}`,
      );
    }
    let value = octal ? Number(c) : 0;
    this.pos++;
    for (let i = 0; i < spec.digits; i++) {
      const d = this.input[this.pos];
      if (d === undefined) this.fail(stringStart, 'escape sequence not terminated');
      const digit = parseInt(d, spec.base);
      if (Number.isNaN(digit)) {
        this.fail(
          stringStart,
          `illegal character ${goRuneDescription(codePointAt(this.input, this.pos))} in escape sequence`,
        );
      }
      value = value * spec.base + digit;
      this.pos++;
    }
    if (value > spec.max || (value >= 0xd800 && value < 0xe000)) {
      this.fail(stringStart, 'escape sequence is an invalid Unicode code point');
    }
    // \x and octal escapes are single bytes; \u and \U are characters, encoded as UTF-8.
    return c === 'u' || c === 'U'
      ? encodeUtf8Bytes(String.fromCodePoint(value))
      : String.fromCharCode(value);
  }

  private fail(offset: number, reason: string): never {
    throw new SelectorParseError(this.input, offset, reason);
  }
}

function codePointAt(s: string, i: number): number {
  return s.codePointAt(i) ?? 0;
}

const GO_RUNE_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  "'": "\\'",
  '\\': '\\\\',
};

/** Go's `%q` of a rune: `'x'`, `'\n'`, `'\x00'`, `'\u200b'`. */
function goQuoteRune(cp: number): string {
  const ch = String.fromCodePoint(cp);
  const escaped = GO_RUNE_ESCAPES[ch];
  if (escaped !== undefined) return `'${escaped}'`;
  if (isPrintable(ch)) return `'${ch}'`;
  if (cp < 0x80) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  if (cp < 0x10000) return `'\\u${cp.toString(16).padStart(4, '0')}'`;
  return `'\\U${cp.toString(16).padStart(8, '0')}'`;
}

/** Go's `%#U` of a rune: `U+0071 'q'`, without the quoted form for unprintable ones. */
function goRuneDescription(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const ch = String.fromCodePoint(cp);
  return isPrintable(ch) ? `${hex} '${ch}'` : hex;
}

function isPrintable(ch: string): boolean {
  return !/[\p{C}\p{Z}]/u.test(ch) || ch === ' ';
}

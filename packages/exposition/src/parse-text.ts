/**
 * Strict parser for the Prometheus text exposition format 0.0.4, behaving like the
 * `expfmt.TextParser` of prometheus/common 0.37 that Pushgateway 1.5.1 runs on every text push:
 * the same accepted inputs, the same resulting protos, and the same error text and line number
 * for every rejected input (clients and tests match on those strings).
 *
 * Like Go, it works on bytes, in one pass, and reads the input the way Go's state machine does:
 * "the next byte" is always read before it is judged, so which error wins on a malformed line
 * (and whether a body without its final newline fails with `unexpected end of input stream` or
 * with an earlier error of that last line) comes out as upstream's. Deliberate deviations:
 * - A sample of a family declared `# TYPE x gauge_histogram` is rejected with upstream's own
 *   (otherwise swallowed) message `unexpected type for metric name "x"`. Upstream stores such a
 *   series without any value and from then on truncates every text scrape; the model here
 *   cannot hold a series without a value.
 * - HELP text that is not valid UTF-8 is kept with U+FFFD replacement characters (Go keeps the
 *   raw bytes). Label values must be valid UTF-8, exactly as upstream requires.
 */
import { isUtf8 } from 'node:buffer';
import { TextParseError } from './errors';
import { parseGoFloat } from './go-float';
import { AsciiInterner, FNV_OFFSET, fnvStep } from './parse-text-intern';
import { goUint64FromFloat, parseGoInt64, parseSimpleDecimal } from './parse-text-numbers';
import { goCharOfByte, goQuote, goQuoteByte, goQuoteString } from './parse-text-quote';
import type { LabelPair, Metric, MetricFamily, MetricType } from './types';

// Typed as plain numbers: `cur` changes behind method calls, so TypeScript must not narrow it
// to the literal it was last compared with.
const NL: number = 0x0a;
const TAB: number = 0x09;
const SPACE: number = 0x20;
const QUOTE: number = 0x22;
const HASH: number = 0x23;
const COMMA: number = 0x2c;
const EQUALS: number = 0x3d;
const BACKSLASH: number = 0x5c;
const LOWER_N: number = 0x6e;
const OPEN_BRACE: number = 0x7b;
const CLOSE_BRACE: number = 0x7d;

/** Up to this many labels, a linear scan is the cheapest duplicate check. */
const LINEAR_LABEL_SCAN = 16;
const MAX_CACHED_BOUNDS = 1024;

/** Byte classes of the legacy name charset: bit 1 = label name start, 2 = metric name start, 4/8 = continuations. */
const LABEL_START = 1;
const METRIC_START = 2;
const LABEL_CONT = 4;
const METRIC_CONT = 8;
const NAME_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  const digit = c >= 0x30 && c <= 0x39;
  const colon = c === 0x3a;
  NAME_CLASS[c] =
    (letter ? LABEL_START | METRIC_START | LABEL_CONT | METRIC_CONT : 0) |
    (digit ? LABEL_CONT | METRIC_CONT : 0) |
    (colon ? METRIC_START | METRIC_CONT : 0);
}

/**
 * The MetricType enum names of client_model 0.3 (GAUGE_HISTOGRAM included), which the TYPE
 * line is looked up in after Go's strings.ToUpper.
 */
const TYPE_BY_NAME: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  ['COUNTER', 'COUNTER'],
  ['GAUGE', 'GAUGE'],
  ['SUMMARY', 'SUMMARY'],
  ['UNTYPED', 'UNTYPED'],
  ['HISTOGRAM', 'HISTOGRAM'],
  ['GAUGE_HISTOGRAM', 'GAUGE_HISTOGRAM'],
]);

/**
 * Tokens whose Go strings.ToUpper can spell a type name: ASCII letters and `_`, plus the two
 * runes whose simple upper case is ASCII (U+0131 ı -> I, U+017F ſ -> S). On exactly these JS's
 * toUpperCase agrees with Go; elsewhere it would not (JS maps the ligature `ﬆ` to `ST`).
 */
const UPPERCASABLE_TYPE = /^[A-Za-z_\u0131\u017f]+$/;

/** Which summary/histogram field a `_count`/`_sum` sample name stands for. */
const enum Role {
  None,
  Count,
  Sum,
}

/** A family while parsing: the type stays unset until a TYPE line or the first sample. */
interface PendingFamily {
  name: string;
  help: string | undefined;
  type: MetricType | undefined;
  metric: Metric[];
}

/**
 * Parses a text format 0.0.4 body (normally the raw request Buffer) into metric families, in
 * order of first mention. Families that end up without samples are dropped, so HELP/TYPE-only
 * bodies yield []. Throws TextParseError, with upstream's message, on anything upstream rejects.
 */
export function parseText(input: Buffer | string): MetricFamily[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  return new TextParser(buf).parse();
}

class TextParser {
  private readonly len: number;
  /** Index of the next unread byte. */
  private pos = 0;
  /** The byte read last (Go's currentByte). */
  private cur = 0;
  private line = 0;
  /** Span of the token read last. */
  private tokenStart = 0;
  private tokenEnd = 0;
  /** FNV-1a of the name token read last, for the interner. */
  private tokenHash = 0;
  private readonly names: AsciiInterner;
  private readonly valueStrings: AsciiInterner;

  private readonly families = new Map<string, PendingFamily>();
  /**
   * `_count`/`_sum`/`_bucket` names already resolved to their summary/histogram. Safe to keep:
   * such a name can never get a family of its own later, and a family's type never changes.
   */
  private readonly childOf = new Map<string, { family: PendingFamily; role: Role }>();
  /** Summary/histogram series by family name + label set without quantile/le (Go's LabelsToSignature). */
  private readonly foldedSeries = new Map<string, Metric>();
  private role = Role.None;
  /** The current sample's labels (quantile/le excluded), reused from line to line. */
  private readonly labelNames: string[] = [];
  private readonly labelValues: string[] = [];
  private labelCount = 0;
  /** Duplicate check for samples with very many labels. */
  private seenLabels = new Set<string>();
  /** Parsed quantile/le label values. */
  private readonly bounds = new Map<string, number>();

  constructor(private readonly buf: Buffer) {
    this.len = buf.length;
    this.names = new AsciiInterner(buf.length);
    this.valueStrings = new AsciiInterner(buf.length);
  }

  parse(): MetricFamily[] {
    while (this.startOfLine()) {
      if (this.cur === HASH) this.comment();
      else if (this.cur !== NL) this.sample();
    }
    const result: MetricFamily[] = [];
    for (const f of this.families.values()) {
      // A family with samples always has a type: the first sample fixes it to UNTYPED.
      if (f.metric.length === 0 || f.type === undefined) continue;
      result.push(
        f.help === undefined
          ? { name: f.name, type: f.type, metric: f.metric }
          : { name: f.name, help: f.help, type: f.type, metric: f.metric },
      );
    }
    return result;
  }

  /** Counts the line and skips its leading blanks; false at the end of input (the one clean EOF). */
  private startOfLine(): boolean {
    this.line++;
    const { buf, len } = this;
    while (this.pos < len) {
      const c = buf[this.pos++]!;
      if (c !== SPACE && c !== TAB) {
        this.cur = c;
        return true;
      }
    }
    return false;
  }

  // ---- comment lines: `# HELP name text`, `# TYPE name type`, anything else ignored ----

  private comment(): void {
    this.skipBlankTab();
    if (this.cur === NL) return;
    this.readTokenUntilWhitespace();
    if (this.cur === NL) return;
    const keyword = this.tokenLatin1();
    if (keyword !== 'HELP' && keyword !== 'TYPE') {
      const nl = this.buf.indexOf(NL, this.pos);
      if (nl < 0) throw this.endOfInput();
      this.pos = nl + 1;
      this.cur = NL;
      return;
    }
    this.skipBlankTab();
    this.readTokenAsName(METRIC_START, METRIC_CONT);
    if (this.cur === NL) return; // `# HELP name` without text: no family, no HELP
    if (this.cur !== SPACE && this.cur !== TAB) throw this.error('invalid metric name in comment');
    const family = this.familyFor(this.nameToken());
    this.skipBlankTab();
    if (this.cur === NL) return; // `# HELP name ` creates the family but sets no HELP
    if (keyword === 'HELP') this.help(family);
    else this.type(family);
  }

  private help(family: PendingFamily): void {
    if (family.help !== undefined) {
      throw this.error(`second HELP line for metric name "${family.name}"`);
    }
    const { buf, len } = this;
    const start = this.pos - 1;
    let text: Buffer | undefined; // only allocated once an escape shows up
    let n = 0;
    let escaped = false;
    for (let c = this.cur; ; c = this.next()) {
      if (escaped) {
        if (c !== BACKSLASH && c !== LOWER_N) {
          throw this.error(`invalid escape sequence '\\${goCharOfByte(c)}'`);
        }
        text![n++] = c === LOWER_N ? NL : BACKSLASH;
        escaped = false;
      } else if (c === NL) {
        break;
      } else if (c === BACKSLASH) {
        if (text === undefined) {
          const nl = buf.indexOf(NL, this.pos);
          text = Buffer.allocUnsafe((nl < 0 ? len : nl) - start);
          n = buf.copy(text, 0, start, this.pos - 1);
        }
        escaped = true;
      } else if (text !== undefined) {
        text[n++] = c;
      }
    }
    family.help =
      text === undefined ? buf.toString('utf8', start, this.pos - 1) : text.toString('utf8', 0, n);
  }

  private type(family: PendingFamily): void {
    if (family.type !== undefined) {
      throw this.error(
        `second TYPE line for metric name "${family.name}", or TYPE reported after samples`,
      );
    }
    const start = this.pos - 1;
    const nl = this.buf.indexOf(NL, start);
    if (nl < 0) throw this.endOfInput();
    this.pos = nl + 1;
    this.cur = NL;
    const token = this.buf.toString('utf8', start, nl);
    const type = UPPERCASABLE_TYPE.test(token) ? TYPE_BY_NAME.get(token.toUpperCase()) : undefined;
    if (type === undefined) throw this.error(`unknown metric type ${goQuote(this.buf, start, nl)}`);
    family.type = type;
  }

  // ---- sample lines: `name{label="value",...} value [timestamp]` ----

  private sample(): void {
    this.readTokenAsName(METRIC_START, METRIC_CONT);
    if (this.tokenStart === this.tokenEnd) throw this.error('invalid metric name');
    const family = this.familyFor(this.nameToken());
    const type = (family.type ??= 'UNTYPED');
    this.skipBlankTabIfCurrentBlankTab();
    this.labelCount = 0;
    const bound = this.cur === OPEN_BRACE ? this.readLabels(family) : NaN;
    const target = this.seriesFor(family);

    this.readTokenUntilWhitespace();
    const value =
      parseSimpleDecimal(this.buf, this.tokenStart, this.tokenEnd) ??
      parseGoFloat(this.tokenLatin1());
    if (value === undefined) {
      throw this.error(
        `expected float as value, got ${goQuote(this.buf, this.tokenStart, this.tokenEnd)}`,
      );
    }
    switch (type) {
      case 'COUNTER':
        target.counter = { value };
        break;
      case 'GAUGE':
        target.gauge = { value };
        break;
      case 'UNTYPED':
        target.untyped = { value };
        break;
      case 'SUMMARY': {
        const summary = (target.summary ??= { quantile: [] });
        if (this.role === Role.Count) summary.sampleCount = goUint64FromFloat(value);
        else if (this.role === Role.Sum) summary.sampleSum = value;
        else if (!Number.isNaN(bound)) summary.quantile.push({ quantile: bound, value });
        break;
      }
      case 'HISTOGRAM': {
        const histogram = (target.histogram ??= { bucket: [] });
        if (this.role === Role.Count) histogram.sampleCount = goUint64FromFloat(value);
        else if (this.role === Role.Sum) histogram.sampleSum = value;
        else if (!Number.isNaN(bound)) {
          histogram.bucket.push({ upperBound: bound, cumulativeCount: goUint64FromFloat(value) });
        }
        break;
      }
      case 'GAUGE_HISTOGRAM':
        // Upstream sets this error and then loses it (see the file comment).
        throw this.error(`unexpected type for metric name "${family.name}"`);
    }
    if (this.cur === NL) return;

    this.skipBlankTab();
    this.readTokenUntilWhitespace();
    const timestampMs = parseGoInt64(this.buf, this.tokenStart, this.tokenEnd);
    if (timestampMs === undefined) {
      throw this.error(
        `expected integer as timestamp, got ${goQuote(this.buf, this.tokenStart, this.tokenEnd)}`,
      );
    }
    target.timestampMs = timestampMs;
    // Whatever follows, up to the newline, is spurious (the blank that ended the timestamp included).
    const start = this.pos - 1;
    const nl = this.buf.indexOf(NL, start);
    if (nl < 0) throw this.endOfInput();
    this.pos = nl + 1;
    this.cur = NL;
    if (nl > start)
      throw this.error(`spurious string after timestamp: ${goQuote(this.buf, start, nl)}`);
  }

  /**
   * Reads `{name="value",...}` (`cur` is the brace) into the scratch label list and leaves `cur`
   * on the first byte of the sample value. Returns the sample's quantile (summaries) or le
   * (histograms), NaN if it has none; those labels are part of the value, not of the series.
   */
  private readLabels(family: PendingFamily): number {
    const special =
      family.type === 'SUMMARY' ? 'quantile' : family.type === 'HISTOGRAM' ? 'le' : '';
    let bound = NaN;
    for (;;) {
      this.skipBlankTab();
      if (this.cur === CLOSE_BRACE) break;
      this.readTokenAsName(LABEL_START, LABEL_CONT);
      if (this.tokenStart === this.tokenEnd) {
        throw this.error(`invalid label name for metric "${family.name}"`);
      }
      const name = this.nameToken();
      if (name === '__name__') throw this.error('label name "__name__" is reserved');
      this.skipBlankTabIfCurrentBlankTab();
      if (this.cur !== EQUALS) {
        throw this.error(`expected '=' after label name, found ${goQuoteByte(this.cur)}`);
      }
      const isSpecial = name === special;
      if (!isSpecial && this.hasLabel(name)) {
        throw this.error(`duplicate label names for metric "${family.name}"`);
      }
      this.skipBlankTab();
      if (this.cur !== QUOTE) {
        throw this.error(`expected '"' at start of label value, found ${goQuoteByte(this.cur)}`);
      }
      const value = this.readLabelValue();
      if (isSpecial) {
        bound = this.parseBound(name, value);
      } else {
        this.labelNames[this.labelCount] = name;
        this.labelValues[this.labelCount++] = value;
      }
      this.skipBlankTab();
      if (this.cur === CLOSE_BRACE) break;
      if (this.cur !== COMMA) {
        throw this.error(`unexpected end of label value ${goQuoteString(value)}`);
      }
    }
    this.skipBlankTab();
    return bound;
  }

  /** Whether the scratch label list already has `name` (a Set takes over for very long lists). */
  private hasLabel(name: string): boolean {
    const n = this.labelCount;
    if (n < LINEAR_LABEL_SCAN) {
      for (let i = 0; i < n; i++) if (this.labelNames[i] === name) return true;
      return false;
    }
    if (n === LINEAR_LABEL_SCAN) this.seenLabels = new Set(this.labelNames.slice(0, n));
    if (this.seenLabels.has(name)) return true;
    this.seenLabels.add(name);
    return false;
  }

  /** A quantile/le value as a float; the few distinct ones of a body are parsed once. */
  private parseBound(name: string, value: string): number {
    let v = this.bounds.get(value);
    if (v === undefined) {
      v = parseGoFloat(value);
      if (v === undefined) {
        throw this.error(
          `expected float as value for '${name}' label, got ${goQuoteString(value)}`,
        );
      }
      if (this.bounds.size >= MAX_CACHED_BOUNDS) this.bounds.clear();
      this.bounds.set(value, v);
    }
    return v;
  }

  /**
   * The series a sample belongs to. Plain samples always start one; summary and histogram
   * samples join the series of their family with the same labels (Go's LabelsToSignature,
   * keyed here by family name plus name-sorted labels), wherever it was first seen.
   */
  private seriesFor(family: PendingFamily): Metric {
    if (family.type !== 'SUMMARY' && family.type !== 'HISTOGRAM') {
      const metric: Metric = { label: this.takeLabels() };
      family.metric.push(metric);
      return metric;
    }
    const key = this.seriesKey(family.name);
    let metric = this.foldedSeries.get(key);
    if (metric === undefined) {
      metric = { label: this.takeLabels() };
      this.foldedSeries.set(key, metric);
      family.metric.push(metric);
    }
    return metric;
  }

  private takeLabels(): LabelPair[] {
    const labels = new Array<LabelPair>(this.labelCount);
    for (let i = 0; i < this.labelCount; i++) {
      labels[i] = { name: this.labelNames[i]!, value: this.labelValues[i]! };
    }
    return labels;
  }

  /** Family name plus name-sorted labels; lengths make it unambiguous whatever the values hold. */
  private seriesKey(family: string): string {
    const n = this.labelCount;
    const names = this.labelNames;
    let order: number[] | undefined;
    for (let i = 1; i < n; i++) {
      if (names[i - 1]! > names[i]!) {
        order = Array.from({ length: n }, (_, k) => k).sort((a, b) =>
          names[a]! < names[b]! ? -1 : 1,
        );
        break;
      }
    }
    let key = family;
    for (let k = 0; k < n; k++) {
      const i = order === undefined ? k : order[k]!;
      const value = this.labelValues[i]!;
      key += `\u0000${names[i]!}\u0000${value.length}\u0000${value}`;
    }
    return key;
  }

  /**
   * Reads a quoted label value; `cur` is the opening quote and becomes the closing one. The value
   * must be valid UTF-8; escapes are `\\`, `\"` and `\n` only.
   */
  private readLabelValue(): string {
    const { buf, len } = this;
    const start = this.pos;
    let escapes = false;
    let nonAscii = false;
    let escaped = false;
    let hash = FNV_OFFSET;
    for (;;) {
      if (this.pos >= len) throw this.endOfInput();
      const c = buf[this.pos++]!;
      if (escaped) {
        if (c !== QUOTE && c !== BACKSLASH && c !== LOWER_N) {
          throw this.error(`invalid escape sequence '\\${goCharOfByte(c)}'`);
        }
        escaped = false;
      } else if (c === QUOTE) {
        break;
      } else if (c === BACKSLASH) {
        escaped = escapes = true;
      } else if (c === NL) {
        const soFar = unescapeLabelValue(buf, start, this.pos - 1);
        throw this.error(`label value ${goQuote(soFar)} contains unescaped new-line`);
      } else if (c >= 0x80) {
        nonAscii = true;
      }
      hash = fnvStep(hash, c);
    }
    this.cur = QUOTE;
    const end = this.pos - 1;
    // Escapes only ever produce ASCII, so the raw bytes are valid UTF-8 iff the value is.
    if (nonAscii && !isUtf8(buf.subarray(start, end))) {
      throw this.error(`invalid label value ${goQuote(unescapeLabelValue(buf, start, end))}`);
    }
    if (escapes) return unescapeLabelValue(buf, start, end).toString('utf8');
    if (nonAscii) return buf.toString('utf8', start, end);
    return this.valueStrings.get(buf, start, end, hash);
  }

  /**
   * Go's setOrCreateCurrentMF: the family named exactly so, else the summary or histogram whose
   * `_count`/`_sum`/`_bucket` this is (setting `role`), else a new family.
   */
  private familyFor(name: string): PendingFamily {
    this.role = Role.None;
    const exact = this.families.get(name);
    if (exact !== undefined) return exact;
    const known = this.childOf.get(name);
    if (known !== undefined) {
      this.role = known.role;
      return known.family;
    }
    const isCount = name.length > 6 && name.endsWith('_count');
    const isSum = name.length > 4 && name.endsWith('_sum');
    const isBucket = name.length > 7 && name.endsWith('_bucket');
    const base = isCount ? name.slice(0, -6) : isSum ? name.slice(0, -4) : undefined;
    const parent = base === undefined ? undefined : this.families.get(base);
    if (parent?.type === 'SUMMARY' || parent?.type === 'HISTOGRAM') {
      this.role = isCount ? Role.Count : Role.Sum;
      this.childOf.set(name, { family: parent, role: this.role });
      return parent;
    }
    if (isBucket) {
      const histogram = this.families.get(name.slice(0, -7));
      if (histogram?.type === 'HISTOGRAM') {
        this.childOf.set(name, { family: histogram, role: Role.None });
        return histogram;
      }
    }
    const created: PendingFamily = { name, help: undefined, type: undefined, metric: [] };
    this.families.set(name, created);
    return created;
  }

  // ---- byte reading, as Go's bufio.Reader.ReadByte drives the upstream state machine ----

  /** Reads the next byte into `cur`; running out of input here is an error. */
  private next(): number {
    if (this.pos >= this.len) throw this.endOfInput();
    return (this.cur = this.buf[this.pos++]!);
  }

  /** Reads bytes until one is neither blank nor tab. */
  private skipBlankTab(): void {
    let c;
    do c = this.next();
    while (c === SPACE || c === TAB);
  }

  private skipBlankTabIfCurrentBlankTab(): void {
    if (this.cur === SPACE || this.cur === TAB) this.skipBlankTab();
  }

  /** Token = `cur` and the bytes after it up to a blank, tab or newline (left in `cur`). */
  private readTokenUntilWhitespace(): void {
    const { buf, len } = this;
    this.tokenStart = this.pos - 1;
    let c = this.cur;
    while (c !== SPACE && c !== TAB && c !== NL) {
      if (this.pos >= len) throw this.endOfInput();
      c = buf[this.pos++]!;
    }
    this.cur = c;
    this.tokenEnd = this.pos - 1;
  }

  /** Token = the name starting at `cur` (empty if `cur` cannot start one); `cur` = the byte after it. */
  private readTokenAsName(startClass: number, contClass: number): void {
    const { buf, len } = this;
    this.tokenStart = this.tokenEnd = this.pos - 1;
    let c = this.cur;
    if ((NAME_CLASS[c]! & startClass) === 0) return;
    let hash = FNV_OFFSET;
    do {
      hash = fnvStep(hash, c);
      if (this.pos >= len) throw this.endOfInput();
      c = buf[this.pos++]!;
    } while ((NAME_CLASS[c]! & contClass) !== 0);
    this.cur = c;
    this.tokenEnd = this.pos - 1;
    this.tokenHash = hash;
  }

  /** The name token read last (ASCII by construction), shared with earlier lines when equal. */
  private nameToken(): string {
    return this.names.get(this.buf, this.tokenStart, this.tokenEnd, this.tokenHash);
  }

  /** The current token as a string; only used where the bytes are ASCII or judged as ASCII. */
  private tokenLatin1(): string {
    return this.buf.toString('latin1', this.tokenStart, this.tokenEnd);
  }

  private error(detail: string): TextParseError {
    return new TextParseError(this.line, detail);
  }

  private endOfInput(): TextParseError {
    return this.error('unexpected end of input stream');
  }
}

/** Resolves the (already validated) escapes of a label value's raw bytes. */
function unescapeLabelValue(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (c === BACKSLASH && i + 1 < end) {
      const e = buf[++i]!;
      c = e === LOWER_N ? NL : e;
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

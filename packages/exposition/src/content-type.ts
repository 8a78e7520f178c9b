/**
 * Which exposition format a push body is in, and which one a scrape gets: the two header
 * decisions upstream makes with Go's mime.ParseMediaType and expfmt.Negotiate.
 */
import { parseGoFloat } from './go-float';

/** Content-Type of a text 0.0.4 scrape (upstream 1.5.1; HEAD appends `; escaping=underscores`). */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Content-Type of a delimited protobuf push or scrape. */
export const PROTOBUF_DELIMITED_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/**
 * A scrape format upstream can serve. `protobuf-text` and `protobuf-compact-text` are the protobuf
 * text-format debug encodings (renderProtoText); OpenMetrics is never served.
 */
export type ScrapeFormat =
  'text' | 'protobuf-delimited' | 'protobuf-text' | 'protobuf-compact-text';

const PROTO_TYPE = 'application/vnd.google.protobuf';
const PROTO_MESSAGE = 'io.prometheus.client.MetricFamily';

/** The Content-Type header upstream sends with each scrape format. */
export const SCRAPE_CONTENT_TYPES: Readonly<Record<ScrapeFormat, string>> = {
  text: TEXT_CONTENT_TYPE,
  'protobuf-delimited': PROTOBUF_DELIMITED_CONTENT_TYPE,
  'protobuf-text': `${PROTO_TYPE}; proto=${PROTO_MESSAGE}; encoding=text`,
  'protobuf-compact-text': `${PROTO_TYPE}; proto=${PROTO_MESSAGE}; encoding=compact-text`,
};

/**
 * True iff a push body with this Content-Type is delimited protobuf; anything else (no header,
 * text/plain, OpenMetrics, a header that does not parse, protobuf without `encoding=delimited`)
 * is read as text 0.0.4. Type and parameter names are case-insensitive, parameter values are
 * case-sensitive and may be quoted, parameter order is free.
 */
export function isDelimitedProtobuf(contentType: string | undefined): boolean {
  const parsed = parseMediaType(contentType ?? '');
  return (
    parsed !== undefined &&
    parsed.type === PROTO_TYPE &&
    parsed.params.get('encoding') === 'delimited' &&
    parsed.params.get('proto') === PROTO_MESSAGE
  );
}

interface MediaType {
  type: string;
  params: Map<string, string>;
}

/**
 * Go's mime.ParseMediaType (RFC 1521/2045 with Go's leniencies), minus RFC 2231 continuations:
 * parameters whose name contains `*` are left out rather than decoded. Undefined where Go errs.
 */
export function parseMediaType(header: string): MediaType | undefined {
  const semicolon = header.indexOf(';');
  const base = semicolon === -1 ? header : header.slice(0, semicolon);
  const type = trimSpace(base.toLowerCase());
  if (!isMediaTypeToken(type)) return undefined;
  const params = new Map<string, string>();
  let rest = header.slice(base.length);
  for (;;) {
    rest = trimLeftSpace(rest);
    if (rest === '') break;
    const param = consumeMediaParam(rest);
    if (param === undefined) {
      // A lone trailing semicolon is tolerated.
      if (trimSpace(rest) === ';') break;
      return undefined;
    }
    const [name, value] = param;
    rest = param[2];
    const previous = params.get(name);
    if (previous !== undefined && previous !== value) return undefined; // duplicate parameter
    if (!name.includes('*')) params.set(name, value);
  }
  return { type, params };
}

function isMediaTypeToken(s: string): boolean {
  const [type, rest] = consumeToken(s);
  if (type === '') return false;
  if (rest === '') return true;
  if (!rest.startsWith('/')) return false;
  const [subtype, after] = consumeToken(rest.slice(1));
  return subtype !== '' && after === '';
}

function consumeMediaParam(s: string): [name: string, value: string, rest: string] | undefined {
  let rest = trimLeftSpace(s);
  if (!rest.startsWith(';')) return undefined;
  rest = trimLeftSpace(rest.slice(1));
  const [rawName, afterName] = consumeToken(rest);
  const name = rawName.toLowerCase();
  if (name === '') return undefined;
  rest = trimLeftSpace(afterName);
  if (!rest.startsWith('=')) return undefined;
  rest = trimLeftSpace(rest.slice(1));
  const [value, afterValue] = consumeValue(rest);
  if (value === '' && afterValue === rest) return undefined;
  return [name, value, afterValue];
}

function consumeToken(s: string): [token: string, rest: string] {
  let i = 0;
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return [s.slice(0, i), s.slice(i)];
}

function consumeValue(s: string): [value: string, rest: string] {
  if (!s.startsWith('"')) return consumeToken(s);
  let value = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '"') return [value, s.slice(i + 1)];
    // Like Go: a backslash escapes only a tspecial; before anything else it is a literal (as
    // sent by old browsers in file paths).
    const next = s[i + 1];
    if (c === '\\' && next !== undefined && TSPECIALS.includes(next)) {
      value += next;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') return ['', s];
    value += c;
  }
  return ['', s]; // no closing quote
}

const TSPECIALS = '()<>@,;:\\"/[]?=';

function isTokenChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && !TSPECIALS.includes(String.fromCharCode(c));
}

/** Go's unicode.IsSpace. */
function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return s.slice(i);
}

function trimSpace(s: string): string {
  let end = s.length;
  while (end > 0 && isSpace(s.charCodeAt(end - 1))) end--;
  return trimLeftSpace(s.slice(0, end));
}

interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
  params: Map<string, string>;
}

/**
 * The scrape format for an Accept header, as expfmt.Negotiate picks it (pushgateway 1.5.1 serves
 * /metrics through it, OpenMetrics disabled): clauses ordered by goautoneg, then the first that
 * names protobuf with `proto=io.prometheus.client.MetricFamily` and a known `encoding`, or
 * `text/plain` with no version or version 0.0.4, wins; otherwise text. Wildcards and OpenMetrics
 * never match a clause, so they end in text too. Upstream reads only the first Accept header; a
 * caller given several should pass the first.
 */
export function negotiateScrapeFormat(accept: string | undefined): ScrapeFormat {
  for (const clause of parseAccept(accept ?? '')) {
    if (clause.type === 'application' && clause.subtype === 'vnd.google.protobuf') {
      if (clause.params.get('proto') === PROTO_MESSAGE) {
        switch (clause.params.get('encoding')) {
          case 'delimited':
            return 'protobuf-delimited';
          case 'text':
            return 'protobuf-text';
          case 'compact-text':
            return 'protobuf-compact-text';
        }
      }
    }
    if (clause.type === 'text' && clause.subtype === 'plain') {
      const version = clause.params.get('version');
      if (version === undefined || version === '' || version === '0.0.4') return 'text';
    }
  }
  return 'text';
}

/**
 * goautoneg.ParseAccept, quirks included: only spaces are trimmed, names and values are
 * case-sensitive, a `q` that does not parse counts as 0 (and q=0 does not exclude a clause),
 * q is a float32, and the order is what Go's insertion sort makes of goautoneg's comparison,
 * which also puts a concrete type before a wildcard whatever their q.
 */
function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [mediaRange = '', ...rawParams] = trimSpaces(part).split(';');
    const range = mediaRange.split('/');
    const type = trimSpaces(range[0] ?? '');
    let subtype: string;
    if (range.length === 1 && type === '*') subtype = '*';
    else if (range.length === 2) subtype = trimSpaces(range[1] as string);
    else continue;
    const clause: AcceptClause = { type, subtype, q: 1, params: new Map() };
    for (const param of rawParams) {
      const eq = param.indexOf('=');
      if (eq === -1) continue;
      const name = trimSpaces(param.slice(0, eq));
      const value = param.slice(eq + 1);
      if (name === 'q') clause.q = Math.fround(parseGoFloat(value) ?? 0);
      else clause.params.set(name, trimSpaces(value));
    }
    clauses.push(clause);
  }
  // Go 1.19's sort.Sort is an insertion sort up to 12 elements (pdqsort beyond, whose order for
  // this inconsistent comparison nobody relies on); insertion sort it is, for any length.
  for (let i = 1; i < clauses.length; i++) {
    for (
      let j = i;
      j > 0 && acceptLess(clauses[j] as AcceptClause, clauses[j - 1] as AcceptClause);
      j--
    ) {
      [clauses[j], clauses[j - 1]] = [clauses[j - 1] as AcceptClause, clauses[j] as AcceptClause];
    }
  }
  return clauses;
}

function acceptLess(a: AcceptClause, b: AcceptClause): boolean {
  if (a.q > b.q) return true;
  if (a.type !== '*' && b.type === '*') return true;
  if (a.subtype !== '*' && b.subtype === '*') return true;
  return false;
}

/** Go's strings.Trim(s, " "). */
function trimSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) === 0x20) end--;
  return s.slice(start, end);
}

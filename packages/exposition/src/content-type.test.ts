import {
  isDelimitedProtobuf,
  negotiateScrapeFormat,
  parseMediaType,
  PROTOBUF_DELIMITED_CONTENT_TYPE,
  SCRAPE_CONTENT_TYPES,
  TEXT_CONTENT_TYPE,
  type ScrapeFormat,
} from './content-type';

const PROTO = 'application/vnd.google.protobuf';
const MF = 'proto=io.prometheus.client.MetricFamily';

describe('isDelimitedProtobuf', () => {
  it.each([
    PROTOBUF_DELIMITED_CONTENT_TYPE,
    `${PROTO};${MF};encoding=delimited`,
    `${PROTO}; encoding=delimited; ${MF}`,
    'APPLICATION/VND.GOOGLE.PROTOBUF; PROTO=io.prometheus.client.MetricFamily; Encoding=delimited',
    `${PROTO}; proto="io.prometheus.client.MetricFamily"; encoding="delimited"`,
    `  ${PROTO}  ;  ${MF}  ;\tencoding = delimited  `,
    `${PROTO}; ${MF}; encoding=delimited;`,
    `${PROTO}; ${MF}; encoding=delimited; charset=utf-8`,
    `${PROTO}; ${MF}; encoding=delimited; encoding=delimited`,
    `${PROTO}; ${MF}; encoding=delimited; x*=ignored`,
  ])('accepts %p', (contentType) => {
    expect(isDelimitedProtobuf(contentType)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'text/plain; version=0.0.4',
    'application/openmetrics-text; version=1.0.0',
    `${PROTO}; ${MF}`,
    `${PROTO}; ${MF}; encoding=text`,
    `${PROTO}; ${MF}; encoding=Delimited`,
    `${PROTO}; proto=io.prometheus.client.metricfamily; encoding=delimited`,
    `${PROTO}; encoding=delimited`,
    'application/x-protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    `${PROTO}; ${MF}; encoding=delimited; encoding=text`,
    `${PROTO}; ${MF}; encoding=delimited; junk`,
    `${PROTO}; ${MF}; encoding=delimited;;`,
    `${PROTO}; ${MF}; encoding="delimited`,
    `${PROTO} x; ${MF}; encoding=delimited`,
    `application / vnd.google.protobuf; ${MF}; encoding=delimited`,
    `${PROTO}; ${MF}; encoding= "delimited\n"`,
    // A backslash before a non-special character is a literal backslash.
    `${PROTO}; ${MF}; encoding="deli\\mited"`,
  ])('rejects %p', (contentType) => {
    expect(isDelimitedProtobuf(contentType)).toBe(false);
  });
});

describe('parseMediaType', () => {
  it('lower-cases the type and parameter names, not the values', () => {
    const parsed = parseMediaType('Text/HTML; Charset="UTF-8"; q=a');
    expect(parsed?.type).toBe('text/html');
    expect(Object.fromEntries(parsed?.params ?? [])).toEqual({ charset: 'UTF-8', q: 'a' });
  });

  it.each([
    ['a type without subtype', 'text', 'text'],
    ['an empty quoted value', 'a/b; x=""', 'a/b'],
  ])('accepts %s', (_, header, type) => {
    expect(parseMediaType(header)?.type).toBe(type);
  });

  it.each([
    ['no type', '; a=b'],
    ['a slash without subtype', 'text/'],
    ['content after the subtype', 'text/plain x'],
    ['a parameter without value', 'text/plain; a='],
    ['a parameter without =', 'text/plain; a'],
    ['conflicting duplicates', 'text/plain; a=1; a=2'],
  ])('rejects %s', (_, header) => {
    expect(parseMediaType(header)).toBeUndefined();
  });
});

describe('negotiateScrapeFormat', () => {
  const delimited = `${PROTO};${MF};encoding=delimited`;
  it.each<[string | undefined, ScrapeFormat]>([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/*', 'text'],
    ['text/plain', 'text'],
    ['text/plain; version=0.0.4', 'text'],
    ['text/plain;version=0.0.3', 'text'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'text'],
    [delimited, 'protobuf-delimited'],
    [`${PROTO}; ${MF}; encoding=delimited`, 'protobuf-delimited'],
    [`${PROTO};${MF};encoding=text`, 'protobuf-text'],
    [`${PROTO};${MF};encoding=compact-text`, 'protobuf-compact-text'],
    [`${PROTO};${MF};encoding=json`, 'text'],
    [`${PROTO};encoding=delimited`, 'text'],
    // Case-sensitive type, parameter names and values; no unquoting.
    [`Application/vnd.google.protobuf;${MF};encoding=delimited`, 'text'],
    [`${PROTO};Proto=io.prometheus.client.MetricFamily;encoding=delimited`, 'text'],
    [`${PROTO};proto="io.prometheus.client.MetricFamily";encoding=delimited`, 'text'],
    // Prometheus' own scrape Accept header.
    [`${delimited};q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.1`, 'protobuf-delimited'],
    // Highest q first.
    [`text/plain;q=0.3,${delimited};q=0.7`, 'protobuf-delimited'],
    [`${delimited};q=0.3,text/plain;q=0.7`, 'text'],
    // Equal q: header order.
    [`text/plain,${delimited}`, 'text'],
    [`${delimited},text/plain`, 'protobuf-delimited'],
    // q=0 does not exclude; an unparsable q counts as 0.
    [`${delimited};q=0`, 'protobuf-delimited'],
    [`text/plain;q=0.5,${delimited};q=bad`, 'text'],
    [`text/plain;q=0.5,${delimited};q= 0.9`, 'text'],
    // A concrete type sorts before a wildcard, whatever the q values.
    [`*/*;q=1,${PROTO};${MF};encoding=text;q=0.1`, 'protobuf-text'],
    // A text/plain of another version is skipped, not a stop.
    [`text/plain;version=1.0.0,${delimited};q=0.5`, 'protobuf-delimited'],
    // Malformed clauses are skipped.
    [`a/b/c,${delimited}`, 'protobuf-delimited'],
    [`  ${delimited}  `, 'protobuf-delimited'],
  ])('%p → %p', (accept, format) => {
    expect(negotiateScrapeFormat(accept)).toBe(format);
  });
});

describe('SCRAPE_CONTENT_TYPES', () => {
  it('names the formats as upstream labels its responses', () => {
    expect(SCRAPE_CONTENT_TYPES).toEqual({
      text: TEXT_CONTENT_TYPE,
      'protobuf-delimited': PROTOBUF_DELIMITED_CONTENT_TYPE,
      'protobuf-text': `${PROTO}; ${MF}; encoding=text`,
      'protobuf-compact-text': `${PROTO}; ${MF}; encoding=compact-text`,
    });
    expect(TEXT_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});

/**
 * The codecs against the real pushgateway 1.5.1: what we encode it accepts, what it renders our
 * renderer renders, what it serves our decoder reads, and its header decisions are ours.
 * With UPDATE_GOLDEN=1 the golden files are (re)written from its scrapes instead of compared.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isDelimitedProtobuf,
  negotiateScrapeFormat,
  SCRAPE_CONTENT_TYPES,
} from '../src/content-type';
import { ProtobufParseError } from '../src/errors';
import { normalizeFamilies } from '../src/normalize';
import { decodeDelimited, encodeDelimited } from '../src/protobuf';
import { renderProtoText } from '../src/render-proto-text';
import type { MetricFamily } from '../src/types';
import { GOLDEN_FIXTURES } from './golden/fixtures';
import { asStored } from './support/as-stored';
import {
  filterFamilies,
  isOwnFamily,
  startUpstream,
  upstreamAvailable,
  type Upstream,
  UPSTREAM_BINARY,
} from './support/upstream';

const GOLDEN_DIR = join(__dirname, 'golden');
const PROTOBUF = SCRAPE_CONTENT_TYPES['protobuf-delimited'];
// An opt-in switch for a developer regenerating the golden files; tests otherwise read no env.
const UPDATE = process.env.UPDATE_GOLDEN === '1';

if (!upstreamAvailable()) {
  console.warn(`[exposition] upstream oracle tests skipped: ${UPSTREAM_BINARY} not found`);
}
const describeUpstream = upstreamAvailable() ? describe : describe.skip;

describeUpstream('against upstream pushgateway 1.5.1', () => {
  let upstream: Upstream;

  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(async () => {
    await upstream?.stop();
  });

  async function push(
    job: string,
    body: Uint8Array,
    contentType = PROTOBUF,
  ): Promise<{ status: number; text: string }> {
    const res = await fetch(`${upstream.url}/metrics/job/${job}`, {
      method: 'PUT',
      body,
      headers: { 'Content-Type': contentType },
    });
    return { status: res.status, text: (await res.text()).trimEnd() };
  }

  async function scrape(accept?: string): Promise<Response> {
    return fetch(
      `${upstream.url}/metrics`,
      accept === undefined ? {} : { headers: { Accept: accept } },
    );
  }

  async function remove(job: string): Promise<void> {
    await fetch(`${upstream.url}/metrics/job/${job}`, { method: 'DELETE' });
  }

  describe.each(GOLDEN_FIXTURES.map((f) => [f.name, f] as const))('fixture %s', (name, fixture) => {
    beforeAll(async () => {
      expect(await push(name, encodeDelimited(fixture.families))).toEqual({
        status: 200,
        text: '',
      });
    });
    afterAll(() => remove(name));

    // Only the fixture's families: the gateway's own are left out of the golden files, and other
    // tests' groups must not leak in.
    const names = new Set(fixture.families.map((family) => family.name));

    it('scrapes as the golden text file says', async () => {
      const text = filterFamilies(await (await scrape()).text(), (family) => names.has(family));
      expect(text).not.toBe('');
      const file = join(GOLDEN_DIR, `${name}.prom`);
      if (UPDATE) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });

    it('serves protobuf that decodes to the stored families', async () => {
      const body = new Uint8Array(await (await scrape(PROTOBUF)).arrayBuffer());
      const all = decodeDelimited(body);
      // The whole scrape decodes, the gateway's own families (Go runtime summaries...) included.
      expect(all.some((family) => isOwnFamily(family.name))).toBe(true);
      const served = all.filter((family) => names.has(family.name));
      // Upstream drops `unit` when it merges groups into the scrape; the fixtures have none.
      expect(served).toEqual(normalizeFamilies(asStored(fixture.families, name)));
    });
  });

  describe('protobuf text formats', () => {
    const job = 'prototext';
    const families: MetricFamily[] = [
      {
        name: 'pt_summary',
        help: 'quoted "help" \\ with\ttab and Ünïcode',
        type: 'SUMMARY',
        metric: [
          { label: [], summary: { sampleCount: 2, quantile: [{ quantile: 0.5, value: NaN }] } },
        ],
      },
      {
        name: 'pt_histogram',
        type: 'HISTOGRAM',
        metric: [
          {
            label: [{ name: 'le_not', value: 'x\ny' }],
            histogram: {
              sampleCount: 2,
              sampleSum: -0,
              bucket: [{ upperBound: Infinity, cumulativeCount: 2 }],
              schema: -1,
              negativeSpan: [{ offset: -3, length: 1 }],
              negativeDelta: [-2],
            },
          },
        ],
      },
      { name: 'pt_gauge', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1e-7 } }] },
    ];
    beforeAll(async () => {
      expect((await push(job, encodeDelimited(families))).status).toBe(200);
    });
    afterAll(() => remove(job));

    it.each([
      ['protobuf-text', false, '\n\n'],
      ['protobuf-compact-text', true, '\n'],
    ] as const)('%s renders as upstream does', async (format, compact, separator) => {
      const res = await scrape(SCRAPE_CONTENT_TYPES[format]);
      expect(res.headers.get('content-type')).toBe(SCRAPE_CONTENT_TYPES[format]);
      // Only our families: the gateway's own change from one scrape to the next.
      const ours = (text: string) =>
        text
          .split(separator)
          .filter((family) => /^name: ?"pt_/.test(family))
          .join(separator);
      const served = decodeDelimited(new Uint8Array(await (await scrape(PROTOBUF)).arrayBuffer()));
      const expected = renderProtoText(
        served.filter((family) => family.name.startsWith('pt_')),
        compact,
      );
      expect(ours(await res.text())).toBe(ours(expected));
      expect(ours(expected)).toContain('pt_histogram');
    });
  });

  // Malformed delimited bodies: our decoder's error text against upstream's 400 body.
  const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
  it.each([
    ['field with wire type 7', '02 0f 00'],
    ['end group without start', '02 0c 00'],
    ['mismatched end group', '03 1b 0c 1c'],
    ['length prefix over 5 bytes', 'ff ff ff ff ff 01'],
    ['nested message cut short', '03 22 05 0a'],
    ['string cut short', '02 0a 01'],
    ['message cut short', '04 0a 01 7a'],
    ['unterminated group', '01 1b'],
    ['text body', Buffer.from('some_metric 1\n').toString('hex')],
  ])("malformed protobuf (%s) fails with upstream's message", async (_, body) => {
    const upstreamAnswer = await push('malformed', hex(body));
    expect(upstreamAnswer.status).toBe(400);
    expect(() => decodeDelimited(hex(body))).toThrow(new ProtobufParseError(upstreamAnswer.text));
  });

  it.each([
    ['a length prefix cut short', '80'],
    ['a message missing entirely', '05'],
  ])('deviation: 1.5.1 accepts a body ending in %s, we report it truncated', async (_, body) => {
    expect((await push('truncated', hex(body))).status).toBe(200);
    expect(() => decodeDelimited(hex(body))).toThrow(new ProtobufParseError('unexpected EOF'));
  });

  it.each([
    PROTOBUF,
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
    'Application/Vnd.Google.Protobuf; ENCODING=delimited; Proto="io.prometheus.client.MetricFamily"',
    'application/vnd.google.protobuf; encoding="delimited"; proto=io.prometheus.client.MetricFamily;',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=Delimited',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; encoding=text',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; x',
    'application/x-protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited;;',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding="deli\\mited"',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding="delimited"; x*=y',
    'application/vnd.google.protobuf ;\tproto = io.prometheus.client.MetricFamily ;encoding=delimited ',
    'text/plain; version=0.0.4',
  ])('Content-Type %p selects the body format as upstream does', async (contentType) => {
    // A body that is valid delimited protobuf but not valid text.
    const body = encodeDelimited([
      { name: 'ct_probe', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1 } }] },
    ]);
    const upstreamReadProtobuf = (await push('content_type', body, contentType)).status === 200;
    expect(isDelimitedProtobuf(contentType)).toBe(upstreamReadProtobuf);
  });

  it.each([
    undefined,
    '',
    '*/*',
    'text/plain',
    'text/plain;version=0.0.3',
    'application/openmetrics-text; version=1.0.0',
    PROTOBUF,
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.1',
    'text/plain;version=0.0.4;q=0.3,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7',
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0',
    '*/*;q=1,application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text;q=0.1',
    'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=compact-text',
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=json',
    'APPLICATION/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
    'application/vnd.google.protobuf;proto="io.prometheus.client.MetricFamily";encoding=delimited',
    'text/plain;q=0.5, application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=bad',
  ])('Accept %p negotiates the format upstream serves', async (accept) => {
    const res = await scrape(accept);
    await res.arrayBuffer();
    expect(res.headers.get('content-type')).toBe(
      SCRAPE_CONTENT_TYPES[negotiateScrapeFormat(accept)],
    );
  });
});

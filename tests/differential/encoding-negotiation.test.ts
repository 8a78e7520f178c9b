// Content-Encoding of requests, scrape negotiation and compression (spec §2.2, §3.4, §6 cases 72–77).
import { differentialSuite } from './differential-suite';
import { bodyText, response, statusOf } from './run-accessors';
import type { Scenario } from './scenario';
import { del, get, gzip, PROTOBUF, protobuf, put, simpleFamily } from './steps';

const GZIP = { 'content-encoding': 'gzip' };
const SCRAPE_HEADERS = ['text-scrape', 'header:content-type', 'header:content-encoding'] as const;

const scenarios: Scenario[] = [
  {
    cases: [72],
    name: 'gzip bodies, text and protobuf, including concatenated gzip members',
    steps: [
      put('/metrics/job/a', gzip('a 1\n'), GZIP),
      put('/metrics/job/b', gzip(protobuf(simpleFamily('b', 'GAUGE', 2))), {
        ...PROTOBUF,
        ...GZIP,
      }),
      put('/metrics/job/c', Buffer.concat([gzip('c 1\n'), gzip('d 2\n')]), GZIP),
    ],
    statuses: [200, 200, 200],
  },
  {
    cases: [72],
    name: 'Content-Encoding GZIP in upper case is not gzip to 1.5.1',
    steps: [
      put('/metrics/job/a', gzip('a 1\n'), { 'content-encoding': 'GZIP' }),
      put('/metrics/job/b', 'b 1\n', { 'content-encoding': 'GZIP' }),
    ],
    statuses: [400, 200],
    deliberateDifference: {
      reason:
        'content codings are case-insensitive (RFC 9110); 1.5.1 compares case-sensitively and parses a GZIP body raw, Pushgateway 1.6+ and Pushgate decode it',
      upstream(run) {
        expect(statusOf(run)).toEqual([400, 200]);
        expect(bodyText(response(run, 0))).toMatch(/^text format parsing error in line 1: /);
      },
      pushgate(run) {
        expect(statusOf(run)).toEqual([200, 400]);
        expect(bodyText(response(run, 1))).toBe('unexpected EOF\n');
      },
    },
  },
  {
    cases: [73],
    name: 'Content-Encoding gzip on requests without a body',
    steps: [
      get('/metrics', { headers: GZIP }),
      put('/metrics/job/j', 'a 1\n'),
      del('/metrics/job/j', GZIP),
    ],
    statuses: [400, 200, 400],
    deliberateDifference: {
      reason:
        'upstream tries to gunzip the empty body of every request and answers `400 EOF`; Pushgate only decodes bodies it reads',
      upstream(run) {
        expect(bodyText(response(run, 0))).toBe('EOF\n');
        expect(bodyText(response(run, 2))).toBe('EOF\n');
      },
      pushgate(run) {
        expect(statusOf(run)).toEqual([200, 200, 202]);
        expect(run.api?.status).toBe(200);
        expect(JSON.parse(bodyText(run.api))).toEqual({ status: 'success', data: [] });
      },
    },
  },
  {
    cases: [74],
    name: 'broken gzip bodies are rejected',
    steps: [
      put('/metrics/job/j', gzip('a 1\n').subarray(0, 4), GZIP),
      put('/metrics/job/j', 'a 1\n', GZIP),
      put('/metrics/job/j', gzip('a 1\n').subarray(0, 12), GZIP),
      put('/metrics/job/j', gzip('a{ 1\n'), GZIP),
    ],
    statuses: [400, 400, 400, 400],
  },
  {
    cases: [74],
    name: 'gzip bodies cut off after the compressed data (no CRC trailer) are accepted',
    steps: [
      // 10 bytes: the gzip header alone, an empty body; 15 and 23: the data without (all of) the trailer.
      put('/metrics/job/h', gzip('a 1\n').subarray(0, 10), GZIP),
      put('/metrics/job/t', gzip('a 1\n').subarray(0, 15), GZIP),
      put('/metrics/job/u', gzip('b 1\n').subarray(0, 23), GZIP),
    ],
    statuses: [200, 200, 200],
  },
  {
    cases: [75],
    name: 'other Content-Encodings are ignored and the body is read as is',
    steps: [
      put('/metrics/job/a', 'a 1\n', { 'content-encoding': 'snappy' }),
      put('/metrics/job/b', 'b 1\n', { 'content-encoding': 'deflate' }),
      put('/metrics/job/c', 'c 1\n', { 'content-encoding': 'identity' }),
    ],
    statuses: [200, 200, 200],
  },
  {
    cases: [76],
    name: 'OpenMetrics is never served: Accept is answered with text 0.0.4',
    steps: [
      put('/metrics/job/j', '# TYPE c counter\nc_total 1\n'),
      get('/metrics', {
        headers: { accept: 'application/openmetrics-text; version=1.0.0' },
        compare: [...SCRAPE_HEADERS],
      }),
      get('/metrics', {
        headers: { accept: 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1' },
        compare: [...SCRAPE_HEADERS],
      }),
      get('/metrics', { headers: { accept: 'application/json' }, compare: [...SCRAPE_HEADERS] }),
    ],
    statuses: [200, 200, 200, 200],
  },
  {
    cases: [77],
    name: 'Accept-Encoding gzip compresses the scrape; nothing else does',
    steps: [
      put('/metrics/job/j', 'a 1\n'),
      ...['gzip', 'br, gzip;q=0.5', 'deflate', 'GZIP', 'x-gzip', '*', 'identity'].map((encoding) =>
        get('/metrics', { headers: { 'accept-encoding': encoding }, compare: [...SCRAPE_HEADERS] }),
      ),
    ],
    statuses: [200, 200, 200, 200, 200, 200, 200, 200],
  },
  {
    cases: [77],
    name: 'Accept-Encoding gzip;q=0',
    steps: [
      put('/metrics/job/j', 'a 1\n'),
      get('/metrics', {
        headers: { 'accept-encoding': 'gzip;q=0, deflate' },
        compare: [...SCRAPE_HEADERS],
      }),
    ],
    statuses: [200, 200],
    deliberateDifference: {
      reason:
        '`gzip;q=0` means "not gzip" (RFC 9110); upstream ignores q-values and compresses anyway, Pushgate answers uncompressed',
      upstream(run) {
        expect(response(run, 1).headers['content-encoding']).toBe('gzip');
      },
      pushgate(run) {
        expect(response(run, 1).headers['content-encoding']).toBeUndefined();
        expect(bodyText(response(run, 1))).toContain('a{instance="",job="j"} 1\n');
      },
    },
  },
  {
    cases: [77],
    name: 'a protobuf scrape can be gzipped too',
    steps: [
      put('/metrics/job/j', 'a 1\n'),
      get('/metrics', {
        headers: { 'accept-encoding': 'gzip', accept: PROTOBUF['content-type'] },
        compare: ['protobuf-scrape', 'header:content-type', 'header:content-encoding'],
      }),
    ],
    statuses: [200, 200],
  },
];

differentialSuite('encodings and negotiation', ['--web.enable-admin-api'], scenarios);

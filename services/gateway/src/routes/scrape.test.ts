import { gunzipSync } from 'node:zlib';
import {
  PROTOBUF_DELIMITED_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
  decodeDelimited,
} from '@pushgate/exposition';
import request from 'supertest';
import { startTestGateway, steppingClock, type TestGateway } from '../testing/harness';

const PROTOBUF_ACCEPT =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited';

describe('GET /metrics', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway([], { clock: steppingClock() });
    await request(t.url)
      .put('/metrics/job/j1/instance/i1')
      .send('# HELP g A gauge.\n# TYPE g gauge\ng{l="v"} 1.5\n')
      .expect(200);
    await request(t.url).put('/metrics/job/j2').send('# TYPE g gauge\ng 2\n').expect(200);
  });
  afterAll(() => t.close());

  it('renders stored groups and own metrics as text 0.0.4, sorted', async () => {
    const res = await request(t.url).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(TEXT_CONTENT_TYPE);
    expect(res.text).toContain(
      '# HELP g A gauge.\n# TYPE g gauge\ng{instance="",job="j2"} 2\ng{instance="i1",job="j1",l="v"} 1.5\n',
    );
    expect(res.text).toContain('# TYPE pushgateway_build_info gauge\npushgateway_build_info{');
    expect(res.text).toContain('# TYPE process_cpu_seconds_total counter\n');
    const names = [...res.text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1] ?? '');
    expect(names).toEqual([...names].sort());
  });

  it('serves delimited protobuf when asked', async () => {
    const res = await request(t.url)
      .get('/metrics')
      .set('Accept', PROTOBUF_ACCEPT)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(PROTOBUF_DELIMITED_CONTENT_TYPE);
    const families = decodeDelimited(res.body as Buffer);
    expect(families.find((f) => f.name === 'g')?.metric).toHaveLength(2);
    expect(families.some((f) => f.name === 'pushgateway_build_info')).toBe(true);
  });

  it('still serves text 0.0.4 to OpenMetrics clients', async () => {
    const res = await request(t.url)
      .get('/metrics')
      .set('Accept', 'application/openmetrics-text; version=1.0.0');
    expect(res.headers['content-type']).toBe(TEXT_CONTENT_TYPE);
  });

  it('gzips the answer when the client takes gzip', async () => {
    const res = await t.raw('GET', '/metrics', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.body).toString('utf8')).toContain('g{instance="",job="j2"} 2\n');
  });

  it('does not gzip when the client refuses it', async () => {
    const res = await request(t.url).get('/metrics').set('Accept-Encoding', 'gzip;q=0, identity');
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});

describe('GET /metrics?match[]=… (federation-style filtered scrape)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway([], { clock: steppingClock() });
    await request(t.url)
      .put('/metrics/job/a/instance/i1')
      .send('# TYPE up_a gauge\nup_a 1\n# TYPE jobs_total counter\njobs_total{kind="x"} 3\n')
      .expect(200);
    await request(t.url)
      .put('/metrics/job/b')
      .send('# TYPE up_a gauge\nup_a{zone="eu"} 0\n')
      .expect(200);
  });
  afterAll(() => t.close());

  const series = (text: string): string[] =>
    text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

  it.each<[string, string[], string[]]>([
    [
      'equality on the name',
      ['up_a'],
      ['up_a{instance="i1",job="a"} 1', 'up_a{instance="",job="b",zone="eu"} 0'],
    ],
    [
      'regex matchers',
      ['{job=~"a|c",__name__=~"up_.*|jobs_total"}'],
      ['jobs_total{instance="i1",job="a",kind="x"} 3', 'up_a{instance="i1",job="a"} 1'],
    ],
    ['a negative matcher', ['up_a{zone!="eu"}'], ['up_a{instance="i1",job="a"} 1']],
    [
      'several selectors (a union)',
      ['up_a{job="b"}', 'jobs_total'],
      ['jobs_total{instance="i1",job="a",kind="x"} 3', 'up_a{instance="",job="b",zone="eu"} 0'],
    ],
  ])('keeps only the matching series: %s', async (_name, match, want) => {
    const res = await request(t.url).get('/metrics').query({ 'match[]': match });
    expect(res.status).toBe(200);
    expect(series(res.text)).toEqual(want);
  });

  it.each(['up_a{', '{job=~"("}', '{}'])('answers 400 with the reason for %p', async (bad) => {
    const res = await request(t.url).get('/metrics').query({ 'match[]': bad });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toMatch(/\S.*\n$/);
  });
});

import { gzipSync } from 'node:zlib';
import { PROTOBUF_DELIMITED_CONTENT_TYPE, encodeDelimited } from '@pushgate/exposition';
import request from 'supertest';
import { startTestGateway, steppingClock, type TestGateway } from '../testing/harness';

async function scrape(t: TestGateway): Promise<string> {
  const res = await request(t.url).get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
}

/** The scrape lines of the pushed families only (no own metrics, no bookkeeping gauges). */
async function pushed(t: TestGateway, ...names: string[]): Promise<string[]> {
  return (await scrape(t))
    .split('\n')
    .filter((l) => names.some((n) => l.startsWith(`${n}{`) || l.startsWith(`${n} `)));
}

describe('push and delete', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await startTestGateway(['--push.max-body-bytes=1KiB'], { clock: steppingClock() });
  });
  afterEach(() => t.close());

  it('answers a good PUT with 200, an empty body and no Content-Type', async () => {
    const res = await request(t.url)
      .put('/metrics/job/j1/instance/i1')
      .send('# TYPE g gauge\ng{l="v"} 1.5\n');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['content-type']).toBeUndefined();
    expect(await pushed(t, 'g')).toEqual(['g{instance="i1",job="j1",l="v"} 1.5']);
  });

  it('replaces the whole group on PUT and only the named families on POST', async () => {
    await request(t.url).put('/metrics/job/j').send('a{x="0"} 1\nb 1\n').expect(200);
    await request(t.url).post('/metrics/job/j').send('a{x="1"} 2\nc 3\n').expect(200);
    expect(await pushed(t, 'a', 'b', 'c')).toEqual([
      'a{instance="",job="j",x="1"} 2',
      'b{instance="",job="j"} 1',
      'c{instance="",job="j"} 3',
    ]);
    await request(t.url).put('/metrics/job/j').send('').expect(200);
    expect(await pushed(t, 'a', 'b', 'c')).toEqual([]);
  });

  it('sets push_time_seconds from the clock of the request', async () => {
    await request(t.url).put('/metrics/job/j').send('a 1\n').expect(200);
    expect(await scrape(t)).toContain(
      'push_time_seconds{instance="",job="j"} 1.700000000123456e+09\n',
    );
  });

  it('takes @base64 job and label values', async () => {
    await request(t.url)
      .put('/metrics/job@base64/L3Zhci90bXA/path@base64/Pj4_/empty@base64/=')
      .send('a 1\n')
      .expect(200);
    expect(await pushed(t, 'a')).toEqual(['a{empty="",instance="",job="/var/tmp",path=">>?"} 1']);
  });

  it('decodes delimited protobuf bodies', async () => {
    const body = encodeDelimited([
      {
        name: 'pb',
        type: 'COUNTER',
        help: 'From protobuf.',
        metric: [{ label: [], counter: { value: 7 } }],
      },
    ]);
    await request(t.url)
      .put('/metrics/job/j')
      .set('Content-Type', PROTOBUF_DELIMITED_CONTENT_TYPE)
      .send(body)
      .expect(200);
    expect(await scrape(t)).toContain(
      '# HELP pb From protobuf.\n# TYPE pb counter\npb{instance="",job="j"} 7\n',
    );
  });

  it.each([
    ['/metrics/job/j/a', 'a 1\n', 'odd number of components in label string "/a"'],
    ['/metrics/job/j/0bad/v', 'a 1\n', 'improper label name "0bad"'],
    ['/metrics/job@base64/=', 'a 1\n', 'job name is required'],
    [
      '/metrics/job/j/v@base64/Pj4+',
      'a 1\n',
      'invalid base64 encoding for label v="Pj4+": illegal base64 data at input byte 3',
    ],
    [
      '/metrics/job/j',
      'a 1',
      'text format parsing error in line 1: unexpected end of input stream',
    ],
    [
      '/metrics/job/j',
      'a{x="1",x="2"} 1\n',
      'text format parsing error in line 1: duplicate label names for metric "a"',
    ],
  ])('answers PUT %s with 400 and upstream’s message', async (path, body, message) => {
    const res = await request(t.url).put(path).send(body);
    expect(res.status).toBe(400);
    expect(res.text).toBe(`${message}\n`);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a truncated protobuf body with 400 unexpected EOF', async () => {
    const body = encodeDelimited([
      { name: 'pb', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1 } }] },
    ]);
    const res = await request(t.url)
      .put('/metrics/job/j')
      .set('Content-Type', PROTOBUF_DELIMITED_CONTENT_TYPE)
      .send(body.subarray(0, body.length - 2));
    expect(res.status).toBe(400);
    expect(res.text).toBe('unexpected EOF\n');
  });

  it('answers a push the store rejects with 400 and records the failure', async () => {
    await request(t.url).put('/metrics/job/j').send('a 1\n').expect(200);
    const res = await request(t.url).put('/metrics/job/j').send('b 1 1700000000000\n');
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      'pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps\n',
    );
    const text = await scrape(t);
    expect(text).toContain('a{instance="",job="j"} 1\n');
    expect(text).toContain(
      'push_failure_time_seconds{instance="",job="j"} 1.700000001123456e+09\n',
    );
  });

  it('answers a duplicate series with 400', async () => {
    const res = await request(t.url).put('/metrics/job/j').send('a 1\na 2\n');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(
      /^pushed metrics are invalid or inconsistent with existing metrics: collected metric "a" .* was collected before with the same name and label values\n$/,
    );
  });

  it('logs client errors at warn with the reason and grouping key', async () => {
    await request(t.url).put('/metrics/job/j/x/y').send('a{').expect(400);
    const record = t.logs.find((r) => r.level === 'warn');
    expect(record).toMatchObject({
      status: 400,
      method: 'PUT',
      path: '/metrics/job/j/x/y',
      groupingKey: { job: 'j', x: 'y' },
      reason: expect.stringContaining('text format parsing error in line 1') as unknown,
    });
  });

  it('deletes exactly one group with 202, also when it does not exist', async () => {
    await request(t.url).put('/metrics/job/x').send('a 1\n').expect(200);
    await request(t.url).put('/metrics/job/x/instance/i').send('a 2\n').expect(200);
    const res = await request(t.url).delete('/metrics/job/x');
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect(await pushed(t, 'a')).toEqual(['a{instance="i",job="x"} 2']);
    expect((await request(t.url).delete('/metrics/job/nonexistent')).status).toBe(202);
    expect((await request(t.url).delete('/metrics/job@base64/=')).status).toBe(400);
  });

  describe('request bodies', () => {
    it('gunzips a gzip body (concatenated members too)', async () => {
      const body = Buffer.concat([gzipSync('a 1\n'), gzipSync('b 2\n')]);
      await request(t.url)
        .put('/metrics/job/j')
        .set('Content-Encoding', 'gzip')
        .send(body)
        .expect(200);
      expect(await pushed(t, 'a', 'b')).toEqual([
        'a{instance="",job="j"} 1',
        'b{instance="",job="j"} 2',
      ]);
    });

    it('accepts the encoding name in any case', async () => {
      await request(t.url)
        .put('/metrics/job/j')
        .set('Content-Encoding', 'GZIP')
        .send(gzipSync('a 1\n'))
        .expect(200);
    });

    it('ignores other encodings and reads the body as is', async () => {
      await request(t.url)
        .put('/metrics/job/j')
        .set('Content-Encoding', 'snappy')
        .send('a 1\n')
        .expect(200);
    });

    it.each([
      ['4 bytes', Buffer.from('abcd'), 'unexpected EOF'],
      ['no gzip magic', Buffer.from('x'.repeat(35)), 'gzip: invalid header'],
      ['a stream cut in the middle of a line', gzipSync('a 1\n').subarray(0, 12), 'unexpected EOF'],
      [
        'a wrong CRC',
        Buffer.concat([
          gzipSync('a 1\n').subarray(0, 16),
          Buffer.alloc(4),
          gzipSync('a 1\n').subarray(20),
        ]),
        'gzip: invalid checksum',
      ],
      [
        'trailing garbage',
        Buffer.concat([gzipSync('a 1\n'), Buffer.from('garbage garbage')]),
        'gzip: invalid header',
      ],
    ])('answers a gzip body with %s with 400 in Go’s words', async (_what, body, message) => {
      const res = await request(t.url)
        .put('/metrics/job/j')
        .set('Content-Encoding', 'gzip')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.text).toBe(`${message}\n`);
    });

    it('accepts the complete lines of a gzip stream cut off at a line end, as upstream 1.5.1 does', async () => {
      const whole = gzipSync('a 1\n');
      for (const [job, length] of [
        ['header-only', 10],
        ['no-trailer', whole.length - 8],
        ['half-trailer', whole.length - 1],
      ] as const) {
        await request(t.url)
          .put(`/metrics/job/${job}`)
          .set('Content-Encoding', 'gzip')
          .send(whole.subarray(0, length))
          .expect(200);
      }
      expect(await pushed(t, 'a')).toEqual([
        'a{instance="",job="half-trailer"} 1',
        'a{instance="",job="no-trailer"} 1',
      ]);
    });

    it('rejects a cut-off gzip stream of protobuf', async () => {
      const body = gzipSync(
        encodeDelimited([
          { name: 'pb', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1 } }] },
        ]),
      );
      const res = await request(t.url)
        .put('/metrics/job/j')
        .set('Content-Type', PROTOBUF_DELIMITED_CONTENT_TYPE)
        .set('Content-Encoding', 'gzip')
        .send(body.subarray(0, body.length - 4));
      expect(res.status).toBe(400);
      expect(res.text).toBe('unexpected EOF\n');
    });

    it('takes an empty body labelled gzip as an empty push', async () => {
      await request(t.url).put('/metrics/job/j').set('Content-Encoding', 'gzip').expect(200);
      expect(
        (await request(t.url).delete('/metrics/job/j').set('Content-Encoding', 'gzip')).status,
      ).toBe(202);
      expect((await request(t.url).get('/metrics').set('Content-Encoding', 'gzip')).status).toBe(
        200,
      );
    });

    it('answers a body over --push.max-body-bytes with 413', async () => {
      const res = await request(t.url)
        .put('/metrics/job/j')
        .send(`a ${'1'.repeat(2000)}\n`);
      expect(res.status).toBe(413);
      expect(res.text).toBe(
        'request body exceeds the limit of 1024 bytes (--push.max-body-bytes)\n',
      );
      expect(res.headers.connection).toBe('close');
    });

    it('applies the limit after decompression (gzip bomb)', async () => {
      const bomb = gzipSync(`# ${' '.repeat(100_000)}\n`);
      expect(bomb.length).toBeLessThan(1024);
      const res = await request(t.url)
        .put('/metrics/job/j')
        .set('Content-Encoding', 'gzip')
        .send(bomb);
      expect(res.status).toBe(413);
    });
  });
});

describe('push with --push.disable-consistency-check', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(['--push.disable-consistency-check']);
  });
  afterAll(() => t.close());

  it('answers 202 once the write is applied', async () => {
    await request(t.url).put('/metrics/job/a').send('# TYPE m counter\nm 1\n').expect(202);
    expect((await request(t.url).get('/metrics')).text).toContain('m{instance="",job="a"} 1\n');
  });

  it('answers 202 to a push the store rejects, stores nothing of it and logs why', async () => {
    const res = await request(t.url).put('/metrics/job/b').send('# TYPE m gauge\nm 2\n');
    expect(res.status).toBe(202);
    const scrape = await request(t.url).get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).not.toContain('m{instance="",job="b"}');
    expect(
      t.logs.some(
        (r) => r.level === 'warn' && String(r.reason).includes('pushed metrics are invalid'),
      ),
    ).toBe(true);
  });

  it('still answers 400 to what cannot be parsed', async () => {
    expect((await request(t.url).put('/metrics/job/b').send('m{')).status).toBe(400);
  });
});

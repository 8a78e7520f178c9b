import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { ScrapeSnapshot } from '@pushgate/core';
import { GzipSegmentCache } from './scrape-gzip';
import { sendTextScrape } from './scrape-response';

/** 8 MiB in segments of 32 KiB and a few small ones: more than any socket buffer takes at once. */
function bigSnapshot(): ScrapeSnapshot {
  const segments = [];
  for (let i = 0; i < 256; i++) {
    segments.push({ text: Buffer.from(`# TYPE f${i} gauge\n`) });
    segments.push({ text: Buffer.alloc(32 * 1024, `f${i}{a="b"} ${i}\n`) });
  }
  return { segments, bytes: segments.reduce((n, s) => n + s.text.length, 0) };
}

describe('sendTextScrape', () => {
  let server: Server;
  let url: string;
  let handled: Promise<void>;
  const snapshot = bigSnapshot();
  const text = Buffer.concat(snapshot.segments.map((s) => s.text));
  const gzip = new GzipSegmentCache();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const gzipped = req.headers['accept-encoding'] === 'gzip';
      handled = sendTextScrape(
        res,
        snapshot,
        gzipped ? { cache: gzip, stats: { cached: 0, compressed: 0 } } : undefined,
        req.method === 'HEAD',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  async function fetchBody(headers: Record<string, string> = {}) {
    const res = await fetch(url, { headers });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  }

  it('sends the segments as they are, with their length', async () => {
    const { res, body } = await fetchBody();
    expect(res.headers.get('content-length')).toBe(String(text.length));
    expect(body.equals(text)).toBe(true);
    await handled;
  });

  it('sends one gzip stream of them', async () => {
    const res = await new Promise<Buffer>((resolve, reject) =>
      get(url, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject),
    );
    expect(gunzipSync(res).equals(text)).toBe(true);
    await handled;
  });

  it('stops, without an error, when the client goes away part-way', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = get(url, (r) => {
        r.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    });
    await expect(handled).resolves.toBeUndefined();
  });
});

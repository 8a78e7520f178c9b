import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import type { ScrapeSegment } from '@pushgate/core';
import { crc32 } from './crc32';
import { GzipSegmentCache, type GzipStats } from './scrape-gzip';

async function gzip(cache: GzipSegmentCache, segments: ScrapeSegment[], stats: GzipStats) {
  const parts: Buffer[] = [];
  for await (const part of cache.stream(segments, stats)) parts.push(part);
  return Buffer.concat(parts);
}

const segment = (text: string): ScrapeSegment => ({ text: Buffer.from(text) });

describe('GzipSegmentCache', () => {
  it('writes one gzip member that any reader decodes to the segments, in order', async () => {
    const segments = [
      segment('# TYPE a gauge\n'),
      segment(`a{x="1"} 1\n`.repeat(2000)),
      segment(randomBytes(20_000).toString('base64')),
      segment('tail\n'),
    ];
    const body = await gzip(new GzipSegmentCache(), segments, { cached: 0, compressed: 0 });
    const text = Buffer.concat(segments.map((s) => s.text));
    expect(gunzipSync(body).equals(text)).toBe(true);
    // gzip(1) checks the trailer's CRC and length.
    expect(execFileSync('gzip', ['-dc'], { input: body }).equals(text)).toBe(true);
    // One member (curl stops after the first): header, one deflate stream, trailer.
    expect(inflateRawSync(body.subarray(10, body.length - 8)).equals(text)).toBe(true);
    expect(body.readUInt32LE(body.length - 8)).toBe(crc32(text));
    expect(body.readUInt32LE(body.length - 4)).toBe(text.length);
  });

  it('is a valid empty stream for no segments', async () => {
    const body = await gzip(new GzipSegmentCache(), [], { cached: 0, compressed: 0 });
    expect(gunzipSync(body).length).toBe(0);
  });

  it('compresses again only the segments that changed', async () => {
    const cache = new GzipSegmentCache();
    const big = () => segment(`m{i="${Math.random()}"} 1\n`.repeat(1000));
    const segments = [big(), big(), big(), segment('small\n'), segment('small too\n')];
    const first: GzipStats = { cached: 0, compressed: 0 };
    await gzip(cache, segments, first);
    expect(first).toEqual({ cached: 0, compressed: 4 });

    segments[1] = big();
    const second: GzipStats = { cached: 0, compressed: 0 };
    const body = await gzip(cache, segments, second);
    expect(second).toEqual({ cached: 3, compressed: 1 });
    expect(gunzipSync(body).equals(Buffer.concat(segments.map((s) => s.text)))).toBe(true);

    // A run of small segments is reused only with exactly the same segments.
    segments[4] = segment('other\n');
    const third: GzipStats = { cached: 0, compressed: 0 };
    await gzip(cache, segments, third);
    expect(third).toEqual({ cached: 3, compressed: 1 });
  });
});

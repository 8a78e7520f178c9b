import type { ServerResponse } from 'node:http';
import type { ScrapeSnapshot, ScrapeSegment } from '@pushgate/core';
import { TEXT_CONTENT_TYPE } from '@pushgate/exposition';
import type { GzipSegmentCache, GzipStats } from './scrape-gzip';
import { TimeSlicer } from './time-slicer';

/**
 * Pieces are handed to the socket together (one writev) up to about this many bytes; each such
 * write then waits for the socket to drain, a turn of the event loop even for a fast reader.
 */
const WRITE_BYTES = 1024 * 1024;

/**
 * A fast reader (a local socket) takes tens of megabytes without ever pushing back; the write
 * loop then yields on its own after this long, so pushes are not stuck behind a whole scrape.
 */
const WRITE_SLICE_MS = 4;

/**
 * Sends a text scrape from its segments, plain (with Content-Length) or as one gzip stream
 * (chunked), writing with backpressure: the socket's pace sets how fast pieces are produced, and
 * every wait for it, or every few milliseconds of writing, lets other requests run. Pieces are
 * written as they are (corked into writev calls), never copied. Stops quietly when the client
 * goes away.
 */
export async function sendTextScrape(
  res: ServerResponse,
  snapshot: ScrapeSnapshot,
  gzip: { cache: GzipSegmentCache; stats: GzipStats } | undefined,
  bodyless: boolean,
): Promise<void> {
  res.statusCode = 200;
  res.setHeader('Content-Type', TEXT_CONTENT_TYPE);
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  else res.setHeader('Content-Length', snapshot.bytes);
  if (bodyless) {
    res.end();
    return;
  }
  const pieces = gzip ? gzip.cache.stream(snapshot.segments, gzip.stats) : texts(snapshot.segments);
  const slicer = new TimeSlicer(WRITE_SLICE_MS);
  let corked = 0;
  for await (const piece of pieces) {
    if (res.destroyed) return;
    if (corked === 0) res.cork();
    const room = res.write(piece);
    corked += piece.length;
    if (corked < WRITE_BYTES) continue;
    res.uncork();
    corked = 0;
    if (!room && !(await drained(res))) return;
    await slicer.tick();
  }
  if (corked > 0) res.uncork();
  res.end();
}

function* texts(segments: readonly ScrapeSegment[]): Generator<Buffer> {
  for (const segment of segments) yield segment.text;
}

/** True once the response can take more, false if it closed first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

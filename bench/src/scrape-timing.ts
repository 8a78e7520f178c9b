/**
 * Times GET /metrics: plain and/or with Accept-Encoding: gzip, reports min/median/max, body
 * size and what the scrape holds (series, families, groups), and optionally the server's
 * resident memory before, during and after.
 */
import { finished } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import {
  BenchFailure,
  baseUrl,
  emitJson,
  ints,
  num,
  oneOf,
  parseFlags,
  runMain,
  str,
} from './lib/cli';
import { ExpositionCounter, type ExpositionCounts } from './lib/exposition-counter';
import { endpoint } from './lib/grouping-path';
import { keepAliveAgent, ok, timedRequest, type TimedResponse } from './lib/http';
import { MemoryWatch, size, type MemoryReport } from './lib/rss';
import { median } from './lib/stats';

const USAGE = `Usage: node bench/dist/scrape-timing.js --url URL [options]

  --url URL          gateway base URL (a route prefix is kept); scrapes <URL>/metrics
  --count N          measured scrapes per encoding (default 5)
  --encoding E       both (default) | plain | gzip
  --warmup W         extra unmeasured scrapes per encoding (default 0; one inventory scrape,
                     which counts series, always comes first and is not measured)
  --pid PID          also report the resident memory (VmRSS) of this process; repeatable
                     (cluster: every gateway node and redis-server)
  --accept VALUE     Accept header to send, e.g. the one Prometheus sends (default: none)
  --timeout-ms T     socket inactivity limit per scrape (default 600000)

Prints a human summary on stderr and the JSON result on stdout. Exit 1 on a non-200 scrape.
`;

type Encoding = 'plain' | 'gzip';

/** Raised when the gateway does not answer a scrape with 200 (e.g. upstream's 500 on inconsistency). */
class ScrapeFailedError extends BenchFailure {
  override readonly name = 'ScrapeFailedError';
}

interface Spread {
  min: number;
  median: number;
  max: number;
}

interface EncodingResult {
  encoding: Encoding;
  contentType: string | null;
  contentEncoding: string | null;
  /** Bytes on the wire. */
  bytes: number;
  /** Bytes of the text after decompression (equal to `bytes` for plain). */
  textBytes: number;
  counts: ExpositionCounts;
  seconds: Spread;
  ttfbSeconds: Spread;
  samplesSeconds: number[];
}

/** Fails the run on a non-2xx scrape: timing error pages would make the numbers meaningless. */
function requireOk(url: URL, res: TimedResponse): void {
  if (ok(res.status)) return;
  const body = res.body?.toString('utf8').slice(0, 2000) ?? '';
  throw new ScrapeFailedError(`GET ${url.href} -> ${res.status}: ${body}`);
}

const spread = (xs: number[]): Spread => ({
  min: Math.min(...xs),
  median: median(xs),
  max: Math.max(...xs),
});

interface ScrapeOptions {
  count: number;
  warmup: number;
  timeoutMs: number;
  /** Accept header to send (e.g. the one Prometheus sends); none by default. */
  accept: string | undefined;
}

function scrapeHeaders(encoding: Encoding, accept: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (encoding === 'gzip') headers['Accept-Encoding'] = 'gzip';
  if (accept !== undefined) headers['Accept'] = accept;
  return headers;
}

/** One unmeasured scrape that counts what the body holds, decompressing it if it came gzipped. */
async function inventory(
  url: URL,
  encoding: Encoding,
  { timeoutMs, accept }: ScrapeOptions,
): Promise<{ res: TimedResponse; counts: ExpositionCounts; textBytes: number }> {
  const agent = keepAliveAgent(1);
  const counter = new ExpositionCounter();
  let textBytes = 0;
  const text = (chunk: Buffer): void => {
    textBytes += chunk.length;
    counter.push(chunk);
  };
  // Created on the first chunk, and only if the server did compress: it may ignore Accept-Encoding.
  let gunzip: Gunzip | undefined;
  let gunzipped: Promise<void> | undefined;
  try {
    const res = await timedRequest(url, {
      method: 'GET',
      agent,
      headers: scrapeHeaders(encoding, accept),
      timeoutMs,
      onChunk: (chunk, headers) => {
        if (!gunzip && !gunzipped && headers['content-encoding'] === 'gzip') {
          gunzip = createGunzip();
          gunzip.on('data', text);
          gunzipped = finished(gunzip);
          // Awaited below once the response ends; marked handled now so a corrupt stream
          // can't surface as an unhandled rejection while the response is still arriving.
          gunzipped.catch(() => undefined);
        }
        if (gunzip) gunzip.write(chunk);
        else text(chunk);
      },
    });
    gunzip?.end();
    await gunzipped;
    requireOk(url, res);
    return { res, counts: counter.end(), textBytes };
  } finally {
    agent.destroy();
  }
}

/** Inventory, warmup, then `count` measured scrapes over one keep-alive connection. */
async function timeEncoding(
  url: URL,
  encoding: Encoding,
  opts: ScrapeOptions,
): Promise<EncodingResult> {
  const { count, warmup, timeoutMs } = opts;
  const { res: first, counts, textBytes } = await inventory(url, encoding, opts);
  const agent = keepAliveAgent(1);
  const headers = scrapeHeaders(encoding, opts.accept);
  const measured: TimedResponse[] = [];
  try {
    for (let i = 0; i < warmup + count; i++) {
      const res = await timedRequest(url, { method: 'GET', agent, headers, timeoutMs });
      requireOk(url, res);
      if (i >= warmup) measured.push(res);
    }
  } finally {
    agent.destroy();
  }
  return {
    encoding,
    contentType: first.headers['content-type'] ?? null,
    contentEncoding: first.headers['content-encoding'] ?? null,
    bytes: first.bytes,
    textBytes,
    counts,
    seconds: spread(measured.map((r) => r.seconds)),
    ttfbSeconds: spread(measured.map((r) => r.ttfbSeconds)),
    samplesSeconds: measured.map((r) => r.seconds),
  };
}

function summary(url: URL, results: EncodingResult[], memory: MemoryReport[]): string {
  const c = results[0]?.counts;
  const s = (x: Spread): string =>
    `min ${x.min.toFixed(3)} s, median ${x.median.toFixed(3)} s, max ${x.max.toFixed(3)} s`;
  const lines = [
    `scrape-timing ${url.href}: ${c?.groups} groups, ${c?.series} series, ${c?.families} families`,
  ];
  for (const r of results) {
    const body =
      r.bytes === r.textBytes ? size(r.bytes) : `${size(r.bytes)} (${size(r.textBytes)} as text)`;
    const note =
      r.encoding === 'gzip' && r.contentEncoding !== 'gzip' ? ' [server did not compress]' : '';
    lines.push(
      `  ${r.encoding.padEnd(5)} ${body}${note}: ${s(r.seconds)}; first byte after ${r.ttfbSeconds.median.toFixed(3)} s (median)`,
    );
  }
  for (const m of memory) {
    lines.push(
      `  RSS of pid ${m.pid}: before ${size(m.before.rssBytes)}, max while scraping ${size(m.maxDuringBytes)},` +
        ` after ${size(m.after.rssBytes)} (peak since start ${size(m.after.peakBytes)})`,
    );
  }
  return lines.join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    ['url', 'count', 'encoding', 'warmup', 'accept', 'timeout-ms'],
    [],
    ['pid'],
  );
  const url = endpoint(baseUrl(flags), '/metrics');
  const which = oneOf(flags, 'encoding', ['both', 'plain', 'gzip'] as const, 'both');
  const accept = flags['accept'] === undefined ? undefined : str(flags, 'accept');
  const opts: ScrapeOptions = {
    count: num(flags, 'count', 5, { min: 1 }),
    warmup: num(flags, 'warmup', 0),
    timeoutMs: num(flags, 'timeout-ms', 600000, { min: 1 }),
    accept,
  };
  const encodings: Encoding[] = which === 'both' ? ['plain', 'gzip'] : [which];

  const watch = new MemoryWatch(ints(flags, 'pid'));
  const results: EncodingResult[] = [];
  let memory: MemoryReport[];
  try {
    for (const e of encodings) results.push(await timeEncoding(url, e, opts));
  } finally {
    memory = watch.stop();
  }

  process.stderr.write(summary(url, results, memory));
  emitJson({ tool: 'scrape-timing', url: url.href, ...opts, results, memory });
  return 0;
}

runMain(USAGE, main);

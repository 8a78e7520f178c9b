/**
 * Push latency and throughput. `sequential` is one client pushing back to back (latency
 * percentiles without queueing); `concurrent` runs C connections for D seconds or N requests
 * (throughput, latency under contention). `--scrape-load` adds one more connection that
 * GETs /metrics continuously, to see what scrapes of a big store do to push latency.
 */
import {
  BenchFailure,
  baseUrl,
  emitJson,
  num,
  oneOf,
  parseFlags,
  runMain,
  str,
  UsageError,
} from './lib/cli';
import { endpoint, groupingPath } from './lib/grouping-path';
import { keepAliveAgent, timedRequest, type TimedResponse } from './lib/http';
import { Outcomes, type OutcomesReport } from './lib/outcomes';
import { batchJobBody } from './lib/payload';
import { runPool } from './lib/pool';
import { Progress } from './lib/progress';
import { size } from './lib/rss';
import { ms } from './lib/stats';

const USAGE = `Usage: node bench/dist/push-load.js --url URL [options]

  --url URL            gateway base URL (a route prefix is kept)
  --mode M             sequential (1 connection, default) | concurrent
  --connections C      connections in concurrent mode (default 8)
  --requests N         measured requests (default 1000 in sequential mode)
  --duration D         measured seconds instead of a request count (default 30 in concurrent mode)
  --target T           rotate (default): cycle over instance=i<first>..i<first+groups-1>, the groups
                       populate created, so the store size stays constant;
                       distinct: every push creates a new group (the store grows)
  --groups K           rotation size for --target rotate (default 1000)
  --first K            first group index for --target rotate (default 0)
  --series S           series per pushed body (default 25, min 13)
  --job NAME           job label (default bench)
  --method M           PUT (default) | POST
  --warmup W           unmeasured pushes before measuring (default 100)
  --scrape-load        GET /metrics continuously on one more connection while measuring
  --scrape-gzip        ... with Accept-Encoding: gzip
  --timeout-ms T       socket inactivity limit per request (default 120000)

Prints a human summary on stderr and the JSON result on stdout. Exit 1 if any push or
scrape failed (the JSON still lists what happened).
`;

type Mode = 'sequential' | 'concurrent';
type Target = 'rotate' | 'distinct';

interface Plan {
  url: URL;
  mode: Mode;
  connections: number;
  requests: number | undefined;
  durationSeconds: number | undefined;
  target: Target;
  groups: number;
  first: number;
  series: number;
  job: string;
  method: 'PUT' | 'POST';
  warmup: number;
  scrapeLoad: boolean;
  scrapeGzip: boolean;
  timeoutMs: number;
}

function plan(argv: string[]): Plan {
  const flags = parseFlags(
    argv,
    [
      'url',
      'mode',
      'connections',
      'requests',
      'duration',
      'target',
      'groups',
      'first',
      'series',
      'job',
      'method',
      'warmup',
      'timeout-ms',
    ],
    ['scrape-load', 'scrape-gzip'],
  );
  const mode = oneOf<Mode>(flags, 'mode', ['sequential', 'concurrent'], 'sequential');
  if (mode === 'sequential' && flags['connections'] !== undefined) {
    throw new UsageError('--connections only applies to --mode concurrent');
  }
  if (flags['requests'] !== undefined && flags['duration'] !== undefined) {
    throw new UsageError('give --requests or --duration, not both');
  }
  const byDuration =
    flags['duration'] !== undefined || (mode === 'concurrent' && flags['requests'] === undefined);
  return {
    url: baseUrl(flags),
    mode,
    connections: mode === 'sequential' ? 1 : num(flags, 'connections', 8, { min: 1 }),
    requests: byDuration ? undefined : num(flags, 'requests', 1000, { min: 1 }),
    durationSeconds: byDuration
      ? num(flags, 'duration', 30, { min: 0.1, integer: false })
      : undefined,
    target: oneOf<Target>(flags, 'target', ['rotate', 'distinct'], 'rotate'),
    groups: num(flags, 'groups', 1000, { min: 1 }),
    first: num(flags, 'first', 0),
    series: num(flags, 'series', 25, { min: 13 }),
    job: str(flags, 'job', 'bench'),
    method: oneOf(flags, 'method', ['PUT', 'POST'] as const, 'PUT'),
    warmup: num(flags, 'warmup', 100),
    scrapeLoad: flags['scrape-load'] === true || flags['scrape-gzip'] === true,
    scrapeGzip: flags['scrape-gzip'] === true,
    timeoutMs: num(flags, 'timeout-ms', 120000, { min: 1 }),
  };
}

/** The n-th push of the run (warmup included): its URL and body. */
function pushFor(p: Plan, runId: string, n: number): { url: URL; body: string } {
  if (p.target === 'distinct') {
    const group = p.first + n;
    return {
      url: endpoint(p.url, groupingPath(p.job, [['instance', `load-${runId}-${n}`]])),
      body: batchJobBody(p.series, group, 1),
    };
  }
  const group = p.first + (n % p.groups);
  // Iteration >= 1 so each push changes the values populate stored (iteration 0).
  const iteration = 1 + Math.floor(n / p.groups);
  return {
    url: endpoint(p.url, groupingPath(p.job, [['instance', `i${group}`]])),
    body: batchJobBody(p.series, group, iteration),
  };
}

/** GETs /metrics back to back until aborted; an interrupted scrape is not counted. */
async function scrapeLoop(
  p: Plan,
  signal: AbortSignal,
  outcomes: Outcomes,
  bytes: { last: number },
): Promise<void> {
  const agent = keepAliveAgent(1);
  const url = endpoint(p.url, '/metrics');
  const headers: Record<string, string> = p.scrapeGzip ? { 'Accept-Encoding': 'gzip' } : {};
  while (!signal.aborted) {
    try {
      const res = await timedRequest(url, {
        method: 'GET',
        agent,
        headers,
        signal,
        timeoutMs: p.timeoutMs,
      });
      outcomes.response(res);
      bytes.last = res.bytes;
    } catch (err) {
      if (!signal.aborted) outcomes.error(err);
    }
  }
  agent.destroy();
}

interface PushLoadResult {
  tool: 'push-load';
  url: string;
  params: Omit<Plan, 'url'>;
  elapsedSeconds: number;
  requestsPerSecond: number;
  succeededPerSecond: number;
  push: OutcomesReport;
  scrape: (OutcomesReport & { lastBodyBytes: number; gzip: boolean }) | null;
}

function summary(r: PushLoadResult): string {
  const p = r.params;
  const lat = r.push.latencySeconds;
  const failed = r.push.requests - r.push.succeeded;
  const lines = [
    `push-load ${p.mode}${p.mode === 'concurrent' ? ` x${p.connections}` : ''} ${p.method} -> ${r.url}` +
      ` (${p.target === 'rotate' ? `rotating over ${p.groups} groups` : 'a new group per push'}, ${p.series} series/push)`,
    `  ${r.push.requests} pushes in ${r.elapsedSeconds.toFixed(2)} s = ${r.requestsPerSecond.toFixed(1)}/s;` +
      ` ${failed} failed ${JSON.stringify({ ...r.push.statuses, ...r.push.errors })}`,
  ];
  if (lat) {
    lines.push(
      `  latency p50 ${ms(lat.p50)}  p90 ${ms(lat.p90)}  p99 ${ms(lat.p99)}  max ${ms(lat.max)}  (min ${ms(lat.min)}, mean ${ms(lat.mean)})`,
    );
  }
  if (r.scrape) {
    const s = r.scrape.latencySeconds;
    lines.push(
      `  under scrape load${r.scrape.gzip ? ' (gzip)' : ''}: ${r.scrape.succeeded} scrapes of ${size(r.scrape.lastBodyBytes)}` +
        (s ? `, p50 ${ms(s.p50)}, max ${ms(s.max)}` : '') +
        (r.scrape.requests > r.scrape.succeeded
          ? `; ${r.scrape.requests - r.scrape.succeeded} failed ${JSON.stringify(r.scrape.firstFailures)}`
          : ''),
    );
  }
  return lines.join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  const p = plan(argv);
  const runId = Date.now().toString(36);
  const agent = keepAliveAgent(p.connections);
  const headers = { 'Content-Type': 'text/plain; version=0.0.4' };
  const request = (n: number): Promise<TimedResponse> => {
    const { url, body } = pushFor(p, runId, n);
    return timedRequest(url, { method: p.method, agent, headers, body, timeoutMs: p.timeoutMs });
  };

  const scrapeAbort = new AbortController();
  const scrapeOutcomes = new Outcomes();
  const scrapeBytes = { last: 0 };
  const scraping = p.scrapeLoad
    ? scrapeLoop(p, scrapeAbort.signal, scrapeOutcomes, scrapeBytes)
    : Promise.resolve();

  // Warmup: fills the keep-alive pool and lets JIT/GC settle; failures here abort the run,
  // since a gateway that rejects the warmup would only produce a table of errors.
  for (let n = 0; n < p.warmup; n++) {
    const res = await request(n);
    if (res.status < 200 || res.status > 299) {
      scrapeAbort.abort();
      await scraping;
      throw new BenchFailure(
        `warmup push ${n} got ${res.status}: ${res.body?.toString('utf8') ?? ''}`,
      );
    }
  }

  const outcomes = new Outcomes();
  const progress = new Progress(`push-load ${p.mode}`, p.requests, () => outcomes.count);
  const started = process.hrtime.bigint();
  const { requests, durationSeconds } = p;
  const deadline = started + BigInt(Math.round((durationSeconds ?? 0) * 1e9));
  await runPool(
    p.connections,
    requests !== undefined
      ? (issued) => issued < requests
      : () => process.hrtime.bigint() < deadline,
    async (i) => {
      try {
        outcomes.response(await request(p.warmup + i));
      } catch (err) {
        outcomes.error(err);
      }
    },
  );
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  progress.stop();
  scrapeAbort.abort();
  await scraping;
  agent.destroy();

  const push = outcomes.report();
  const { url: _url, ...params } = p;
  const result: PushLoadResult = {
    tool: 'push-load',
    url: p.url.href,
    params,
    elapsedSeconds,
    requestsPerSecond: push.requests / elapsedSeconds,
    succeededPerSecond: push.succeeded / elapsedSeconds,
    push,
    scrape: p.scrapeLoad
      ? { ...scrapeOutcomes.report(), lastBodyBytes: scrapeBytes.last, gzip: p.scrapeGzip }
      : null,
  };
  process.stderr.write(summary(result));
  emitJson(result);
  // A failed scrape is a failed run too: "latency under scrape load" means nothing without scrapes.
  const scrapesOk = !result.scrape || result.scrape.succeeded === result.scrape.requests;
  return push.succeeded === push.requests && scrapesOk ? 0 : 1;
}

runMain(USAGE, main);

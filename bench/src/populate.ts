/**
 * Fills a gateway with `--groups` groups of `--series` series each: job=<job>, instance=i<k>.
 * The same command fills upstream and Pushgate; `push-load --target rotate` later pushes to
 * these very groups, so the store size stays constant while latency is measured.
 */
import { baseUrl, emitJson, num, parseFlags, runMain, str } from './lib/cli';
import { endpoint, groupingPath } from './lib/grouping-path';
import { keepAliveAgent, timedRequest } from './lib/http';
import { Outcomes } from './lib/outcomes';
import { batchJobBody } from './lib/payload';
import { runPool, sleep } from './lib/pool';
import { Progress } from './lib/progress';

const USAGE = `Usage: node bench/dist/populate.js --url URL --groups N [options]

  --url URL           gateway base URL (a route prefix is kept), e.g. http://127.0.0.1:9091
  --groups N          number of groups to push
  --series S          series per group in the pushed body (default 25, min 13; the gateway adds 2)
  --concurrency C     parallel connections (default 4)
  --first K           index of the first group, instance=i<K> (default 0)
  --job NAME          job label (default bench)
  --retries R         retries of a push that got no HTTP answer (default 3; non-2xx is never retried)
  --timeout-ms T      socket inactivity limit per push (default 120000)

Prints progress on stderr and a JSON summary on stdout. Exit 1 if any push failed.
`;

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, [
    'url',
    'groups',
    'series',
    'concurrency',
    'first',
    'job',
    'retries',
    'timeout-ms',
  ]);
  const url = baseUrl(flags);
  const groups = num(flags, 'groups', undefined, { min: 1 });
  const series = num(flags, 'series', 25, { min: 13 });
  const concurrency = num(flags, 'concurrency', 4, { min: 1 });
  const first = num(flags, 'first', 0);
  const job = str(flags, 'job', 'bench');
  const retries = num(flags, 'retries', 3);
  const timeoutMs = num(flags, 'timeout-ms', 120000, { min: 1 });

  const agent = keepAliveAgent(concurrency);
  const outcomes = new Outcomes();
  const progress = new Progress('populate', groups, () => outcomes.count);
  const started = process.hrtime.bigint();

  await runPool(
    concurrency,
    (issued) => issued < groups,
    async (i) => {
      const group = first + i;
      const target = endpoint(url, groupingPath(job, [['instance', `i${group}`]]));
      const body = batchJobBody(series, group);
      for (let attempt = 0; ; attempt++) {
        try {
          outcomes.response(
            await timedRequest(target, {
              method: 'PUT',
              agent,
              headers: { 'Content-Type': 'text/plain; version=0.0.4' },
              body,
              timeoutMs,
            }),
          );
          return;
        } catch (err) {
          if (attempt >= retries) {
            outcomes.error(err);
            return;
          }
          await sleep(200 * (attempt + 1));
        }
      }
    },
  );

  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  progress.stop();
  agent.destroy();
  const report = outcomes.report();
  emitJson({
    tool: 'populate',
    url: url.href,
    job,
    groups,
    first,
    seriesPerGroup: series,
    concurrency,
    elapsedSeconds,
    pushesPerSecond: groups / elapsedSeconds,
    ...report,
  });
  if (outcomes.failed > 0) {
    process.stderr.write(
      `populate: ${outcomes.failed} of ${groups} pushes failed: ${JSON.stringify(report.firstFailures)}\n`,
    );
    return 1;
  }
  return 0;
}

runMain(USAGE, main);

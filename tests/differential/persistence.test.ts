// Persistence round trip (spec §4.8, §6 case 81): what a gateway serves after a graceful restart
// equals what it served before, on both sides, exact push times included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '@pushgate/exposition';
import { assertPromtoolAccepts } from '../support/promtool';
import { upstreamUnavailableReason } from '../support/upstream-pushgateway';
import { decoded, viewOf } from './compare';
import { CLUSTER, SELF_CHECK, startTarget, type GatewayTarget } from './gateway-target';
import type { Run, Scenario } from './scenario';
import { post, PROTOBUF, protobuf, put } from './steps';

const PUSHES: Scenario = {
  cases: [81],
  name: 'pushes before the restart',
  steps: [
    put(
      '/metrics/job/p/instance/i',
      '# HELP g A gauge.\n# TYPE g gauge\ng{l="Πλ"} 1.5\nu NaN\n' +
        '# TYPE s summary\ns{quantile="0.5"} 2\ns_sum 10\ns_count 3\n' +
        '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1.2\nh_count 2\n',
    ),
    put('/metrics/job/p/instance/i', 'g 2 1700000000000\n'),
    post('/metrics/job/q', 'x 1\n'),
    put(
      '/metrics/job@base64/cQ/e@base64/=',
      protobuf({
        name: 'pb',
        help: '',
        type: 'COUNTER',
        metric: [{ label: [], counter: { value: 7 } }],
      }),
      PROTOBUF,
    ),
    put('/metrics/job/failed', 'a 1 1\n'),
  ],
  statuses: [200, 400, 200, 200, 400],
};

const NOTHING: Scenario = {
  cases: [81],
  name: 'scrape after the restart',
  steps: [],
  statuses: [],
};

/** Exact values of the bookkeeping gauges by series, which the normalised views blank out. */
function pushTimes(run: Run): Record<string, number> {
  const out: Record<string, number> = {};
  for (const family of parseText(decoded(run.scrape ?? fail('no scrape')))) {
    if (family.name !== 'push_time_seconds' && family.name !== 'push_failure_time_seconds')
      continue;
    for (const m of family.metric)
      out[`${family.name}${JSON.stringify(m.label)}`] = m.gauge?.value ?? NaN;
  }
  return out;
}

function fail(message: string): never {
  throw new Error(message);
}

// In cluster mode the state lives in Redis: --persistence.file is refused with --redis.url, and
// snapshots (the worker's job) replace it.
const unavailable = CLUSTER
  ? 'cluster mode keeps its state in Redis; --persistence.file is a single-node flag'
  : upstreamUnavailableReason();
if (unavailable !== undefined) console.warn(`[differential] skipping persistence: ${unavailable}`);

(unavailable === undefined ? describe : describe.skip)(
  'persistence round trip (--persistence.file)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushgate-diff-persistence-'));
    const flags = (side: string): string[] => [
      `--persistence.file=${join(dir, `${side}.db`)}`,
      '--persistence.interval=1h',
    ];
    const running: GatewayTarget[] = [];

    async function start(): Promise<[GatewayTarget, GatewayTarget]> {
      const pair = await Promise.all([
        startTarget('upstream', flags('upstream')),
        startTarget('pushgate', flags('pushgate')),
      ]);
      running.push(...pair);
      return pair;
    }

    afterAll(async () => {
      await Promise.all(running.map((t) => t.server.stop()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('[81] groups, values, HELP and failure bookkeeping survive a graceful restart', async () => {
      const [up, pg] = await start();
      const [upBefore, pgBefore] = await Promise.all([up.run(PUSHES), pg.run(PUSHES)]);
      expect(upBefore.responses.map((r) => r.status)).toEqual(PUSHES.statuses);
      expect(viewOf(PUSHES, pgBefore)).toEqual(viewOf(PUSHES, upBefore));

      // SIGTERM is a graceful stop on both: the store is written out before the process exits.
      await Promise.all([up.server.stop(), pg.server.stop()]);
      const [up2, pg2] = await start();
      const [upAfter, pgAfter] = await Promise.all([up2.run(NOTHING), pg2.run(NOTHING)]);

      expect(viewOf(NOTHING, pgAfter)).toEqual(viewOf(NOTHING, upAfter));
      expect(viewOf(NOTHING, upAfter).scrape).toEqual(viewOf(PUSHES, upBefore).scrape);
      expect(pushTimes(upAfter)).toEqual(pushTimes(upBefore));
      expect(pushTimes(pgAfter)).toEqual(pushTimes(pgBefore));
      if (!SELF_CHECK) assertPromtoolAccepts(decoded(pgAfter.scrape ?? fail('no scrape')));
    }, 60000);
  },
);

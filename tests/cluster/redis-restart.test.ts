// Redis goes away under push load and comes back on the same address. Nodes are never restarted:
// while Redis is away they answer 503 with Retry-After and fail /-/ready, and once it is back
// they serve again by themselves. With an AOF fsynced on every write, no acknowledged push is lost.
import { startCluster, type RunningCluster } from '../support/cluster';
import { httpRequest, type HttpResponse } from '../support/http-request';
import { waitFor } from '../support/wait-for';
import {
  acknowledged,
  counter,
  missingPushes,
  pushOf,
  runClients,
  scrapeSamples,
  type Outcome,
} from './cluster-client';

const CLIENTS = 4;

async function readiness(cluster: RunningCluster): Promise<number[]> {
  return Promise.all(
    cluster.nodes.map((n) =>
      httpRequest(n.url, { method: 'GET', path: '/-/ready' }, 5000).then(
        (res) => res.status,
        () => 0,
      ),
    ),
  );
}

interface LoadProgress {
  /** Pushes acknowledged so far. */
  acked(): number;
  /** Pushes sent so far; the next one sent is job number issued(). */
  issued(): number;
  /** Pushes answered 503 so far. */
  refused(): number;
}

/**
 * Pushes through nginx from CLIENTS clients while `outage` runs, and a little longer: until
 * `after` more pushes were acknowledged once it is over. A 503 makes that client pause briefly,
 * as a client honouring Retry-After would (for less than the second it asks for, to stay quick).
 */
async function pushThrough(
  cluster: RunningCluster,
  job: string,
  outage: (progress: LoadProgress) => Promise<void>,
  after = 100,
): Promise<Array<Outcome<number>>> {
  let acked = 0;
  let issued = 0;
  let refused = 0;
  let stopAt = Infinity;
  const load = runClients(
    CLIENTS,
    counter(() => acked >= stopAt),
    (i) => {
      issued = i + 1;
      return pushOf(cluster.url, job, i);
    },
    async (outcome) => {
      if (acknowledged(outcome)) acked++;
      else {
        if (outcome.response?.status === 503) refused++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  );
  try {
    await outage({ acked: () => acked, issued: () => issued, refused: () => refused });
  } finally {
    stopAt = acked + after;
  }
  return load;
}

function statusesOf(outcomes: ReadonlyArray<Outcome<number>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.error ? `error: ${o.error.message}` : String(o.response.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('Redis restarting under load (no persistence)', () => {
  let cluster: RunningCluster | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers 503 with Retry-After while Redis is down and serves again after', async () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    const c = cluster;
    const during: HttpResponse[] = [];
    let ready: { down: number[]; up: number[] } | undefined;
    let firstAfterRestart = Infinity;

    const outcomes = await pushThrough(c, 'outage', async ({ acked, issued, refused }) => {
      await waitFor('some pushes before the outage', () => acked() >= 100, 20000);
      await c.stopRedis('SIGKILL');
      await waitFor('every node to report not ready', async () =>
        (await readiness(c)).every((s) => s === 503),
      );
      // Pushes that were waiting on Redis when it died wait for it to come back (for up to the
      // store's command timeout), so the 503s come once that is over.
      await waitFor('pushes to be refused', () => refused() >= 2 * CLIENTS, 15000);
      const down = await readiness(c);
      during.push(await httpRequest(c.url, { method: 'GET', path: '/metrics' }));
      during.push(await httpRequest(c.url, { method: 'GET', path: '/api/v1/metrics' }));
      during.push(await httpRequest(c.url, { method: 'GET', path: '/-/ready' }));
      await c.startRedis();
      await waitFor(
        'every node to be ready again',
        async () => (await readiness(c)).every((s) => s === 200),
        20000,
      );
      ready = { down, up: await readiness(c) };
      firstAfterRestart = issued();
    });

    expect(ready).toEqual({ down: [503, 503, 503], up: [200, 200, 200] });
    expect(c.nodes.map((n) => n.running)).toEqual([true, true, true]);
    for (const res of during) {
      expect({ status: res.status, retryAfter: res.headers['retry-after'] }).toEqual({
        status: 503,
        retryAfter: '1',
      });
    }

    // Pushes only ever got a 200 or a 503 telling them to come back; never a 5xx from nginx
    // (every node being down) nor a lost connection.
    const statuses = statusesOf(outcomes);
    expect(Object.keys(statuses).sort()).toEqual(['200', '503']);
    const unavailable = outcomes.filter((o) => o.response?.status === 503);
    expect(unavailable.filter((o) => o.response?.headers['retry-after'] !== '1')).toEqual([]);
    // Served by a node, not nginx's own 503 (which would mean nginx gave up on every node).
    expect(
      unavailable.filter((o) => !o.response?.body.toString('utf8').startsWith('metric store')),
    ).toEqual([]);

    // Redis came back empty (no persistence): what was pushed once it was back is all there.
    const afterRestart = outcomes.filter((o) => o.job >= firstAfterRestart);
    expect(afterRestart.filter(acknowledged).length).toBeGreaterThanOrEqual(50);
    expect(missingPushes(afterRestart, 'outage', await scrapeSamples(c.url))).toEqual([]);
  }, 60000);
});

describe('Redis crashing under load with appendfsync always', () => {
  let cluster: RunningCluster | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, aof: true });
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('loses no acknowledged push', async () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    const c = cluster;
    const outcomes = await pushThrough(c, 'durable', async ({ acked }) => {
      await waitFor('some pushes before the crash', () => acked() >= 300, 20000);
      await c.stopRedis('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 500));
      await c.startRedis();
      await waitFor(
        'every node to be ready again',
        async () => (await readiness(c)).every((s) => s === 200),
        20000,
      );
    });

    const statuses = statusesOf(outcomes);
    expect(Object.keys(statuses).filter((s) => s !== '200' && s !== '503')).toEqual([]);
    expect(statuses['200']).toBeGreaterThanOrEqual(400);
    expect(missingPushes(outcomes, 'durable', await scrapeSamples(c.url))).toEqual([]);
  }, 60000);
});

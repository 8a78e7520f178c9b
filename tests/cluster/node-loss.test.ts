// A node killed (SIGKILL, no drain) under push load: nginx replays what the dead node held on
// another node, every acknowledged push is in the final scrape, and the restarted node serves
// the same data as the others.
import { startCluster, type RunningCluster } from '../support/cluster';
import { httpRequest } from '../support/http-request';
import {
  acknowledged,
  describeFailures,
  missingPushes,
  pushOf,
  runClients,
  scrapeSamples,
} from './cluster-client';

const CLIENTS = 4;
const PUSHES = 2000;
const KILL_AFTER = 600;

describe('losing a node under push load', () => {
  let cluster: RunningCluster | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps every acknowledged push and fails no request', async () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    const c = cluster;
    let killed: Promise<void> | undefined;
    const jobs = Array.from({ length: PUSHES }, (_, i) => i);
    const outcomes = await runClients(
      CLIENTS,
      jobs,
      (i) => pushOf(c.url, 'load', i),
      (_outcome, settled) => {
        // Not awaited: the other clients keep pushing while the node dies.
        if (settled === KILL_AFTER) killed = c.killNode(1);
      },
    );
    await killed;
    expect(c.nodes[1]?.running).toBe(false);

    // Without retries, every request in flight on the node (up to CLIENTS) and every new one
    // sent to it before nginx noticed would fail. With them, none may: a refused connection and
    // a connection the node died holding (the response is one small write, never half-sent)
    // are both replayed on another node.
    const failures = describeFailures(outcomes);
    expect(failures).toEqual([]);
    expect(
      outcomes.filter((o) => o.response && o.response.status < 500 && !acknowledged(o)),
    ).toEqual([]);

    expect(missingPushes(outcomes, 'load', await scrapeSamples(c.url))).toEqual([]);

    // nginx really had to route around the dead node.
    const dead = c.nodes[1]?.address ?? '?';
    const retried = c.nginx
      .accessLog()
      .filter(
        (e) => e.upstream_addr.startsWith(`${dead}, `) && e.upstream_status.startsWith('502, '),
      );
    expect(retried.length).toBeGreaterThan(0);
  }, 60000);

  it('serves the same scrape from the restarted node as from the others', async () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    await cluster.restartNode(1);
    const scrapes = await Promise.all(
      cluster.nodes.map((n) => httpRequest(n.url, { method: 'GET', path: '/metrics' }, 30000)),
    );
    expect(scrapes.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(scrapes[1]?.body.equals(scrapes[0]?.body ?? Buffer.alloc(0))).toBe(true);
    expect(scrapes[2]?.body.equals(scrapes[0]?.body ?? Buffer.alloc(0))).toBe(true);
  }, 30000);
});

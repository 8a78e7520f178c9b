/**
 * Group TTLs end to end, through gateway nodes: the TTL a push gets (Pushgate-TTL header, per-job
 * rule, default), how /api/v1/metrics shows it, and expired groups vanishing from every node at
 * their expiry instant, before any sweep. Against every store (the Redis one once it implements
 * MaintainableMetricStore).
 */
import { startNode, push, scrapePushed, apiGroups, apiMetrics, type Node } from './support/nodes';
import { describeForEachStore, type SharedStore } from './support/stores';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeForEachStore('TTL', (kind) => {
  let shared: SharedStore;
  let nodes: Node[];

  beforeEach(() => {
    shared = kind.open();
    nodes = [];
  });
  afterEach(async () => {
    await Promise.all(nodes.map((node) => node.gateway.close()));
    await shared.cleanup();
  });

  async function node(flags: string[] = []): Promise<Node> {
    const started = await startNode(shared.node(), flags);
    nodes.push(started);
    return started;
  }

  /** The TTL fields of group `job` in /api/v1/metrics, with the time of its last push. */
  async function ttlOf(n: Node, job: string) {
    const group = (await apiGroups(n)).find((g) => (g.labels as { job: string }).job === job);
    if (group === undefined) return undefined;
    const pushed = (group.push_time_seconds as { time_stamp: string }).time_stamp;
    return {
      ttl: group['ttl-seconds'],
      expiresInSeconds:
        group['expires-at'] === undefined
          ? undefined
          : Math.round((Date.parse(group['expires-at'] as string) - Date.parse(pushed)) / 1000),
    };
  }

  it('gives a push the TTL of its Pushgate-TTL header, in any of its forms', async () => {
    const n = await node();
    for (const [job, header, seconds] of [
      ['a', '90s', 90],
      ['b', '15m', 900],
      ['c', '2h', 7200],
      ['d', '45', 45],
    ] as const) {
      expect(await push(n, `/metrics/job/${job}`, 'm 1\n', { 'Pushgate-TTL': header })).toEqual({
        status: 200,
        text: '',
      });
      expect(await ttlOf(n, job)).toEqual({ ttl: String(seconds), expiresInSeconds: seconds });
    }
  });

  it('gives a push the TTL of the first per-job rule matching the whole job name', async () => {
    const n = await node(['--ttl.rule=backup-.*=2h', '--ttl.rule=backup-db|nightly=1d']);
    for (const job of ['backup-db', 'nightly', 'api', 'my-backup-db'])
      await push(n, `/metrics/job/${job}`, 'm 1\n');
    expect(await ttlOf(n, 'backup-db')).toEqual({ ttl: '7200', expiresInSeconds: 7200 });
    expect(await ttlOf(n, 'nightly')).toEqual({ ttl: '86400', expiresInSeconds: 86400 });
    expect(await ttlOf(n, 'api')).toEqual({ ttl: undefined, expiresInSeconds: undefined });
    expect(await ttlOf(n, 'my-backup-db')).toEqual({ ttl: undefined, expiresInSeconds: undefined });
  });

  it('gives other pushes the default TTL; the header wins over rules and default, 0 meaning never', async () => {
    const n = await node(['--ttl.default=15m', '--ttl.rule=backup-.*=2h']);
    await push(n, '/metrics/job/api', 'm 1\n');
    await push(n, '/metrics/job/backup-x', 'm 1\n', { 'Pushgate-TTL': '90s' });
    await push(n, '/metrics/job/pinned', 'm 1\n', { 'Pushgate-TTL': '0' });
    expect(await ttlOf(n, 'api')).toEqual({ ttl: '900', expiresInSeconds: 900 });
    expect(await ttlOf(n, 'backup-x')).toEqual({ ttl: '90', expiresInSeconds: 90 });
    expect(await ttlOf(n, 'pinned')).toEqual({ ttl: undefined, expiresInSeconds: undefined });
  });

  it('answers a malformed header with 400 and the reason, storing nothing', async () => {
    const n = await node(['--ttl.default=15m']);
    for (const bad of ['soon', '-5m', '90s, 2h', '101y']) {
      expect(await push(n, '/metrics/job/j', 'm 1\n', { 'Pushgate-TTL': bad })).toEqual({
        status: 400,
        text: `invalid Pushgate-TTL header ${JSON.stringify(bad)}: expected a duration like 90s, 15m or 2h, or a number of seconds; 0 means never; at most 876000h0m0s\n`,
      });
    }
    expect(await apiGroups(n)).toEqual([]);
  });

  it('drops an expired group from /metrics and /api/v1/metrics of every node at once, before any sweep', async () => {
    const [a, b] = [await node(), await node()];
    await push(a as Node, '/metrics/job/short', 'short_lived 1\n', { 'Pushgate-TTL': '2s' });
    await push(b as Node, '/metrics/job/forever', 'forever 1\n');
    for (const n of [a, b] as Node[]) {
      expect(await scrapePushed(n)).toContain('short_lived{instance="",job="short"} 1');
      expect((await apiGroups(n)).map((g) => (g.labels as { job: string }).job).sort()).toEqual([
        'forever',
        'short',
      ]);
    }
    const expiresAt = Date.parse(
      (await apiGroups(a as Node)).find((g) => g['expires-at'] !== undefined)?.[
        'expires-at'
      ] as string,
    );
    await sleep(Math.max(0, expiresAt - Date.now()) + 5);
    for (const n of [a, b] as Node[]) {
      const scrape = await scrapePushed(n);
      expect(scrape).not.toContain('short');
      expect(scrape).toContain('forever{instance="",job="forever"} 1');
      expect((await apiGroups(n)).map((g) => (g.labels as { job: string }).job)).toEqual([
        'forever',
      ]);
    }
  });

  it('never touches a group pushed without TTL, and shows it exactly as upstream does', async () => {
    const n = await node();
    await push(n, '/metrics/job/forever', 'm 1\n');
    const before = await apiMetrics(n);
    expect(before).not.toContain('ttl-seconds');
    expect(before).not.toContain('expires-at');
    const store = shared.node();
    expect(await store.sweepExpired(Date.now() / 1000 + 200 * 365 * 86400, 1000)).toEqual({
      deleted: 0,
      more: false,
    });
    expect(await apiMetrics(n)).toBe(before);
    await store.close();
  });

  it('lets a re-push without TTL keep a group that had one', async () => {
    const n = await node();
    await push(n, '/metrics/job/j', 'm 1\n', { 'Pushgate-TTL': '1s' });
    await push(n, '/metrics/job/j', 'm 2\n');
    await sleep(1100);
    expect(await scrapePushed(n)).toContain('m{instance="",job="j"} 2');
  });
});

/**
 * Snapshots end to end: state pushed through gateway nodes → snapshot by the worker → wipe →
 * restore → the very same /metrics and /api/v1/metrics; and snapshot files that are truncated,
 * corrupt or of another version refused with nothing changed, by the restore code and by the
 * `snapshot:restore` command.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '@pushgate/exposition';
import { MemoryMetricStore, SnapshotCorruptError, SnapshotDirectory } from '@pushgate/store';
import { createWorker, createWorkerLogger, loadWorkerConfig, restoreFile } from '@pushgate/worker';
import { buildWorker, redisUrl, uniquePrefix } from '../../services/worker/tests/support/env';
import { apiMetrics, push, scrapePushed, startNode, type Node } from './support/nodes';
import { describeForEachStore, type SharedStore } from './support/stores';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushgate-snapshots-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Varied state: several groups and label sets, every metric type, a failure, POST merges, TTLs. */
async function populate(node: Node): Promise<void> {
  const pushes: Array<[string, string, Record<string, string>?, ('PUT' | 'POST')?]> = [
    [
      '/metrics/job/api/instance/i1',
      '# HELP req Requests.\n# TYPE req counter\nreq{code="200"} 1027\nreq{code="500"} 3\n',
    ],
    [
      '/metrics/job/api/instance/i2',
      '# TYPE lat histogram\nlat_bucket{le="0.1"} 5\nlat_bucket{le="+Inf"} 7\nlat_sum 1.5\nlat_count 7\n',
    ],
    [
      '/metrics/job/batch',
      '# TYPE q summary\nq{quantile="0.5"} 2\nq_sum 10\nq_count 3\ng NaN\n',
      { 'Pushgate-TTL': '1h' },
    ],
    ['/metrics/job/batch', 'extra -Inf\n', { 'Pushgate-TTL': '1h' }, 'POST'],
    ['/metrics/job@base64/L3Zhci90bXA/path@base64/Pj4_', 'odd{l="é \\"q\\""} 1e-300\n'],
    ['/metrics/job/broken', 'x 1 1000\n', { 'Pushgate-TTL': '2h' }],
  ];
  for (const [path, body, headers = {}, method = 'PUT'] of pushes)
    await push(node, path, body, headers, method);
}

describeForEachStore('snapshots', (kind) => {
  let shared: SharedStore;
  let nodes: Node[];
  beforeEach(() => {
    shared = kind.open();
    nodes = [];
  });
  afterEach(async () => {
    await Promise.all(nodes.map((n) => n.gateway.close()));
    await shared.cleanup();
  });

  async function node(flags: string[] = ['--web.enable-admin-api']): Promise<Node> {
    const started = await startNode(shared.node(), flags);
    nodes.push(started);
    return started;
  }

  /** Runs a worker until it has written one snapshot; returns the file. */
  async function snapshotByWorker(): Promise<string> {
    const config = loadWorkerConfig([
      `--redis.url=${redisUrl()}`,
      `--queue.prefix=${uniquePrefix()}`,
      '--snapshot.interval=200ms',
      `--snapshot.dir=${dir}`,
    ]);
    const worker = await createWorker(config, {
      store: shared.node(),
      logger: createWorkerLogger({ level: 'silent' }),
    });
    const snapshots = new SnapshotDirectory(dir);
    const deadline = Date.now() + 10_000;
    try {
      while ((await snapshots.list()).length === 0 && Date.now() < deadline) await sleep(50);
    } finally {
      await worker.close();
    }
    const latest = await snapshots.latest();
    if (latest === undefined) throw new Error('the worker wrote no snapshot within 10 s');
    return latest.file;
  }

  it('round-trips: snapshot, wipe, restore gives the same /metrics and /api/v1/metrics', async () => {
    const [a, b] = [await node(), await node()];
    await populate(a as Node);
    const scrape = await scrapePushed(a as Node);
    const api = await apiMetrics(a as Node);
    expect(api).toContain('"ttl-seconds":"3600"');

    const file = await snapshotByWorker();
    expect((await fetch(`${(a as Node).url}/api/v1/admin/wipe`, { method: 'PUT' })).status).toBe(
      202,
    );
    expect(await apiMetrics(b as Node)).toBe('{"status":"success","data":[]}');

    const store = shared.node();
    const result = await restoreFile(store, file, 'empty-only');
    await store.close();
    expect(result).toEqual({ restored: 5, skipped: [] });
    for (const n of [a, b] as Node[]) {
      expect(await scrapePushed(n)).toBe(scrape);
      expect(await apiMetrics(n)).toBe(api);
    }
  });

  it('restores into an empty store when a worker starts with --snapshot.restore-on-empty', async () => {
    const n = await node();
    await populate(n);
    const [scrape, api] = [await scrapePushed(n), await apiMetrics(n)];
    await snapshotByWorker();
    await fetch(`${n.url}/api/v1/admin/wipe`, { method: 'PUT' });
    const worker = await createWorker(
      loadWorkerConfig([
        `--redis.url=${redisUrl()}`,
        `--queue.prefix=${uniquePrefix()}`,
        `--snapshot.dir=${dir}`,
        '--snapshot.restore-on-empty',
      ]),
      { store: shared.node(), logger: createWorkerLogger({ level: 'silent' }) },
    );
    await worker.close();
    expect(await scrapePushed(n)).toBe(scrape);
    expect(await apiMetrics(n)).toBe(api);
  });

  const damages: Array<[string, (valid: Buffer) => Buffer, RegExp]> = [
    [
      'truncated',
      (valid) => valid.subarray(0, Math.floor(valid.length * 0.6)),
      /no trailer \(truncated\?\)/,
    ],
    [
      'corrupt',
      (valid) => flipByte(valid, Math.floor(valid.length / 2)),
      /checksum mismatch|not JSON/,
    ],
    [
      'wrong-version',
      (valid) => Buffer.from(valid.toString('utf8').replace('"version":1', '"version":9')),
      /unsupported header/,
    ],
  ];

  it.each(damages)(
    'refuses a %s snapshot and changes nothing, even when told to wipe',
    async (_, damage, reason) => {
      const n = await node();
      await populate(n);
      const file = await snapshotByWorker();
      writeFileSync(file, damage(readFileSync(file)));
      await push(n, '/metrics/job/after', 'later 1\n');
      const [scrape, api] = [await scrapePushed(n), await apiMetrics(n)];
      const store = shared.node();
      const error = await restoreFile(store, file, 'wipe').catch((err: unknown) => err);
      await store.close();
      expect(error).toBeInstanceOf(SnapshotCorruptError);
      expect((error as Error).message).toMatch(reason);
      expect(await scrapePushed(n)).toBe(scrape);
      expect(await apiMetrics(n)).toBe(api);
    },
  );
});

describe('snapshot:restore', () => {
  function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return buildWorker().then(
      (dist) =>
        new Promise((resolve) => {
          execFile(
            process.execPath,
            [join(dist, 'restore-bin.js'), ...args],
            { env: { ...process.env, REDIS_URL: redisUrl() }, timeout: 30_000 },
            (err, stdout, stderr) =>
              resolve({
                code: err ? Number((err as { code?: number }).code ?? 1) : 0,
                stdout,
                stderr,
              }),
          );
        }),
    );
  }

  it.each([
    [
      'truncated',
      (valid: Buffer) => valid.subarray(0, valid.length - 40),
      'no trailer (truncated?)',
    ],
    ['corrupt', (valid: Buffer) => flipByte(valid, 60), 'checksum mismatch'],
    [
      'wrong-version',
      (valid: Buffer) => Buffer.from(valid.toString('utf8').replace('"version":1', '"version":2')),
      'unsupported header {"format":"pushgate-memory-store","version":2}',
    ],
  ])('refuses a %s file before touching Redis, exit code 1', async (_, damage, reason) => {
    const source = new MemoryMetricStore();
    await source.push({
      labels: { job: 'j' },
      families: parseText('m 1\n'),
      mode: 'replace',
      receivedAt: 1,
    });
    const { file } = await new SnapshotDirectory(dir).write(Date.now(), await source.getGroups());
    await source.close();
    writeFileSync(file, damage(readFileSync(file)));
    // An unreachable Redis proves the refusal comes first.
    expect(await run(file, '--wipe', '--redis.url=redis://127.0.0.1:1')).toEqual({
      code: 1,
      stdout: '',
      stderr: `snapshot:restore: refused: snapshot ${file} is unusable: ${reason}; nothing was changed\n`,
    });
  });

  it('refuses a missing file and a bad command line', async () => {
    expect((await run(join(dir, 'none'))).stderr).toMatch(
      /refused: cannot read snapshot .*none: ENOENT/,
    );
    expect((await run()).code).toBe(2);
    expect((await run('a', '--wipe', '--merge')).code).toBe(2);
  });
});

describe('in-memory mode', () => {
  it('uses its persistence file as its snapshot: a copy put in place restores the same state', async () => {
    const persistence = join(dir, 'persistence.data');
    const first = await startNode(
      new MemoryMetricStore({ persistence: { file: persistence, intervalMs: 60_000 } }),
    );
    await populate(first);
    const [scrape, api] = [await scrapePushed(first), await apiMetrics(first)];
    await first.gateway.close();
    const copy = join(dir, 'copy.data');
    copyFileSync(persistence, copy);
    const second = await startNode(
      new MemoryMetricStore({ persistence: { file: copy, intervalMs: 60_000 } }),
    );
    try {
      expect(await scrapePushed(second)).toBe(scrape);
      expect(await apiMetrics(second)).toBe(api);
    } finally {
      await second.gateway.close();
    }
  });

  it('takes a worker snapshot as its persistence file', async () => {
    const source = await startNode(new MemoryMetricStore());
    await populate(source);
    const [scrape, api] = [await scrapePushed(source), await apiMetrics(source)];
    const { file } = await new SnapshotDirectory(dir).write(
      Date.now(),
      await source.gateway.store.getGroups(),
    );
    await source.gateway.close();
    const restored = await startNode(
      new MemoryMetricStore({ persistence: { file, intervalMs: 60_000 } }),
    );
    try {
      expect(await scrapePushed(restored)).toBe(scrape);
      expect(await apiMetrics(restored)).toBe(api);
    } finally {
      await restored.gateway.close();
    }
  });
});

function flipByte(data: Buffer, at: number): Buffer {
  const copy = Buffer.from(data);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

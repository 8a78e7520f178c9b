/**
 * Snapshot files and the snapshot directory: atomic writes in the persistence format, refusal of
 * anything that is not a complete, intact, consistent snapshot of a known version, naming by tick
 * and retention.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricGroup } from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import { MemoryMetricStore } from '../src/memory-metric-store';
import { SnapshotDirectory } from '../src/snapshot-dir';
import { SnapshotCorruptError, SnapshotError } from '../src/snapshot-errors';
import { readSnapshot, writeSnapshot } from '../src/snapshot-file';
import { ManualClock } from './contract/manual-clock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushgate-snapshot-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store's groups: TTL and none, a failure, values JSON cannot hold. */
async function sampleGroups(): Promise<MetricGroup[]> {
  const clock = new ManualClock();
  const store = new MemoryMetricStore({ clock });
  const at = clock.seconds();
  await store.push({
    labels: { job: 'a', instance: 'i' },
    families: parseText('# TYPE m counter\nm{x="1"} 1\ng NaN\n'),
    mode: 'replace',
    receivedAt: at,
    ttlSeconds: 7200,
  });
  await store.push({
    labels: { job: 'b' },
    families: parseText('h -Inf\n'),
    mode: 'replace',
    receivedAt: at,
  });
  await store
    .push({
      labels: { job: 'b' },
      families: parseText('h 1 1\n'),
      mode: 'replace',
      receivedAt: at + 1,
    })
    .catch(() => undefined);
  const groups = await store.getGroups();
  await store.close();
  return groups;
}

/** A file with the right header and a valid trailer around `lines`. */
function sealed(
  lines: string[],
  header = '{"format":"pushgate-memory-store","version":1}',
): Buffer {
  const body = [header, ...lines].map((line) => `${line}\n`).join('');
  const sha256 = createHash('sha256').update(body).digest('hex');
  return Buffer.from(`${body}${JSON.stringify({ groups: lines.length, sha256 })}\n`);
}

describe('snapshot files', () => {
  it('round-trips every group exactly, and reports the size written', async () => {
    const groups = await sampleGroups();
    const file = join(dir, 's.snapshot');
    const { bytes } = await writeSnapshot(file, groups);
    expect(bytes).toBe(readFileSync(file).length);
    expect(await readSnapshot(file)).toEqual(groups);
    expect(readdirSync(dir)).toEqual(['s.snapshot']);
  });

  it('writes the documented layout: version header, one line per group, counted checksum trailer', async () => {
    const file = join(dir, 's.snapshot');
    await writeSnapshot(file, await sampleGroups());
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(JSON.parse(lines[0] as string)).toEqual({ format: 'pushgate-memory-store', version: 1 });
    expect(JSON.parse(lines[1] as string)).toMatchObject({
      labels: { instance: 'i', job: 'a' },
      expiry: { ttlSeconds: 7200 },
    });
    expect(JSON.parse(lines[3] as string)).toEqual({ groups: 2, sha256: expect.any(String) });
    const body = lines.slice(0, 3).join('\n') + '\n';
    expect(JSON.parse(lines[3] as string).sha256).toBe(
      createHash('sha256').update(body).digest('hex'),
    );
  });

  it("reads the in-memory store's persistence file: it is a snapshot", async () => {
    const clock = new ManualClock();
    const file = join(dir, 'persistence.data');
    const store = new MemoryMetricStore({ clock, persistence: { file, intervalMs: 1000 } });
    await store.push({
      labels: { job: 'p' },
      families: parseText('a 1\n'),
      mode: 'replace',
      receivedAt: clock.seconds(),
      ttlSeconds: 60,
    });
    const groups = await store.getGroups();
    await store.close();
    expect(await readSnapshot(file)).toEqual(groups);
  });

  const refusals: Array<[string, (valid: Buffer) => Buffer, RegExp]> = [
    ['an empty file', () => Buffer.alloc(0), /not a pushgate-memory-store file/],
    [
      'a truncated file',
      (valid) => valid.subarray(0, valid.length - 30),
      /no trailer \(truncated\?\)/,
    ],
    [
      'a file cut after a group line',
      (valid) => valid.subarray(0, valid.indexOf('\n', 60) + 1),
      /checksum mismatch|no trailer/,
    ],
    [
      'a corrupted byte',
      (valid) => Buffer.from(valid.toString('utf8').replace('"job":"b"', '"job":"c"')),
      /checksum mismatch/,
    ],
    [
      'a later format version',
      (valid) => Buffer.from(valid.toString('utf8').replace('"version":1', '"version":2')),
      /unsupported header \{"format":"pushgate-memory-store","version":2\}/,
    ],
    [
      'another kind of file',
      () => Buffer.from('{"groups":[]}\n'),
      /not a pushgate-memory-store file/,
    ],
    [
      'a group twice (checksum intact)',
      () =>
        sealed(['{"labels":{"job":"a"},"families":{}}', '{"labels":{"job":"a"},"families":{}}']),
      /it holds group job="a" twice/,
    ],
    [
      'groups that contradict each other (checksum intact)',
      () =>
        sealed(
          ['a', 'b'].map((job) =>
            JSON.stringify({
              labels: { job },
              families: {
                m: {
                  timestamp: 1,
                  family: {
                    name: 'm',
                    type: job === 'a' ? 'COUNTER' : 'GAUGE',
                    metric: [{ label: [{ name: 'job', value: job }], counter: { value: 1 } }],
                  },
                },
              },
            }),
          ),
        ),
      /its groups are inconsistent: family m is stored as COUNTER and GAUGE/,
    ],
    [
      'a malformed expiry (checksum intact)',
      () =>
        sealed(['{"labels":{"job":"a"},"families":{},"expiry":{"ttlSeconds":-1,"expiresAt":5}}']),
      /group 0: malformed expiry/,
    ],
  ];

  it.each(refusals)('refuses %s, saying why', async (_, damage, reason) => {
    const file = join(dir, 'bad.snapshot');
    await writeSnapshot(file, await sampleGroups());
    writeFileSync(file, damage(readFileSync(file)));
    const error = await readSnapshot(file).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SnapshotCorruptError);
    expect((error as Error).message).toMatch(new RegExp(`^snapshot ${file} is unusable: `));
    expect((error as Error).message).toMatch(reason);
  });

  it('reports a missing file as an I/O problem, not as corruption', async () => {
    const error = await readSnapshot(join(dir, 'none')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SnapshotError);
    expect(error).not.toBeInstanceOf(SnapshotCorruptError);
    expect((error as Error).message).toMatch(/^cannot read snapshot .*none: ENOENT/);
  });

  it('leaves no file behind when it cannot write', async () => {
    const error = await writeSnapshot(join(dir, 'missing-dir', 's.snapshot'), []).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).toMatch(/^cannot write snapshot .*s\.snapshot: ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('SnapshotDirectory', () => {
  const tick = Date.UTC(2026, 10, 21, 9, 39, 4, 139);

  it('names a snapshot after its tick, sortably', () => {
    expect(new SnapshotDirectory('/d').fileFor(tick)).toBe(
      '/d/pushgate-20261121T093904.139Z.snapshot',
    );
  });

  it('creates the directory and rewrites the file of a retried tick instead of adding one', async () => {
    const snapshots = new SnapshotDirectory(join(dir, 'nested', 'snapshots'));
    await snapshots.write(tick, []);
    const groups = await sampleGroups();
    const { file, bytes } = await snapshots.write(tick, groups);
    expect(await snapshots.list()).toEqual([{ file, tickMs: tick }]);
    expect(bytes).toBeGreaterThan(100);
    expect(await readSnapshot(file)).toEqual(groups);
  });

  it('lists its own snapshots oldest first and ignores anything else', async () => {
    const snapshots = new SnapshotDirectory(dir);
    for (const t of [tick + 20_000, tick, tick + 10_000]) await snapshots.write(t, []);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    writeFileSync(join(dir, 'pushgate-latest.snapshot'), 'x');
    expect((await snapshots.list()).map((s) => s.tickMs)).toEqual([
      tick,
      tick + 10_000,
      tick + 20_000,
    ]);
    expect((await snapshots.latest())?.tickMs).toBe(tick + 20_000);
  });

  it('has nothing when the directory does not exist', async () => {
    expect(await new SnapshotDirectory(join(dir, 'none')).list()).toEqual([]);
    expect(await new SnapshotDirectory(join(dir, 'none')).prune(1)).toEqual([]);
  });

  it('keeps the newest N, and deletes temporary files of writes that died', async () => {
    const snapshots = new SnapshotDirectory(dir);
    for (let i = 0; i < 5; i++) await snapshots.write(tick + i * 1000, []);
    const dead = `${snapshots.fileFor(tick + 1000)}.in_progress.0123456789abcdef`;
    const current = `${snapshots.fileFor(tick + 4000)}.in_progress.0123456789abcdef`;
    writeFileSync(dead, 'half');
    writeFileSync(current, 'half');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const deleted = await snapshots.prune(2);
    expect(deleted.sort()).toEqual(
      [
        snapshots.fileFor(tick),
        snapshots.fileFor(tick + 1000),
        snapshots.fileFor(tick + 2000),
        dead,
      ].sort(),
    );
    expect(readdirSync(dir).sort()).toEqual(
      [
        'notes.txt',
        'pushgate-20261121T093907.139Z.snapshot',
        'pushgate-20261121T093908.139Z.snapshot',
        'pushgate-20261121T093908.139Z.snapshot.in_progress.0123456789abcdef',
      ].sort(),
    );
  });
});

import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeGroups, PushRejectedError, type GroupingLabels, type PushMode } from '@pushgate/core';
import { parseText, renderText } from '@pushgate/exposition';
import { MemoryMetricStore } from '../src/memory-metric-store';
import { PersistenceCorruptError, PersistenceError } from '../src/persistence-errors';

describe('MemoryMetricStore persistence', () => {
  let dir: string;
  let file: string;
  const open: MemoryMetricStore[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pushgate-persistence-'));
    file = join(dir, 'pushgateway.data');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  function start(
    intervalMs = 3_600_000,
    onError?: (err: PersistenceError) => void,
  ): MemoryMetricStore {
    const store = new MemoryMetricStore({
      persistence: { file, intervalMs, ...(onError ? { onError } : {}) },
    });
    open.push(store);
    return store;
  }

  async function push(
    store: MemoryMetricStore,
    labels: GroupingLabels,
    body: string,
    mode: PushMode,
    receivedAt: number,
  ) {
    await store.push({ labels, families: parseText(body), mode, receivedAt });
  }

  it('restores everything after a restart: metrics, failure gauges, per-family timestamps', async () => {
    const store = start();
    await push(
      store,
      { job: 'a' },
      '# HELP m Help.\n# TYPE m counter\nm{x="1"} 1\nspecial NaN\nneg -Inf\n',
      'replace',
      100.25,
    );
    await push(store, { job: 'a' }, 'n 2\n', 'merge', 200.5);
    await expect(push(store, { job: 'a' }, 'n 1 5\n', 'merge', 300.75)).rejects.toThrow(
      PushRejectedError,
    );
    await expect(
      push(store, { job: 'b', instance: 'i' }, 'x 1 5\n', 'replace', 400),
    ).rejects.toThrow(PushRejectedError);
    const before = await store.getGroups();
    await store.close();

    const restarted = start();
    expect(restarted.restoreError).toBeUndefined();
    const after = await restarted.getGroups();
    expect(after).toEqual(before);
    expect(after.map((g) => g.labels)).toEqual([{ job: 'b', instance: 'i' }, { job: 'a' }]);
    const a = after[1];
    expect(a?.families.m?.timestamp).toBe(100.25);
    expect(a?.families.n?.timestamp).toBe(200.5);
    expect(a?.families.push_failure_time_seconds?.family.metric[0]?.gauge?.value).toBe(300.75);
    expect(a?.families.special?.family.metric[0]?.untyped?.value).toBeNaN();
    expect(renderText(mergeGroups(after))).toBe(renderText(mergeGroups(before)));
  });

  it('enforces the rules against restored groups', async () => {
    const store = start();
    await push(store, { job: 'a' }, '# TYPE m counter\nm 1\n', 'replace', 1);
    await store.close();

    const restarted = start();
    await expect(
      push(restarted, { job: 'b' }, '# TYPE m gauge\nm 1\n', 'replace', 2),
    ).rejects.toThrow('is not a COUNTER');
    await expect(push(restarted, { job: 'a', instance: '' }, '', 'replace', 3)).rejects.toThrow(
      'was collected before',
    );
  });

  it('writes the file with mode 0600 and leaves no temporary file behind', async () => {
    const store = start();
    await push(store, { job: 'a' }, 'm 1\n', 'replace', 1);
    await store.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['pushgateway.data']);
  });

  it('writes after the interval without waiting for close', async () => {
    const store = start(20);
    await push(store, { job: 'a' }, 'm 1\n', 'replace', 1);
    await waitForFile();
    const restored = new MemoryMetricStore({ persistence: { file, intervalMs: 20 } });
    open.push(restored);
    expect((await restored.getGroups()).map((g) => g.labels)).toEqual([{ job: 'a' }]);
  });

  it('starts empty without a file and creates none when nothing was written', async () => {
    const store = start();
    expect(store.restoreError).toBeUndefined();
    expect(await store.getGroups()).toEqual([]);
    await store.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('starts empty on a truncated file and leaves it alone until the next write', async () => {
    const store = start();
    await push(store, { job: 'a' }, 'm 1\n', 'replace', 1);
    await store.close();
    const intact = await readFile(file);
    const truncated = intact.subarray(0, intact.length - 7);
    await writeFile(file, truncated);

    const restarted = start();
    expect(restarted.restoreError).toBeInstanceOf(PersistenceCorruptError);
    expect(restarted.restoreError?.message).toMatch(/truncated/);
    expect(restarted.restoreError?.file).toBe(file);
    expect(await restarted.getGroups()).toEqual([]);
    await restarted.close();
    expect(await readFile(file)).toEqual(truncated);

    const writer = start();
    await push(writer, { job: 'b' }, 'm 1\n', 'replace', 2);
    await writer.close();
    const final = start();
    expect(final.restoreError).toBeUndefined();
    expect((await final.getGroups()).map((g) => g.labels)).toEqual([{ job: 'b' }]);
  });

  it('reports a file it cannot read as a PersistenceError that is not corruption', async () => {
    await mkdir(file);
    const store = start();
    expect(store.restoreError).toBeInstanceOf(PersistenceError);
    expect(store.restoreError).not.toBeInstanceOf(PersistenceCorruptError);
    await store.close();
  });

  it('rejects close with a PersistenceError when the file cannot be written', async () => {
    file = join(dir, 'missing-dir', 'pushgateway.data');
    const store = start();
    await push(store, { job: 'a' }, 'm 1\n', 'replace', 1);
    await expect(store.close()).rejects.toThrow(PersistenceError);
  });

  it('hands timer write errors to onError', async () => {
    file = join(dir, 'missing-dir', 'pushgateway.data');
    const errors: PersistenceError[] = [];
    const store = start(10, (err) => errors.push(err));
    await push(store, { job: 'a' }, 'm 1\n', 'replace', 1);
    await waitFor(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(PersistenceError);
    expect(errors[0]?.message).toContain('missing-dir');
    await mkdir(join(dir, 'missing-dir'));
    await store.close();
  });

  async function waitForFile(): Promise<void> {
    await waitFor(async () => (await readdir(dir)).includes('pushgateway.data'));
  }
});

async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPush, preparePush, UPSTREAM_OWN_FAMILIES } from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import { MemoryMetricStore } from '../src/memory-metric-store';
import { StoreUnavailableError } from '../src/metric-store';
import { PersistenceCorruptError } from '../src/persistence-errors';
import { encodeSnapshot } from '../src/persistence-format';
import { describeMetricStoreContract } from './contract/metric-store.contract';

describeMetricStoreContract('MemoryMetricStore', async () => {
  const store = new MemoryMetricStore();
  return { store, cleanup: () => store.close() };
});

describe(MemoryMetricStore, () => {
  it('refuses every call once closed, and is no longer ready', async () => {
    const store = new MemoryMetricStore();
    await store.close();
    await store.close();
    expect(await store.ready()).toBe(false);
    const push = store.push({ labels: { job: 'j' }, families: [], mode: 'replace', receivedAt: 1 });
    await expect(push).rejects.toThrow(StoreUnavailableError);
    await expect(store.getGroups()).rejects.toThrow(StoreUnavailableError);
    await expect(store.delete({ job: 'j' })).rejects.toThrow(StoreUnavailableError);
    await expect(store.wipe()).rejects.toThrow(StoreUnavailableError);
  });

  it('checks pushes against the reserved families it is given', async () => {
    const store = new MemoryMetricStore({
      reserved: new Map([['mine', { type: 'GAUGE', help: 'h', presentAtStartup: true }]]),
    });
    await store.push({
      labels: { job: 'j' },
      families: parseText('# TYPE go_goroutines counter\ngo_goroutines 1\n'),
      mode: 'replace',
      receivedAt: 1,
    });
    await expect(
      store.push({
        labels: { job: 'j' },
        families: parseText('mine 1\n'),
        mode: 'replace',
        receivedAt: 2,
      }),
    ).rejects.toThrow('gathered metric family mine has type UNTYPED but should have GAUGE');
    await store.close();
  });

  it('counts its groups', async () => {
    const store = new MemoryMetricStore();
    await store.push({ labels: { job: 'a' }, families: [], mode: 'replace', receivedAt: 1 });
    await expect(
      store.push({
        labels: { job: 'b' },
        families: parseText('a 1 1\n'),
        mode: 'replace',
        receivedAt: 1,
      }),
    ).rejects.toThrow();
    expect(store.size).toBe(2);
    await store.close();
  });

  it('refuses a persistence file whose groups contradict each other, and starts empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pushgate-memory-'));
    const file = join(dir, 'store.data');
    const group = (job: string, body: string) =>
      applyPush(
        undefined,
        preparePush(
          { labels: { job }, families: parseText(body), mode: 'replace', receivedAt: 1 },
          UPSTREAM_OWN_FAMILIES,
        ),
      );
    await writeFile(
      file,
      encodeSnapshot([group('a', '# TYPE m counter\nm 1\n'), group('b', '# TYPE m gauge\nm 1\n')]),
    );
    const store = new MemoryMetricStore({ persistence: { file, intervalMs: 1000 } });
    expect(store.restoreError).toBeInstanceOf(PersistenceCorruptError);
    expect(store.restoreError?.message).toMatch(
      /inconsistent: family m is stored as COUNTER and GAUGE/,
    );
    expect(await store.getGroups()).toEqual([]);
    await store.push({
      labels: { job: 'c' },
      families: parseText('# TYPE m gauge\nm 1\n'),
      mode: 'replace',
      receivedAt: 2,
    });
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});

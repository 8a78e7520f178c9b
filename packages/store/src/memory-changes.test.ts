import { describeChangeFeedContract } from '../tests/contract/change-feed.contract';
import { MemoryMetricStore } from './memory-metric-store';

describeChangeFeedContract('MemoryMetricStore', async () => {
  const store = new MemoryMetricStore();
  return { store, cleanup: () => store.close() };
});

describe('MemoryMetricStore change feed', () => {
  it('hands out the stored groups without copying them', async () => {
    const store = new MemoryMetricStore();
    await store.push({ labels: { job: 'a' }, families: [], mode: 'replace', receivedAt: 1 });
    const feed = store.changeFeed();
    const reads: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      feed.restart();
      for await (const batch of (await feed.next()).changed)
        for (const g of batch) reads.push(g.read());
    }
    expect(reads[0]).toBe(reads[1]);
    feed.close();
    await store.close();
  });

  it('stops recording for a closed feed', async () => {
    const store = new MemoryMetricStore();
    const feed = store.changeFeed();
    await feed.next();
    feed.close();
    await store.push({ labels: { job: 'a' }, families: [], mode: 'replace', receivedAt: 1 });
    expect((feed as unknown as { dirty: Set<string> }).dirty.size).toBe(0);
    await store.close();
  });
});

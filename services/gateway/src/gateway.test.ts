import type { MetricStore } from '@pushgate/store';
import { MemoryMetricStore } from '@pushgate/store';
import { startTestGateway } from './testing/harness';

/** The memory store, with pushes held until `release()` and its calls recorded in order. */
class HeldStore implements MetricStore {
  readonly events: string[] = [];
  private readonly inner = new MemoryMetricStore();
  private releaseHeld: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.releaseHeld = resolve));
  pushStarted: Promise<void>;
  private markPushStarted: () => void = () => undefined;

  constructor() {
    this.pushStarted = new Promise((resolve) => (this.markPushStarted = resolve));
  }

  release(): void {
    this.releaseHeld();
  }

  async push(...args: Parameters<MetricStore['push']>): Promise<void> {
    this.markPushStarted();
    await this.held;
    await this.inner.push(...args);
    this.events.push('push applied');
  }
  delete = (...args: Parameters<MetricStore['delete']>) => this.inner.delete(...args);
  wipe = () => this.inner.wipe();
  getGroups = () => this.inner.getGroups();
  ready = () => this.inner.ready();
  async close(): Promise<void> {
    this.events.push('store closed');
    await this.inner.close();
  }
}

describe('Gateway.close', () => {
  it('lets an in-flight push finish, refuses new connections, then closes the store', async () => {
    const store = new HeldStore();
    const t = await startTestGateway([], { store });
    const push = fetch(`${t.url}/metrics/job/j`, { method: 'PUT', body: 'a 1\n' });
    await store.pushStarted;

    const closing = t.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${t.url}/-/healthy`)).rejects.toThrow();
    expect(store.events).toEqual([]);

    store.release();
    const res = await push;
    expect(res.status).toBe(200);
    await closing;
    expect(store.events).toEqual(['push applied', 'store closed']);
    await t.gw.closed;
  });

  it('is idempotent', async () => {
    const t = await startTestGateway();
    await Promise.all([t.close(), t.close()]);
    await t.close();
    await t.gw.closed;
  });
});

import { randomBytes } from 'node:crypto';
import {
  isMaintainable,
  MemoryMetricStore,
  RedisMetricStore,
  type MaintainableMetricStore,
  type MetricStore,
} from '@pushgate/store';

/**
 * The stores the TTL and snapshot suites run against. Each gives every gateway node its own
 * handle on shared data: the in-memory store is one object several in-process nodes share; the
 * Redis store is one RedisMetricStore per node on the same Redis and key prefix, as in a cluster.
 */
export interface StoreKind {
  name: string;
  /** Why this store cannot run the suites here; undefined when it can. */
  unavailable: string | undefined;
  open(): SharedStore;
}

export interface SharedStore {
  /** A handle for one more node (closing it does not affect the others). */
  node(): MaintainableMetricStore;
  /** Closes whatever is still open. */
  cleanup(): Promise<void>;
}

export const memoryKind: StoreKind = {
  name: 'in-memory store',
  unavailable: undefined,
  open() {
    const store = new MemoryMetricStore();
    return { node: () => unclosable(store), cleanup: () => store.close() };
  },
};

export const redisKind: StoreKind = {
  name: 'Redis store',
  unavailable: isMaintainable(RedisMetricStore.prototype as unknown as MetricStore)
    ? undefined
    : 'RedisMetricStore does not implement MaintainableMetricStore (sweepExpired, restoreGroups) yet',
  open() {
    const keyPrefix = `pgw-test-${randomBytes(6).toString('hex')}`;
    const opened: MetricStore[] = [];
    return {
      node() {
        const url = process.env.REDIS_URL;
        if (!url) throw new Error('REDIS_URL is not set (jest global setup spawns Redis)');
        const store = new RedisMetricStore({ redis: { url }, keyPrefix });
        opened.push(store);
        if (!isMaintainable(store)) throw new Error('not a MaintainableMetricStore');
        return store;
      },
      cleanup: async () => {
        await Promise.allSettled(opened.map((store) => store.close()));
      },
    };
  },
};

/**
 * Runs `suite` for every store kind; a kind that cannot run here is reported as a skipped test
 * whose title says why (and the reason is printed).
 */
export function describeForEachStore(title: string, suite: (kind: StoreKind) => void): void {
  for (const kind of [memoryKind, redisKind]) {
    describe(`${title} (${kind.name})`, () => {
      if (kind.unavailable === undefined) {
        suite(kind);
        return;
      }
      console.warn(`[pushgate tests] skipping "${title}" on the ${kind.name}: ${kind.unavailable}`);
      it.skip(`skipped: ${kind.unavailable}`, () => undefined);
    });
  }
}

/** `store` for one more in-process node: everything but close() goes through. */
function unclosable(store: MaintainableMetricStore): MaintainableMetricStore {
  return {
    push: (request) => store.push(request),
    delete: (labels) => store.delete(labels),
    wipe: () => store.wipe(),
    getGroups: () => store.getGroups(),
    ready: () => store.ready(),
    sweepExpired: (now, batch) => store.sweepExpired(now, batch),
    restoreGroups: (groups) => store.restoreGroups(groups),
    close: async () => undefined,
  };
}

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnRedis } from './redis-server';

/**
 * Integration tests get a real Redis: the one named by REDIS_URL if set, otherwise a
 * redis-server this run spawns on a free port (its pid is recorded for global-teardown).
 * Each test file still isolates itself with its own key prefix or its own server.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    console.log(`[pushgate tests] using Redis at REDIS_URL=${process.env.REDIS_URL}`);
    return;
  }
  const redis = await spawnRedis();
  process.env.REDIS_URL = redis.url;
  writeFileSync(
    join(tmpdir(), `pushgate-jest-redis-${process.pid}.pid`),
    String(redis.process.pid),
  );
  redis.process.unref();
  console.log(`[pushgate tests] spawned redis-server at ${redis.url}`);
}

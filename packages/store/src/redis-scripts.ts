import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';

/** Where the scripts live: `packages/store/lua`, next to both `src` (tests) and `dist` (build). */
const LUA_DIR = join(__dirname, '..', 'lua');
const INCLUDE = /^--- @include "([\w-]+)"$/gm;

/** Reads `lua/<name>.lua`, inlining every `--- @include "x"` with `lua/includes/x.lua`. */
export function loadLua(name: string): string {
  return readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8').replace(INCLUDE, (_, include: string) =>
    readFileSync(join(LUA_DIR, 'includes', `${include}.lua`), 'utf8'),
  );
}

/**
 * One Lua script, run with EVALSHA and re-sent with EVAL when the server does not know it
 * (NOSCRIPT: first use, or after a restart or failover), per node, as ioredis' own Script does.
 * Not registered with `defineCommand`, so a client the caller passes in is left untouched.
 */
export class RedisScript {
  readonly lua: string;
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly numberOfKeys: number,
  ) {
    this.lua = loadLua(name);
    this.sha = createHash('sha1').update(this.lua).digest('hex');
  }

  async run(
    client: Redis | Cluster,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) {
      throw new Error(`script ${this.name} takes ${this.numberOfKeys} keys, got ${keys.length}`);
    }
    try {
      return await client.evalsha(this.sha, this.numberOfKeys, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await client.eval(this.lua, this.numberOfKeys, ...keys, ...args);
    }
  }
}

/** The store's scripts, one per operation (see each file's header for KEYS, ARGV, results). */
export const SCRIPTS = {
  push: new RedisScript('push', 11),
  stage: new RedisScript('stage', 2),
  commit: new RedisScript('commit', 10),
  delete: new RedisScript('delete', 10),
  wipe: new RedisScript('wipe', 9),
  changesSince: new RedisScript('changes-since', 5),
  // Expiry and restore (src/redis-ttl.ts, src/redis-restore.ts).
  sweep: new RedisScript('sweep', 9),
  restore: new RedisScript('restore', 10),
  // Layout version check before a store's first operation (redis-metric-store.ts).
  layout: new RedisScript('layout', 2),
} as const;

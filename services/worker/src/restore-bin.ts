#!/usr/bin/env node
// `npm run snapshot:restore -- <file> [--wipe | --merge] [--redis.url=...]`: restores a snapshot
// into the cluster's store. Exit codes: 0 restored, 1 refused or failed (nothing changed when the
// file is refused), 2 bad command line.
import { parseArgs } from 'node:util';
import { readSnapshot, SnapshotError } from '@pushgate/store';
import { createWorkerLogger } from './logger';
import { RestoreRefusedError, restoreSnapshot, type RestoreMode } from './restore';
import { openRedisStore } from './store';

const USAGE = `usage: snapshot:restore <snapshot file> [--wipe | --merge] [--redis.url=URL] [--redis.key-prefix=PREFIX]

Restores a snapshot (a worker snapshot or a gateway's persistence file) into the Redis store.
The file is checked completely first: a truncated, corrupt or unknown-version file changes nothing.
By default the store must be empty; --wipe empties it first, --merge keeps its groups and adds
the snapshot's groups whose grouping keys are free. Groups whose TTL ran out are not restored.
Redis comes from --redis.url, PUSHGATE_REDIS_URL or REDIS_URL; the key prefix must be the gateways'.
`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        wipe: { type: 'boolean' },
        merge: { type: 'boolean' },
        'redis.url': { type: 'string' },
        'redis.key-prefix': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`snapshot:restore: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const url = values['redis.url'] ?? process.env.PUSHGATE_REDIS_URL ?? process.env.REDIS_URL;
  if (positionals.length !== 1 || (values.wipe && values.merge) || !url) {
    process.stderr.write(
      `snapshot:restore: ${!url ? 'no Redis: set --redis.url, PUSHGATE_REDIS_URL or REDIS_URL' : 'expected one snapshot file and at most one of --wipe, --merge'}\n${USAGE}`,
    );
    return 2;
  }
  const file = positionals[0] as string;
  const mode: RestoreMode = values.wipe ? 'wipe' : values.merge ? 'merge' : 'empty-only';
  // The whole file is checked before Redis is even contacted.
  let groups;
  try {
    groups = await readSnapshot(file);
  } catch (err) {
    if (!(err instanceof SnapshotError)) throw err;
    process.stderr.write(`snapshot:restore: refused: ${err.message}; nothing was changed\n`);
    return 1;
  }
  const logger = createWorkerLogger({ level: 'warn' });
  const store = await openRedisStore(url, values['redis.key-prefix'] ?? 'pushgate', logger);
  try {
    const result = await restoreSnapshot(store, groups, mode);
    const reasons = result.skipped.reduce<Record<string, number>>((counts, { reason }) => {
      counts[reason] = (counts[reason] ?? 0) + 1;
      return counts;
    }, {});
    process.stdout.write(
      `restored ${result.restored} of ${groups.length} group(s) from ${file}` +
        (result.skipped.length > 0 ? `; skipped: ${JSON.stringify(reasons)}` : '') +
        '\n',
    );
    return 0;
  } catch (err) {
    if (!(err instanceof RestoreRefusedError)) throw err;
    process.stderr.write(`snapshot:restore: refused: ${err.message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `snapshot:restore: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);

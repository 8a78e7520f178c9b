/**
 * One snapshot file: a point-in-time copy of every group, in the in-memory store's persistence
 * format (see persistence-format.ts: a versioned header, one JSON line per group, and a trailer
 * with the group count and a SHA-256 of everything before it). So the in-memory store's
 * persistence file is a snapshot, and a snapshot can serve as its persistence file.
 */
import { readFile, stat } from 'node:fs/promises';
import { groupId, type MetricGroup } from '@pushgate/core';
import { ConsistencyIndex, IndexConflictError } from './memory-index';
import { writeFileAtomic } from './persistence';
import { PersistenceCorruptError, PersistenceError } from './persistence-errors';
import { decodeSnapshot, encodeSnapshotStream } from './persistence-format';
import { SnapshotCorruptError, SnapshotError } from './snapshot-errors';

/**
 * Writes `groups` to `file` atomically (temporary file in the same directory, fsync, rename,
 * directory fsync): a reader, or a restore after a crash, sees the old file or the whole new one.
 * Returns the file's size. Throws SnapshotError.
 */
export async function writeSnapshot(
  file: string,
  groups: readonly MetricGroup[],
): Promise<{ bytes: number }> {
  try {
    await writeFileAtomic(file, encodeSnapshotStream(groups));
    return { bytes: (await stat(file)).size };
  } catch (err) {
    throw new SnapshotError(`cannot write snapshot ${file}: ${ioReason(err)}`, file, {
      cause: err,
    });
  }
}

/**
 * The groups of a snapshot file, after checking that it is complete, intact, of a known version,
 * and that its groups are consistent with each other (each grouping key once, each family of one
 * type, each series in one group). Throws SnapshotCorruptError when it is not, SnapshotError when
 * it cannot be read.
 */
export async function readSnapshot(file: string): Promise<MetricGroup[]> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new SnapshotError(`cannot read snapshot ${file}: ${ioReason(err)}`, file, { cause: err });
  }
  let groups: MetricGroup[];
  try {
    groups = decodeSnapshot(data, file);
  } catch (err) {
    if (!(err instanceof PersistenceCorruptError)) throw err;
    // The decoder words its reasons for the persistence file; keep the reason, name a snapshot.
    const reason = err.message.replace(`persistence file ${file} is unusable: `, '');
    throw new SnapshotCorruptError(`snapshot ${file} is unusable: ${reason}`, file, { cause: err });
  }
  const problem = consistencyProblem(groups);
  if (problem !== undefined)
    throw new SnapshotCorruptError(`snapshot ${file} is unusable: ${problem}`, file);
  return groups;
}

function consistencyProblem(groups: readonly MetricGroup[]): string | undefined {
  const index = new ConsistencyIndex();
  const seen = new Set<string>();
  for (const group of groups) {
    const id = groupId(group.labels);
    if (seen.has(id)) return `it holds group ${id} twice`;
    seen.add(id);
    try {
      index.update(id, undefined, group);
    } catch (err) {
      if (!(err instanceof IndexConflictError)) throw err;
      return `its groups are inconsistent: ${err.message}`;
    }
  }
  return undefined;
}

/** The operating system's reason, without the persistence wording of writeFileAtomic. */
function ioReason(err: unknown): string {
  const cause = err instanceof PersistenceError ? err.cause : err;
  // Not `instanceof Error`: errors of Node's own modules may come from another realm (jest).
  const message = (cause as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(cause);
}

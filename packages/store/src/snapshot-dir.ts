/**
 * The worker's snapshot directory: one file per snapshot tick, named after the tick so that a
 * retried tick rewrites its own file instead of adding one, and so that names sort by time:
 *
 *   pushgate-20261121T093904.139Z.snapshot
 *
 * Files whose names do not have that shape are never listed, read or deleted.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricGroup } from '@pushgate/core';
import { SnapshotError } from './snapshot-errors';
import { writeSnapshot } from './snapshot-file';

/** A snapshot in the directory. */
export interface SnapshotEntry {
  file: string;
  /** The tick it was taken for (Unix milliseconds). */
  tickMs: number;
}

const NAME = /^pushgate-(\d{8}T\d{6}\.\d{3}Z)\.snapshot$/;
/** What writeFileAtomic leaves behind when its process dies mid-write. */
const IN_PROGRESS = /^(pushgate-\d{8}T\d{6}\.\d{3}Z\.snapshot)\.in_progress\.[0-9a-f]+$/;

/** `2026-11-21T09:39:04.139Z` → `20261121T093904.139Z` (sortable, and safe in any file system). */
function stamp(tickMs: number): string {
  return new Date(tickMs).toISOString().replace(/[-:]/g, '');
}

function tickOf(stampText: string): number {
  const iso = stampText.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})/, '$1-$2-$3T$4:$5:');
  return Date.parse(iso);
}

export class SnapshotDirectory {
  constructor(readonly dir: string) {}

  /** The file of the snapshot for `tickMs`. */
  fileFor(tickMs: number): string {
    return join(this.dir, `pushgate-${stamp(tickMs)}.snapshot`);
  }

  /** Writes the snapshot of `tickMs` (replacing one of the same tick), creating the directory. */
  async write(
    tickMs: number,
    groups: readonly MetricGroup[],
  ): Promise<{ file: string; bytes: number }> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (err) {
      throw new SnapshotError(
        `cannot create snapshot directory ${this.dir}: ${(err as Error).message}`,
        this.dir,
        { cause: err },
      );
    }
    const file = this.fileFor(tickMs);
    return { file, ...(await writeSnapshot(file, groups)) };
  }

  /** The snapshots in the directory, oldest first; none when the directory does not exist. */
  async list(): Promise<SnapshotEntry[]> {
    return (await this.names())
      .flatMap((name) => {
        const m = NAME.exec(name);
        return m?.[1] === undefined ? [] : [{ file: join(this.dir, name), tickMs: tickOf(m[1]) }];
      })
      .sort((a, b) => a.tickMs - b.tickMs);
  }

  /** The newest snapshot, if any. */
  async latest(): Promise<SnapshotEntry | undefined> {
    return (await this.list()).at(-1);
  }

  /**
   * Deletes all but the newest `keep` snapshots, and the temporary files of writes that died
   * (those of ticks older than the newest snapshot: snapshot jobs never overlap, so nothing is
   * still writing them). Returns the deleted files.
   */
  async prune(keep: number): Promise<string[]> {
    const snapshots = await this.list();
    const newest = snapshots.at(-1)?.file;
    const doomed = snapshots.slice(0, Math.max(0, snapshots.length - keep)).map((s) => s.file);
    for (const name of await this.names()) {
      const target = IN_PROGRESS.exec(name)?.[1];
      if (target !== undefined && newest !== undefined && join(this.dir, target) < newest)
        doomed.push(join(this.dir, name));
    }
    for (const file of doomed) {
      try {
        await rm(file, { force: true });
      } catch (err) {
        throw new SnapshotError(
          `cannot delete old snapshot ${file}: ${(err as Error).message}`,
          file,
          {
            cause: err,
          },
        );
      }
    }
    return doomed;
  }

  private async names(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SnapshotError(
        `cannot list snapshot directory ${this.dir}: ${(err as Error).message}`,
        this.dir,
        { cause: err },
      );
    }
  }
}

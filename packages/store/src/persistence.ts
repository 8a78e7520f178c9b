/**
 * Upstream's `--persistence.file` / `--persistence.interval` for the in-memory store (spec §4.8):
 * the whole store is written at most once per interval after a change (the delay counting from
 * the previous write) and at close; it is read back at start.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { MetricGroup } from '@pushgate/core';
import { PersistenceError } from './persistence-errors';
import { decodeSnapshot, encodeSnapshotStream } from './persistence-format';

/** Time and timers, injectable so tests need not wait for real intervals. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` after `delayMs`; returns a function cancelling it. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

/** The real clock. Timers do not keep the process alive: close() does the final write. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface PersistenceOptions {
  /** Path of the persistence file; its directory must exist. */
  file: string;
  /** Minimum time between two writes, in milliseconds (upstream's default: 5 minutes). */
  intervalMs: number;
  /**
   * Called with the error of a write made by the timer (close() rejects instead). Without it
   * such errors are dropped; either way the write is retried one interval later.
   */
  onError?: (error: PersistenceError) => void;
}

/**
 * Reads the persistence file. A missing file is an empty store. Throws PersistenceError when the
 * file cannot be read and PersistenceCorruptError when it is not a complete, intact snapshot.
 */
export function readSnapshotFile(file: string): MetricGroup[] {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PersistenceError(
      `cannot read persistence file ${file}: ${(err as Error).message}`,
      file,
      { cause: err },
    );
  }
  return decodeSnapshot(data, file);
}

/**
 * Replaces `file` atomically: the data goes to `<file>.in_progress.<random>` in the same
 * directory (mode 0600), is fsynced, and is renamed over the file; the directory is then fsynced
 * so the rename survives a crash too. Readers see the old file or the new one, never a mix.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | AsyncIterable<Uint8Array>,
): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `${basename(file)}.in_progress.${randomBytes(8).toString('hex')}`);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      // writeFile writes all of a chunk (write() may not) from the current position on.
      if (data instanceof Uint8Array) await handle.writeFile(data);
      else for await (const chunk of data) await handle.writeFile(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    renamed = true;
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch (err) {
    if (!renamed) await rm(temp, { force: true });
    throw new PersistenceError(
      `cannot write persistence file ${file}: ${(err as Error).message}`,
      file,
      { cause: err },
    );
  }
}

/**
 * Decides when to write. The store calls changed() after every write. The snapshot (the list of
 * the store's groups, which are never mutated, only replaced) is taken synchronously when a write
 * starts, so it is a consistent state even though encoding it yields to the event loop; writes
 * never overlap.
 */
export class PersistenceScheduler {
  private version = 0;
  private persistedVersion = 0;
  private lastPersist: number;
  private cancelTimer: (() => void) | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly options: PersistenceOptions,
    private readonly clock: Clock,
    private readonly snapshot: () => readonly MetricGroup[],
    private readonly writeFile: (
      file: string,
      data: AsyncIterable<Uint8Array>,
    ) => Promise<void> = writeFileAtomic,
  ) {
    this.lastPersist = clock.now();
  }

  /** Records a change and schedules a write if none is pending. */
  changed(): void {
    this.version++;
    this.schedule();
  }

  /** Cancels the timer and writes the last changes, if any. Rejects with PersistenceError. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.flush();
  }

  private schedule(): void {
    if (this.closed || this.cancelTimer !== undefined || this.version === this.persistedVersion)
      return;
    const delay = Math.max(0, this.lastPersist + this.options.intervalMs - this.clock.now());
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.flush().then(
        () => this.schedule(),
        (err: PersistenceError) => {
          this.options.onError?.(err);
          this.schedule();
        },
      );
    }, delay);
  }

  /** Writes the current state unless it is already on disk; serialised with other writes. */
  private flush(): Promise<void> {
    const write = this.writing.then(async () => {
      if (this.version === this.persistedVersion) return;
      const version = this.version;
      const started = this.clock.now();
      try {
        await this.writeFile(this.options.file, encodeSnapshotStream(this.snapshot()));
        this.persistedVersion = version;
      } finally {
        this.lastPersist = started;
      }
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}

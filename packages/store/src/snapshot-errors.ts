/** Errors of snapshot files (the worker's `--snapshot.*`, `snapshot:restore`). */

/** A snapshot file or directory could not be read or written (I/O error). */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A file is not a complete, intact snapshot of a consistent store: truncated, altered, of an
 * unknown format or version, or holding groups that contradict each other. Nothing is restored
 * from it.
 */
export class SnapshotCorruptError extends SnapshotError {
  override name = 'SnapshotCorruptError';
}

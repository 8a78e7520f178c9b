/** Errors of the in-memory store's persistence file (`--persistence.file`). */

/** The persistence file could not be read or written (I/O error). */
export class PersistenceError extends Error {
  override name = 'PersistenceError';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The persistence file exists but does not hold a complete, intact snapshot (truncated, altered,
 * or not ours). The store then starts empty and leaves the file alone until its next write.
 */
export class PersistenceCorruptError extends PersistenceError {
  override name = 'PersistenceCorruptError';
}

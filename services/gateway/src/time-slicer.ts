import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Splits long work into slices: call `tick()` after every unit of work; once a slice has run for
 * `sliceMs`, it yields to the event loop (setImmediate), so requests waiting meanwhile (pushes)
 * are served between slices instead of after the whole job.
 */
export class TimeSlicer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** Resolves at once within a slice; after a yield to the event loop once the slice is used up. */
  async tick(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}

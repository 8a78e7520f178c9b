/**
 * Runs `task(0)`, `task(1)`, … on `concurrency` workers, each starting its next task as soon
 * as its previous one settles (a closed loop: offered load adapts to the server's speed).
 * `more(issued)` decides whether another task starts; tasks report their own failures.
 */
export async function runPool(
  concurrency: number,
  more: (issued: number) => boolean,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (more(issued)) await task(issued++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

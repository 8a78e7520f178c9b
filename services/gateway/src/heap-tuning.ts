import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived its last full collection, in
 * percent. V8's own factor is dynamic, up to 4× for a heap this size, and a node's largest
 * allocation burst is the cold load of a big store: at 50,000 groups it left the heap at ~420 MB
 * for ~150 MB of live objects, kept until the node idles. At 50 the same load leaves ~280 MB,
 * about 130 MB less RSS, at no measurable cost to pushes (docs/benchmarks.md, 4F). Set when the
 * process starts, so it applies to every collection; the flag given on node's command line wins
 * (Node refuses it in NODE_OPTIONS).
 */
export const HEAP_GROWING_PERCENT = 50;

export const HEAP_FLAG = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

const GIVEN = /^--heap[-_]growing[-_]percent(=|$)/;

/** Applies HEAP_FLAG unless the operator set the flag; returns whether it did. */
export function tuneHeap(
  execArgv: readonly string[] = process.execArgv,
  apply: (flags: string) => void = setFlagsFromString,
): boolean {
  if (execArgv.some((arg) => GIVEN.test(arg))) return false;
  apply(HEAP_FLAG);
  return true;
}

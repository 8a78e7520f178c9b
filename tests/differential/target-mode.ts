/**
 * Which Pushgate the differential suite compares with upstream, from PUSHGATE_DIFF_TARGET:
 * - unset: one Pushgate node (in-memory store);
 * - `cluster`: 3 nodes on one Redis behind the repository's nginx.conf (`npm test` runs both);
 * - `upstream`: upstream against upstream, where every comparison must hold (which shows the suite
 *   compares only what is deterministic), and deliberate differences assert upstream's behaviour on
 *   both sides.
 */
export const SELF_CHECK = process.env.PUSHGATE_DIFF_TARGET === 'upstream';
export const CLUSTER = process.env.PUSHGATE_DIFF_TARGET === 'cluster';

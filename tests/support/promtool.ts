import { spawnSync } from 'node:child_process';

export const PROMTOOL = '/usr/bin/promtool';

/**
 * Fails unless `promtool check metrics` (the real Prometheus tool) can parse `text`.
 *
 * promtool reports two kinds of findings, and they are told apart like this (promtool 2.42):
 * - parse errors: exit 1 and `error while linting: text format parsing error in line N: ...` —
 *   Prometheus could not ingest such a scrape, so they fail the test;
 * - lint findings: exit 3 and one `name: problem` line each (`no help text`, counters without
 *   `_total`, ...) — those describe the pushed data, which is the pusher's business, so they are
 *   returned, not asserted.
 */
export function assertPromtoolAccepts(text: string | Buffer): string[] {
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], {
    input: text,
    encoding: 'utf8',
    timeout: 30000,
  });
  if (run.error) throw new Error(`could not run ${PROMTOOL}: ${run.error.message}`);
  const output = `${run.stdout}${run.stderr}`.trim();
  if (run.status === 0) return [];
  if (run.status === 3 && !output.includes('error while linting')) return output.split('\n');
  throw new Error(
    `promtool check metrics rejected the scrape (exit ${run.status ?? run.signal}):\n${output}\n--- scrape ---\n${String(text)}`,
  );
}

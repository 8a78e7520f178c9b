import { assertPromtoolAccepts } from '../support/promtool';
import { groupView, scrape, type GroupViewOptions } from './scrape';

export interface ExpectJobOptions extends GroupViewOptions {
  /**
   * Retry for a moment until the view matches. Only for after a DELETE: it answers 202 Accepted,
   * and upstream applies it from a queue, so the contract is "soon", not "before the response".
   */
  eventually?: boolean;
}

/**
 * Scrapes the gateway, requires `promtool check metrics` to accept the whole scrape without lint
 * findings (client libraries only produce lint-clean metrics, and so does the gateway itself),
 * and compares what the scrape shows for `job` with `expected`, line by line.
 */
export async function expectJobScrape(
  baseUrl: string,
  job: string,
  expected: string[],
  opts: ExpectJobOptions = {},
): Promise<void> {
  const deadline = Date.now() + (opts.eventually ? 3000 : 0);
  for (;;) {
    const text = await scrape(baseUrl);
    const view = groupView(text, job, opts);
    const matches = JSON.stringify(view) === JSON.stringify(expected);
    if (matches || Date.now() >= deadline) {
      expect(assertPromtoolAccepts(text)).toEqual([]);
      expect(view).toEqual(expected);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Scrape helpers for the client tests. They compare rendered text line by line on purpose: what a
 * client test has to pin is the wire output Prometheus reads (family order, label order, `le` and
 * `quantile` last, Go float formatting, HELP/TYPE lines), not a parsed model of it.
 */

/** GETs `/metrics` as Prometheus would and returns the text; fails on anything but 200 text 0.0.4. */
export async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`, {
    headers: { Accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${text}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain; version=0.0.4')) {
    throw new Error(`GET /metrics answered Content-Type "${type}", want text/plain; version=0.0.4`);
  }
  return text;
}

/** Stands in for values that change every run (push times, Python's `_created` gauges). */
export const TIMESTAMP = '<timestamp>';

export interface GroupViewOptions {
  /** Sample names whose value is a Unix time of this run; rendered as `<timestamp>`. */
  volatile?: (sampleName: string) => boolean;
}

const defaultVolatile = (name: string): boolean => name === 'push_time_seconds';

/**
 * The part of a scrape that belongs to one job: every family with at least one series labelled
 * `job="<job>"`, as its `# HELP`/`# TYPE` lines followed by just those series, in scrape order.
 * Volatile values become `<timestamp>` once checked to be a plausible Unix time of this run.
 */
export function groupView(text: string, job: string, opts: GroupViewOptions = {}): string[] {
  const volatile = opts.volatile ?? defaultVolatile;
  const jobLabel = `job="${job.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  const inJob = (line: string): boolean =>
    [`{${jobLabel},`, `,${jobLabel},`, `,${jobLabel}}`, `{${jobLabel}}`].some((f) =>
      line.includes(f),
    );

  const view: string[] = [];
  let family = '';
  let header: string[] = [];
  let samples: string[] = [];
  const flush = (): void => {
    if (samples.length > 0) view.push(...header, ...samples);
    header = [];
    samples = [];
  };

  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (meta) {
      if (meta[2] !== family) flush();
      family = meta[2] ?? '';
      header.push(line);
    } else if (line !== '' && !line.startsWith('#') && inJob(line)) {
      samples.push(normalise(line, volatile));
    }
  }
  flush();
  return view;
}

function normalise(line: string, volatile: (name: string) => boolean): string {
  const name = /^[^{ ]+/.exec(line)?.[0] ?? '';
  if (!volatile(name)) return line;
  const cut = line.lastIndexOf(' ');
  const value = Number(line.slice(cut + 1));
  const nowSeconds = Date.now() / 1000;
  // Within the last hour, allowing for clock granularity: anything else is a wrong value, not noise.
  if (!(value > nowSeconds - 3600 && value <= nowSeconds + 5)) {
    throw new Error(`${name} should be a Unix time of this run, got: ${line}`);
  }
  return `${line.slice(0, cut)} ${TIMESTAMP}`;
}

/** Splits a template literal of expected lines, ignoring indentation and blank lines. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * Push URLs for a grouping key, written the way a careful client writes them: a value that
 * is empty or contains `/` can't go into a plain path segment (upstream percent-decodes before
 * routing, so `%2F` splits the path), so it goes base64url-encoded under `<name>@base64`.
 */

function segment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/'))
    return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/** `/metrics/job/<job>{/<name>/<value>}` for the given job and extra grouping labels. */
export function groupingPath(
  job: string,
  labels: ReadonlyArray<readonly [string, string]> = [],
): string {
  if (job === '') throw new RangeError('job must not be empty');
  return '/metrics/' + [segment('job', job), ...labels.map(([n, v]) => segment(n, v))].join('/');
}

/**
 * Resolves `path` under the base URL, keeping any route prefix the base carries
 * (`http://h:1/pg` + `/metrics` -> `http://h:1/pg/metrics`).
 */
export function endpoint(base: URL, path: string): URL {
  const url = new URL(base.href);
  url.pathname = base.pathname.replace(/\/+$/, '') + path;
  url.search = '';
  return url;
}

/**
 * The bits of Go's net/url and net/http that decide what a client sees before any handler runs.
 *
 * Paths here are "byte strings": each char is one byte of the percent-decoded path (char code
 * 0–255), so bytes that are not UTF-8 (`%FF`) survive routing untouched and are judged later by
 * the grouping-key rules, as upstream does.
 */

/** Go's `cleanPath` in net/http: path.Clean, but a trailing slash is kept. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  if (!p.startsWith('/')) p = `/${p}`;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  let np = `/${out.join('/')}`;
  if (p.endsWith('/') && np !== '/') np += '/';
  return np;
}

const KEEP_IN_PATH = /^[A-Za-z0-9\-_.~$&+,/:;=@]$/;

/** Go's `url.URL.EscapedPath` for a path without a raw form: what ends up in `Location`. */
export function escapePath(bytes: string): string {
  let out = '';
  for (const c of bytes) {
    out += KEEP_IN_PATH.test(c)
      ? c
      : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/** Go's `html.EscapeString` equivalent used by `http.Redirect`. */
export function goHtmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

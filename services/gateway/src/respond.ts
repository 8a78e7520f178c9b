import type { ServerResponse } from 'node:http';

/**
 * Response writers that reproduce what upstream's Go handlers put on the wire, header for
 * header, so clients (and diffs against upstream) see the same thing.
 */

/** Go's `http.Error`: text/plain, nosniff, message plus newline. */
export function sendGoError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(res, status, `${message}\n`, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  });
}

/** A plain `w.Write` of text (Go sniffs it as text/plain), without the newline http.Error adds. */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(res, status, body, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
}

/** A status without a body and without Content-Type (push 200/202, delete 202, OPTIONS). */
export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(res, status, '', headers);
}

/** Sends a complete response with an exact Content-Length. */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Readonly<Record<string, string>>,
): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.end(body);
}

/**
 * JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped (they can only
 * occur inside strings, so replacing them in the output is safe). Key order is the caller's.
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

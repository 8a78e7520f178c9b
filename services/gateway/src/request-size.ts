import type { IncomingMessage } from 'node:http';

/**
 * client_golang's `computeApproximateRequestSize`, which upstream's push-size summary observes:
 * request URI, method, protocol, header names and values (Host separately), plus the body
 * bytes received.
 */
export function approximateRequestSize(req: IncomingMessage, bodyBytes: number): number {
  let size = (req.url ?? '').length + (req.method ?? '').length + `HTTP/${req.httpVersion}`.length;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    size += name.toLowerCase() === 'host' ? value.length : name.length + value.length;
  }
  return size + bodyBytes;
}

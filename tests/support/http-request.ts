import { request } from 'node:http';

export interface HttpRequest {
  method: string;
  /** Sent verbatim as the request target: no normalisation of `//`, `/./` or percent escapes. */
  path: string;
  headers?: Readonly<Record<string, string>>;
  /** When set (even empty) it is sent with an explicit Content-Length; when absent, no body at all. */
  body?: string | Buffer;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, ` as Node does. */
  headers: Readonly<Record<string, string>>;
  /** The bytes as received: never decompressed. */
  body: Buffer;
}

/**
 * One HTTP/1.1 request over a fresh connection. node:http rather than fetch: fetch (undici)
 * resolves the URL first, which collapses `//`, `/./` and re-encodes some escapes, and so would
 * hide exactly the routing behaviour the differential suite compares. It also decompresses
 * bodies, which the suite wants to see raw.
 */
export function httpRequest(
  baseUrl: string,
  req: HttpRequest,
  timeoutMs = 10000,
): Promise<HttpResponse> {
  const base = new URL(baseUrl);
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${req.method} ${req.path}: no response within ${timeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/** One HTTP exchange, timed from just before the request is written to the last body byte. */
export interface TimedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Body bytes as received on the wire (compressed ones when the server compressed). */
  bytes: number;
  /** Start to response headers. */
  ttfbSeconds: number;
  /** Start to the last body byte. */
  seconds: number;
  /** The body, if `keepBody` asked for it. */
  body: Buffer | undefined;
}

export interface TimedRequestOptions {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  agent: Agent;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Keep the body: always, only for non-2xx answers (for error reports), or never. */
  keepBody?: 'always' | 'non-2xx' | 'never';
  /** Sees every body chunk as it arrives (streaming counters), with the response headers. */
  onChunk?: (chunk: Buffer, headers: IncomingHttpHeaders) => void;
  /** Socket inactivity limit; a stuck server must fail the run, not hang it. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Raised when the server stays silent for longer than `timeoutMs`. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly code = 'ETIMEDOUT';
}

/** A keep-alive agent: every request in a run reuses up to `sockets` connections. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;

/** Sends one request and resolves once the whole body has been read. Rejects on I/O errors only. */
export function timedRequest(url: URL, opts: TimedRequestOptions): Promise<TimedResponse> {
  const payload = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const headers: Record<string, string> = { ...opts.headers };
  if (payload) headers['Content-Length'] = String(payload.length);
  const keep = opts.keepBody ?? 'non-2xx';

  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = request(
      url,
      { method: opts.method, agent: opts.agent, headers, signal: opts.signal },
      (res) => {
        const ttfbSeconds = seconds(start);
        const status = res.statusCode ?? 0;
        const keepThis =
          keep === 'always' || (keep === 'non-2xx' && (status < 200 || status > 299));
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (keepThis) chunks.push(chunk);
          opts.onChunk?.(chunk, res.headers);
        });
        res.on('error', reject);
        res.on('end', () => {
          resolve({
            status,
            headers: res.headers,
            bytes,
            ttfbSeconds,
            seconds: seconds(start),
            body: keepThis ? Buffer.concat(chunks) : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    if (opts.timeoutMs)
      req.setTimeout(opts.timeoutMs, () =>
        req.destroy(new RequestTimeoutError(`no data for ${opts.timeoutMs} ms`)),
      );
    req.end(payload);
  });
}

/** A short label for a failed exchange: the errno code when there is one. */
export function errorKind(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ?? err.name;
  }
  return String(err);
}

/** True for a 2xx status. */
export const ok = (status: number): boolean => status >= 200 && status <= 299;

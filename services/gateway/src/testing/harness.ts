// Test support for the gateway's handler tests (excluded from the build).
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { createGateway, type Gateway, type GatewayDeps } from '../gateway';
import { loadConfig } from '../config';
import { createLogger } from '../logger';

/** Log records a test gateway wrote, parsed. */
export type LogRecord = Record<string, unknown> & { level: string; msg: string };

export interface TestGateway {
  gw: Gateway;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  logs: LogRecord[];
  /** Sends a request with the target exactly as given (no URL normalisation on the way). */
  raw(method: string, target: string, opts?: RawOptions): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface RawOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** A fixed clock for tests that look at push times: 1700000000.123456 s, then +1 s per call. */
export function steppingClock(start = 1_700_000_000.123456): () => number {
  let t = start - 1;
  return () => (t += 1);
}

/**
 * Starts a gateway on 127.0.0.1 with a free port, the given flags, a real in-memory store (unless
 * `deps.store` says otherwise) and a logger that records into `logs`.
 */
export async function startTestGateway(
  argv: string[] = [],
  deps: GatewayDeps = {},
): Promise<TestGateway> {
  const logs: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  const config = loadConfig(['--web.listen-address=127.0.0.1:0', ...argv]);
  const gw = await createGateway(config, {
    logger: createLogger({ level: 'debug', format: 'json', destination: sink }),
    ...deps,
  });
  const { url } = await gw.listen();
  return {
    gw,
    url,
    logs,
    raw: (method, target, opts) => rawRequest(url, method, target, opts),
    close: () => gw.close(),
  };
}

/** One HTTP request on a fresh connection, target sent verbatim. */
export function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  opts: RawOptions = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, method, path: target, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

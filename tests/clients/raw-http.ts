import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/**
 * Writes `request` to a fresh TCP connection exactly as given and reads one HTTP/1.1 response.
 *
 * Replaying captured client requests through fetch or http.request would add and reorder headers;
 * this sends the client's bytes untouched. The response side only needs what a gateway sends:
 * a Content-Length or chunked body (or a body ended by close).
 */
export function sendRaw(address: string, request: Buffer, timeoutMs = 10000): Promise<RawResponse> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | undefined, res?: RawResponse): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else if (res) resolve(res);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(new Error(`no complete response from ${address} within ${timeoutMs} ms`)),
    );
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const res = parseResponse(received, false);
        if (res) finish(undefined, res);
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('end', () => {
      try {
        const res = parseResponse(received, true);
        finish(
          res
            ? undefined
            : new Error(
                `connection closed before a complete response: ${received.toString('latin1')}`,
              ),
          res,
        );
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
}

/** Returns the response once `data` holds all of it, undefined while more is needed. */
function parseResponse(data: Buffer, closed: boolean): RawResponse | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = data
    .subarray(0, headEnd)
    .toString('latin1')
    .split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) throw new Error(`not an HTTP/1.x status line: ${statusLine}`);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rest = data.subarray(headEnd + 4);
  const result = (body: Buffer): RawResponse => ({ status: Number(status[1]), headers, body });

  const length = headers.get('content-length');
  if (length !== undefined) {
    return rest.length >= Number(length) ? result(rest.subarray(0, Number(length))) : undefined;
  }
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    const body = dechunk(rest);
    return body ? result(body) : undefined;
  }
  return closed ? result(rest) : undefined;
}

/** Decodes a complete chunked body, or returns undefined if the final chunk hasn't arrived. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', pos);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(pos, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunk size');
    const start = lineEnd + 2;
    if (size === 0) return data.indexOf('\r\n', start) >= 0 ? Buffer.concat(parts) : undefined;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    pos = start + size + 2;
  }
}

import type { IncomingMessage } from 'node:http';
import { constants, gunzip } from 'node:zlib';

/** The body (after decompression) is larger than `--push.max-body-bytes` (413). */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body exceeds the limit of ${limit} bytes (--push.max-body-bytes)`);
  }
}

/** The body cannot be decoded per its Content-Encoding; the message is Go's wording (400). */
export class BodyDecodeError extends Error {
  override name = 'BodyDecodeError';
}

/** The client went away before sending the whole body; nobody is left to answer. */
export class BodyAbortedError extends Error {
  override name = 'BodyAbortedError';
}

export interface ReadBody {
  /** Decoded body. */
  body: Buffer;
  /** Bytes received on the wire (before decompression). */
  wireBytes: number;
  /**
   * The gzip stream ended early (cut off in the data or the trailer); `body` holds what could be
   * decompressed. Whether that is acceptable depends on the format (see decodePushBody).
   */
  truncated: boolean;
}

/**
 * Reads a request body, bounded by `maxBytes` both on the wire and after decompression (so a
 * gzip bomb stops at the limit instead of filling memory).
 *
 * Content-Encoding: `gzip` (any case: upstream 1.5.1 only knew lower case, later versions
 * lower-case the header first, and nobody means anything else by `GZIP`) is decompressed,
 * concatenated members included; any other value is ignored and the body taken as is, as
 * upstream does. A zero-length body is an empty body whatever its Content-Encoding claims:
 * upstream answers `400 EOF` there, which only ever bites clients that label every request.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const wire = await collect(req, maxBytes);
  if (wire.length === 0 || !isGzip(req.headers['content-encoding'])) {
    return { body: wire, wireBytes: wire.length, truncated: false };
  }
  return { ...(await gunzipBounded(wire, maxBytes)), wireBytes: wire.length };
}

function isGzip(header: string | undefined): boolean {
  return header !== undefined && header.trim().toLowerCase() === 'gzip';
}

function collect(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading; the 413 goes out with `Connection: close`, which discards the rest.
        req.pause();
        settle(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle();
    const onError = (err: Error) => settle(new BodyAbortedError(err.message));
    const onClose = () => {
      if (!req.complete)
        settle(new BodyAbortedError('client closed the connection before the body was complete'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

async function gunzipBounded(
  wire: Buffer,
  maxBytes: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  // Go's gzip.Reader reads the 10-byte header first, and words its complaints accordingly.
  if (wire.length < 10) throw new BodyDecodeError('unexpected EOF');
  if (wire[0] !== 0x1f || wire[1] !== 0x8b || wire[2] !== 8)
    throw new BodyDecodeError('gzip: invalid header');
  try {
    return { body: await gunzipAsync(wire, maxBytes, false), truncated: false };
  } catch (err) {
    if ((err as { code?: string }).code !== 'Z_BUF_ERROR')
      throw translateZlibError(err as Error, maxBytes);
  }
  // Cut off: decompress what is there (a sync flush instead of a finish does not insist on the end).
  try {
    return { body: await gunzipAsync(wire, maxBytes, true), truncated: true };
  } catch (err) {
    throw translateZlibError(err as Error, maxBytes);
  }
}

function gunzipAsync(wire: Buffer, maxBytes: number, partial: boolean): Promise<Buffer> {
  const options = {
    maxOutputLength: maxBytes,
    ...(partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}),
  };
  return new Promise((resolve, reject) => {
    gunzip(wire, options, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

/** Node's zlib errors in the words Go's compress/gzip uses for the same problem. */
function translateZlibError(err: Error & { code?: string }, maxBytes: number): Error {
  switch (err.code) {
    case 'ERR_BUFFER_TOO_LARGE':
      return new BodyTooLargeError(maxBytes);
    case 'Z_BUF_ERROR':
      return new BodyDecodeError('unexpected EOF');
    default:
      if (/header check/.test(err.message)) return new BodyDecodeError('gzip: invalid header');
      if (/(data|length) check/.test(err.message))
        return new BodyDecodeError('gzip: invalid checksum');
      return new BodyDecodeError(`flate: corrupt input: ${err.message}`);
  }
}

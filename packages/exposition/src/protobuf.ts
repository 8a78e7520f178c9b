/**
 * The delimited protobuf exposition format: a stream of `io.prometheus.client.MetricFamily`
 * messages, each prefixed with its length as a varint.
 */
import { BufferWriter, Reader } from 'protobufjs';
import { ProtobufParseError } from './errors';
import { familyFromMessage, familyToMessage, type PbMetricFamily } from './protobuf-model';
import { MetricFamilyType } from './protobuf-schema';
import type { MetricFamily } from './types';

/** Default cap on the declared size of one message (not on the whole body). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface DecodeOptions {
  /**
   * Largest single message accepted, in bytes. Upstream has no limit; the HTTP body limit bounds
   * the stream, this bounds one family, whose decoded form costs several times its wire size.
   */
  maxMessageBytes?: number;
}

// Upstream 1.5.1 (pbutil.ReadDelimited) gives up on a length prefix after 5 bytes, the size of
// the largest varint32.
const MAX_PREFIX_BYTES = 5;

/**
 * Decodes a delimited protobuf body into families. Several messages with the same family name:
 * the last one wins (upstream stores them in a map by name); its position is that of the first.
 * An empty body is no families.
 *
 * Throws ProtobufParseError, and only that: `unexpected EOF` for any truncation (a prefix or a
 * message cut short, or a field running past its message), otherwise Go's wording where there is
 * one (`proto: can't skip unknown wire type 7`, `invalid varint32 encountered`, ...).
 */
export function decodeDelimited(body: Uint8Array, options: DecodeOptions = {}): MetricFamily[] {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  // protobufjs decodes strings fastest from a Buffer; wrapping does not copy.
  const buffer = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const reader = Reader.create(buffer);
  const byName = new Map<string, MetricFamily>();
  let pos = 0;
  while (pos < buffer.length) {
    const { length, next } = readLengthPrefix(buffer, pos);
    if (length > buffer.length - next) throw new ProtobufParseError('unexpected EOF');
    if (length > maxMessageBytes) {
      // protodelim's SizeTooLargeError wording.
      throw new ProtobufParseError(
        `message size ${length} exceeded unmarshaler's maximum configured size ${maxMessageBytes}`,
      );
    }
    reader.pos = next;
    const family = familyFromMessage(decodeMessage(reader, length));
    byName.set(family.name, family);
    pos = next + length;
  }
  return [...byName.values()];
}

function readLengthPrefix(body: Uint8Array, start: number): { length: number; next: number } {
  let length = 0;
  let scale = 1;
  for (let i = 0; i < MAX_PREFIX_BYTES; i++) {
    const pos = start + i;
    // 1.5.1 silently ends the stream here; HEAD (protodelim) reports the truncation, which is
    // what a client cut off mid-body deserves.
    if (pos >= body.length) throw new ProtobufParseError('unexpected EOF');
    const byte = body[pos] as number;
    // Arithmetic rather than bit operations: a 5-byte prefix can exceed 2^32 and must then fail
    // the size checks instead of wrapping around.
    length += (byte & 0x7f) * scale;
    if (byte < 0x80) return { length, next: pos + 1 };
    scale *= 128;
  }
  throw new ProtobufParseError('invalid varint32 encountered');
}

function decodeMessage(reader: Reader, length: number): PbMetricFamily {
  try {
    return MetricFamilyType.decode(reader, length) as unknown as PbMetricFamily;
  } catch (err) {
    throw asParseError(err);
  }
}

/** Maps protobufjs' errors to what Go's unmarshaller reports for the same input. */
function asParseError(err: unknown): ProtobufParseError {
  if (err instanceof ProtobufParseError) return err;
  // A read past the end of the message: a field or a nested message cut short.
  if (err instanceof RangeError) return new ProtobufParseError('unexpected EOF');
  const message = err instanceof Error ? err.message : String(err);
  const wireType = /^invalid wire type (\d+)/.exec(message);
  if (wireType) return new ProtobufParseError(`proto: can't skip unknown wire type ${wireType[1]}`);
  // An over-long varint or an unterminated group both run to the end of the data in Go's decoder.
  if (message === 'invalid varint encoding' || message === 'missing end group') {
    return new ProtobufParseError('unexpected EOF');
  }
  // Go skips groups without matching field numbers and trips over the stray end-group tag.
  if (message === 'invalid end group tag') {
    return new ProtobufParseError("proto: can't skip unknown wire type 4");
  }
  if (message.startsWith('illegal tag')) return new ProtobufParseError('proto: illegal tag 0');
  return new ProtobufParseError(`proto: ${message}`);
}

/** Encodes families as a delimited protobuf stream, the inverse of decodeDelimited. */
export function encodeDelimited(families: readonly MetricFamily[]): Buffer {
  const writer = new BufferWriter();
  for (const family of families) MetricFamilyType.encodeDelimited(familyToMessage(family), writer);
  const out = writer.finish();
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

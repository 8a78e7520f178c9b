import {
  type MetricFamily,
  TextParseError,
  decodeDelimited,
  isDelimitedProtobuf,
  parseText,
} from '@pushgate/exposition';
import { BodyDecodeError, type ReadBody } from '../body';

/**
 * The families of a push body: delimited protobuf when the Content-Type says so, else text 0.0.4.
 *
 * A gzip stream that ends early is judged as upstream 1.5.1 does, whose parsers read the stream
 * as it is decompressed: the text parser takes a read error at the start of a line for the end of
 * the input, so complete lines are accepted (a gzip body that lost its CRC trailer still works),
 * while a line cut in the middle fails with `unexpected EOF`; the protobuf reader always fails.
 */
export function decodePushBody(read: ReadBody, contentType: string | undefined): MetricFamily[] {
  if (isDelimitedProtobuf(contentType)) {
    const families = decodeDelimited(read.body);
    if (read.truncated) throw new BodyDecodeError('unexpected EOF');
    return families;
  }
  if (!read.truncated) return parseText(read.body);
  try {
    return parseText(read.body);
  } catch (err) {
    if (err instanceof TextParseError && err.detail === 'unexpected end of input stream') {
      throw new BodyDecodeError('unexpected EOF');
    }
    throw err;
  }
}

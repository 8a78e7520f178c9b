/**
 * Every error a codec in this package throws on bad input is an ExpositionParseError, whose
 * message is the exact text upstream puts in its 400 body (no trailing newline).
 * Anything else escaping a parser is a bug.
 */
export class ExpositionParseError extends Error {
  override name = 'ExpositionParseError';
}

/** Text format 0.0.4: message is `text format parsing error in line N: <detail>`. */
export class TextParseError extends ExpositionParseError {
  override name = 'TextParseError';
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`text format parsing error in line ${line}: ${detail}`);
  }
}

/** Delimited protobuf: message is Go's error text, e.g. `unexpected EOF`. */
export class ProtobufParseError extends ExpositionParseError {
  override name = 'ProtobufParseError';
}

import {
  GroupingKeyError,
  InvalidTtlError,
  PushRejectedError,
  SelectorParseError,
} from '@pushgate/core';
import { ExpositionParseError } from '@pushgate/exposition';
import { StoreUnavailableError } from '@pushgate/store';
import { BodyAbortedError, BodyDecodeError, BodyTooLargeError } from './body';

/** How an error is answered and logged. The one mapping from errors to HTTP in the gateway. */
export interface ErrorReply {
  status: number;
  /** What the client reads (upstream's exact text for the 400s); never internals. */
  message: string;
  headers: Readonly<Record<string, string>>;
  /** Log level: client mistakes at warn, our failures at error, nobody-listening at debug. */
  level: 'debug' | 'warn' | 'error';
}

/** The answer for anything a handler throws. */
export function toErrorReply(err: unknown): ErrorReply {
  if (
    err instanceof GroupingKeyError ||
    err instanceof ExpositionParseError ||
    err instanceof PushRejectedError ||
    err instanceof InvalidTtlError ||
    err instanceof SelectorParseError ||
    err instanceof BodyDecodeError
  ) {
    return { status: 400, message: err.message, headers: {}, level: 'warn' };
  }
  if (err instanceof BodyTooLargeError) {
    // The rest of the body is left unread: closing is the only way to get rid of it.
    return { status: 413, message: err.message, headers: { Connection: 'close' }, level: 'warn' };
  }
  if (err instanceof BodyAbortedError) {
    return { status: 400, message: err.message, headers: { Connection: 'close' }, level: 'debug' };
  }
  if (err instanceof StoreUnavailableError) {
    return {
      status: 503,
      message: 'metric store unavailable, try again later',
      headers: { 'Retry-After': '1' },
      level: 'error',
    };
  }
  return { status: 500, message: 'internal server error', headers: {}, level: 'error' };
}

// Public surface of @pushgate/exposition: pure codecs for the Prometheus exposition formats.
export * from './types';
export * from './errors';
export * from './names';
export { parseText } from './parse-text';
export {
  decodeDelimited,
  encodeDelimited,
  DEFAULT_MAX_MESSAGE_BYTES,
  type DecodeOptions,
} from './protobuf';
export { renderText, renderTextChunks, DEFAULT_CHUNK_CHARS, TextRenderError } from './render-text';
export { renderProtoText } from './render-proto-text';
export { normalizeFamilies, compareMetrics, compareBytes } from './normalize';
export { formatGoFloat, formatGoFloatSigned, parseGoFloat } from './go-float';
export {
  TEXT_CONTENT_TYPE,
  PROTOBUF_DELIMITED_CONTENT_TYPE,
  SCRAPE_CONTENT_TYPES,
  isDelimitedProtobuf,
  negotiateScrapeFormat,
  type ScrapeFormat,
} from './content-type';

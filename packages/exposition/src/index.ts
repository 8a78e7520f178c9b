// Public surface of @pushgate/exposition: pure codecs for the Prometheus exposition formats.
export * from './types';
export * from './errors';
export * from './names';
export { parseText } from './parse-text';
export { decodeDelimited, encodeDelimited } from './protobuf';
export { renderText } from './render-text';
export { normalizeFamilies, compareMetrics } from './normalize';
export { formatGoFloat, parseGoFloat } from './go-float';
export {
  TEXT_CONTENT_TYPE,
  PROTOBUF_DELIMITED_CONTENT_TYPE,
  isDelimitedProtobuf,
  negotiateScrapeFormat,
  type ScrapeFormat,
} from './content-type';

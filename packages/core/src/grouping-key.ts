/**
 * The grouping key of the push path (`/metrics/job/<JOB>{/<LABEL_NAME>/<LABEL_VALUE>}`), parsed
 * as upstream's push handler and splitLabels do, with upstream's error messages and check order.
 */
import { isReservedLabelName, isValidLabelName } from '@pushgate/exposition';
import { decodeBase64Url } from './base64url';
import { decodeUtf8Bytes, encodeUtf8Bytes } from './bytes';
import { GroupingKeyError } from './errors';
import { goQuoteBytes } from './go-quote';
import type { GroupingLabels } from './model';

const BASE64_SUFFIX = '@base64';
const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Percent-decodes a raw URL path as Go's net/url does for `URL.Path`: `%XX` becomes the byte XX
 * (so `%2F` becomes a path separator before routing, as upstream routes on the decoded path) and
 * `+` stays literal. Returns a byte string (one char per byte; characters above U+00FF in the
 * input are taken as their UTF-8 bytes), or undefined for a malformed escape such as `%ZZ` or a
 * trailing `%2`, which Go's server answers with `400 Bad Request` before any handler runs.
 */
export function decodePathBytes(rawPath: string): string | undefined {
  const raw = /[^\x00-\xff]/.test(rawPath) ? encodeUtf8Bytes(rawPath) : rawPath;
  if (!raw.includes('%')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c !== '%') {
      out += c;
      continue;
    }
    const digits = raw.slice(i + 1, i + 3);
    if (!HEX.test(digits)) return undefined;
    out += String.fromCharCode(parseInt(digits, 16));
    i += 2;
  }
  return out;
}

/**
 * Builds the grouping key of a push or delete from the routed path parts.
 *
 * `job` is the decoded path segment after `/metrics/job/` (or `/metrics/job@base64/`, then
 * `jobBase64` is true) and `labelsPath` the decoded rest of the path, '' or starting with '/'.
 * Both are byte strings (see decodePathBytes). Returns job plus the path's label pairs with
 * values decoded from UTF-8.
 *
 * Throws GroupingKeyError with upstream's message, checking in upstream's order: the job's base64,
 * then the label pairs left to right (odd count, improper name, label base64), then an empty job.
 * Unlike upstream, a value that is not valid UTF-8 (`%FF`, `@base64/_w`) is refused here too:
 * upstream accepts it and then stores a group that breaks every later push and scrape.
 */
export function parseGroupingKey(
  job: string,
  jobBase64: boolean,
  labelsPath: string,
): GroupingLabels {
  let jobBytes = job;
  if (jobBase64) {
    const decoded = decodeBase64Url(job);
    if (decoded.error !== undefined) {
      throw new GroupingKeyError(
        `invalid base64 encoding in job name ${goQuoteBytes(decoded.bytes)}: ${decoded.error}`,
      );
    }
    jobBytes = decoded.bytes;
  }
  const pairs = splitLabels(labelsPath);
  if (jobBytes === '') throw new GroupingKeyError('job name is required');
  // A `job` pair in the label part is silently overridden, as upstream does.
  pairs.delete('job');

  const labels: Record<string, string> = { job: utf8Value('job', jobBytes) };
  for (const [name, bytes] of pairs) labels[name] = utf8Value(name, bytes);
  return labels;
}

/**
 * The canonical, injective identity of a grouping key: label pairs sorted by name, as
 * `name="value"` with the value JSON-quoted, joined by commas — e.g. `instance="i1",job="api"`.
 * Label names of a parsed key are plain identifiers, so the encoding cannot be ambiguous.
 * Groups are ordered by comparing these ids as JS strings.
 */
export function groupId(labels: GroupingLabels): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',');
}

/** upstream splitLabels: label name → raw value bytes, later pairs of a name overwriting earlier. */
function splitLabels(labelsPath: string): Map<string, string> {
  const result = new Map<string, string>();
  if (labelsPath.length <= 1) return result;
  const components = labelsPath.split('/');
  if (components.length % 2 === 0) {
    throw new GroupingKeyError(
      `odd number of components in label string ${goQuoteBytes(labelsPath)}`,
    );
  }
  for (let i = 1; i < components.length - 1; i += 2) {
    const name = components[i] as string;
    const value = components[i + 1] as string;
    const base64 = name.endsWith(BASE64_SUFFIX);
    const trimmed = base64 ? name.slice(0, -BASE64_SUFFIX.length) : name;
    if (!isValidLabelName(trimmed) || isReservedLabelName(trimmed)) {
      throw new GroupingKeyError(`improper label name ${goQuoteBytes(trimmed)}`);
    }
    if (!base64) {
      result.set(trimmed, value);
      continue;
    }
    const decoded = decodeBase64Url(value);
    if (decoded.error !== undefined) {
      throw new GroupingKeyError(
        `invalid base64 encoding for label ${trimmed}=${goQuoteBytes(value)}: ${decoded.error}`,
      );
    }
    result.set(trimmed, decoded.bytes);
  }
  return result;
}

function utf8Value(name: string, bytes: string): string {
  const value = decodeUtf8Bytes(bytes);
  if (value === undefined) {
    throw new GroupingKeyError(
      `grouping label value for ${goQuoteBytes(name)} is not valid UTF-8: ${goQuoteBytes(bytes)}`,
    );
  }
  return value;
}

/**
 * The persistence file format of the in-memory store. It is not upstream's gob: neither can read
 * the other's files.
 *
 * Version 1 is UTF-8 text, one JSON document per line:
 *   {"format":"pushgate-memory-store","version":1}        header
 *   {"labels":{...},"families":{...},"expiry":{...}}       one line per MetricGroup (expiry only
 *                                                          for a group with a TTL)
 *   {"groups":N,"sha256":"<hex>"}                          trailer
 * The trailer holds the number of group lines and the SHA-256 of every byte before it, so a
 * truncated or altered file is detected. Lines let a large store be written piece by piece
 * without holding the whole file in memory or the event loop for long.
 * Numbers JSON cannot carry (NaN, ±Infinity, and -0, which JSON would write as 0) are written as
 * {"$float":"NaN" | "+Inf" | "-Inf" | "-0"}. No object of the model has a "$float" key with a
 * string value, so the encoding is unambiguous.
 */
import { createHash, type Hash } from 'node:crypto';
import { newFamilies, type MetricGroup, type StoredFamily } from '@pushgate/core';
import { METRIC_TYPE_BY_NUMBER, type MetricType } from '@pushgate/exposition';
import { PersistenceCorruptError } from './persistence-errors';

const FORMAT = 'pushgate-memory-store';
const VERSION = 1;
const HEADER = `${JSON.stringify({ format: FORMAT, version: VERSION })}\n`;
const FLOAT_KEY = '$float';
const SPECIAL_FLOATS: Record<string, number> = {
  NaN: NaN,
  '+Inf': Infinity,
  '-Inf': -Infinity,
  '-0': -0,
};
/** Group lines are handed out in pieces of about this many characters. */
const PIECE_CHARS = 1 << 20;

/** The whole file at once (tests, small stores). */
export function encodeSnapshot(groups: readonly MetricGroup[]): Buffer {
  return Buffer.concat([...snapshotPieces(groups)]);
}

/**
 * The file in pieces, yielding to the event loop between pieces, so writing a large store does
 * not stall requests. `groups` must not change while this runs (the store's groups are
 * immutable: writes replace them).
 */
export async function* encodeSnapshotStream(
  groups: readonly MetricGroup[],
): AsyncGenerator<Buffer> {
  for (const piece of snapshotPieces(groups)) {
    yield piece;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function* snapshotPieces(groups: readonly MetricGroup[]): Generator<Buffer> {
  const hash = createHash('sha256');
  yield hashed(hash, HEADER);
  let piece = '';
  for (const group of groups) {
    piece += `${JSON.stringify(group, encodeFloat)}\n`;
    if (piece.length >= PIECE_CHARS) {
      yield hashed(hash, piece);
      piece = '';
    }
  }
  if (piece !== '') yield hashed(hash, piece);
  yield Buffer.from(
    `${JSON.stringify({ groups: groups.length, sha256: hash.digest('hex') })}\n`,
    'utf8',
  );
}

function hashed(hash: Hash, text: string): Buffer {
  const buffer = Buffer.from(text, 'utf8');
  hash.update(buffer);
  return buffer;
}

/** Decodes a persistence file. Throws PersistenceCorruptError unless it is complete and intact. */
export function decodeSnapshot(data: Buffer, file: string): MetricGroup[] {
  const corrupt = (reason: string) =>
    new PersistenceCorruptError(`persistence file ${file} is unusable: ${reason}`, file);
  if (!data.subarray(0, HEADER.length).equals(Buffer.from(HEADER))) {
    const firstLine = data.subarray(0, Math.max(0, data.indexOf(0x0a))).toString('utf8');
    throw corrupt(
      /"format":"pushgate-memory-store"/.test(firstLine)
        ? `unsupported header ${firstLine}`
        : `not a ${FORMAT} file`,
    );
  }
  if (data[data.length - 1] !== 0x0a) throw corrupt('no trailer (truncated?)');
  const trailerStart = data.lastIndexOf(0x0a, data.length - 2) + 1;
  let trailer: { groups?: unknown; sha256?: unknown };
  try {
    trailer = JSON.parse(data.subarray(trailerStart).toString('utf8')) as typeof trailer;
  } catch {
    throw corrupt('no trailer (truncated?)');
  }
  if (typeof trailer?.groups !== 'number' || typeof trailer.sha256 !== 'string')
    throw corrupt('no trailer (truncated?)');
  if (
    createHash('sha256').update(data.subarray(0, trailerStart)).digest('hex') !== trailer.sha256
  ) {
    throw corrupt('checksum mismatch');
  }

  const lines = data.subarray(HEADER.length, trailerStart).toString('utf8').split('\n');
  lines.pop(); // the empty string after the last group's newline
  if (lines.length !== trailer.groups)
    throw corrupt(`expected ${trailer.groups} groups, found ${lines.length}`);
  return lines.map((line, i) => {
    let group: unknown;
    try {
      group = JSON.parse(line, line.includes(`"${FLOAT_KEY}"`) ? decodeFloat : undefined);
    } catch {
      throw corrupt(`group ${i} is not JSON`);
    }
    const problem = groupProblem(group);
    if (problem !== undefined) throw corrupt(`group ${i}: ${problem}`);
    return withSafeFamilies(group as MetricGroup);
  });
}

function encodeFloat(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || (Number.isFinite(value) && !Object.is(value, -0))) return value;
  if (Number.isNaN(value)) return { [FLOAT_KEY]: 'NaN' };
  if (Object.is(value, -0)) return { [FLOAT_KEY]: '-0' };
  return { [FLOAT_KEY]: value > 0 ? '+Inf' : '-Inf' };
}

function decodeFloat(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const special = (value as Record<string, unknown>)[FLOAT_KEY];
  if (typeof special !== 'string' || Object.keys(value).length !== 1) return value;
  const number = SPECIAL_FLOATS[special];
  return number === undefined ? value : number;
}

/** Checks the structure every reader relies on (the checksum vouches for the rest). */
function groupProblem(value: unknown): string | undefined {
  if (!isRecord(value) || !isRecord(value.labels) || !isRecord(value.families))
    return 'not a group';
  if (typeof value.labels.job !== 'string') return 'no job label';
  if (!Object.values(value.labels).every((v) => typeof v === 'string'))
    return 'a label value is not a string';
  if (value.expiry !== undefined && !isExpiry(value.expiry)) return 'malformed expiry';
  for (const [name, stored] of Object.entries(value.families)) {
    if (!isRecord(stored) || typeof stored.timestamp !== 'number' || !isRecord(stored.family)) {
      return `family ${name} is malformed`;
    }
    const { family } = stored;
    if (family.name !== name) return `family ${name} holds ${String(family.name)}`;
    if (!METRIC_TYPE_BY_NUMBER.includes(family.type as MetricType))
      return `family ${name} has no valid type`;
    if (family.help !== undefined && typeof family.help !== 'string')
      return `family ${name} has a malformed HELP`;
    if (!Array.isArray(family.metric) || !family.metric.every(isMetric))
      return `family ${name} has a malformed series`;
  }
  return undefined;
}

function isMetric(value: unknown): boolean {
  return (
    isRecord(value) &&
    Array.isArray(value.label) &&
    value.label.every(
      (pair) => isRecord(pair) && typeof pair.name === 'string' && typeof pair.value === 'string',
    )
  );
}

function isExpiry(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.ttlSeconds === 'number' &&
    value.ttlSeconds > 0 &&
    typeof value.expiresAt === 'number' &&
    Number.isFinite(value.expiresAt)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse makes `__proto__` an own key, but of a plain object; the store wants no prototype. */
function withSafeFamilies(group: MetricGroup): MetricGroup {
  const families = newFamilies();
  for (const name of Object.keys(group.families))
    families[name] = group.families[name] as StoredFamily;
  const safe: MetricGroup = { labels: group.labels, families };
  if (group.expiry !== undefined)
    safe.expiry = { ttlSeconds: group.expiry.ttlSeconds, expiresAt: group.expiry.expiresAt };
  return safe;
}

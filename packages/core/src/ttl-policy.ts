/**
 * Which TTL a push gets (TTL extension). The gateway decides at push time, from what it knows:
 *   1. the request header `Pushgate-TTL`, if present (`0` there means "never", whatever the rules say);
 *   2. else the first per-job rule whose pattern matches the whole job name;
 *   3. else the default (0: never).
 * The result is stored with the group, so every node and the sweep agree without sharing config.
 */
import type { GroupingLabels } from './model';
import { isValidTtl, MAX_TTL_SECONDS } from './ttl';
import { formatGoDuration, parseDuration } from './ttl-duration';

/** The request header carrying a push's TTL. */
export const TTL_HEADER = 'Pushgate-TTL';

/** One per-job rule: jobs whose name matches `job` (anchored at both ends) get `ttlSeconds`. */
export interface TtlRule {
  /** The rule as written, `<regex>=<duration>`. */
  text: string;
  job: RegExp;
  ttlSeconds: number;
}

/** The gateway's TTL configuration. */
export interface TtlPolicy {
  /** TTL of pushes no header or rule decides; 0 = never expire (upstream's behaviour). */
  defaultSeconds: number;
  /** Tried in order; the first match wins. */
  rules: readonly TtlRule[];
}

/** No TTL anywhere: every group lives until deleted, as upstream. */
export const NO_TTL: TtlPolicy = { defaultSeconds: 0, rules: [] };

/** A TTL (header, flag or rule) cannot be used; the message says why (answered as 400 for a header). */
export class InvalidTtlError extends Error {
  override name = 'InvalidTtlError';
}

const EXPECTED = `expected a duration like 90s, 15m or 2h, or a number of seconds; 0 means never; at most ${formatGoDuration(MAX_TTL_SECONDS * 1000)}`;
const PLAIN_SECONDS = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * A TTL in seconds from its text: a duration (`90s`, `15m`, `2h`, `1h30m`, `1d`) or plain seconds
 * (`90`, `1.5`); `0` means never. Throws InvalidTtlError naming `what` (e.g. the header).
 */
export function parseTtl(text: string, what: string): number {
  const ms = PLAIN_SECONDS.test(text) ? Number(text) * 1000 : parseDuration(text);
  const seconds = ms === undefined ? undefined : ms / 1000;
  if (seconds === undefined || !isValidTtl(seconds))
    throw new InvalidTtlError(`invalid ${what} ${JSON.stringify(text)}: ${EXPECTED}`);
  return seconds;
}

/**
 * A rule from `<regex>=<duration>`, e.g. `backup-.*=2h`. The last `=` separates the two (a
 * duration has none, a regex may). The regex is JavaScript's, matched against the whole job name.
 */
export function parseTtlRule(text: string): TtlRule {
  const at = text.lastIndexOf('=');
  if (at <= 0)
    throw new InvalidTtlError(
      `invalid TTL rule ${JSON.stringify(text)}: expected <job regex>=<duration>, e.g. backup-.*=2h`,
    );
  const pattern = text.slice(0, at);
  let job: RegExp;
  try {
    job = new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new InvalidTtlError(
      `invalid TTL rule ${JSON.stringify(text)}: bad regex: ${(err as Error).message}`,
    );
  }
  let ttlSeconds: number;
  try {
    ttlSeconds = parseTtl(text.slice(at + 1), 'TTL');
  } catch (err) {
    if (!(err instanceof InvalidTtlError)) throw err;
    throw new InvalidTtlError(`invalid TTL rule ${JSON.stringify(text)}: ${err.message}`);
  }
  return { text, job, ttlSeconds };
}

/**
 * The TTL of a push to group `labels` carrying `header` (the Pushgate-TTL value, if any); undefined
 * when the group must never expire. Throws InvalidTtlError for a malformed header.
 */
export function resolveTtl(
  policy: TtlPolicy,
  labels: GroupingLabels,
  header: string | undefined,
): number | undefined {
  const seconds =
    header !== undefined
      ? parseTtl(header, `${TTL_HEADER} header`)
      : (policy.rules.find((rule) => rule.job.test(labels.job ?? ''))?.ttlSeconds ??
        policy.defaultSeconds);
  return seconds === 0 ? undefined : seconds;
}

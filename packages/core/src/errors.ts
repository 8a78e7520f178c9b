/**
 * Domain errors. The gateway maps them to HTTP in one place; the message is the exact body text
 * (without the trailing newline Go's http.Error adds).
 */

/** The push path does not describe a valid grouping key (400, nothing touched). */
export class GroupingKeyError extends Error {
  override name = 'GroupingKeyError';
}

/**
 * The store refused a write because of the consistency rules (400). Its failure has been recorded
 * (push_failure_time_seconds) unless the grouping key itself was the cause.
 * `errors` are the individual problems; `message` is upstream's full text:
 * `pushed metrics are invalid or inconsistent with existing metrics: <err>`.
 */
export class PushRejectedError extends Error {
  override name = 'PushRejectedError';
  constructor(readonly errors: readonly string[]) {
    super(
      `pushed metrics are invalid or inconsistent with existing metrics: ${formatErrors(errors)}`,
    );
  }
}

/** Go's multi-error layout (client_golang prometheus.MultiError). */
export function formatErrors(errors: readonly string[]): string {
  if (errors.length === 1) return errors[0] ?? '';
  return `${errors.length} error(s) occurred:` + errors.map((e) => `\n* ${e}`).join('');
}

import { RE2JS } from 're2js';
import type { MatchOp } from './selector-lexer';

/** One `name op "value"` of a series selector. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  /** The value as written (unquoted); for `=~` and `!~` the regular expression. */
  readonly value: string;
  /** Whether a series whose label `name` has this value is selected; an absent label is `''`. */
  matches(labelValue: string): boolean;
}

/** The pattern is not valid RE2 syntax; `message` is RE2's (Go regexp's) wording. */
export class InvalidRegexError extends Error {
  override name = 'InvalidRegexError';
}

// Matching one value costs a few microseconds in re2js; label values repeat a lot within a
// scrape (job, instance, ...), so each regex matcher remembers its answers, up to this many.
const MEMO_LIMIT = 4096;

/**
 * A label matcher with Prometheus' semantics (model/labels/matcher.go):
 * - regular expressions are RE2 (Go's regexp syntax: `(?i)`, `[[:alpha:]]`, `\pL`, `\Q…\E`; no
 *   backreferences or lookaround), evaluated by re2js, which also guarantees linear-time
 *   matching: the pattern comes from an HTTP request and must not be able to stall the node;
 * - they are fully anchored with `.` matching newlines, as Prometheus compiles them:
 *   `^(?s:<pattern>)$`; the pattern is validated on its own first, so `a)|(b` is rejected
 *   rather than smuggled into a valid anchored expression.
 * Throws InvalidRegexError.
 */
export function newLabelMatcher(name: string, op: MatchOp, value: string): LabelMatcher {
  switch (op) {
    case '=':
      return { name, op, value, matches: (v) => v === value };
    case '!=':
      return { name, op, value, matches: (v) => v !== value };
    case '=~':
    case '!~': {
      const test = regexTest(value);
      const negate = op === '!~';
      return { name, op, value, matches: (v) => test(v) !== negate };
    }
  }
}

function regexTest(pattern: string): (value: string) => boolean {
  let anchored: RE2JS;
  try {
    RE2JS.compile(pattern);
    anchored = RE2JS.compile(`^(?s:${pattern})$`);
  } catch (err) {
    throw new InvalidRegexError(err instanceof Error ? err.message : String(err));
  }
  const memo = new Map<string, boolean>();
  return (value) => {
    let answer = memo.get(value);
    if (answer === undefined) {
      answer = anchored.matches(value);
      if (memo.size < MEMO_LIMIT) memo.set(value, answer);
    }
    return answer;
  };
}

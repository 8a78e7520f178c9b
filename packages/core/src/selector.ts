/**
 * Series selectors as Prometheus' `/federate?match[]=…` takes them (promql ParseMetricSelector):
 *
 *   metric_name
 *   metric_name{label="v", label!="v", label=~"re", label!~"re"}
 *   {label="v", …}                      e.g. {__name__=~"job:.*"}
 *   {"utf8.metric.name", "utf8.label"="v"}   (Prometheus 3 quoting)
 *
 * Strings are PromQL literals: "…" or '…' with Go escapes, or `…` raw. Whitespace, a trailing
 * comma and `#` comments are allowed. Several matchers on one label all have to hold.
 */
import { SelectorParseError } from './selector-error';
import { SelectorLexer, type Token, describeToken } from './selector-lexer';
import { InvalidRegexError, type LabelMatcher, newLabelMatcher } from './selector-matcher';

/** The label under which a selector names the metric. */
export const METRIC_NAME_LABEL = '__name__';

/** A parsed selector: a series is selected when every matcher holds. */
export interface SeriesSelector {
  /** The selector as given, for logs and messages. */
  readonly text: string;
  /** In the order written; a name given before the braces comes last, as in Prometheus. */
  readonly matchers: readonly LabelMatcher[];
}

/**
 * Parses one selector; throws SelectorParseError (the gateway answers 400 with its message).
 *
 * One rule is stricter than Prometheus' /federate: a selector whose matchers all match the empty
 * string (`{}`, `{job=~".*"}`) is refused with PromQL's "vector selector must contain at least
 * one non-empty matcher", as Prometheus' query APIs do. /federate accepts both yet answers `{}`
 * with nothing and `{job=~".*"}` with everything; refusing is less surprising, and omitting
 * `match[]` already means "everything" on a Pushgateway.
 */
export function parseSelector(text: string): SeriesSelector {
  const lexer = new SelectorLexer(text);
  const matchers: LabelMatcher[] = [];
  let token = lexer.next(false);
  let name: Token | undefined;

  if (token.kind === 'identifier') {
    name = token;
    token = lexer.next(false);
  }
  if (token.kind === '{') {
    parseMatchers(text, lexer, matchers);
    token = lexer.next(false);
  } else if (name === undefined) {
    unexpected(text, token);
  }
  if (token.kind !== 'eof') unexpected(text, token);

  if (name !== undefined) {
    matchers.push(newLabelMatcher(METRIC_NAME_LABEL, '=', name.text));
  } else if (matchers.every((m) => m.matches(''))) {
    throw new SelectorParseError(
      text,
      0,
      'vector selector must contain at least one non-empty matcher',
    );
  }
  return { text, matchers };
}

/** Parses every selector of a request, failing on the first invalid one. */
export function parseSelectors(texts: readonly string[]): SeriesSelector[] {
  return texts.map(parseSelector);
}

/** The matchers between `{` (already read) and `}`. */
function parseMatchers(text: string, lexer: SelectorLexer, out: LabelMatcher[]): void {
  for (;;) {
    const label = lexer.next(true);
    if (label.kind === '}') return;
    if (label.kind !== 'identifier' && label.kind !== 'string') {
      unexpected(text, label, 'label matching', 'identifier or "}"');
    }
    let next = lexer.next(true);
    if (next.kind === 'op') {
      const value = lexer.next(true);
      if (value.kind !== 'string') unexpected(text, value, 'label matching', 'string');
      out.push(matcher(text, label, next.text, value.value));
      next = lexer.next(true);
    } else if (label.kind === 'string' && (next.kind === ',' || next.kind === '}')) {
      // A lone quoted string is a metric name: {"my.metric"} is {__name__="my.metric"}.
      out.push(matcher(text, label, '=', label.value, METRIC_NAME_LABEL));
    } else {
      unexpected(text, next, 'label matching', 'label matching operator');
    }
    if (next.kind === '}') return;
    if (next.kind !== ',') unexpected(text, next, 'label matching', '"," or "}"');
  }
}

function matcher(
  text: string,
  label: Extract<Token, { kind: 'identifier' | 'string' }>,
  op: LabelMatcher['op'],
  value: string,
  name = label.kind === 'string' ? label.value : label.text,
): LabelMatcher {
  if (name === '') throw new SelectorParseError(text, label.offset, 'label name must not be empty');
  try {
    return newLabelMatcher(name, op, value);
  } catch (err) {
    if (err instanceof InvalidRegexError)
      throw new SelectorParseError(text, label.offset, err.message);
    throw err;
  }
}

function unexpected(text: string, token: Token, context?: string, expected?: string): never {
  let reason = `unexpected ${describeToken(token)}`;
  if (context !== undefined) reason += ` in ${context}`;
  if (expected !== undefined) reason += `, expected ${expected}`;
  throw new SelectorParseError(text, token.offset, reason);
}

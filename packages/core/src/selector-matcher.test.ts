import { InvalidRegexError, newLabelMatcher } from './selector-matcher';
import type { MatchOp } from './selector-lexer';

describe(newLabelMatcher, () => {
  it.each<[MatchOp, string, string, boolean]>([
    ['=', 'b', 'b', true],
    ['=', 'b', 'B', false],
    ['=', 'b', '', false],
    ['=', '', '', true],
    ['!=', 'b', 'b', false],
    ['!=', 'b', 'c', true],
    ['!=', 'b', '', true],
    // Regexes are anchored at both ends, like Prometheus': no partial matches.
    ['=~', 'b', 'b', true],
    ['=~', 'b', 'abc', false],
    ['=~', 'b.*', 'bcd', true],
    ['=~', '.*b', 'ab', true],
    ['=~', 'a|b', 'b', true],
    ['=~', 'a|b', 'ab', false],
    ['=~', '.*', '', true],
    ['=~', '.+', '', false],
    // `.` matches a newline ((?s)), and a whole character, not a UTF-16 unit.
    ['=~', 'a.b', 'a\nb', true],
    ['=~', '.', '😀', true],
    // RE2 syntax JavaScript lacks or reads differently.
    ['=~', '(?i)abc', 'ABC', true],
    ['=~', 'a(?i)bc', 'aBC', true],
    ['=~', 'a(?i)bc', 'ABC', false],
    ['=~', '[[:alpha:]]+', 'abc', true],
    ['=~', '[[:digit:]]+', 'abc', false],
    ['=~', '\\pL+', 'héllo', true],
    ['=~', '\\p{Greek}', 'π', true],
    ['=~', '\\Qa.b\\E', 'a.b', true],
    ['=~', '\\Qa.b\\E', 'axb', false],
    ['=~', '(?P<x>a)', 'a', true],
    ['=~', '\\_', '_', true],
    // RE2's \s is ASCII whitespace only.
    ['=~', '\\s', '\t', true],
    ['=~', '\\s', '\u00a0', false],
    ['!~', 'b.*', 'bcd', false],
    ['!~', 'b.*', 'abc', true],
    ['!~', '', '', false],
    ['!~', '', 'x', true],
  ])('%s %j on %j is %s', (op, value, labelValue, expected) => {
    expect(newLabelMatcher('l', op, value).matches(labelValue)).toBe(expected);
  });

  it('keeps name, operator and value', () => {
    expect(newLabelMatcher('job', '=~', 'a.*')).toMatchObject({
      name: 'job',
      op: '=~',
      value: 'a.*',
    });
  });

  it('answers repeated values the same (memoised)', () => {
    const m = newLabelMatcher('l', '=~', 'x+');
    for (let i = 0; i < 3; i++) expect([m.matches('xx'), m.matches('y')]).toEqual([true, false]);
  });

  it.each([
    ['[a', 'error parsing regexp: missing closing ]: `[a`'],
    ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ['a(?=b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['x)|(y', 'error parsing regexp: unexpected ): `x)|(y`'],
  ])('rejects the regex %j', (pattern, message) => {
    for (const op of ['=~', '!~'] as const) {
      expect(() => newLabelMatcher('l', op, pattern)).toThrow(new InvalidRegexError(message));
    }
  });

  it('does not backtrack (a pattern from a request cannot stall the node)', () => {
    // (a+)+b on a run of a's takes exponential time in a backtracking engine such as V8's
    // (hours at this length); an automaton answers at once, well inside jest's timeout.
    expect(newLabelMatcher('l', '=~', '(a+)+b').matches('a'.repeat(100_000))).toBe(false);
  });
});

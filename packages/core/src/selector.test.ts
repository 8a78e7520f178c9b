import { SelectorParseError } from './selector-error';
import { parseSelector, parseSelectors } from './selector';

/** The matchers of a selector as `name op "value"` strings, for compact expectations. */
function matchersOf(text: string): string[] {
  return parseSelector(text).matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`);
}

function parseError(text: string): SelectorParseError {
  try {
    parseSelector(text);
  } catch (err) {
    if (err instanceof SelectorParseError) return err;
    throw err;
  }
  throw new Error(`${text} parsed`);
}

describe(parseSelector, () => {
  it.each<[string, string[]]>([
    ['foo', ['__name__="foo"']],
    ['foo:bar_total', ['__name__="foo:bar_total"']],
    [':job:rate5m', ['__name__=":job:rate5m"']],
    ['foo{}', ['__name__="foo"']],
    ['foo{a="b"}', ['a="b"', '__name__="foo"']],
    ['foo{a!="b"}', ['a!="b"', '__name__="foo"']],
    ['foo{a=~"b.*"}', ['a=~"b.*"', '__name__="foo"']],
    ['foo{a!~"b|c"}', ['a!~"b|c"', '__name__="foo"']],
    ['{job="j"}', ['job="j"']],
    ['{__name__=~"job:.*"}', ['__name__=~"job:.*"']],
    ['{__name__="foo",instance!=""}', ['__name__="foo"', 'instance!=""']],
    ['{a="1",a="2"}', ['a="1"', 'a="2"']],
    ['foo{a="b",}', ['a="b"', '__name__="foo"']],
    [' foo { a = "b" , c != "d" } ', ['a="b"', 'c!="d"', '__name__="foo"']],
    ['foo\n{\ta="b"\r\n}', ['a="b"', '__name__="foo"']],
    ['foo # a comment', ['__name__="foo"']],
    ['foo{a="b"} # a comment', ['a="b"', '__name__="foo"']],
    // PromQL keywords are ordinary names in a selector.
    ['sum', ['__name__="sum"']],
    ['offset{by="on"}', ['by="on"', '__name__="offset"']],
    // Quoting: '…' and "…" with Go escapes, `…` raw.
    ["foo{a='b'}", ['a="b"', '__name__="foo"']],
    ['foo{a=`b\\n`}', ['a="b\\\\n"', '__name__="foo"']],
    ['foo{a=`x"y`}', ['a="x\\"y"', '__name__="foo"']],
    ['foo{a="x\'y"}', ['a="x\'y"', '__name__="foo"']],
    ["foo{a='x\"y'}", ['a="x\\"y"', '__name__="foo"']],
    ['foo{a="\\"q\\""}', ['a="\\"q\\""', '__name__="foo"']],
    ["foo{a='\\'q\\''}", ['a="\'q\'"', '__name__="foo"']],
    [
      'foo{a="\\a\\b\\f\\n\\r\\t\\v\\\\"}',
      ['a="\\u0007\\b\\f\\n\\r\\t\\u000b\\\\"', '__name__="foo"'],
    ],
    ['foo{a="\\u00e9\\U0001F600"}', ['a="é😀"', '__name__="foo"']],
    // \x and octal escapes are bytes: two of them make one UTF-8 character.
    ['foo{a="\\xc3\\xa9"}', ['a="é"', '__name__="foo"']],
    ['foo{a="\\303\\251"}', ['a="é"', '__name__="foo"']],
    ['foo{a="\\101"}', ['a="A"', '__name__="foo"']],
    ['foo{a="π😀"}', ['a="π😀"', '__name__="foo"']],
    // Prometheus 3 quoted (UTF-8) names.
    ['{"my.metric"}', ['__name__="my.metric"']],
    ['{"my.metric", "label.with.dots"="v"}', ['__name__="my.metric"', 'label.with.dots="v"']],
    ['{"a"=~"x"}', ['a=~"x"']],
    // Prometheus' ParseMetricSelector accepts a second name matcher; both have to hold.
    ['foo{__name__="bar"}', ['__name__="bar"', '__name__="foo"']],
    ['{__name__=~".+"}', ['__name__=~".+"']],
    ['{a!~""}', ['a!~""']],
  ])('parses %s', (text, expected) => {
    expect(matchersOf(text)).toEqual(expected);
    expect(parseSelector(text).text).toBe(text);
  });

  // Messages as Prometheus 2.42's /federate and /api/v1/series answer for the same input
  // (checked against the installed binary), except where a comment says otherwise.
  it.each<[string, string]>([
    ['', '1:1: parse error: unexpected end of input'],
    ['   ', '1:4: parse error: unexpected end of input'],
    ['foo{', '1:5: parse error: unexpected end of input inside braces'],
    ['foo{a="b"', '1:10: parse error: unexpected end of input inside braces'],
    [
      'foo{a}',
      '1:6: parse error: unexpected "}" in label matching, expected label matching operator',
    ],
    ['foo{a=b}', '1:7: parse error: unexpected identifier "b" in label matching, expected string'],
    ['foo{a=="b"}', '1:7: parse error: unexpected "=" in label matching, expected string'],
    ['foo{,}', '1:5: parse error: unexpected "," in label matching, expected identifier or "}"'],
    [
      'foo{a="b" c="d"}',
      '1:11: parse error: unexpected identifier "c" in label matching, expected "," or "}"',
    ],
    ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
    ['foo{a="b"}{c="d"}', '1:11: parse error: unexpected "{"'],
    ['"foo"', '1:1: parse error: unexpected string "\\"foo\\""'],
    ['foo{a="b', '1:7: parse error: unterminated quoted string'],
    ['foo{a="b\nc"}', '1:7: parse error: unterminated quoted string'],
    ['foo{a=`b', '1:7: parse error: unterminated raw string'],
    ['foo{a:b="c"}', "1:6: parse error: unexpected character inside braces: ':'"],
    ['foo{1a="b"}', "1:5: parse error: unexpected character inside braces: '1'"],
    ['foo{a~"b"}', "1:6: parse error: unexpected character inside braces: '~'"],
    ['foo{a!"b"}', "1:6: parse error: unexpected character after '!' inside braces: '\"'"],
    ['foo.bar', "1:4: parse error: unexpected character: '.'"],
    ['foo[5m]', "1:4: parse error: unexpected character: '['"],
    ['foo{a="\\q"}', "1:7: parse error: unknown escape sequence U+0071 'q'"],
    ['foo{a="\\\'"}', "1:7: parse error: unknown escape sequence U+0027 '''"],
    ["foo{a='\\\"'}", "1:7: parse error: unknown escape sequence U+0022 '\"'"],
    ['foo{a="\\x4"}', "1:7: parse error: illegal character U+0022 '\"' in escape sequence"],
    ['foo{a="\\400"}', '1:7: parse error: escape sequence is an invalid Unicode code point'],
    ['foo{a="\\ud800"}', '1:7: parse error: escape sequence is an invalid Unicode code point'],
    ['foo{a="\\U00110000"}', '1:7: parse error: escape sequence is an invalid Unicode code point'],
    // Prometheus 2.42 quotes the pattern with its own `^(?:…)$` wrapper around it.
    ['foo{a=~"[a"}', '1:5: parse error: error parsing regexp: missing closing ]: `[a`'],
    [
      '{a=~"x(?=y)"}',
      '1:2: parse error: error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    ],
    ['{a=~"(x)\\\\1"}', '1:2: parse error: error parsing regexp: invalid escape sequence: `\\1`'],
    // Valid once wrapped as ^(?s:…)$, so only checking the bare pattern catches it.
    ['{a=~"x)|(y"}', '1:2: parse error: error parsing regexp: unexpected ): `x)|(y`'],
    // Stricter than /federate (see parseSelector).
    ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=""}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    [
      '{a=~".*",b!="x"}',
      '1:1: parse error: vector selector must contain at least one non-empty matcher',
    ],
    ['{""="x"}', '1:2: parse error: label name must not be empty'],
    // Prometheus keeps invalid UTF-8 in the matcher, where it can never match a label value.
    ['foo{a="\\xff"}', '1:7: parse error: invalid UTF-8 in string "\\"\\\\xff\\""'],
    // Line and column of the offending token on later lines, counted in characters.
    [
      'foo{\n  a="π",\n  b}',
      '3:4: parse error: unexpected "}" in label matching, expected label matching operator',
    ],
  ])('rejects %j', (text, message) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.selector).toBe(text);
    expect(err.name).toBe('SelectorParseError');
  });

  it('gives the position of the error as fields too', () => {
    const err = parseError('foo{\n a=b}');
    expect([err.line, err.column, err.offset]).toEqual([2, 4, 8]);
    expect(err.reason).toBe('unexpected identifier "b" in label matching, expected string');
  });
});

describe(parseSelectors, () => {
  it('parses every selector, in order', () => {
    expect(parseSelectors(['a', '{job="j"}']).map((s) => s.text)).toEqual(['a', '{job="j"}']);
  });

  it('fails on the first invalid selector', () => {
    expect(() => parseSelectors(['a', 'b{', 'c{'])).toThrow(
      expect.objectContaining({ selector: 'b{' }) as Error,
    );
  });
});

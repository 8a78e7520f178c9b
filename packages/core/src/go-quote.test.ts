import { compareByteOrder, decodeUtf8Bytes, encodeUtf8Bytes, hasLoneSurrogate } from './bytes';
import { goQuote, goQuoteBytes } from './go-quote';

describe(goQuoteBytes, () => {
  // Expected values are what Go's strconv.Quote returns for the same bytes.
  it.each([
    ['', '""'],
    ['/a', '"/a"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\x07\x08\x0c\n\r\t\x0b', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\x00\x01\x1f\x7f', '"\\x00\\x01\\x1f\\x7f"'],
    ['\xff', '"\\xff"'],
    ['a\xce', '"a\\xce"'],
    ['\xce\xa0', '"Π"'],
    ['\xe2\x82\xac', '"€"'],
    ['\xc2\xa0', '"\\u00a0"'],
    ['\xc2\xad', '"\\u00ad"'],
    ['\xe2\x80\xa8', '"\\u2028"'],
    ['\xef\xbb\xbf', '"\\ufeff"'],
    ['\xf0\x9f\x98\x80', '"😀"'],
    ['\xf3\xa0\x80\x81', '"\\U000e0001"'],
    ['\xed\xa0\x80', '"\\xed\\xa0\\x80"'],
    ['\xc0\xaf', '"\\xc0\\xaf"'],
    ['\xf4\x90\x80\x80', '"\\xf4\\x90\\x80\\x80"'],
  ])('quotes %j as %s', (bytes, quoted) => {
    expect(goQuoteBytes(bytes)).toBe(quoted);
  });
});

describe(goQuote, () => {
  it('quotes a JS string by its UTF-8 bytes', () => {
    expect(goQuote('Π "x"')).toBe('"Π \\"x\\""');
  });

  it('shows a lone surrogate as the invalid bytes it stands for', () => {
    expect(goQuote('a\ud800')).toBe('"a\\xed\\xa0\\x80"');
  });
});

describe('byte strings', () => {
  it.each([
    ['abc', 'abc'],
    ['\xce\xa0', 'Π'],
    ['\xf0\x9f\x98\x80', '😀'],
    ['\xff', undefined],
    ['\xef\xbb\xbfa', '\ufeffa'],
  ])('decodes %j as UTF-8 to %j', (bytes, text) => {
    expect(decodeUtf8Bytes(bytes)).toBe(text);
  });

  it('round-trips through UTF-8', () => {
    const text = 'a Π € 😀 \u2028';
    expect(decodeUtf8Bytes(encodeUtf8Bytes(text))).toBe(text);
  });

  it.each([
    ['a\ud800', true],
    ['\udc00a', true],
    ['\ud83d\ude00', false],
    ['plain', false],
  ])('finds lone surrogates in %j: %s', (text, lone) => {
    expect(hasLoneSurrogate(text)).toBe(lone);
  });

  it('compares strings in UTF-8 byte order', () => {
    const sorted = ['\uffff', 'a', '😀', '', 'ab', '\ue000'].sort(compareByteOrder);
    expect(sorted).toEqual(['', 'a', 'ab', '\ue000', '\uffff', '😀']);
  });
});

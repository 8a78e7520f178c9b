import { formatGoFloat, formatGoFloatSigned, parseGoFloat } from './go-float';

describe('formatGoFloat', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1.5, '-1.5'],
    [123456, '123456'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [1795246698.036667, '1.795246698036667e+09'],
    [3e9, '3e+09'],
    [0.1, '0.1'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [100000, '100000'],
    [999999, '999999'],
  ])('formats %p as %p', (v, want) => {
    expect(formatGoFloat(v)).toBe(want);
  });
});

describe('formatGoFloatSigned', () => {
  it('keeps the sign of negative zero, as strconv.FormatFloat does', () => {
    expect(formatGoFloatSigned(-0)).toBe('-0');
    expect(formatGoFloatSigned(0)).toBe('0');
    expect(formatGoFloatSigned(-1e6)).toBe('-1e+06');
  });
});

describe('parseGoFloat', () => {
  it.each([
    ['1', 1],
    ['+5', 5],
    ['-1.5e3', -1500],
    ['1.', 1],
    ['.5', 0.5],
    ['1E3', 1000],
    ['Inf', Infinity],
    ['+Inf', Infinity],
    ['-inf', -Infinity],
    ['infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('accepts %p', (s, want) => {
    expect(parseGoFloat(s)).toBe(want);
  });

  it.each(['nan', 'NaN', 'NAN'])('accepts %p as NaN', (s) => {
    expect(parseGoFloat(s)).toBeNaN();
  });

  it.each([
    '',
    ' 1',
    '1 ',
    '0x10',
    '0x1p4',
    '1_000',
    'abc',
    '1e',
    '.',
    '+nan',
    '-NaN',
    'infin',
    '1e400',
    '1abc',
    '--1',
  ])('rejects %p', (s) => {
    expect(parseGoFloat(s)).toBeUndefined();
  });
});

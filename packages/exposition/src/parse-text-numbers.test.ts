import { parseGoFloat } from './go-float';
import { goUint64FromFloat, parseGoInt64, parseSimpleDecimal } from './parse-text-numbers';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const simple = (s: string): number | undefined => parseSimpleDecimal(bytes(s), 0, s.length);
const int64 = (s: string): number | undefined => parseGoInt64(bytes(s), 0, s.length);

describe('parseSimpleDecimal', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['42', 42],
    ['+5', 5],
    ['-0.25', -0.25],
    ['5.', 5],
    ['.5', 0.5],
    ['0.000001', 0.000001],
    ['1.5e3', 1500],
    ['1E-3', 0.001],
    ['00012.50', 12.5],
    ['123456789012345', 123456789012345],
    ['0.1', 0.1],
  ])('reads %p', (s, want) => {
    expect(simple(s)).toBe(want);
  });

  // Left to parseGoFloat: more digits or a bigger exponent than the exact fast path covers, the
  // special spellings, and everything invalid.
  it.each([
    '1234567890123456',
    '1e23',
    '1e-23',
    '1e400',
    'NaN',
    '+Inf',
    '',
    '.',
    '+',
    '1e',
    '1e+',
    '1.2.3',
    '0x10',
    '1_000',
    '1,5',
    '--1',
  ])('declines %p', (s) => {
    expect(simple(s)).toBeUndefined();
  });

  it('agrees with parseGoFloat wherever it answers (seeded random decimals)', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const digits = (n: number): string =>
      Array.from({ length: n }, () => String(rand(10))).join('');
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      let s = ['', '-', '+'][rand(3)]! + digits(rand(12));
      if (rand(2) === 1) s += '.' + digits(rand(10));
      if (rand(3) === 0) s += ['e', 'E'][rand(2)]! + ['', '-', '+'][rand(3)]! + digits(rand(3));
      const got = simple(s);
      if (got === undefined) continue;
      answered++;
      expect([s, got]).toEqual([s, parseGoFloat(s)]);
    }
    expect(answered).toBeGreaterThan(10_000);
  });
});

describe('parseGoInt64', () => {
  it.each([
    ['0', 0],
    ['-5', -5],
    ['+5', 5],
    ['0009', 9],
    ['-0', 0],
    // int64 extremes come back as the nearest double, 2^63.
    ['9223372036854775807', 2 ** 63],
    ['-9223372036854775808', -(2 ** 63)],
    ['00009223372036854775807', 2 ** 63],
  ])('reads %p', (s, want) => {
    expect(int64(s)).toBe(want);
  });

  it.each([
    '',
    '-',
    '+',
    '1.5',
    '1e3',
    '0x10',
    '1_000',
    ' 1',
    '9223372036854775808',
    '-9223372036854775809',
    '99999999999999999999',
  ])('rejects %p', (s) => {
    expect(int64(s)).toBeUndefined();
  });
});

describe('goUint64FromFloat', () => {
  it.each([
    [0, 0],
    [1.9, 1],
    [-0.9, 0],
    [-1, 2 ** 64 - 1],
    [2 ** 63, 2 ** 63],
    [1.5e19, 1.5e19],
    [2 ** 64, 2 ** 63],
    [-(2 ** 63), 2 ** 63],
    [NaN, 2 ** 63],
    [Infinity, 2 ** 63],
    [-Infinity, 2 ** 63],
  ])('converts %p to %p', (v, want) => {
    expect(goUint64FromFloat(v)).toBe(want);
  });
});

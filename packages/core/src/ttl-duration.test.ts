import { formatGoDuration, parseDuration } from './ttl-duration';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2s', 2000],
    ['1.5s', 1500],
    ['300ms', 300],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['1h0m0s', 3_600_000],
    ['.5m', 30_000],
    ['1.h', 3_600_000],
  ])('reads %p as %p ms', (s, want) => {
    expect(parseDuration(s)).toBeCloseTo(want, 9);
  });

  it.each(['', '5', '5x', 'm', '5m ', ' 5m', '-5m', '+5m', '.m', '5M', '1e3s', 'five minutes'])(
    'rejects %p',
    (s) => {
      expect(parseDuration(s)).toBeUndefined();
    },
  );
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [300_000, '5m0s'],
    [5_400_000, '1h30m0s'],
    [2000, '2s'],
    [1500, '1.5s'],
    [300, '300ms'],
    [1.5, '1.5ms'],
    [0.01, '10µs'],
    [0.000_001, '1ns'],
    [86_400_000, '24h0m0s'],
    [61_001, '1m1.001s'],
  ])('formats %p ms as %p', (ms, want) => {
    expect(formatGoDuration(ms)).toBe(want);
  });
});

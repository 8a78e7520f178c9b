import { median, percentile, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it.each([
    [50, 50],
    [90, 90],
    [99, 99],
    [99.9, 100],
    [100, 100],
    [0.5, 1],
  ])('p%s of 1..100 is %s', (p, want) => {
    expect(percentile(hundred, p)).toBe(want);
  });

  it.each([
    [[7], 99, 7],
    [[1, 2], 50, 1],
    [[1, 2, 3], 50, 2],
    [[1, 2, 3, 4], 90, 4],
  ])('percentile(%j, %s) = %s', (sample, p, want) => {
    expect(percentile(sample, p)).toBe(want);
  });

  it('rejects an empty sample and out-of-range p', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('returns null without samples', () => {
    expect(summarize([])).toBeNull();
  });

  it('sorts numerically, not as strings', () => {
    // Array.prototype.sort would put 10 before 9; the summary must not.
    const s = summarize([10, 9, 0.5, 100]);
    expect(s).toEqual({ count: 4, min: 0.5, mean: 29.875, p50: 9, p90: 100, p99: 100, max: 100 });
  });

  it('median takes the lower middle of an even sample', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});

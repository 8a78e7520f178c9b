import { acceptsGzip } from './accept-encoding';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['deflate, gzip;q=1.0, *;q=0.5', true],
    ['br, gzip;q=0.5', true],
    ['gzip;q=0.001', true],
    // As upstream: only the exact token counts.
    ['GZIP', false],
    ['x-gzip', false],
    ['*', false],
    ['identity', false],
    ['br, deflate', false],
    ['', false],
    [undefined, false],
    // Unlike upstream: an explicit refusal is honoured.
    ['gzip;q=0', false],
    ['gzip;q=0.0, deflate', false],
  ])('%p → %p', (header, want) => {
    expect(acceptsGzip(header)).toBe(want);
  });
});

import { parseProcStatus, size } from './rss';

const STATUS = [
  'Name:\tprometheus-push',
  'VmPeak:\t 1275520 kB',
  'VmHWM:\t   40960 kB',
  'VmRSS:\t   20480 kB',
  'RssAnon:\t   12000 kB',
  '',
].join('\n');

describe('parseProcStatus', () => {
  it('reads VmRSS and VmHWM in bytes, not VmPeak or RssAnon', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rssBytes: 20480 * 1024, peakBytes: 40960 * 1024 });
  });

  it('fails loudly for a kernel thread (no Vm lines)', () => {
    expect(() => parseProcStatus('Name:\tkthreadd\n')).toThrow(/VmRSS/);
  });
});

describe('size', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [43563, '42.5 KiB'],
    [1048576, '1.0 MiB'],
    [557504 * 1000, '531.7 MiB'],
  ])('%s bytes -> %s', (bytes, want) => {
    expect(size(bytes)).toBe(want);
  });
});

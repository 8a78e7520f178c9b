import { endpoint, groupingPath } from './grouping-path';

describe('groupingPath', () => {
  it.each<[string, Array<[string, string]>, string]>([
    ['bench', [], '/metrics/job/bench'],
    ['bench', [['instance', 'i7']], '/metrics/job/bench/instance/i7'],
    ['a/b', [], '/metrics/job@base64/YS9i'],
    ['bench', [['instance', '']], '/metrics/job/bench/instance@base64/='],
    ['bench', [['path', '/var/x']], '/metrics/job/bench/path@base64/L3Zhci94'],
    ['j k', [['v', 'ü?']], '/metrics/job/j%20k/v/%C3%BC%3F'],
    // base64url alphabet: `>>?` is `Pj4_` (standard base64 would emit `/`, which splits the path)
    ['bench', [['v', '>>?/']], '/metrics/job/bench/v@base64/Pj4_Lw'],
  ])('job=%j labels=%j -> %s', (job, labels, want) => {
    expect(groupingPath(job, labels)).toBe(want);
  });

  it('rejects an empty job', () => {
    expect(() => groupingPath('')).toThrow(RangeError);
  });
});

describe('endpoint', () => {
  it.each([
    ['http://127.0.0.1:9091', '/metrics', 'http://127.0.0.1:9091/metrics'],
    ['http://127.0.0.1:9091/', '/metrics', 'http://127.0.0.1:9091/metrics'],
    ['http://127.0.0.1:9091/pg', '/metrics/job/x', 'http://127.0.0.1:9091/pg/metrics/job/x'],
    ['http://127.0.0.1:9091/pg/?q=1', '/-/ready', 'http://127.0.0.1:9091/pg/-/ready'],
  ])('%s + %s', (base, path, want) => {
    expect(endpoint(new URL(base), path).href).toBe(want);
  });
});

import { UPSTREAM_OWN_FAMILIES } from './reserved-families';

describe('UPSTREAM_OWN_FAMILIES', () => {
  it.each([
    ['go_goroutines', 'GAUGE', true, 'Number of goroutines that currently exist.'],
    [
      'go_gc_duration_seconds',
      'SUMMARY',
      true,
      'A summary of the pause duration of garbage collection cycles.',
    ],
    [
      'process_cpu_seconds_total',
      'COUNTER',
      true,
      'Total user and system CPU time spent in seconds.',
    ],
    [
      'pushgateway_http_requests_total',
      'COUNTER',
      false,
      'Total HTTP requests processed by the Pushgateway, excluding scrapes.',
    ],
    [
      'pushgateway_http_push_duration_seconds',
      'SUMMARY',
      false,
      'HTTP request duration for pushes to the Pushgateway.',
    ],
  ])('holds %s as upstream 1.5.1 exposes it', (name, type, presentAtStartup, help) => {
    expect(UPSTREAM_OWN_FAMILIES.get(name)).toEqual({ type, help, presentAtStartup });
  });

  it('covers the go_, process_ and pushgateway_ families and nothing else', () => {
    const names = [...UPSTREAM_OWN_FAMILIES.keys()];
    expect(names).toHaveLength(38);
    expect(names.every((n) => /^(go|process|pushgateway)_/.test(n))).toBe(true);
    expect(names.filter((n) => !UPSTREAM_OWN_FAMILIES.get(n)?.presentAtStartup)).toEqual([
      'pushgateway_http_push_duration_seconds',
      'pushgateway_http_push_size_bytes',
      'pushgateway_http_requests_total',
    ]);
  });
});

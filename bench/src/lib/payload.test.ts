import { batchJobBody, FIXED_SERIES, MIN_SERIES } from './payload';

function samples(body: string): string[] {
  return body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('batchJobBody', () => {
  it.each([MIN_SERIES, 25, 100])('has exactly %s distinct series', (n) => {
    const s = samples(batchJobBody(n, 3, 0));
    expect(s).toHaveLength(n);
    const seriesIds = s.map((l) => l.slice(0, l.lastIndexOf(' ')));
    expect(new Set(seriesIds).size).toBe(n);
  });

  it.each([0, FIXED_SERIES, 12.5, Number.NaN])('rejects %s series', (n) => {
    expect(() => batchJobBody(n, 0)).toThrow(RangeError);
  });

  it('declares a TYPE for every sample, once per family, with the family right after it', () => {
    const lines = batchJobBody(25, 1, 1).trimEnd().split('\n');
    const typed: string[] = [];
    let current = '';
    for (const line of lines) {
      const type = /^# TYPE (\S+) (gauge|counter|histogram)$/.exec(line);
      if (type) {
        current = type[1] as string;
        typed.push(current);
        continue;
      }
      if (line.startsWith('#')) continue;
      const name = /^[a-z_]+/.exec(line)?.[0] ?? '';
      expect([current, `${current}_bucket`, `${current}_sum`, `${current}_count`]).toContain(name);
    }
    expect(new Set(typed).size).toBe(typed.length);
  });

  it.each([0, 1, 2, 999, 123456])('renders a valid cumulative histogram for group %s', (group) => {
    const body = batchJobBody(25, group, 7);
    const buckets = [...body.matchAll(/_bucket\{le="([^"]+)"\} (\d+)/g)].map((m) => Number(m[2]));
    const count = Number(/_count (\d+)/.exec(body)?.[1]);
    expect(buckets).toHaveLength(4);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets[3]).toBe(count);
  });

  it('uses only values the text parser accepts and counters that grow with the iteration', () => {
    const v = (iteration: number): number[] =>
      samples(batchJobBody(25, 5, iteration))
        .filter((l) => l.startsWith('bench_job_records_processed_total'))
        .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
    for (const x of [...v(0), ...v(1)]) expect(Number.isFinite(x)).toBe(true);
    v(1).forEach((x, i) => expect(x).toBeGreaterThan(v(0)[i] as number));
  });

  it('is deterministic and differs between groups', () => {
    expect(batchJobBody(25, 42, 3)).toBe(batchJobBody(25, 42, 3));
    expect(batchJobBody(25, 42, 3)).not.toBe(batchJobBody(25, 43, 3));
  });
});

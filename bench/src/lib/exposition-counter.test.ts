import { countExposition, ExpositionCounter } from './exposition-counter';

const SCRAPE = [
  '# HELP a_total Total.',
  '# TYPE a_total counter',
  'a_total{instance="i0",job="bench"} 1',
  'a_total{instance="i1",job="bench"} 2',
  '# HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.',
  '# TYPE push_failure_time_seconds gauge',
  'push_failure_time_seconds{instance="i0",job="bench"} 0',
  'push_failure_time_seconds{instance="i1",job="bench"} 0',
  '# HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.',
  '# TYPE push_time_seconds gauge',
  'push_time_seconds{instance="i0",job="bench"} 1.7e+09',
  'push_time_seconds{instance="i1",job="bench"} 1.7e+09',
  '# TYPE push_time_seconds_total counter',
  'push_time_seconds_total 3',
  'push_time_seconds 4',
  '',
].join('\n');
const WANT = { series: 8, families: 4, groups: 3 };

describe('ExpositionCounter', () => {
  it('counts series, families and push_time_seconds samples', () => {
    expect(countExposition(SCRAPE)).toEqual(WANT);
  });

  it('gives the same counts for every split point of the body', () => {
    const buf = Buffer.from(SCRAPE);
    for (let cut = 0; cut <= buf.length; cut++) {
      const c = new ExpositionCounter();
      c.push(buf.subarray(0, cut));
      c.push(buf.subarray(cut));
      expect({ cut, counts: c.end() }).toEqual({ cut, counts: WANT });
    }
  });

  it('gives the same counts when fed one byte at a time', () => {
    const c = new ExpositionCounter();
    for (const b of Buffer.from(SCRAPE)) c.push(Buffer.of(b));
    expect(c.end()).toEqual(WANT);
  });

  it.each([
    ['last line without newline', 'a 1\nb 2', { series: 2, families: 0, groups: 0 }],
    ['blank lines', '\n\na 1\n\n', { series: 1, families: 0, groups: 0 }],
    ['empty body', '', { series: 0, families: 0, groups: 0 }],
  ])('%s', (_name, body, want) => {
    expect(countExposition(body)).toEqual(want);
  });
});

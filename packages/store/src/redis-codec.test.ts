import type { Metric, MetricFamily } from '@pushgate/exposition';
import { decodeBlob, decodeMeta, encodeLabels, encodeName, encodeRecord } from './redis-codec';

/** A blob as the Lua scripts assemble it from records. */
function blob(...families: MetricFamily[]): string {
  return `{\n${families.map((family) => encodeRecord({ family, timestamp: 1.5 })).join(',\n')}\n}`;
}

function roundTrip(metric: Metric, type: MetricFamily['type'] = 'GAUGE'): Metric {
  const decoded = decodeBlob(blob({ name: 'f', type, metric: [metric] }));
  return decoded.f?.family.metric[0] as Metric;
}

const SPECIALS = [NaN, Infinity, -Infinity, -0];

describe('redis-codec', () => {
  // Every numeric field of the model that can hold a float, with each value JSON cannot carry.
  const cases: Array<[string, (v: number) => Metric, (m: Metric) => number | undefined]> = [
    ['gauge', (v) => ({ label: [], gauge: { value: v } }), (m) => m.gauge?.value],
    ['untyped', (v) => ({ label: [], untyped: { value: v } }), (m) => m.untyped?.value],
    ['counter', (v) => ({ label: [], counter: { value: v } }), (m) => m.counter?.value],
    [
      'counter exemplar',
      (v) => ({ label: [], counter: { value: 1, exemplar: { label: [], value: v } } }),
      (m) => m.counter?.exemplar?.value,
    ],
    [
      'summary sum',
      (v) => ({ label: [], summary: { sampleSum: v, quantile: [] } }),
      (m) => m.summary?.sampleSum,
    ],
    [
      'summary quantile',
      (v) => ({ label: [], summary: { quantile: [{ quantile: 0.5, value: v }] } }),
      (m) => m.summary?.quantile[0]?.value,
    ],
    [
      'histogram sum',
      (v) => ({ label: [], histogram: { sampleSum: v, bucket: [] } }),
      (m) => m.histogram?.sampleSum,
    ],
    [
      'histogram float count',
      (v) => ({ label: [], histogram: { sampleCountFloat: v, bucket: [] } }),
      (m) => m.histogram?.sampleCountFloat,
    ],
    [
      'bucket bound',
      (v) => ({ label: [], histogram: { bucket: [{ upperBound: v, cumulativeCount: 1 }] } }),
      (m) => m.histogram?.bucket[0]?.upperBound,
    ],
    [
      'bucket float count',
      (v) => ({ label: [], histogram: { bucket: [{ upperBound: 1, cumulativeCountFloat: v }] } }),
      (m) => m.histogram?.bucket[0]?.cumulativeCountFloat,
    ],
    [
      'zero threshold',
      (v) => ({ label: [], histogram: { zeroThreshold: v, bucket: [] } }),
      (m) => m.histogram?.zeroThreshold,
    ],
    [
      'native counts',
      (v) => ({ label: [], histogram: { positiveCount: [1, v], negativeCount: [v], bucket: [] } }),
      (m) => m.histogram?.positiveCount?.[1],
    ],
    [
      'native exemplars',
      (v) => ({ label: [], histogram: { exemplars: [{ label: [], value: v }], bucket: [] } }),
      (m) => m.histogram?.exemplars?.[0]?.value,
    ],
  ];

  it.each(
    cases.flatMap(([field, make, read]) =>
      SPECIALS.map((v) => [field, String(Object.is(v, -0) ? '-0' : v), make, read, v] as const),
    ),
  )('keeps %s = %s', (_field, _shown, make, read, v) => {
    expect(Object.is(read(roundTrip(make(v))), v)).toBe(true);
  });

  it('leaves strings that read like special floats alone', () => {
    const family: MetricFamily = {
      name: 'NaN',
      help: '+Inf',
      type: 'GAUGE',
      metric: [
        {
          label: [
            { name: 'value', value: 'NaN' },
            { name: 'v', value: '-0' },
          ],
          gauge: { value: 1 },
        },
      ],
    };
    expect(decodeBlob(blob(family)).NaN?.family).toEqual(family);
  });

  it('keeps the record timestamp and exact floats', () => {
    const decoded = decodeBlob(
      blob({ name: 'f', type: 'GAUGE', metric: [{ label: [], gauge: { value: 0.1 + 0.2 } }] }),
    );
    expect(decoded.f).toEqual({
      timestamp: 1.5,
      family: { name: 'f', type: 'GAUGE', metric: [{ label: [], gauge: { value: 0.1 + 0.2 } }] },
    });
  });

  it('writes records the Lua merge can split: no raw newline, the JSON name first', () => {
    const family: MetricFamily = {
      name: 'a",\n"b',
      help: 'x\ny',
      type: 'UNTYPED',
      metric: [{ label: [{ name: 'l', value: ',\n' }], untyped: { value: 1 } }],
    };
    const record = encodeRecord({ family, timestamp: 2 });
    expect(record).not.toContain('\n');
    expect(record.startsWith(`${encodeName(family.name)}:`)).toBe(true);
    expect(decodeBlob(`{\n${record}\n}`)[family.name]?.family).toEqual(family);
  });

  it('decodes family names a plain object would treat specially', () => {
    const decoded = decodeBlob(
      blob(
        { name: '__proto__', type: 'GAUGE', metric: [] },
        { name: 'constructor', type: 'GAUGE', metric: [] },
      ),
    );
    expect(Object.keys(decoded).sort()).toEqual(['__proto__', 'constructor']);
    expect(decoded.__proto__?.family.name).toBe('__proto__');
  });

  it('encodes labels with sorted names, so equal grouping keys compare equal in Lua', () => {
    expect(encodeLabels({ job: 'j', a: '1', instance: 'é' })).toBe(
      encodeLabels({ instance: 'é', job: 'j', a: '1' }),
    );
    expect(encodeLabels({ job: 'j', a: '1' })).toBe('{"a":"1","job":"j"}');
  });

  it('decodes group metadata', () => {
    expect(
      decodeMeta('ab12 1700000000.5 1700000000.5 0 1699999999.25 42\n{"job":"j","x":"a b"}'),
    ).toEqual({
      tx: 'ab12',
      pushValue: 1700000000.5,
      pushTime: 1700000000.5,
      failureValue: 0,
      failureTime: 1699999999.25,
      version: 42,
      labels: { job: 'j', x: 'a b' },
    });
    expect(decodeMeta('- 0 3 3 3 7\n{"job":"j"}').tx).toBeUndefined();
    expect(decodeMeta('- 0 3 3 3 7\n{"job":"j"}')).not.toHaveProperty('expiry');
    expect(decodeMeta('- 0 3 3 3 7 90 1700000090.25\n{"job":"j"}').expiry).toEqual({
      ttlSeconds: 90,
      expiresAt: 1700000090.25,
    });
    expect(() => decodeMeta('garbage')).toThrow(/malformed group metadata/);
  });
  it('stores label pairs as one flat list and decodes them back to the model', () => {
    const metric: Metric = {
      label: [
        { name: 'instance', value: 'i1' },
        { name: 'job', value: 'j' },
        { name: 'x', value: '"q"\n' },
      ],
      counter: { value: 2 },
    };
    const record = encodeRecord({
      family: { name: 'c', type: 'COUNTER', metric: [metric] },
      timestamp: 1,
    });
    expect(record).toContain('"l":["instance","i1","job","j","x","\\"q\\"\\n"]');
    expect(record).not.toContain('"label"');
    expect(roundTrip(metric, 'COUNTER')).toEqual(metric);
    expect(roundTrip({ label: [], gauge: { value: 1 } })).toEqual({
      label: [],
      gauge: { value: 1 },
    });
  });

  it('re-encodes a decoded family with its labels (a restore writes what a read returned)', () => {
    const family: MetricFamily = {
      name: 'c',
      type: 'COUNTER',
      metric: [{ label: [{ name: 'a', value: 'b' }], counter: { value: 1 } }],
    };
    const once = decodeBlob(blob(family)).c?.family as MetricFamily;
    const twice = decodeBlob(blob(once)).c?.family as MetricFamily;
    expect(twice.metric[0]?.label).toEqual([{ name: 'a', value: 'b' }]);
  });

  it('still reads blobs written with the full label form', () => {
    const old =
      '{\n"g":{"t":1.5,"f":{"name":"g","type":"GAUGE","metric":[{"label":[{"name":"a","value":"b"}],"gauge":{"value":"-0"}}]}}\n}';
    const metric = decodeBlob(old).g?.family.metric[0] as Metric;
    expect(metric.label).toEqual([{ name: 'a', value: 'b' }]);
    expect(Object.is(metric.gauge?.value, -0)).toBe(true);
  });
});

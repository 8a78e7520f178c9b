import { ProtobufParseError } from './errors';
import { decodeDelimited, encodeDelimited } from './protobuf';
import type { MetricFamily } from './types';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Every field of the schema set at least once, native histograms included. */
const RICH: MetricFamily[] = [
  {
    name: 'rpc_seconds',
    help: 'Everything a histogram can carry.',
    type: 'HISTOGRAM',
    unit: 'seconds',
    metric: [
      {
        label: [
          { name: 'b', value: '2' },
          { name: 'a', value: 'Björn "quoted"\n' },
        ],
        histogram: {
          sampleCount: 2 ** 53,
          sampleCountFloat: 1.5,
          sampleSum: -0,
          bucket: [
            {
              cumulativeCount: 3,
              cumulativeCountFloat: 2.5,
              upperBound: 0.25,
              exemplar: {
                label: [{ name: 'trace_id', value: 'abc' }],
                value: 0.2,
                timestamp: { seconds: 1700000000, nanos: 123 },
              },
            },
            { cumulativeCount: 0, upperBound: Infinity },
          ],
          createdTimestamp: { seconds: -62135596800, nanos: 999999999 },
          schema: -4,
          zeroThreshold: 2.938735877055719e-39,
          zeroCount: 0,
          zeroCountFloat: 0.5,
          negativeSpan: [{ offset: -2147483648, length: 4294967295 }],
          negativeDelta: [-(2 ** 53) + 1, 0, 2 ** 53 - 1],
          negativeCount: [NaN, -Infinity],
          positiveSpan: [
            { offset: 0, length: 0 },
            { offset: 2147483647, length: 1 },
          ],
          positiveDelta: [1],
          positiveCount: [1e-300],
          exemplars: [{ label: [], value: Infinity, timestamp: { seconds: 0, nanos: 0 } }],
        },
        timestampMs: -1,
      },
    ],
  },
  {
    name: 'c_total',
    help: '',
    type: 'COUNTER',
    metric: [
      {
        label: [],
        counter: {
          value: NaN,
          exemplar: { label: [], value: 1 },
          createdTimestamp: { seconds: 5, nanos: 0 },
        },
      },
    ],
  },
  {
    name: 's',
    type: 'SUMMARY',
    metric: [
      {
        label: [],
        summary: {
          sampleCount: 0,
          sampleSum: 1,
          quantile: [{ quantile: 0.5, value: -1 }],
          createdTimestamp: { seconds: 1, nanos: 2 },
        },
      },
      { label: [{ name: '', value: '' }], summary: { quantile: [] } },
    ],
  },
  { name: 'g', type: 'GAUGE', metric: [{ label: [], gauge: { value: -Infinity } }] },
  { name: 'u', type: 'UNTYPED', metric: [{ label: [], untyped: { value: 5e-324 } }] },
  {
    name: 'gh',
    type: 'GAUGE_HISTOGRAM',
    metric: [{ label: [], histogram: { sampleCount: 1, bucket: [] } }],
  },
  { name: 'no_metrics', type: 'GAUGE', metric: [] },
];

describe('encodeDelimited / decodeDelimited', () => {
  it('round-trips every field, native histograms and exemplars included', () => {
    expect(decodeDelimited(encodeDelimited(RICH))).toEqual(RICH);
  });

  it('decodes what Go encodes (bytes written field by field)', () => {
    // name "g" (1), help "" (2), type GAUGE (3), metric (4) { label { name "a" value "b" }
    // gauge { value 1.5 } }.
    const body = hex('1c 0a0167 1200 1801 2213 0a06 0a0161 120162 1209 09 000000000000f83f');
    expect(decodeDelimited(body)).toEqual([
      {
        name: 'g',
        help: '',
        type: 'GAUGE',
        metric: [{ label: [{ name: 'a', value: 'b' }], gauge: { value: 1.5 } }],
      },
    ]);
  });

  it('encodes fields in field-number order, as Go does', () => {
    const family: MetricFamily = {
      name: 'g',
      help: '',
      type: 'GAUGE',
      metric: [{ label: [{ name: 'a', value: 'b' }], gauge: { value: 1.5 } }],
    };
    expect(encodeDelimited([family])).toEqual(
      hex('1c 0a0167 1200 1801 2213 0a06 0a0161 120162 1209 09 000000000000f83f'),
    );
  });

  it('returns a Buffer and encodes nothing for no families', () => {
    const out = encodeDelimited([]);
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out).toHaveLength(0);
  });

  it('reads a Uint8Array that is not a Buffer, at an offset into its memory', () => {
    const encoded = encodeDelimited(RICH);
    const backing = new Uint8Array(encoded.length + 7);
    backing.set(encoded, 5);
    expect(decodeDelimited(backing.subarray(5, 5 + encoded.length))).toEqual(RICH);
  });
});

describe('decodeDelimited', () => {
  it('decodes an empty body to no families', () => {
    expect(decodeDelimited(new Uint8Array(0))).toEqual([]);
  });

  it('keeps the last of several families with the same name, at the first position', () => {
    const first: MetricFamily = {
      name: 'a',
      type: 'GAUGE',
      metric: [{ label: [], gauge: { value: 1 } }],
    };
    const other: MetricFamily = {
      name: 'b',
      type: 'GAUGE',
      metric: [{ label: [], gauge: { value: 2 } }],
    };
    const last: MetricFamily = {
      name: 'a',
      help: 'second',
      type: 'COUNTER',
      metric: [{ label: [], counter: { value: 3 } }],
    };
    expect(decodeDelimited(encodeDelimited([first, other, last]))).toEqual([last, other]);
  });

  it('tells an absent HELP from an empty one and leaves unset fields out', () => {
    const [withoutHelp, withEmptyHelp] = decodeDelimited(hex('03 0a0161  05 0a0162 1200'));
    expect(withoutHelp).toEqual({ name: 'a', type: 'COUNTER', metric: [] });
    expect(withoutHelp).not.toHaveProperty('help');
    expect(withoutHelp).not.toHaveProperty('unit');
    expect(withEmptyHelp).toEqual({ name: 'b', help: '', type: 'COUNTER', metric: [] });
  });

  it('fills absent names, label pairs, values and bounds with their zero values', () => {
    expect(decodeDelimited(hex('00'))).toEqual([{ name: '', type: 'COUNTER', metric: [] }]);
    // One metric holding an empty label pair, an empty gauge, and a histogram with an empty bucket.
    expect(decodeDelimited(hex('0a 2208 0a00 1200 3a02 1a00'))).toEqual([
      {
        name: '',
        type: 'COUNTER',
        metric: [
          {
            label: [{ name: '', value: '' }],
            gauge: { value: 0 },
            histogram: { bucket: [{ upperBound: 0 }] },
          },
        ],
      },
    ]);
  });

  it('keeps a value field that does not match the family type (the core rejects it)', () => {
    const family: MetricFamily = {
      name: 'g',
      type: 'GAUGE',
      metric: [{ label: [], counter: { value: 1 } }],
    };
    expect(decodeDelimited(encodeDelimited([family]))).toEqual([family]);
  });

  it('treats an unknown metric type number as unset, like Go (proto2 enums are closed)', () => {
    expect(decodeDelimited(hex('05 0a0178 1809'))).toEqual([
      { name: 'x', type: 'COUNTER', metric: [] },
    ]);
  });

  it('skips unknown fields, groups and fields with an unexpected wire type', () => {
    // name "n"; field 9 varint; field 10 fixed64; field 11 group containing field 1; field 1
    // sent as a varint (wrong wire type for a string): all skipped as Go skips them.
    expect(decodeDelimited(hex('14 0a016e 4801 51 0102030405060708 5b 0800 5c 0801'))).toEqual([
      { name: 'n', type: 'COUNTER', metric: [] },
    ]);
  });

  it('accepts packed encoding of repeated numeric fields', () => {
    // metric { histogram { positive_delta packed [1, -1] (zigzag 02 01) } }
    expect(decodeDelimited(hex('08 2206 3a04 6a020201'))).toEqual([
      {
        name: '',
        type: 'COUNTER',
        metric: [{ label: [], histogram: { bucket: [], positiveDelta: [1, -1] } }],
      },
    ]);
  });

  it('replaces invalid UTF-8 in strings with U+FFFD (Go keeps the raw bytes)', () => {
    expect(decodeDelimited(hex('03 0a01ff'))).toEqual([
      { name: '\ufffd', type: 'COUNTER', metric: [] },
    ]);
  });

  // Upstream's 400 bodies for the same bytes (checked against the binary in
  // tests/upstream-oracle.test.ts).
  it.each([
    ['a length prefix cut short', '80', 'unexpected EOF'],
    ['a message missing entirely', '05', 'unexpected EOF'],
    ['a message cut short', '04 0a017a', 'unexpected EOF'],
    ['a string running past its message', '02 0a01', 'unexpected EOF'],
    ['a nested message running past its parent', '03 22050a', 'unexpected EOF'],
    ['a second message cut short', '03 0a0161 05 0a', 'unexpected EOF'],
    ['an unterminated group', '01 1b', 'unexpected EOF'],
    ['a varint longer than 10 bytes', '0c 08 ffffffffffffffffffffff01', 'unexpected EOF'],
    ['text sent as protobuf', Buffer.from('some_metric 1\n').toString('hex'), 'unexpected EOF'],
    ['a length prefix longer than 5 bytes', 'ffffffffff01', 'invalid varint32 encountered'],
    ['wire type 7', '02 0f00', "proto: can't skip unknown wire type 7"],
    ['wire type 6', '02 0e00', "proto: can't skip unknown wire type 6"],
    ['an end group without its start', '02 0c00', "proto: can't skip unknown wire type 4"],
    ['an end group for another field', '03 1b0c1c', "proto: can't skip unknown wire type 4"],
    ['field number 0', '02 0000', 'proto: illegal tag 0'],
  ])('rejects %s with %p', (_, body, message) => {
    let thrown: unknown;
    try {
      decodeDelimited(hex(body));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProtobufParseError);
    expect((thrown as Error).message).toBe(message);
  });

  it('refuses a message larger than the cap before decoding it', () => {
    const body = encodeDelimited([{ name: 'x'.repeat(100), type: 'GAUGE', metric: [] }]);
    expect(() => decodeDelimited(body, { maxMessageBytes: 50 })).toThrow(
      new ProtobufParseError("message size 104 exceeded unmarshaler's maximum configured size 50"),
    );
    expect(decodeDelimited(body, { maxMessageBytes: 104 })).toHaveLength(1);
  });

  it('reports a huge length prefix in a short body as truncation, without allocating for it', () => {
    // 5-byte prefix declaring 2^34 - 1 bytes.
    expect(() => decodeDelimited(hex('ffffffff3f 0a'))).toThrow(
      new ProtobufParseError('unexpected EOF'),
    );
  });

  it('throws nothing but ProtobufParseError on arbitrary bytes', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const valid = encodeDelimited(RICH);
    for (let i = 0; i < 2000; i++) {
      const body = Buffer.from(valid);
      // Flip a few bytes and cut at a random point.
      for (let k = 0; k < 3; k++)
        body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
      const cut = body.subarray(0, Math.floor(random() * body.length));
      try {
        decodeDelimited(cut);
      } catch (err) {
        if (!(err instanceof ProtobufParseError)) throw err;
      }
    }
  });
});

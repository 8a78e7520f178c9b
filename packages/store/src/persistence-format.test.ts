import { createHash } from 'node:crypto';
import {
  applyFailure,
  applyPush,
  preparePush,
  UPSTREAM_OWN_FAMILIES,
  type MetricGroup,
} from '@pushgate/core';
import { parseText, type MetricFamily } from '@pushgate/exposition';
import { PersistenceCorruptError } from './persistence-errors';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotStream } from './persistence-format';

function groups(): MetricGroup[] {
  const specials: MetricFamily = {
    name: '__proto__',
    type: 'GAUGE',
    metric: [NaN, Infinity, -Infinity, -0, 0.1].map((value, i) => ({
      label: [{ name: 'i', value: String(i) }],
      gauge: { value },
    })),
  };
  const prepared = preparePush(
    {
      labels: { job: 'j', path: '/$float' },
      families: [...parseText('# HELP a Ä "x"\na{l="$float"} 1\n'), specials],
      mode: 'replace',
      receivedAt: 1.5,
    },
    UPSTREAM_OWN_FAMILIES,
  );
  return [
    applyFailure(applyPush(undefined, prepared), prepared.labels, 2.25),
    applyFailure(undefined, { job: 'k' }, 3),
  ];
}

describe('persistence format', () => {
  it('round-trips groups, including values JSON cannot hold and odd names', () => {
    const original = groups();
    const decoded = decodeSnapshot(encodeSnapshot(original), 'f');
    expect(decoded).toEqual(original);
    const values = decoded[0]?.families.__proto__?.family.metric.map((m) => m.gauge?.value);
    expect(values).toEqual([NaN, Infinity, -Infinity, -0, 0.1]);
    expect(Object.is(values?.[3], -0)).toBe(true);
    expect(Object.getPrototypeOf(decoded[0]?.families)).toBeNull();
  });

  it('writes a header line, one line per group and a trailer line', () => {
    const lines = encodeSnapshot(groups()).toString('utf8').split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0] as string)).toEqual({ format: 'pushgate-memory-store', version: 1 });
    expect(JSON.parse(lines[3] as string)).toEqual({
      groups: 2,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(lines[4]).toBe('');
  });

  it('streams the same bytes it encodes at once', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of encodeSnapshotStream(groups())) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(encodeSnapshot(groups()));
  });

  it('round-trips an empty store', () => {
    expect(decodeSnapshot(encodeSnapshot([]), 'f')).toEqual([]);
  });

  const valid = () => encodeSnapshot(groups());
  const HEADER = '{"format":"pushgate-memory-store","version":1}\n';
  /** A correctly sealed file around the given group lines. */
  const sealed = (lines: string[]) => {
    const body = HEADER + lines.map((line) => `${line}\n`).join('');
    const sha256 = createHash('sha256').update(body).digest('hex');
    return Buffer.from(`${body}${JSON.stringify({ groups: lines.length, sha256 })}\n`);
  };

  it.each<[string, () => Buffer, RegExp]>([
    ['an empty file', () => Buffer.alloc(0), /not a pushgate-memory-store file/],
    ['a file cut after the header', () => Buffer.from(HEADER), /no trailer/],
    ['a file cut inside a group', () => valid().subarray(0, 200), /no trailer/],
    [
      'a file cut after a whole line',
      () => valid().subarray(0, valid().indexOf('\n', HEADER.length) + 1),
      /checksum mismatch|no trailer/,
    ],
    ['a file cut inside the trailer', () => valid().subarray(0, valid().length - 10), /no trailer/],
    [
      'an altered group',
      () => Buffer.from(valid().toString('utf8').replace('"job":"j"', '"job":"x"')),
      /checksum mismatch/,
    ],
    [
      'a dropped group line',
      () => {
        const lines = valid().toString('utf8').split('\n');
        const body = [lines[0], lines[2], ''].join('\n');
        const trailer = JSON.parse(lines[3] as string) as { groups: number };
        return Buffer.from(
          `${body}${JSON.stringify({ groups: trailer.groups, sha256: createHash('sha256').update(body).digest('hex') })}\n`,
        );
      },
      /expected 2 groups, found 1/,
    ],
    [
      'a gob file of upstream',
      () => Buffer.from([0x0e, 0xff, 0x81, 0x04, 0x01, 0x02, 0xff, 0x82, 0x00, 0x01, 0x06, 0x0a]),
      /not a pushgate-memory-store file/,
    ],
    ['another JSON file', () => Buffer.from('{"groups":[]}\n'), /not a pushgate-memory-store file/],
    [
      'a later version',
      () => Buffer.from('{"format":"pushgate-memory-store","version":2}\n'),
      /unsupported header/,
    ],
  ])('rejects %s as corrupt', (_, data, reason) => {
    expect(() => decodeSnapshot(data(), '/var/lib/p.data')).toThrow(PersistenceCorruptError);
    expect(() => decodeSnapshot(data(), '/var/lib/p.data')).toThrow(reason);
  });

  it.each([
    ['[]', /group 0: not a group/],
    ['{"labels":{},"families":{}}', /group 0: no job label/],
    [
      '{"labels":{"job":"j"},"families":{"a":{"timestamp":1,"family":{"name":"b","type":"GAUGE","metric":[]}}}}',
      /family a holds b/,
    ],
    [
      '{"labels":{"job":"j"},"families":{"a":{"timestamp":1,"family":{"name":"a","type":"x","metric":[]}}}}',
      /no valid type/,
    ],
    [
      '{"labels":{"job":"j"},"families":{"a":{"timestamp":1,"family":{"name":"a","type":"GAUGE","metric":[{}]}}}}',
      /malformed series/,
    ],
    ['{"labels":', /group 0 is not JSON/],
  ])('rejects a sealed group line of the wrong shape: %s', (line, reason) => {
    expect(() => decodeSnapshot(sealed([line]), 'f')).toThrow(reason);
  });

  it('accepts what it seals', () => {
    const line = '{"labels":{"job":"j"},"families":{}}';
    expect(decodeSnapshot(sealed([line]), 'f')).toEqual([{ labels: { job: 'j' }, families: {} }]);
  });
});

import { GroupingKeyError } from './errors';
import { decodePathBytes, groupId, parseGroupingKey } from './grouping-key';

/** Splits a decoded push path as the router does: job segment, then the rest. */
function parsePath(path: string): ReturnType<typeof parseGroupingKey> {
  const match = /^\/metrics\/job(@base64)?\/([^/]*)(.*)$/.exec(path);
  if (!match) throw new Error(`not a push path: ${path}`);
  const decoded = decodePathBytes(`${match[2]}${match[3]}`);
  if (decoded === undefined) throw new Error('bad escape');
  const slash = decoded.indexOf('/');
  const job = slash < 0 ? decoded : decoded.slice(0, slash);
  const rest = slash < 0 ? '' : decoded.slice(slash);
  return parseGroupingKey(job, match[1] !== undefined, rest);
}

describe(decodePathBytes, () => {
  it.each([
    ['/metrics/job/j', '/metrics/job/j'],
    ['a%2Fb', 'a/b'],
    ['a%20b', 'a b'],
    ['a+b', 'a+b'],
    ['%CE%A0', '\xce\xa0'],
    ['%ce%a0', '\xce\xa0'],
    ['%FF', '\xff'],
    ['%41%', undefined],
    ['%4', undefined],
    ['%ZZ', undefined],
    ['%%41', undefined],
    ['Π', '\xce\xa0'],
    ['', ''],
  ])('decodes %j to %j', (raw, bytes) => {
    expect(decodePathBytes(raw)).toBe(bytes);
  });
});

describe(parseGroupingKey, () => {
  // Outcomes verified against prometheus-pushgateway 1.5.1 (spec §6 items 1–19).
  it.each<[string, Record<string, string>]>([
    ['/metrics/job/j', { job: 'j' }],
    ['/metrics/job/j/', { job: 'j' }],
    ['/metrics/job/j/inst/', { job: 'j', inst: '' }],
    ['/metrics/job/j/job/other', { job: 'j' }],
    ['/metrics/job/j/x/1/x/2', { job: 'j', x: '2' }],
    ['/metrics/job/j/a/1/b/2', { job: 'j', a: '1', b: '2' }],
    ['/metrics/job/j/sp/a%20b', { job: 'j', sp: 'a b' }],
    ['/metrics/job/j/plus/a+b', { job: 'j', plus: 'a+b' }],
    ['/metrics/job/j/pi/%CE%A0', { job: 'j', pi: 'Π' }],
    ['/metrics/job/%CE%A0', { job: 'Π' }],
    ['/metrics/job/j/path@base64/L3Zhci90bXA', { job: 'j', path: '/var/tmp' }],
    ['/metrics/job/j/path@base64/L3Zhci90bXA=', { job: 'j', path: '/var/tmp' }],
    ['/metrics/job/j/v@base64/Pj4_', { job: 'j', v: '>>?' }],
    ['/metrics/job/j/v@base64/=', { job: 'j', v: '' }],
    ['/metrics/job/j/v@base64/===', { job: 'j', v: '' }],
    ['/metrics/job/j/v@base64/YQ', { job: 'j', v: 'a' }],
    ['/metrics/job/j/v@base64/YQ==', { job: 'j', v: 'a' }],
    ['/metrics/job/j/v@base64/YR', { job: 'j', v: 'a' }],
    ['/metrics/job/j/v@base64/Y%0AQ', { job: 'j', v: 'a' }],
    ['/metrics/job/j/v@base64/YWJjZA', { job: 'j', v: 'abcd' }],
    ['/metrics/job/j/v@base64/zqA', { job: 'j', v: 'Π' }],
    ['/metrics/job/j/le/7/quantile/0.5', { job: 'j', le: '7', quantile: '0.5' }],
    ['/metrics/job@base64/am9i', { job: 'job' }],
    ['/metrics/job@base64/am9i/instance@base64/=', { job: 'job', instance: '' }],
    ['/metrics/job/j/constructor/x', { job: 'j', constructor: 'x' }],
    ['/metrics/job/j/w/%e2%80%a8%c2%a0', { job: 'j', w: '\u2028\u00a0' }],
  ])('parses %s', (path, labels) => {
    const parsed = parsePath(path);
    expect(parsed).toEqual(labels);
    expect(Object.keys(parsed)).toHaveLength(Object.keys(labels).length);
  });

  // Messages verified against prometheus-pushgateway 1.5.1, except the UTF-8 ones (ours).
  it.each([
    ['/metrics/job/j/a', 'odd number of components in label string "/a"'],
    ['/metrics/job/j/a/b/c', 'odd number of components in label string "/a/b/c"'],
    ['/metrics/job/a%2Fb', 'odd number of components in label string "/b"'],
    [
      '/metrics/job/j/a/b/c%FF%01%22',
      'odd number of components in label string "/a/b/c\\xff\\x01\\""',
    ],
    ['/metrics/job/j/0bad/v', 'improper label name "0bad"'],
    ['/metrics/job/j/__x/v', 'improper label name "__x"'],
    ['/metrics/job/j/a-b/v', 'improper label name "a-b"'],
    ['/metrics/job/j/%CE%A0/b', 'improper label name "Π"'],
    ['/metrics/job/j/a%20%FF%01"/b', 'improper label name "a \\xff\\x01\\""'],
    ['/metrics/job/j/@base64/YQ', 'improper label name ""'],
    ['/metrics/job/j/v@base64@base64/YQ', 'improper label name "v@base64"'],
    [
      '/metrics/job/j/v@base64/Pj4+',
      'invalid base64 encoding for label v="Pj4+": illegal base64 data at input byte 3',
    ],
    [
      '/metrics/job/j/v@base64/Y',
      'invalid base64 encoding for label v="Y": illegal base64 data at input byte 0',
    ],
    [
      '/metrics/job/j/v@base64/YQ=x',
      'invalid base64 encoding for label v="YQ=x": illegal base64 data at input byte 2',
    ],
    [
      '/metrics/job/j/v@base64/YWJjZ',
      'invalid base64 encoding for label v="YWJjZ": illegal base64 data at input byte 4',
    ],
    [
      '/metrics/job/j/v@base64/a%FF%01',
      'invalid base64 encoding for label v="a\\xff\\x01": illegal base64 data at input byte 1',
    ],
    ['/metrics/job@base64/=', 'job name is required'],
    ['/metrics/job@base64/=/a', 'odd number of components in label string "/a"'],
    ['/metrics/job@base64/=/0a/b', 'improper label name "0a"'],
    [
      '/metrics/job@base64/!!',
      'invalid base64 encoding in job name "": illegal base64 data at input byte 0',
    ],
    [
      '/metrics/job@base64/!!/a',
      'invalid base64 encoding in job name "": illegal base64 data at input byte 0',
    ],
    [
      '/metrics/job@base64/YWJj!!',
      'invalid base64 encoding in job name "abc": illegal base64 data at input byte 4',
    ],
    ['/metrics/job/%FF', 'grouping label value for "job" is not valid UTF-8: "\\xff"'],
    ['/metrics/job/j/v/a%C3', 'grouping label value for "v" is not valid UTF-8: "a\\xc3"'],
    ['/metrics/job/j/v@base64/_w', 'grouping label value for "v" is not valid UTF-8: "\\xff"'],
    [
      '/metrics/job/j/v/%ED%A0%80',
      'grouping label value for "v" is not valid UTF-8: "\\xed\\xa0\\x80"',
    ],
    ['/metrics/job/j/v/%C0%AF', 'grouping label value for "v" is not valid UTF-8: "\\xc0\\xaf"'],
  ])('rejects %s', (path, message) => {
    expect(() => parsePath(path)).toThrow(new GroupingKeyError(message));
  });

  it('throws GroupingKeyError instances', () => {
    expect(() => parseGroupingKey('', false, '')).toThrow(GroupingKeyError);
  });

  it('ignores an invalid value that the job overrides', () => {
    expect(parseGroupingKey('j', false, '/job/\xff')).toEqual({ job: 'j' });
  });
});

describe(groupId, () => {
  it('does not depend on label order', () => {
    expect(groupId({ job: 'j', a: '1', b: '2' })).toBe(groupId({ b: '2', a: '1', job: 'j' }));
  });

  it('is readable', () => {
    expect(groupId({ job: 'api', instance: 'i1' })).toBe('instance="i1",job="api"');
  });

  it.each<[Record<string, string>, Record<string, string>]>([
    [{ job: 'a', x: '' }, { job: 'a' }],
    [{ job: 'a",x="1' }, { job: 'a', x: '1' }],
    [{ job: 'a,x=1' }, { job: 'a', x: '1' }],
    [{ job: 'a\\' }, { job: 'a\\\\' }],
    [
      { job: 'a', b: 'c' },
      { job: 'a', bc: '' },
    ],
  ])('tells %j and %j apart', (a, b) => {
    expect(groupId(a)).not.toBe(groupId(b));
  });
});

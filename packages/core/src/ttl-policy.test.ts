import {
  InvalidTtlError,
  NO_TTL,
  parseTtl,
  parseTtlRule,
  resolveTtl,
  type TtlPolicy,
} from './ttl-policy';

describe('parseTtl', () => {
  it.each([
    ['0', 0],
    ['90', 90],
    ['1.5', 1.5],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['1d', 86400],
    ['100y', 100 * 365 * 86400],
  ])('reads %p as %p s', (text, want) => {
    expect(parseTtl(text, 'x')).toBeCloseTo(want, 9);
  });

  it.each(['', ' 90s', '-5m', '+90', '5x', '1e3', 'soon', '90 s', '.5', '101y', '90s, 2h'])(
    'refuses %p, saying why',
    (text) => {
      expect(() => parseTtl(text, 'Pushgate-TTL header')).toThrow(InvalidTtlError);
      expect(() => parseTtl(text, 'Pushgate-TTL header')).toThrow(
        `invalid Pushgate-TTL header ${JSON.stringify(text)}: expected a duration like 90s, 15m or 2h, or a number of seconds; 0 means never; at most 876000h0m0s`,
      );
    },
  );
});

describe('parseTtlRule', () => {
  it('splits at the last "=", so the regex may hold one', () => {
    const rule = parseTtlRule('a=b|backup-.*=2h');
    expect(rule.ttlSeconds).toBe(7200);
    expect(rule.text).toBe('a=b|backup-.*=2h');
    expect(rule.job.test('a=b')).toBe(true);
    expect(rule.job.test('backup-db')).toBe(true);
  });

  it('anchors the regex at both ends', () => {
    const rule = parseTtlRule('backup-.*=2h');
    expect(['backup-', 'backup-db'].map((j) => rule.job.test(j))).toEqual([true, true]);
    expect(['my-backup-db', 'backup'].map((j) => rule.job.test(j))).toEqual([false, false]);
    expect(parseTtlRule('a|b=1m').job.test('ab')).toBe(false);
  });

  it.each([
    ['backup', /expected <job regex>=<duration>/],
    ['=2h', /expected <job regex>=<duration>/],
    ['backup-(=2h', /bad regex/],
    ['backup=later', /^invalid TTL rule "backup=later": invalid TTL "later": expected a duration/],
  ])('refuses %p', (text, why) => {
    expect(() => parseTtlRule(text)).toThrow(InvalidTtlError);
    expect(() => parseTtlRule(text)).toThrow(why);
  });
});

describe('resolveTtl', () => {
  const policy: TtlPolicy = {
    defaultSeconds: 900,
    rules: [
      parseTtlRule('backup-.*=2h'),
      parseTtlRule('backup-db|nightly=1d'),
      parseTtlRule('keep=0'),
    ],
  };

  it.each<[string, string | undefined, number | undefined]>([
    ['api', undefined, 900],
    ['backup-db', undefined, 7200],
    ['nightly', undefined, 86400],
    ['keep', undefined, undefined],
    ['api', '90s', 90],
    ['backup-db', '90', 90],
    ['backup-db', '0', undefined],
  ])('job %p with header %p: %p', (job, header, want) => {
    expect(resolveTtl(policy, { job, instance: 'i' }, header)).toBe(want);
  });

  it('gives no TTL without configuration and header, as upstream', () => {
    expect(resolveTtl(NO_TTL, { job: 'backup-db' }, undefined)).toBeUndefined();
  });

  it('refuses a malformed header even where a rule would decide', () => {
    expect(() => resolveTtl(policy, { job: 'backup-db' }, '2 hours')).toThrow(
      /^invalid Pushgate-TTL header "2 hours": expected a duration/,
    );
  });
});

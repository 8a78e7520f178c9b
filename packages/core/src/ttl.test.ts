import { applyFailure, applyPush } from './bookkeeping';
import type { MetricGroup } from './model';
import { expiryAfterFailure, expiryAfterPush, isExpired, isValidTtl, MAX_TTL_SECONDS } from './ttl';

const group = (expiry?: MetricGroup['expiry']): MetricGroup => ({
  ...applyFailure(undefined, { job: 'j' }, 1),
  ...(expiry && { expiry }),
});

describe('expiryAfterPush', () => {
  it.each<[number | undefined, MetricGroup['expiry']]>([
    [undefined, undefined],
    [0, undefined],
    [90, { ttlSeconds: 90, expiresAt: 1090.5 }],
    [0.25, { ttlSeconds: 0.25, expiresAt: 1000.75 }],
  ])('TTL %p pushed at 1000.5 gives %p', (ttl, want) => {
    expect(expiryAfterPush(ttl, 1000.5)).toEqual(want);
  });
});

describe('expiryAfterFailure', () => {
  it('keeps the expiry of an existing group, even none: a failure is no successful push', () => {
    const expiry = { ttlSeconds: 60, expiresAt: 160 };
    expect(expiryAfterFailure(group(expiry), 3600, 150)).toBe(expiry);
    expect(expiryAfterFailure(group(), 3600, 150)).toBeUndefined();
  });

  it("gives a group the failure creates the push's TTL", () => {
    expect(expiryAfterFailure(undefined, 3600, 150)).toEqual({ ttlSeconds: 3600, expiresAt: 3750 });
    expect(expiryAfterFailure(undefined, undefined, 150)).toBeUndefined();
  });
});

describe('isExpired', () => {
  it.each([
    [99.999, false],
    [100, true],
    [100.001, true],
  ])('a group expiring at 100 is expired at %p: %p', (now, want) => {
    expect(isExpired(group({ ttlSeconds: 10, expiresAt: 100 }), now)).toBe(want);
  });

  it('never expires a group without TTL', () => {
    expect(isExpired(group(), Number.MAX_VALUE)).toBe(false);
  });

  it('applies to groups the bookkeeping functions built', () => {
    const pushed = applyPush(undefined, {
      labels: { job: 'j' },
      groupId: 'j',
      mode: 'replace',
      receivedAt: 5,
      families: [],
      errors: [],
      index: { families: [], series: [] },
    });
    expect(isExpired({ ...pushed, expiry: expiryAfterPush(1, 5) }, 6)).toBe(true);
  });
});

describe('isValidTtl', () => {
  it.each([
    [0, true],
    [1e-9, true],
    [MAX_TTL_SECONDS, true],
    [MAX_TTL_SECONDS + 1, false],
    [-1, false],
    [NaN, false],
    [Infinity, false],
  ])('%p: %p', (ttl, want) => {
    expect(isValidTtl(ttl)).toBe(want);
  });
});

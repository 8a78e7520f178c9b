import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupHash, RedisKeys, SERIES_KEY_LENGTH, seriesKey, SHARDS, shardOf } from './redis-keys';

/** The hash tag of a key, as Redis Cluster computes the slot from it. */
function tag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return key.slice(open + 1, close);
}

describe('RedisKeys', () => {
  it.each(['', 'a{b', 'a}b', '{x}'])('refuses the prefix %j', (prefix) => {
    expect(() => new RedisKeys(prefix)).toThrow(TypeError);
  });

  it('puts every index key in one slot, named by the prefix', () => {
    const keys = new RedisKeys('pg');
    const index = [...keys.indexKeys(), keys.groupFamilies(groupHash('job="j"'))];
    expect(new Set(index.map(tag))).toEqual(new Set(['pg']));
  });

  it('gives every shard its own slot, apart from the index and other prefixes', () => {
    const keys = new RedisKeys('pg');
    expect(tag(keys.blobs(7))).toBe('pg:7');
    expect(tag(keys.staged(7))).toBe('pg:7');
    expect(tag(keys.blobs(8))).not.toBe(tag(keys.blobs(7)));
    expect(tag(new RedisKeys('other').blobs(7))).not.toBe(tag(keys.blobs(7)));
  });
});

describe('group and series identities', () => {
  it('spreads groups over all shards', () => {
    const shards = new Set(
      Array.from({ length: 20000 }, (_, i) => shardOf(groupHash(`job="j${i}"`))),
    );
    expect(Math.min(...shards)).toBe(0);
    expect(Math.max(...shards)).toBe(SHARDS - 1);
    expect(shards.size).toBe(SHARDS);
  });

  it('derives fixed-width, stable keys', () => {
    expect(groupHash('job="j"')).toMatch(/^[0-9a-f]{24}$/);
    expect(groupHash('job="j"')).toBe(groupHash('job="j"'));
    expect(seriesKey('["m","job","j"]')).toHaveLength(SERIES_KEY_LENGTH);
    expect(seriesKey('["m","job","j"]')).not.toBe(seriesKey('["m","job","k"]'));
    expect(seriesKey('["m","job","j"]')).not.toMatch(/\s/);
  });

  // The scripts compute the same numbers on their side; a change here must change them too.
  it.each([
    ['includes/meta.lua', `local SHARDS = ${SHARDS}`],
    ['includes/index.lua', `local SERIES_KEY_LEN = ${SERIES_KEY_LENGTH}`],
  ])('agrees with %s', (file, line) => {
    expect(readFileSync(join(__dirname, '..', 'lua', file), 'utf8')).toContain(line);
  });

  it('computes the shard from the hash as the scripts do (first three hex digits)', () => {
    expect(shardOf('fff000000000000000000000')).toBe(0xfff % SHARDS);
    expect(shardOf('001abc000000000000000000')).toBe(1);
  });
});

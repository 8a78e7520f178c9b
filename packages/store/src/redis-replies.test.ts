import { RedisStoreProtocolError } from './redis-errors';
import { parseStageReply, parseWriteReply } from './redis-replies';

describe(parseWriteReply, () => {
  it('reads code, version, due blobs and the answers of a rejection', () => {
    expect(
      parseWriteReply('push', [2, 17, ['3:ab'], ['m', 'COUNTER'], ['k'.repeat(20), '{"job":"a"}']]),
    ).toEqual({
      code: 2,
      seq: 17,
      gc: ['3:ab'],
      familyTypes: new Map([['m', 'COUNTER']]),
      seriesOwners: new Map([['k'.repeat(20), '{"job":"a"}']]),
    });
  });

  it('reads the shorter replies of delete and wipe', () => {
    expect(parseWriteReply('delete', [7, 0, []])).toMatchObject({
      code: 7,
      seq: 0,
      gc: [],
      familyTypes: new Map(),
    });
  });

  it.each([[null], ['OK'], [[1]], [['1', 2, []]], [[1, 2, [3]]], [[1, 2, [], 'x']]])(
    'refuses %j',
    (reply) => {
      expect(() => parseWriteReply('push', reply)).toThrow(RedisStoreProtocolError);
    },
  );
});

describe(parseStageReply, () => {
  it('reads code and tx', () => {
    expect(parseStageReply([1, 'ab'])).toEqual({ code: 1, tx: 'ab' });
    expect(() => parseStageReply([1])).toThrow(RedisStoreProtocolError);
  });
});

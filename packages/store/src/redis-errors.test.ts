import { StoreUnavailableError } from './metric-store';
import { toStoreError } from './redis-errors';

function replyError(message: string): Error {
  const err = new Error(message);
  err.name = 'ReplyError';
  return err;
}

describe(toStoreError, () => {
  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    ],
    ['a command timeout', new Error('Command timed out')],
    [
      'a disabled offline queue',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    [
      'exhausted retries',
      Object.assign(new Error('Reached the max retries per request limit'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['a closed client', new Error('Connection is closed.')],
    ['a cluster without slots', replyError('CLUSTERDOWN The cluster is down')],
    ['a loading server', replyError('LOADING Redis is loading the dataset in memory')],
    ['a full server', replyError("OOM command not allowed when used memory > 'maxmemory'.")],
    ['a read-only replica', replyError("READONLY You can't write against a read only replica.")],
    ['a thrown string', 'boom'],
  ])('maps %s to StoreUnavailableError', (_what, err) => {
    const mapped = toStoreError(err);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    if (err instanceof Error) expect(mapped.cause).toBe(err);
  });

  it.each([
    [
      'a script error',
      replyError('ERR user_script:12: Script attempted to access nonexistent global variable'),
    ],
    [
      'a wrong type',
      replyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
  ])('passes %s on unchanged: it is a bug, not an outage', (_what, err) => {
    expect(toStoreError(err)).toBe(err);
  });

  it('keeps a StoreUnavailableError as it is', () => {
    const err = new StoreUnavailableError('x');
    expect(toStoreError(err)).toBe(err);
  });
});

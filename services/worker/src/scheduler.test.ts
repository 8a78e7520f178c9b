import { queueName, tickOf } from './scheduler';

describe('tickOf', () => {
  it('takes the tick from the scheduler job id, the same for every attempt', () => {
    const job = { id: 'repeat:ttl-sweep:1795254087599', timestamp: 1795254087401 };
    expect(tickOf({ ...job, attemptsStarted: 1 })).toEqual({ ms: 1795254087599, attempt: 1 });
    expect(tickOf({ ...job, attemptsStarted: 2 })).toEqual({ ms: 1795254087599, attempt: 2 });
  });

  it('falls back to the job timestamp for a job not made by a scheduler', () => {
    expect(tickOf({ id: 'manual', timestamp: 1234, attemptsStarted: 0 })).toEqual({
      ms: 1234,
      attempt: 1,
    });
  });
});

describe('queueName', () => {
  it('gives every task its own queue', () => {
    expect(queueName('ttl-sweep')).toBe('pushgate-ttl-sweep');
  });
});

import { loadWorkerConfig, parseWorkerCommandLine, WorkerConfigError } from './config';

const REDIS = ['--redis.url=redis://127.0.0.1:6390/0'];

function problemsOf(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    parseWorkerCommandLine(argv, env);
  } catch (err) {
    if (err instanceof WorkerConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a WorkerConfigError');
}

describe('parseWorkerCommandLine', () => {
  it('has the documented defaults', () => {
    expect(loadWorkerConfig(REDIS)).toEqual({
      redisUrl: 'redis://127.0.0.1:6390/0',
      storeKeyPrefix: 'pushgate',
      queuePrefix: '{pushgate-worker}',
      listenAddress: { host: undefined, port: 9092 },
      sweepIntervalMs: 10_000,
      sweepBatchSize: 500,
      snapshotIntervalMs: 300_000,
      snapshotDir: '',
      snapshotKeep: 12,
      restoreOnEmpty: false,
      lockDurationMs: 30_000,
      logLevel: 'info',
      flags: expect.objectContaining({ 'ttl.sweep-interval': '10s', 'snapshot.interval': '5m0s' }),
    });
  });

  it.each<[string[], Record<string, unknown>]>([
    [
      ['--ttl.sweep-interval=2s', '--ttl.sweep-batch-size', '50'],
      { sweepIntervalMs: 2000, sweepBatchSize: 50 },
    ],
    [
      ['--snapshot.dir=/var/lib/pushgate', '--snapshot.interval=1h', '--snapshot.keep=3'],
      { snapshotDir: '/var/lib/pushgate', snapshotIntervalMs: 3_600_000, snapshotKeep: 3 },
    ],
    [['--snapshot.restore-on-empty'], { restoreOnEmpty: true }],
    [['--snapshot.restore-on-empty=false'], { restoreOnEmpty: false }],
    [['--web.listen-address=[::1]:0'], { listenAddress: { host: '::1', port: 0 } }],
    [['--web.listen-address=127.0.0.1:9999'], { listenAddress: { host: '127.0.0.1', port: 9999 } }],
    [['--jobs.lock-duration=1s', '--log.level=debug'], { lockDurationMs: 1000, logLevel: 'debug' }],
    [
      ['--redis.key-prefix=pg2', '--queue.prefix={pg2-jobs}'],
      { storeKeyPrefix: 'pg2', queuePrefix: '{pg2-jobs}' },
    ],
  ])('reads %j', (argv, want) => {
    expect(loadWorkerConfig([...REDIS, ...argv])).toMatchObject(want);
  });

  it('reads PUSHGATE_<FLAG> variables (and REDIS_URL), flags winning', () => {
    expect(
      loadWorkerConfig([], { PUSHGATE_REDIS_URL: 'redis://p:1', REDIS_URL: 'redis://r:1' }),
    ).toMatchObject({ redisUrl: 'redis://p:1' });
    const env = { REDIS_URL: 'redis://r:1', PUSHGATE_TTL_SWEEP_INTERVAL: '30s' };
    expect(loadWorkerConfig([], env)).toMatchObject({
      redisUrl: 'redis://r:1',
      sweepIntervalMs: 30_000,
    });
    expect(loadWorkerConfig(['--ttl.sweep-interval=1s'], env)).toMatchObject({
      sweepIntervalMs: 1000,
    });
  });

  it('needs a Redis', () => {
    expect(problemsOf([])).toEqual([
      'no Redis: set --redis.url, PUSHGATE_REDIS_URL or REDIS_URL (the worker needs the cluster store)',
    ]);
  });

  it('lists every bad value at once, naming where it came from', () => {
    expect(
      problemsOf(['--redis.url=http://x', '--ttl.sweep-interval=10', '--snapshot.keep=0'], {
        PUSHGATE_SNAPSHOT_INTERVAL: '50ms',
        PUSHGATE_LOG_LEVEL: 'loud',
      }),
    ).toEqual([
      'invalid --redis.url "http://x": expected a redis:// or rediss:// URL',
      'invalid --ttl.sweep-interval "10": expected a duration like 10s or 5m, at least 100ms',
      'invalid PUSHGATE_SNAPSHOT_INTERVAL "50ms": expected a duration like 10s or 5m, at least 100ms',
      'invalid --snapshot.keep "0": expected a whole number, at least 1',
      'invalid PUSHGATE_LOG_LEVEL "loud": expected one of debug, info, warn, error',
    ]);
  });

  it('rejects unknown flags and stray arguments', () => {
    expect(problemsOf([...REDIS, '--ttl.default=1h'])).toEqual([
      expect.stringContaining("Unknown option '--ttl.default'"),
    ]);
    expect(problemsOf([...REDIS, 'stray'])).toHaveLength(1);
  });

  it('answers --help', () => {
    const cl = parseWorkerCommandLine(['--help'], {});
    expect(cl.action).toBe('help');
    if (cl.action === 'help') {
      expect(cl.text).toContain('--ttl.sweep-interval="10s"');
      expect(cl.text).toContain('--[no-]snapshot.restore-on-empty');
      expect(cl.text).toContain('(env PUSHGATE_REDIS_URL, REDIS_URL)');
      expect(cl.text).toContain('(env PUSHGATE_WEB_LISTEN_ADDRESS)');
    }
  });
});

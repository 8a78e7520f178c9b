import { ConfigError, loadConfig, parseCommandLine } from '../config';

function problemsOf(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    parseCommandLine(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('cluster-mode settings', () => {
  it('keeps groups in memory, without a node-metrics listener, by default', () => {
    const config = loadConfig();
    expect(config.store).toEqual({ kind: 'memory' });
    expect(config.nodeMetricsAddress).toBeUndefined();
    expect(Object.keys(config.flags).filter((f) => f.startsWith('redis.'))).toEqual([]);
    expect(config.flags['web.node-metrics-address']).toBeUndefined();
  });

  it.each([
    [
      ['--redis.url=redis://:secret@redis:6379/2'],
      {},
      { connection: { url: 'redis://:secret@redis:6379/2' }, target: 'redis://:***@redis:6379/2' },
    ],
    [[], { PUSHGATE_REDIS_URL: 'redis://a:1' }, { connection: { url: 'redis://a:1' } }],
    [[], { REDIS_URL: 'rediss://b:2' }, { connection: { url: 'rediss://b:2' } }],
    [
      ['--redis.url=redis://flag:1'],
      { PUSHGATE_REDIS_URL: 'redis://env:1', REDIS_URL: 'redis://generic:1' },
      { connection: { url: 'redis://flag:1' } },
    ],
    [
      ['--redis.cluster-nodes=r1:7000, r2:7001,[::1]:7002'],
      // REDIS_URL is generic: a Pushgate-specific setting wins without a conflict.
      { REDIS_URL: 'redis://generic:1' },
      {
        connection: {
          cluster: [
            { host: 'r1', port: 7000 },
            { host: 'r2', port: 7001 },
            { host: '::1', port: 7002 },
          ],
        },
      },
    ],
    [
      ['--redis.sentinels=s1:26379,s2:26379', '--redis.sentinel-master=mymaster'],
      {},
      {
        connection: {
          sentinels: [
            { host: 's1', port: 26379 },
            { host: 's2', port: 26379 },
          ],
          name: 'mymaster',
        },
      },
    ],
    [
      ['--redis.url=redis://r:1', '--redis.key-prefix=team-a'],
      {},
      { connection: { url: 'redis://r:1' }, keyPrefix: 'team-a' },
    ],
  ])('reads %j with env %j', (argv, env, want) => {
    const config = loadConfig(argv, env);
    expect(config.store).toMatchObject({ kind: 'redis', ...want });
    // Cluster mode: own metrics on a listener of their own, by default on :9096.
    expect(config.nodeMetricsAddress).toEqual({ host: undefined, port: 9096 });
  });

  it('echoes the settings on /api/v1/status without the password', () => {
    const flags = loadConfig([
      '--redis.url=redis://user:secret@r:1/0',
      '--redis.key-prefix=p',
    ]).flags;
    expect(flags).toMatchObject({
      'redis.url': 'redis://user:***@r:1/0',
      'redis.key-prefix': 'p',
      'web.node-metrics-address': ':9096',
    });
    expect(JSON.stringify(flags)).not.toContain('secret');
  });

  it.each([
    [['--redis.url=redis://r:1', '--web.node-metrics-address='], undefined],
    [
      ['--redis.url=redis://r:1', '--web.node-metrics-address=127.0.0.1:0'],
      { host: '127.0.0.1', port: 0 },
    ],
    // Single node: off unless asked for.
    [['--web.node-metrics-address=:9100'], { host: undefined, port: 9100 }],
  ])('takes the node-metrics address from %j', (argv, want) => {
    expect(loadConfig(argv).nodeMetricsAddress).toEqual(want);
  });

  it.each([
    [
      ['--redis.url=http://r:1'],
      {},
      /invalid --redis\.url "http:\/\/r:1": scheme http is not redis or rediss/,
    ],
    [['--redis.url=redis://:pw@'], {}, /invalid --redis\.url "redis:\/\/:\*\*\*@": /],
    [['--redis.url=redis://r:1/x'], {}, /the path must be a database number/],
    [
      ['--redis.url=redis://r:1', '--redis.cluster-nodes=r:2'],
      {},
      /--redis\.url and --redis\.cluster-nodes: give exactly one of/,
    ],
    [['--redis.cluster-nodes=r:2'], { PUSHGATE_REDIS_SENTINELS: 's:1' }, /give exactly one of/],
    [
      ['--redis.cluster-nodes=r1:7000,r2'],
      {},
      /invalid --redis\.cluster-nodes "r1:7000,r2": "r2" expected a comma-separated list of host:port/,
    ],
    [['--redis.cluster-nodes=,'], {}, /expected a comma-separated list/],
    [['--redis.sentinels=s:26379'], {}, /--redis\.sentinels needs --redis\.sentinel-master/],
    [['--redis.sentinel-master=m'], {}, /--redis\.sentinel-master needs --redis\.sentinels/],
    [
      ['--redis.url=redis://r:1', '--redis.sentinel-master=m'],
      {},
      /only applies with --redis\.sentinels/,
    ],
    [['--redis.key-prefix=p'], {}, /--redis\.key-prefix needs a Redis/],
    [['--redis.url=redis://r:1', '--redis.key-prefix=a{b}'], {}, /free of '\{' and '\}'/],
    [
      ['--redis.url=redis://r:1', '--persistence.file=/tmp/x'],
      {},
      /--persistence\.file does not apply in cluster mode/,
    ],
    [
      ['--redis.url=redis://r:1', '--web.node-metrics-address=9096'],
      {},
      /invalid --web\.node-metrics-address "9096"/,
    ],
    [[], { PUSHGATE_REDIS_URL: 'nope' }, /invalid PUSHGATE_REDIS_URL "nope": not a URL/],
  ])('refuses %j with env %j', (argv, env, problem) => {
    expect(problemsOf(argv, env).join('\n')).toMatch(problem);
  });

  it('lists the flags in --help', () => {
    const cl = parseCommandLine(['--help'], {});
    const text = cl.action === 'help' ? cl.text : '';
    for (const flag of [
      'redis.url',
      'redis.cluster-nodes',
      'redis.sentinels',
      'redis.sentinel-master',
      'redis.key-prefix',
      'web.node-metrics-address',
    ])
      expect(text).toContain(`--${flag}=`);
  });
});

import { ConfigError, loadConfig, parseCommandLine } from './config';

function problemsOf(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    parseCommandLine(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseCommandLine', () => {
  it('defaults to upstream values', () => {
    const c = loadConfig();
    expect(c).toMatchObject({
      listenAddress: { host: undefined, port: 9091 },
      telemetryPath: '/metrics',
      externalUrl: '',
      routePrefix: '',
      enableLifecycle: false,
      enableAdminApi: false,
      persistenceFile: '',
      persistenceIntervalMs: 300_000,
      disableConsistencyCheck: false,
      maxBodyBytes: 16 * 1024 * 1024,
      logLevel: 'info',
      logFormat: 'json',
    });
  });

  it('echoes every flag as a string, like /api/v1/status upstream', () => {
    expect(loadConfig(['--persistence.interval=1h30m', '--web.enable-admin-api']).flags).toEqual({
      'log.format': 'json',
      'log.level': 'info',
      'persistence.file': '',
      'persistence.interval': '1h30m0s',
      'push.disable-consistency-check': 'false',
      'push.max-body-bytes': '16777216',
      'web.enable-admin-api': 'true',
      'web.enable-lifecycle': 'false',
      'web.external-url': '',
      'web.listen-address': ':9091',
      'web.route-prefix': '',
      'web.telemetry-path': '/metrics',
    });
  });

  it.each([
    [['--web.listen-address=127.0.0.1:8080'], { listenAddress: { host: '127.0.0.1', port: 8080 } }],
    [['--web.listen-address', '[::1]:0'], { listenAddress: { host: '::1', port: 0 } }],
    [['--web.enable-lifecycle'], { enableLifecycle: true }],
    [['--web.enable-lifecycle', '--no-web.enable-lifecycle'], { enableLifecycle: false }],
    [['--web.enable-admin-api=true'], { enableAdminApi: true }],
    [['--web.enable-admin-api=false'], { enableAdminApi: false }],
    [
      ['--persistence.file', '/tmp/x', '--persistence.interval=2s'],
      { persistenceFile: '/tmp/x', persistenceIntervalMs: 2000 },
    ],
    [['--push.disable-consistency-check'], { disableConsistencyCheck: true }],
    [['--push.max-body-bytes=1KiB'], { maxBodyBytes: 1024 }],
    [['--log.level=debug', '--log.format=logfmt'], { logLevel: 'debug', logFormat: 'logfmt' }],
    [['--web.telemetry-path=/internal/metrics'], { telemetryPath: '/internal/metrics' }],
  ])('reads %j', (argv, want) => {
    expect(loadConfig(argv)).toMatchObject(want);
  });

  it.each([
    ['pg', '/pg'],
    ['/pg/', '/pg'],
    ['//a/b//', '/a/b'],
    ['/', ''],
    ['', ''],
  ])('normalises --web.route-prefix=%p to %p', (flag, want) => {
    expect(loadConfig([`--web.route-prefix=${flag}`]).routePrefix).toBe(want);
  });

  it('takes the route prefix from the external URL unless set', () => {
    expect(loadConfig(['--web.external-url=https://example.com/push/gw/']).routePrefix).toBe(
      '/push/gw',
    );
    expect(
      loadConfig(['--web.external-url=https://example.com/x', '--web.route-prefix=/y']).routePrefix,
    ).toBe('/y');
    expect(loadConfig(['--web.external-url=https://example.com/x']).flags['web.route-prefix']).toBe(
      '',
    );
  });

  it('reads PUSHGATE_* environment variables, and flags win over them', () => {
    const env = {
      PUSHGATE_WEB_LISTEN_ADDRESS: '127.0.0.1:1234',
      PUSHGATE_WEB_ENABLE_ADMIN_API: 'true',
      PUSHGATE_LOG_LEVEL: 'warn',
    };
    expect(loadConfig([], env)).toMatchObject({
      listenAddress: { port: 1234 },
      enableAdminApi: true,
      logLevel: 'warn',
    });
    expect(loadConfig(['--log.level=error', '--no-web.enable-admin-api'], env)).toMatchObject({
      listenAddress: { port: 1234 },
      enableAdminApi: false,
      logLevel: 'error',
    });
  });

  it.each([
    [
      ['--persistence.interval=5x'],
      'invalid --persistence.interval "5x": expected a duration like 5m',
    ],
    [
      ['--persistence.interval=-1m'],
      'invalid --persistence.interval "-1m": expected a duration like 5m',
    ],
    [
      ['--persistence.interval', '-1m'],
      'flag --persistence.interval needs a value (write --persistence.interval=-value for a value starting with "-")',
    ],
    [
      ['--web.listen-address=9091'],
      'invalid --web.listen-address "9091": expected [host]:port, e.g. :9091 or 127.0.0.1:9091',
    ],
    [
      ['--log.level=verbose'],
      'invalid --log.level "verbose": expected one of debug, info, warn, error',
    ],
    [['--log.format=text'], 'invalid --log.format "text": expected one of json, logfmt'],
    [
      ['--push.max-body-bytes=lots'],
      'invalid --push.max-body-bytes "lots": expected a size like 16MiB or 1048576',
    ],
    [
      ['--web.telemetry-path=metrics'],
      'invalid --web.telemetry-path "metrics": expected an absolute path like /metrics',
    ],
    [
      ['--web.telemetry-path=/a//b'],
      'invalid --web.telemetry-path "/a//b": expected an absolute path like /metrics',
    ],
    [
      ['--web.external-url=example.com'],
      'invalid --web.external-url "example.com": expected an absolute http(s) URL like https://example.com/pushgateway/',
    ],
    [
      ['--web.enable-admin-api=yes'],
      'flag --web.enable-admin-api takes no value other than true or false',
    ],
    [['--web.listen-addr=:1'], 'unknown flag --web.listen-addr (see --help)'],
    [['--web.listen-address'], 'flag --web.listen-address needs a value'],
    [['stray'], 'unexpected argument "stray" (flags look like --name=value)'],
  ])('rejects %j', (argv, message) => {
    expect(problemsOf(argv)).toEqual([message]);
  });

  it('names the environment variable when the bad value came from there', () => {
    expect(
      problemsOf([], {
        PUSHGATE_PERSISTENCE_INTERVAL: 'soon',
        PUSHGATE_WEB_ENABLE_LIFECYCLE: 'yes',
      }),
    ).toEqual([
      'invalid PUSHGATE_WEB_ENABLE_LIFECYCLE "yes": expected true or false',
      'invalid PUSHGATE_PERSISTENCE_INTERVAL "soon": expected a duration like 5m',
    ]);
  });

  it('answers --help and --version without validating anything else', () => {
    const help = parseCommandLine(['--log.level=nope', '--help'], {});
    expect(help.action).toBe('help');
    if (help.action === 'help') {
      expect(help.text).toContain('--web.listen-address=":9091"');
      expect(help.text).toContain('PUSHGATE_WEB_LISTEN_ADDRESS');
      expect(help.text).toContain('--[no-]web.enable-admin-api');
    }
    expect(parseCommandLine(['-h'], {}).action).toBe('help');
    expect(parseCommandLine(['--version'], {}).action).toBe('version');
  });
});

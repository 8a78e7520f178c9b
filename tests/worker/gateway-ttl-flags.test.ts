/**
 * The gateway's TTL flags (--ttl.default, --ttl.rule and their variables): parsed into the policy
 * the push route applies, validated with every problem reported, and echoed only when set.
 */
import { ConfigError, loadConfig, parseCommandLine, usage } from '@pushgate/gateway';

function problemsOf(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    parseCommandLine(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('gateway TTL flags', () => {
  it('default to no TTL at all, with upstream’s flags only', () => {
    const config = loadConfig();
    expect(config.ttl).toEqual({ defaultSeconds: 0, rules: [] });
    expect(Object.keys(config.flags).filter((name) => name.startsWith('ttl.'))).toEqual([]);
  });

  it('read a default and repeated rules, in order, and echo them', () => {
    const config = loadConfig([
      '--ttl.default=15m',
      '--ttl.rule=backup-.*=2h',
      '--ttl.rule',
      'a=b=90',
    ]);
    expect(config.ttl.defaultSeconds).toBe(900);
    expect(config.ttl.rules.map((r) => [r.text, r.ttlSeconds, r.job.source])).toEqual([
      ['backup-.*=2h', 7200, '^(?:backup-.*)$'],
      ['a=b=90', 90, '^(?:a=b)$'],
    ]);
    expect(config.flags).toMatchObject({
      'ttl.default': '15m0s',
      'ttl.rule': 'backup-.*=2h\na=b=90',
    });
  });

  it('read PUSHGATE_TTL_DEFAULT and PUSHGATE_TTL_RULE (one rule per line); flags win', () => {
    const env = { PUSHGATE_TTL_DEFAULT: '1h', PUSHGATE_TTL_RULE: 'a=1m\n\nb=2m\n' };
    expect(loadConfig([], env).ttl).toMatchObject({
      defaultSeconds: 3600,
      rules: [{ text: 'a=1m' }, { text: 'b=2m' }],
    });
    expect(loadConfig(['--ttl.rule=c=3m', '--ttl.default=0'], env).ttl).toMatchObject({
      defaultSeconds: 0,
      rules: [{ text: 'c=3m' }],
    });
  });

  it('report every bad value, naming where it came from', () => {
    expect(problemsOf(['--ttl.default=soon', '--ttl.rule=backup', '--ttl.rule=x(=1h'], {})).toEqual(
      [
        'invalid --ttl.default "soon": expected a duration like 90s, 15m or 2h, or a number of seconds; 0 means never; at most 876000h0m0s',
        '--ttl.rule: invalid TTL rule "backup": expected <job regex>=<duration>, e.g. backup-.*=2h',
        expect.stringMatching(/^--ttl\.rule: invalid TTL rule "x\(=1h": bad regex: /),
      ],
    );
    expect(problemsOf([], { PUSHGATE_TTL_RULE: 'a=forever' })).toEqual([
      'PUSHGATE_TTL_RULE: invalid TTL rule "a=forever": invalid TTL "forever": expected a duration like 90s, 15m or 2h, or a number of seconds; 0 means never; at most 876000h0m0s',
    ]);
  });

  it('are in the help text', () => {
    expect(usage()).toContain('--ttl.default="0"');
    expect(usage()).toContain('--ttl.rule=<job regex>=<duration> ...');
    expect(usage()).toContain('PUSHGATE_TTL_RULE, one rule per line');
  });
});

// deploy/prometheus checked by the real Prometheus tooling: the configurations load, the rules
// parse, and the alert unit tests in deploy/prometheus/tests pass (`promtool test rules`).
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { PROMTOOL } from '../support/promtool';
import { filesUnder, readYaml, repoPath, runTool } from './deploy-files';

const PROMETHEUS_DIR = repoPath('deploy', 'prometheus');
const RULE_FILES = filesUnder(join(PROMETHEUS_DIR, 'rules'), ['.yml', '.yaml']);
const RULE_TESTS = filesUnder(join(PROMETHEUS_DIR, 'tests'), ['.yml', '.yaml']);

interface ScrapeConfig {
  job_name: string;
  honor_labels?: boolean;
  static_configs?: { targets: string[] }[];
  kubernetes_sd_configs?: unknown[];
}
interface PrometheusConfig {
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}
interface RuleGroups {
  groups: { name: string; rules: { alert?: string; expr: string; for?: string }[] }[];
}

function promtool(...args: string[]): string {
  const run = runTool(PROMTOOL, args, PROMETHEUS_DIR);
  if (run.status !== 0)
    throw new Error(`promtool ${args.join(' ')} failed (exit ${run.status}):\n${run.output}`);
  return run.output;
}

describe('deploy/prometheus/prometheus.yml', () => {
  it('passes promtool check config, with its rule files', () => {
    expect(promtool('check', 'config', 'prometheus.yml')).toMatch(/SUCCESS: \d+ rule files? found/);
  });

  it('scrapes the pushed groups once, through nginx, keeping the pushed labels', () => {
    const config = readYaml<PrometheusConfig>(join(PROMETHEUS_DIR, 'prometheus.yml'));
    const job = (name: string) => config.scrape_configs.find((s) => s.job_name === name);
    expect(job('pushgate')).toMatchObject({
      honor_labels: true,
      static_configs: [{ targets: ['nginx:9091'] }],
    });
    expect(job('pushgate-nodes')?.static_configs?.[0]?.targets).toEqual([
      'gateway-1:9096',
      'gateway-2:9096',
      'gateway-3:9096',
    ]);
    expect(job('pushgate-nodes')?.honor_labels).toBeUndefined();
    expect(job('pushgate-worker')?.static_configs?.[0]?.targets).toEqual(['worker:9092']);
  });
});

describe('deploy/prometheus/prometheus-kubernetes.yml', () => {
  const file = join(PROMETHEUS_DIR, 'prometheus-kubernetes.yml');
  const config = readYaml<PrometheusConfig>(file);

  it('has the same jobs and rule files as the compose configuration', () => {
    const compose = readYaml<PrometheusConfig>(join(PROMETHEUS_DIR, 'prometheus.yml'));
    const jobs = (c: PrometheusConfig) =>
      c.scrape_configs.map((s) => s.job_name).filter((j) => j !== 'prometheus');
    expect(jobs(config)).toEqual(jobs(compose));
    expect(config.rule_files).toEqual(compose.rule_files);
  });

  it('passes promtool check config', () => {
    const direct = runTool(
      PROMTOOL,
      ['check', 'config', 'prometheus-kubernetes.yml'],
      PROMETHEUS_DIR,
    );
    if (direct.status === 0) return;
    // Debian's Prometheus is built without Kubernetes discovery; everything else in the file is
    // still checked, with each kubernetes_sd_configs block swapped for a static target.
    expect(direct.output).toContain('field kubernetes_sd_configs not found');
    console.log(
      `[deploy tests] ${PROMTOOL} has no Kubernetes service discovery; checking ${relative(repoPath(), file)} with static targets in its place`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'pushgate-promtool-'));
    try {
      cpSync(join(PROMETHEUS_DIR, 'rules'), join(dir, 'rules'), { recursive: true });
      const swapped = {
        ...config,
        scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs, ...rest }) =>
          kubernetes_sd_configs === undefined
            ? rest
            : { ...rest, static_configs: [{ targets: ['placeholder:9096'] }] },
        ),
      };
      writeFileSync(join(dir, 'prometheus.yml'), stringify(swapped));
      const run = runTool(PROMTOOL, ['check', 'config', 'prometheus.yml'], dir);
      expect({ status: run.status, output: run.output }).toEqual({
        status: 0,
        output: expect.stringContaining('SUCCESS'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/prometheus/rules', () => {
  it.each(RULE_FILES.map((f) => [relative(PROMETHEUS_DIR, f)]))(
    '%s passes promtool check rules',
    (file) => {
      expect(promtool('check', 'rules', file)).toContain('SUCCESS');
    },
  );

  it('defines the alerts the operations guide documents', () => {
    const alerts = RULE_FILES.flatMap((f) =>
      readYaml<RuleGroups>(f).groups.flatMap((g) => g.rules.map((r) => r.alert)),
    );
    expect(alerts).toEqual(
      expect.arrayContaining([
        'PushgateDown',
        'PushgateRedisDown',
        'PushgateGroupStale',
        'PushgatePushFailing',
        'PushgateSweepsNotRunning',
        'PushgateSnapshotsNotRunning',
      ]),
    );
  });

  it('has unit tests for every rule file', () => {
    const tested = RULE_TESTS.flatMap((t) =>
      readYaml<{ rule_files: string[] }>(t).rule_files.map((r) => join(t, '..', r)),
    );
    expect(tested.sort()).toEqual(RULE_FILES);
  });

  it.each(RULE_TESTS.map((f) => [relative(PROMETHEUS_DIR, f)]))(
    '%s passes promtool test rules',
    (file) => {
      expect(promtool('test', 'rules', file)).toContain('SUCCESS');
    },
  );

  it('fails promtool test rules once the stale-group or push-failure alert is changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushgate-promtool-'));
    try {
      cpSync(PROMETHEUS_DIR, dir, { recursive: true });
      for (const file of filesUnder(join(dir, 'rules'), ['.yml'])) {
        const rules = readYaml<RuleGroups>(file);
        for (const rule of rules.groups.flatMap((g) => g.rules)) {
          if (rule.alert === 'PushgateGroupStale')
            rule.expr = rule.expr.replace('> 3600', '> 7200');
          if (rule.alert === 'PushgatePushFailing') rule.expr = 'push_failure_time_seconds > 0';
        }
        writeFileSync(file, stringify(rules));
      }
      const run = runTool(
        PROMTOOL,
        ['test', 'rules', ...RULE_TESTS.map((t) => relative(PROMETHEUS_DIR, t))],
        dir,
      );
      expect(run.status).not.toBe(0);
      expect(run.output).toContain('alertname: PushgateGroupStale');
      expect(run.output).toContain('alertname: PushgatePushFailing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

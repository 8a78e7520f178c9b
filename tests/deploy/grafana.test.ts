// deploy/grafana: the provisioning files parse and point where docker-compose.yml mounts them,
// and the dashboard is well-formed with a valid PromQL query behind every panel (checked by
// promtool, which parses each query as a recording rule).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PROMTOOL } from '../support/promtool';
import { filesUnder, readYaml, repoPath, runTool } from './deploy-files';

const GRAFANA_DIR = repoPath('deploy', 'grafana');
const DASHBOARDS = filesUnder(join(GRAFANA_DIR, 'dashboards'), ['.json']);

interface Target {
  refId: string;
  expr?: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string }[] };
}

function panelsOf(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
}

/** Grafana's built-in interval variables, replaced by what they stand for at query time. */
function substituteVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
}

interface ComposeFile {
  services: Record<string, { volumes?: string[]; environment?: Record<string, string> }>;
}

describe('deploy/grafana provisioning', () => {
  const compose = readYaml<ComposeFile>(repoPath('docker-compose.yml'));
  const mounts = new Map(
    (compose.services.grafana?.volumes ?? []).map((v) => {
      const [host, container] = v.split(':');
      return [host, container];
    }),
  );

  it('provisions the Prometheus of docker-compose.yml as the default data source', () => {
    const ds = readYaml<{
      datasources: { uid: string; type: string; url: string; isDefault: boolean }[];
    }>(join(GRAFANA_DIR, 'provisioning', 'datasources', 'prometheus.yml'));
    expect(ds.datasources).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        url: 'http://prometheus:9090',
        isDefault: true,
      }),
    ]);
    expect(Object.keys(compose.services)).toContain('prometheus');
  });

  it('loads dashboards from where docker-compose.yml mounts deploy/grafana/dashboards', () => {
    const providers = readYaml<{ providers: { type: string; options: { path: string } }[] }>(
      join(GRAFANA_DIR, 'provisioning', 'dashboards', 'pushgate.yml'),
    );
    expect(mounts.get('./deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    expect(providers.providers.map((p) => p.options.path)).toEqual([
      mounts.get('./deploy/grafana/dashboards'),
    ]);
    const home =
      compose.services.grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(
      DASHBOARDS.map((f) =>
        f.replace(join(GRAFANA_DIR, 'dashboards'), mounts.get('./deploy/grafana/dashboards') ?? ''),
      ),
    ).toContain(home);
  });
});

describe.each(DASHBOARDS.map((f) => [f.slice(GRAFANA_DIR.length + 1), f]))('%s', (_name, file) => {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
  const panels = panelsOf(dashboard);

  it('has a uid, a title and panels with unique ids', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.title).not.toBe('');
    const ids = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).map((p) => p.id);
    expect(ids).toEqual([...new Set(ids)]);
    expect(panels.length).toBeGreaterThan(10);
  });

  it('gives every panel at least one query, on the data source chosen by the variable', () => {
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
    for (const p of panels) {
      expect({ panel: p.title, queries: (p.targets ?? []).length > 0 }).toEqual({
        panel: p.title,
        queries: true,
      });
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) {
        expect({ panel: p.title, expr: (t.expr ?? '').trim() !== '' }).toEqual({
          panel: p.title,
          expr: true,
        });
      }
    }
  });

  it('lays out panels inside the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels.flatMap((q) => [q, ...(q.panels ?? [])])) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect({ panel: p.title, cell: cells.has(`${i},${j}`) }).toEqual({
            panel: p.title,
            cell: false,
          });
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  it('has only valid PromQL queries (promtool check rules)', () => {
    const rules = panels.flatMap((p, i) =>
      (p.targets ?? []).map((t) => ({
        record: `panel_${i}_${t.refId}`,
        expr: substituteVariables(t.expr ?? ''),
      })),
    );
    expect(rules.every((r) => !r.expr.includes('$'))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pushgate-grafana-'));
    try {
      writeFileSync(
        join(dir, 'queries.yml'),
        stringify({ groups: [{ name: 'dashboard', rules }] }),
      );
      const run = runTool(PROMTOOL, ['check', 'rules', 'queries.yml'], dir);
      expect({ status: run.status, output: run.output }).toEqual({
        status: 0,
        output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('covers pushes, errors, latency, groups, scrapes, expiries, snapshots and Redis', () => {
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).join('\n');
    for (const metric of [
      'pushgateway_http_requests_total',
      'pushgateway_http_push_duration_seconds',
      'push_time_seconds',
      'push_failure_time_seconds',
      'scrape_duration_seconds',
      'pushgate_worker_ttl_groups_expired_total',
      'pushgate_worker_snapshot_last_success_timestamp_seconds',
      'pushgate_store_up',
    ]) {
      expect(exprs).toContain(metric);
    }
  });
});

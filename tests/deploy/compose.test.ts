// docker-compose.yml: validated by docker compose itself where it is installed (there is no
// Docker engine on CI machines, but `config` needs none), and checked against the files it wires
// together: nginx.conf's node list, deploy/prometheus's targets, the Dockerfiles.
import { existsSync, readFileSync } from 'node:fs';
import { haveTool, readYaml, repoPath, runTool } from './deploy-files';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  profiles?: string[];
  init?: boolean;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const compose = readYaml<ComposeFile>(repoPath('docker-compose.yml'));
const services = compose.services;
const GATEWAYS = ['gateway-1', 'gateway-2', 'gateway-3'];

function service(name: string): Service {
  const s = services[name];
  if (s === undefined) throw new Error(`no service ${name}`);
  return s;
}

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever is installed. */
function composeCommand(): string[] | undefined {
  if (haveTool('docker') && runTool('docker', ['compose', 'version']).status === 0)
    return ['docker', 'compose'];
  if (haveTool('docker-compose')) return ['docker-compose'];
  return undefined;
}

const command = composeCommand();
if (command === undefined) {
  console.log(
    '[deploy tests] neither `docker compose` nor `docker-compose` is installed: not running `config -q`',
  );
}
const withCompose = command === undefined ? it.skip : it;

describe('docker-compose.yml', () => {
  withCompose.each([[[]], [['--profile', 'observability']]])(
    'passes `config -q` with %j',
    (extra) => {
      const [bin, ...pre] = command ?? [];
      const run = runTool(bin ?? '', [
        ...pre,
        '-f',
        'docker-compose.yml',
        ...extra,
        'config',
        '-q',
      ]);
      expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: '' });
    },
  );

  it('runs Redis 7 with AOF fsynced every second, noeviction, a health check and a named volume', () => {
    const redis = service('redis');
    expect(redis.image).toBe('redis:7');
    const flags = (redis.command ?? []).join(' ');
    expect(flags).toContain('--appendonly yes');
    expect(flags).toContain('--appendfsync everysec');
    expect(flags).toContain('--maxmemory-policy noeviction');
    expect(redis.healthcheck?.test.join(' ')).toContain('redis-cli ping');
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes)).toContain('redis-data');
  });

  it.each(GATEWAYS)(
    'builds %s from services/gateway/Dockerfile, on Redis, once Redis is healthy',
    (name) => {
      const gw = service(name);
      expect(gw.build).toEqual({ context: '.', dockerfile: 'services/gateway/Dockerfile' });
      expect(existsSync(repoPath(gw.build?.dockerfile ?? ''))).toBe(true);
      expect(gw.environment?.PUSHGATE_REDIS_URL).toBe('redis://redis:6379');
      expect(gw.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
      expect(gw.healthcheck?.test.join(' ')).toContain('/-/ready');
      expect(gw.init).toBe(true);
    },
  );

  it('puts exactly the gateway services behind nginx (nginx.conf lists the same nodes)', () => {
    const conf = readFileSync(repoPath('nginx.conf'), 'utf8');
    const block =
      /# pushgate:servers:start\n([\s\S]*?)# pushgate:servers:end/.exec(conf)?.[1] ?? '';
    const servers = [...block.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((m) => m[1]);
    expect(servers).toEqual(GATEWAYS.map((g) => `${g}:9091`));
    const nginx = service('nginx');
    expect(nginx.image).toBe('nginx:stable');
    expect(nginx.volumes).toEqual(['./nginx.conf:/etc/nginx/nginx.conf:ro']);
    expect(nginx.ports).toEqual(['9091:9091']);
    expect(nginx.depends_on).toEqual(
      Object.fromEntries(GATEWAYS.map((g) => [g, { condition: 'service_healthy' }])),
    );
  });

  it('keeps the worker snapshots on a named volume at --snapshot.dir', () => {
    const worker = service('worker');
    expect(worker.build).toEqual({ context: '.', dockerfile: 'services/worker/Dockerfile' });
    expect(worker.command).toEqual(['--redis.url=redis://redis:6379']);
    expect(worker.volumes).toEqual([`snapshots:${worker.environment?.PUSHGATE_SNAPSHOT_DIR}`]);
  });

  it('configures Pushgate only through PUSHGATE_* variables', () => {
    for (const name of [...GATEWAYS, 'worker']) {
      for (const key of Object.keys(service(name).environment ?? {}))
        expect(key).toMatch(/^PUSHGATE_[A-Z0-9_]+$/);
    }
  });

  it('starts Prometheus and Grafana only with the observability profile', () => {
    const optional = Object.entries(services).filter(([, s]) => s.profiles !== undefined);
    expect(optional.map(([n, s]) => [n, s.profiles])).toEqual([
      ['prometheus', ['observability']],
      ['grafana', ['observability']],
    ]);
    // Services started without the profile must not need the optional ones.
    for (const [name, s] of Object.entries(services).filter(([, x]) => x.profiles === undefined)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      expect({ name, deps: deps.filter((d) => service(d).profiles !== undefined) }).toEqual({
        name,
        deps: [],
      });
    }
  });

  it('gives Prometheus deploy/prometheus, whose targets are services listening on those ports', () => {
    const prometheus = service('prometheus');
    expect(prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    const config = readYaml<{
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    }>(repoPath('deploy', 'prometheus', 'prometheus.yml'));
    const targets = config.scrape_configs
      .filter((s) => s.job_name !== 'prometheus')
      .flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    for (const target of targets) {
      const [host, port] = target.split(':');
      const s = service(host ?? '');
      const listens = [
        ...(s.expose ?? []),
        ...(s.ports ?? []).map((p) => p.split(':').pop()),
        ...Object.entries(s.environment ?? {})
          .filter(([k]) => k.endsWith('_ADDRESS'))
          .map(([, v]) => v.split(':').pop()),
      ];
      expect({ target, listening: listens.includes(port) }).toEqual({ target, listening: true });
    }
  });
});

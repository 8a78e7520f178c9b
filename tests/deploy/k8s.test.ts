// deploy/k8s, checked without a cluster (no kubectl or kustomize here): every manifest parses,
// every kustomization lists exactly the files beside it, references resolve, and the gateway,
// worker and Redis carry the probes, budgets, limits and security settings the operations
// guide promises.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { filesUnder, readYaml, readYamlDocuments, repoPath } from './deploy-files';

const K8S = repoPath('deploy', 'k8s');

type Labels = Record<string, string>;
interface Probe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    seccompProfile?: { type: string };
  };
  topologySpreadConstraints?: { topologyKey: string; labelSelector: { matchLabels: Labels } }[];
  volumes?: {
    name: string;
    configMap?: { name: string };
    persistentVolumeClaim?: { claimName: string };
  }[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels; namespace?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Labels } | Labels;
    template?: {
      metadata: { labels: Labels; annotations?: Record<string, string> };
      spec: PodSpec;
    };
    strategy?: { type: string };
    clusterIP?: string;
    publishNotReadyAddresses?: boolean;
    ports?: { name: string; port: number; targetPort: string | number }[];
    maxUnavailable?: number;
    minReplicas?: number;
    maxReplicas?: number;
    scaleTargetRef?: { apiVersion: string; kind: string; name: string };
    metrics?: { type: string; resource?: { name: string; target: { type: string } } }[];
    volumeClaimTemplates?: { metadata: { name: string } }[];
    serviceName?: string;
  };
}
interface Kustomization {
  kind: string;
  namespace?: string;
  resources?: string[];
  patches?: { path?: string; patch?: string }[];
}

const kustomizationFiles = filesUnder(K8S, ['kustomization.yaml']);

/** The manifests a kustomization directory pulls in, recursively (resources may be directories). */
function objectsOf(dir: string): K8sObject[] {
  const k = readYaml<Kustomization>(join(dir, 'kustomization.yaml'));
  return (k.resources ?? []).flatMap((r) => {
    const path = join(dir, r);
    return statSync(path).isDirectory()
      ? objectsOf(path)
      : (readYamlDocuments(path) as K8sObject[]);
  });
}

const all = objectsOf(K8S);

function find(kind: string, name: string, objects: readonly K8sObject[] = all): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as K8sObject;
}

function podSpec(o: K8sObject): PodSpec {
  const spec = o.spec?.template?.spec;
  if (spec === undefined) throw new Error(`${o.kind} ${o.metadata.name} has no pod template`);
  return spec;
}

function container(o: K8sObject): Container {
  const [c, ...rest] = podSpec(o).containers;
  if (c === undefined || rest.length > 0)
    throw new Error(`${o.metadata.name}: expected one container`);
  return c;
}

function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function portExists(c: Container, port: string | number): boolean {
  return (c.ports ?? []).some((p) => p.name === port || p.containerPort === port);
}

const workloads = all.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));

describe('deploy/k8s manifests', () => {
  it.each(filesUnder(K8S, ['.yaml', '.yml']).map((f) => [relative(K8S, f), f]))(
    '%s parses as YAML with an apiVersion and kind in every document',
    (_name, file) => {
      const docs = readYamlDocuments(file) as Partial<K8sObject>[];
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) {
        expect(typeof d.apiVersion).toBe('string');
        expect(typeof d.kind).toBe('string');
      }
    },
  );

  describe.each(kustomizationFiles.map((f) => [relative(K8S, dirname(f)) || '.', dirname(f)]))(
    'kustomization in %s',
    (_name, dir) => {
      const k = readYaml<Kustomization>(join(dir, 'kustomization.yaml'));
      const patches = (k.patches ?? []).flatMap((p) => (p.path === undefined ? [] : [p.path]));

      it('lists every manifest beside it, and patches as patches', () => {
        const own = readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
          .sort();
        const listedFiles = (k.resources ?? []).filter((r) => /^[^/]+\.ya?ml$/.test(r));
        expect([...listedFiles, ...patches].sort()).toEqual(own);
      });

      it('names only resources and patches that exist', () => {
        for (const r of [...(k.resources ?? []), ...patches])
          expect(existsSync(join(dir, r))).toBe(true);
      });

      it('puts everything in namespace pushgate', () => {
        expect(k.namespace).toBe('pushgate');
      });
    },
  );

  it('has no two objects of the same kind and name', () => {
    const ids = all.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(ids).toEqual([...new Set(ids)]);
  });

  it('selects the pods of exactly one workload with every Service and PDB', () => {
    for (const o of all.filter((x) => ['Service', 'PodDisruptionBudget'].includes(x.kind))) {
      const selector =
        o.kind === 'Service'
          ? (o.spec?.selector as Labels)
          : (o.spec?.selector as { matchLabels: Labels }).matchLabels;
      const targets = workloads.filter((w) =>
        selects(selector, w.spec?.template?.metadata.labels ?? {}),
      );
      expect({ object: o.metadata.name, targets: targets.length }).toEqual({
        object: o.metadata.name,
        targets: 1,
      });
    }
  });

  it('points every Service port at a named container port of the pods it selects', () => {
    for (const svc of all.filter((o) => o.kind === 'Service')) {
      const [target] = workloads.filter((w) =>
        selects(svc.spec?.selector as Labels, w.spec?.template?.metadata.labels ?? {}),
      );
      for (const p of svc.spec?.ports ?? [])
        expect(portExists(container(target as K8sObject), p.targetPort)).toBe(true);
    }
  });

  it('lets workloads use only ConfigMaps, Secrets and claims that exist', () => {
    const names = (kind: string) =>
      new Set(all.filter((o) => o.kind === kind).map((o) => o.metadata.name));
    for (const w of workloads) {
      const spec = podSpec(w);
      for (const c of spec.containers) {
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef) expect(names('ConfigMap')).toContain(e.configMapRef.name);
          if (e.secretRef) expect(names('Secret')).toContain(e.secretRef.name);
        }
      }
      for (const v of spec.volumes ?? []) {
        if (v.configMap) expect(names('ConfigMap')).toContain(v.configMap.name);
        if (v.persistentVolumeClaim)
          expect(names('PersistentVolumeClaim')).toContain(v.persistentVolumeClaim.claimName);
      }
    }
  });

  it('runs every pod unprivileged, as the restricted Pod Security level requires', () => {
    expect(
      find('Namespace', 'pushgate').metadata.labels?.['pod-security.kubernetes.io/enforce'],
    ).toBe('restricted');
    for (const w of workloads) {
      const spec = podSpec(w);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
      for (const c of spec.containers) {
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('gives every container resource requests and a memory limit, and probes on its own ports', () => {
    for (const w of workloads) {
      const c = container(w);
      expect(c.resources?.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(c.resources?.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port !== undefined) expect(portExists(c, port)).toBe(true);
      }
      expect(c.livenessProbe).toBeDefined();
      expect(c.readinessProbe).toBeDefined();
    }
  });

  it('pins every image to a tag', () => {
    const base = readYaml<{ images: { name: string; newTag?: string }[] }>(
      join(K8S, 'base', 'kustomization.yaml'),
    );
    const tagged = new Map(base.images.map((i) => [i.name, i.newTag]));
    for (const w of workloads) {
      const image = container(w).image;
      const tag = image.includes(':') ? image.split(':').pop() : tagged.get(image);
      expect({ image, tag }).toEqual({ image, tag: expect.stringMatching(/^(?!latest$)\S+$/) });
    }
  });
});

describe('gateway', () => {
  const deployment = find('Deployment', 'pushgate-gateway');
  const c = container(deployment);
  const podLabels = deployment.spec?.template?.metadata.labels ?? {};

  it('runs 3 nodes, replaced one at a time without losing capacity', () => {
    expect(deployment.spec?.replicas).toBe(3);
    expect(deployment.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
  });

  it('is ready per /-/ready (Redis reachable) and alive per /-/healthy (process only)', () => {
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/-/ready', port: 'http' });
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/-/healthy', port: 'http' });
    expect(c.startupProbe?.httpGet).toEqual({ path: '/-/healthy', port: 'http' });
  });

  it('listens on 9091 and serves its own metrics on 9096', () => {
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 9091 },
      { name: 'node-metrics', containerPort: 9096 },
    ]);
    const config = find('ConfigMap', 'pushgate-gateway').data ?? {};
    expect(config).toMatchObject({
      PUSHGATE_WEB_LISTEN_ADDRESS: ':9091',
      PUSHGATE_WEB_NODE_METRICS_ADDRESS: ':9096',
    });
    expect(deployment.spec?.template?.metadata.annotations).toMatchObject({
      'prometheus.io/port': '9096',
    });
  });

  it('is configured only through PUSHGATE_* variables', () => {
    for (const name of ['pushgate-gateway', 'pushgate-worker']) {
      for (const key of Object.keys(find('ConfigMap', name).data ?? {}))
        expect(key).toMatch(/^PUSHGATE_[A-Z0-9_]+$/);
    }
    expect(Object.keys(find('Secret', 'pushgate-redis').stringData ?? {})).toEqual([
      'PUSHGATE_REDIS_URL',
    ]);
  });

  it('spreads its pods over zones and hosts', () => {
    const spread = podSpec(deployment).topologySpreadConstraints ?? [];
    expect(spread.map((s) => s.topologyKey).sort()).toEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
    for (const s of spread) expect(selects(s.labelSelector.matchLabels, podLabels)).toBe(true);
  });

  it('is served on 9091 by a Service, and per pod on 9096 by a headless one listing unready pods', () => {
    expect(find('Service', 'pushgate-gateway').spec?.ports).toEqual([
      { name: 'http', port: 9091, targetPort: 'http' },
    ]);
    const nodes = find('Service', 'pushgate-gateway-nodes').spec;
    expect(nodes).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(nodes?.ports).toEqual([
      { name: 'node-metrics', port: 9096, targetPort: 'node-metrics' },
    ]);
  });

  it('has a PodDisruptionBudget allowing one node down', () => {
    const pdb = find('PodDisruptionBudget', 'pushgate-gateway');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec?.maxUnavailable).toBe(1);
    expect(selects((pdb.spec?.selector as { matchLabels: Labels }).matchLabels, podLabels)).toBe(
      true,
    );
  });

  it('scales on CPU with an autoscaling/v2 HPA from 3 nodes', () => {
    const hpa = find('HorizontalPodAutoscaler', 'pushgate-gateway');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'pushgate-gateway',
    });
    expect(hpa.spec?.minReplicas).toBe(3);
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(3);
    expect(hpa.spec?.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ]);
    // Utilization is relative to the request, so the HPA needs one.
    expect(c.resources?.requests?.cpu).toBeDefined();
  });
});

describe('worker', () => {
  const deployment = find('Deployment', 'pushgate-worker');
  const c = container(deployment);

  it('probes /-/healthy and /-/ready on its metrics port 9092', () => {
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9092 }]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/-/healthy', port: 'metrics' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/-/ready', port: 'metrics' });
  });

  it('gets the Redis URL from the Secret, as --redis.url', () => {
    expect(c.args).toEqual(['--redis.url=$(PUSHGATE_REDIS_URL)']);
    expect(c.envFrom).toContainEqual({ secretRef: { name: 'pushgate-redis' } });
    expect(find('Secret', 'pushgate-redis').stringData).toHaveProperty('PUSHGATE_REDIS_URL');
  });

  it('keeps snapshots on a claim mounted at --snapshot.dir, replaced with Recreate', () => {
    const dir = find('ConfigMap', 'pushgate-worker').data?.PUSHGATE_SNAPSHOT_DIR;
    const mount = c.volumeMounts?.find((m) => m.mountPath === dir);
    expect(mount).toBeDefined();
    const volume = podSpec(deployment).volumes?.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe('pushgate-snapshots');
    expect(deployment.spec?.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('redis', () => {
  const statefulSet = find('StatefulSet', 'pushgate-redis');
  const c = container(statefulSet);
  const conf = find('ConfigMap', 'pushgate-redis-config').data?.['redis.conf'] ?? '';
  const directives = new Map(
    conf
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => [l.split(/\s+/)[0], l.split(/\s+/).slice(1).join(' ')]),
  );

  it('persists with AOF fsynced every second on a volume claim, and never evicts', () => {
    expect(Object.fromEntries(directives)).toMatchObject({
      appendonly: 'yes',
      appendfsync: 'everysec',
      'maxmemory-policy': 'noeviction',
      dir: '/data',
    });
    expect(c.args).toEqual(['redis-server', '/etc/redis/redis.conf']);
    expect(statefulSet.spec?.volumeClaimTemplates?.map((t) => t.metadata.name)).toEqual(['data']);
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/data' }]));
  });

  it('keeps maxmemory below the container memory limit', () => {
    const mebibytes = (s: string) => {
      const m = /^([0-9]+)\s*(mb|Mi|Gi|gb)$/i.exec(s);
      if (!m) throw new Error(`unexpected size ${s}`);
      return Number(m[1]) * (/^g/i.test(m[2] ?? '') ? 1024 : 1);
    };
    expect(mebibytes(directives.get('maxmemory') ?? '')).toBeLessThan(
      mebibytes(c.resources?.limits?.memory ?? ''),
    );
  });

  it('is what PUSHGATE_REDIS_URL points at', () => {
    const service = find('Service', 'pushgate-redis');
    expect(statefulSet.spec?.serviceName).toBe('pushgate-redis');
    const url = new URL(find('Secret', 'pushgate-redis').stringData?.PUSHGATE_REDIS_URL ?? '');
    expect([url.protocol, url.hostname, Number(url.port)]).toEqual([
      'redis:',
      service.metadata.name,
      service.spec?.ports?.[0]?.port,
    ]);
  });

  it('accepts connections from the gateway and worker pods only', () => {
    const policy = find('NetworkPolicy', 'pushgate-redis') as K8sObject & {
      spec: {
        podSelector: { matchLabels: Labels };
        ingress: { from: { podSelector: { matchLabels: Labels } }[] }[];
      };
    };
    expect(
      selects(
        policy.spec.podSelector.matchLabels,
        statefulSet.spec?.template?.metadata.labels ?? {},
      ),
    ).toBe(true);
    const allowed = policy.spec.ingress.flatMap((rule) =>
      workloads.filter((w) =>
        rule.from.some((f) =>
          selects(f.podSelector.matchLabels, w.spec?.template?.metadata.labels ?? {}),
        ),
      ),
    );
    expect(allowed.map((w) => w.metadata.name).sort()).toEqual([
      'pushgate-gateway',
      'pushgate-worker',
    ]);
  });

  it('survives a long AOF replay: liveness is a TCP check, not PING', () => {
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'redis' } });
  });
});

describe('overlays/managed-redis', () => {
  const dir = join(K8S, 'overlays', 'managed-redis');
  const objects = objectsOf(dir);
  const k = readYaml<Kustomization>(join(dir, 'kustomization.yaml'));

  it('is the base without any Redis server', () => {
    expect(k.resources).toEqual(['../../base']);
    expect(
      objects.filter((o) => o.metadata.name.startsWith('pushgate-redis') && o.kind !== 'Secret'),
    ).toEqual([]);
    expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(false);
  });

  it('patches the Redis URL Secret of the base with a TLS URL', () => {
    const [patchFile] = (k.patches ?? []).map((p) => p.path ?? '');
    const patch = readYaml<K8sObject>(join(dir, patchFile ?? ''));
    expect(find(patch.kind, patch.metadata.name, objects)).toBeDefined();
    expect(new URL(patch.stringData?.PUSHGATE_REDIS_URL ?? '').protocol).toBe('rediss:');
    expect(basename(patchFile ?? '')).toMatch(/\.patch\.yaml$/);
  });
});

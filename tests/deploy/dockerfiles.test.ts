// services/*/Dockerfile, checked without a Docker engine: the stages, user, health check and
// entry point, and that both stages copy exactly what the service needs, derived from the
// workspaces' own package.json dependencies, so a new workspace dependency that the image would
// miss fails here rather than in a container. Every COPY source must exist and must not be
// excluded by .dockerignore (the build context is the repository root).
import { existsSync, readFileSync } from 'node:fs';
import { repoPath } from './deploy-files';

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Instructions per stage; continuation lines joined, comment lines dropped (as BuildKit does). */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical.filter((l) => l !== '')) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      stages.push({ from: m?.[1] ?? '', name: m?.[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name = '', value = ''] = instruction.args.split('=');
      args.set(name, value);
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** .dockerignore as Docker reads it: a path is excluded when it or a parent matches a pattern. */
function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) => {
          if (part === '**/') return '(?:.*/)?';
          if (part === '**') return '.*';
          if (part === '*') return '[^/]*';
          if (part === '?') return '[^/]';
          return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { negate, re: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const segments = path.split('/');
    const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.negate;
    return excluded;
  };
}

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  files?: string[];
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(repoPath(dir, 'package.json'), 'utf8')) as PackageJson;
}

const ROOT = readPackage('.');
const WORKSPACES = ROOT.workspaces ?? [];
const DIR_OF = new Map(WORKSPACES.map((w) => [readPackage(w).name, w]));

/** The service's workspace and every workspace it depends on, transitively. */
function workspaceClosure(dir: string): string[] {
  const seen = new Set<string>([dir]);
  const queue = [dir];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const dep of Object.keys(readPackage(next).dependencies ?? {})) {
      const depDir = DIR_OF.get(dep);
      if (depDir !== undefined && !seen.has(depDir)) {
        seen.add(depDir);
        queue.push(depDir);
      }
    }
  }
  return [...seen].sort();
}

const ignored = dockerIgnore(readFileSync(repoPath('.dockerignore'), 'utf8'));

function copies(stage: Stage): { from?: string; sources: string[]; dest: string }[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] ?? '' };
    });
}

function runs(stage: Stage): string[] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

describe('.dockerignore', () => {
  it.each([
    ['node_modules', true],
    ['packages/core/node_modules/x', true],
    ['packages/core/dist/index.js', true],
    ['packages/core/src/selector.test.ts', true],
    ['tests/deploy/k8s.test.ts', true],
    ['docs/operations.md', true],
    ['packages/core/src/selector.ts', false],
    ['packages/store/lua/push.lua', false],
    ['package-lock.json', false],
  ])('excludes %s: %s', (path, expected) => {
    expect(ignored(path)).toBe(expected);
  });
});

describe.each([
  ['services/gateway', 9091],
  ['services/worker', 9092],
])('%s/Dockerfile', (service, port) => {
  const file = repoPath(service, 'Dockerfile');
  const { args, stages } = parseDockerfile(readFileSync(file, 'utf8'));
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages[stages.length - 1];
  const closure = workspaceClosure(service);
  const packages = closure.filter((w) => w !== service);

  it('builds in a "build" stage and runs from a "runtime" stage, both on a Node LTS image', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.from).toBe('${NODE_IMAGE}');
    expect(args.get('NODE_IMAGE')).toMatch(/^node:(22|24)-(alpine|bookworm-slim|trixie-slim)$/);
  });

  it('installs only this workspace with npm ci, production dependencies only at run time', () => {
    const install = (s: Stage | undefined) => runs(s as Stage).filter((r) => r.includes('npm ci'));
    expect(install(build)).toEqual([
      expect.stringContaining(`--workspace=${service} --include-workspace-root`),
    ]);
    expect(install(runtime)).toEqual([
      expect.stringContaining(`--workspace=${service} --omit=dev`),
    ]);
    expect(runs(build as Stage)).toContainEqual(`npx tsc --build ${service}`);
  });

  it('copies every workspace manifest and the lockfile before npm ci (npm checks them all)', () => {
    for (const s of stages) {
      const copied = copies(s).flatMap((c) => (c.from === undefined ? c.sources : []));
      expect(copied).toEqual(
        expect.arrayContaining([
          'package.json',
          'package-lock.json',
          ...WORKSPACES.map((w) => `${w}/package.json`),
        ]),
      );
    }
  });

  it('compiles the service and every workspace it depends on', () => {
    const copied = copies(build as Stage).flatMap((c) => c.sources);
    for (const w of closure)
      expect(copied).toEqual(expect.arrayContaining([`${w}/src`, `${w}/tsconfig.json`]));
    expect(copied).toContain('tsconfig.base.json');
  });

  it('ships the compiled output of exactly those workspaces, plus the Lua scripts', () => {
    const fromBuild = copies(runtime as Stage).filter((c) => c.from === 'build');
    expect(fromBuild.map((c) => c.sources.join(' ')).sort()).toEqual(
      closure.map((w) => `/src/${w}/dist`),
    );
    for (const c of fromBuild) expect(c.dest).toBe(c.sources[0]?.replace('/src/', ''));
    for (const w of packages) {
      for (const extra of (readPackage(w).files ?? []).filter((f) => f !== 'dist')) {
        expect(copies(runtime as Stage).flatMap((c) => c.sources)).toContain(`${w}/${extra}`);
      }
    }
  });

  it('copies only files that exist and that .dockerignore keeps in the context', () => {
    for (const s of stages) {
      for (const c of copies(s).filter((x) => x.from === undefined)) {
        for (const src of c.sources) {
          expect({ src, exists: existsSync(repoPath(src)), ignored: ignored(src) }).toEqual({
            src,
            exists: true,
            ignored: false,
          });
        }
      }
    }
  });

  it('runs as a numeric non-root user, exposes its port and checks /-/healthy', () => {
    const last = (k: string) => runtime?.instructions.filter((i) => i.keyword === k).pop()?.args;
    expect(last('USER')).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
    expect(last('EXPOSE')?.split(/\s+/)).toContain(String(port));
    expect(runtime?.instructions.map((i) => i.args)).toContainEqual(
      `HEALTHCHECK_URL=http://127.0.0.1:${port}/-/healthy`,
    );
    expect(last('HEALTHCHECK')).toMatch(
      /CMD \["node", "-e", ".*process\.env\.HEALTHCHECK_URL.*"\]$/,
    );
    expect(JSON.parse(last('ENTRYPOINT') ?? '[]')).toEqual(['node', `${service}/dist/bin.js`]);
  });
});

describe('services/gateway/Dockerfile malloc settings', () => {
  const { stages } = parseDockerfile(
    readFileSync(repoPath('services/gateway', 'Dockerfile'), 'utf8'),
  );
  const env = (stages[stages.length - 1]?.instructions ?? [])
    .filter((i) => i.keyword === 'ENV')
    .map((i) => i.args);

  // A node holding a large store rebuilds ~32 KiB text blocks all the time; without these, glibc
  // keeps the freed memory and RSS drifts ~70 MiB higher (docs/benchmarks.md, 4F).
  it('limits glibc to 2 arenas and maps allocations from 16 KiB up on their own', () => {
    expect(env).toContain('MALLOC_ARENA_MAX=2');
    expect(env).toContain('MALLOC_MMAP_THRESHOLD_=16384');
  });

  it('is what the benchmark runners start nodes with', () => {
    const lib = readFileSync(repoPath('bench', 'lib.sh'), 'utf8');
    expect(lib).toContain('GATEWAY_ENV=(MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=16384)');
  });
});

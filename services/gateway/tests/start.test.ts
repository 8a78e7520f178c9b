import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../tests/support/free-port';
import { buildPushgate } from '../../../tests/support/pushgate-node';
import { waitFor } from '../../../tests/support/wait-for';

const run = promisify(execFile);
const bin = join(__dirname, '..', 'dist', 'bin.js');
// PUSHGATE_* variables and REDIS_URL (set by jest's global setup, honoured by the gateway) in the
// test's environment would configure the node behind its back: this is the single-node test.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('PUSHGATE_') && k !== 'REDIS_URL'),
);

interface Node {
  url: string;
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built gateway with `node` on a free port and waits until it is ready. */
async function startNode(flags: string[]): Promise<Node> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [bin, `--web.listen-address=127.0.0.1:${port}`, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(`gateway at ${url}`, async () => {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}: ${out}`);
    const res = await fetch(`${url}/-/ready`);
    return res.status === 200;
  });
  return { url, child, output: () => out, exit };
}

async function text(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
}

describe('the built gateway (node services/gateway/dist/bin.js)', () => {
  let dir: string;
  const started: Node[] = [];

  beforeAll(async () => {
    await buildPushgate();
    dir = mkdtempSync(join(tmpdir(), 'pushgate-start-'));
  }, 120_000);

  afterAll(async () => {
    for (const node of started) {
      if (node.child.exitCode === null && node.child.signalCode === null) {
        node.child.kill('SIGKILL');
        await node.exit;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves pushes and scrapes, stops gracefully on SIGTERM and persists to --persistence.file', async () => {
    const file = join(dir, 'metrics.db');
    const flags = [`--persistence.file=${file}`, '--persistence.interval=1h', '--log.level=info'];
    const first = await startNode(flags);
    started.push(first);

    const push = await text(`${first.url}/metrics/job/start/instance/i1`, {
      method: 'PUT',
      body: 'up_again 42\n',
    });
    expect(push.status).toBe(200);
    const scrape = await text(`${first.url}/metrics`);
    expect(scrape.body).toContain('up_again{instance="i1",job="start"} 42\n');
    // The interval is an hour: only the shutdown can have written the file.
    expect(existsSync(file)).toBe(false);

    first.child.kill('SIGTERM');
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain('gateway stopped');
    expect(existsSync(file)).toBe(true);

    const second = await startNode(flags);
    started.push(second);
    expect((await text(`${second.url}/metrics`)).body).toContain(
      'up_again{instance="i1",job="start"} 42\n',
    );
    second.child.kill('SIGINT');
    expect(await second.exit).toEqual({ code: 0, signal: null });
  });

  it('stops via /-/quit with --web.enable-lifecycle', async () => {
    const node = await startNode(['--web.enable-lifecycle']);
    started.push(node);
    expect(await text(`${node.url}/-/quit`, { method: 'PUT' })).toEqual({
      status: 200,
      body: 'Requesting termination... Goodbye!',
    });
    expect(await node.exit).toEqual({ code: 0, signal: null });
  });

  it('exits with 1 and names the setting on a bad flag', async () => {
    const err = (await run(process.execPath, [bin, '--persistence.interval=5x'], { env }).catch(
      (e: unknown) => e,
    )) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(1);
    expect(err.stderr).toBe(
      'pushgate: error: invalid --persistence.interval "5x": expected a duration like 5m\n',
    );
  });

  it('prints --help and --version to stdout', async () => {
    expect((await run(process.execPath, [bin, '--help'], { env })).stdout).toContain(
      '--web.listen-address=":9091"',
    );
    expect((await run(process.execPath, [bin, '--version'], { env })).stdout).toMatch(
      /^pushgate, version \d+\.\d+\.\d+/,
    );
  });
});

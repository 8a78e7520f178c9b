// The TLS server block docs/operations.md tells operators to add to nginx.conf: it proxies like
// the plain server (same location block), and it works: the repository's nginx.conf with the
// block added runs under the real nginx, terminates TLS with a certificate made here, and
// passes requests to a node, or answers 503 when none is reachable.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { NGINX_BINARY, NGINX_CONF, renderNginxConf } from '../support/nginx';
import { haveTool, repoPath } from './deploy-files';

const EXAMPLE_MARK = '<!-- deploy:tls-example -->';

/** The ```nginx block right after the marker in docs/operations.md. */
function tlsExample(): string {
  const doc = readFileSync(repoPath('docs', 'operations.md'), 'utf8');
  const at = doc.indexOf(EXAMPLE_MARK);
  if (at < 0) throw new Error(`docs/operations.md lacks ${EXAMPLE_MARK}`);
  const block = /^```nginx\n([\s\S]*?)^```$/m.exec(doc.slice(at));
  if (!block?.[1]) throw new Error(`no \`\`\`nginx block after ${EXAMPLE_MARK}`);
  return block[1];
}

/** The directives of the first `location / { ... }` block, comments and layout removed. */
function rootLocation(conf: string): string[] {
  const body = /location \/ \{([^}]*)\}/.exec(conf)?.[1];
  if (body === undefined) throw new Error('no `location / { ... }` block');
  return body
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');
}

interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function httpsGet(port: number, ca: string, path: string): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, timeout: 5000, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

const HAVE_OPENSSL = haveTool('openssl');
if (!HAVE_OPENSSL) {
  console.log('[deploy tests] openssl is not installed: not running the TLS example in nginx');
}

describe('TLS termination example (docs/operations.md)', () => {
  const example = tlsExample();

  it('proxies exactly as the plain server of nginx.conf does', () => {
    expect(rootLocation(example)).toEqual(rootLocation(readFileSync(NGINX_CONF, 'utf8')));
    expect(example).toContain('merge_slashes off;');
    expect(example).toContain('error_page 502 504 =503 @unavailable;');
  });

  (HAVE_OPENSSL ? describe : describe.skip)('running in nginx.conf', () => {
    let dir: string;
    let nginx: ChildProcess | undefined;
    let nginxExit: Promise<unknown> | undefined;
    let node: Server | undefined;
    let tlsPort: number;
    let cert: string;
    let seen: IncomingHttpHeaders | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pushgate-tls-'));
      // Started as root, nginx runs its workers as `nobody`; they must reach the prefix.
      chmodSync(dir, 0o755);
      mkdirSync(join(dir, 'tls'));
      const openssl = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'tls', 'tls.key'),
          '-out',
          join(dir, 'tls', 'tls.crt'),
        ],
        { encoding: 'utf8' },
      );
      if (openssl.status !== 0) throw new Error(`openssl failed: ${openssl.stderr}`);
      cert = readFileSync(join(dir, 'tls', 'tls.crt'), 'utf8');

      // A stand-in node: answers every request and remembers the headers nginx sent.
      node = createServer((req, res) => {
        seen = req.headers;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK');
      });
      node.listen(0, '127.0.0.1');
      await once(node, 'listening');
      const address = node.address();
      const nodePort = typeof address === 'object' && address ? address.port : 0;

      tlsPort = await freePort();
      const plain = renderNginxConf(
        readFileSync(NGINX_CONF, 'utf8'),
        [`127.0.0.1:${nodePort}`],
        `127.0.0.1:${await freePort()}`,
      );
      const server = example.replace(/listen 9443 ssl;/, `listen 127.0.0.1:${tlsPort} ssl;`);
      expect(server).not.toBe(example);
      // Into the http block, beside the plain server: before the file's last closing brace.
      const end = plain.lastIndexOf('}');
      writeFileSync(join(dir, 'nginx.conf'), `${plain.slice(0, end)}${server}${plain.slice(end)}`);

      // nginx opens /dev/stdout for its access log, which a pipe cannot provide; use a file.
      const stdout = openSync(join(dir, 'access.log'), 'a');
      nginx = spawn(NGINX_BINARY, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
        stdio: ['ignore', stdout, 'pipe'],
      });
      closeSync(stdout);
      let errors = '';
      nginx.stderr?.on('data', (c: Buffer) => (errors += c.toString('utf8')));
      nginxExit = once(nginx, 'exit');
      const deadline = Date.now() + 10000;
      for (;;) {
        const up = await httpsGet(tlsPort, cert, '/-/healthy').then(
          () => true,
          () => false,
        );
        if (up) break;
        if (nginx.exitCode !== null || Date.now() > deadline)
          throw new Error(`nginx did not come up:\n${errors}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    afterAll(async () => {
      if (nginx && nginx.exitCode === null) {
        nginx.kill('SIGTERM');
        await nginxExit;
      }
      if (node?.listening) await new Promise((resolve) => node?.close(resolve));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('terminates TLS and passes the request to a node, marked as https', async () => {
      const answer = await httpsGet(tlsPort, cert, '/metrics');
      expect([answer.status, answer.body]).toEqual([200, 'OK']);
      expect(seen?.['x-forwarded-proto']).toBe('https');
      expect(seen?.host).toBe(`127.0.0.1:${tlsPort}`);
    });

    it('answers 503 with Retry-After when no node is reachable', async () => {
      await new Promise((resolve) => node?.close(resolve));
      const answer = await httpsGet(tlsPort, cert, '/metrics');
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.body).toBe('no Pushgate node reachable, try again later\n');
    });
  });
});

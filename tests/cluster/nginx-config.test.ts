// nginx.conf can be adapted the documented way (node list and listen port only), and nginx
// accepts the result. The proxy behaviour itself is in nginx-proxy.test.ts.
import { readFileSync } from 'node:fs';
import {
  NGINX_CONF,
  NginxConfTemplateError,
  checkNginxConf,
  renderNginxConf,
} from '../support/nginx';

const shipped = readFileSync(NGINX_CONF, 'utf8');

describe('renderNginxConf', () => {
  const rendered = renderNginxConf(shipped, ['127.0.0.1:4001', '127.0.0.1:4002'], '127.0.0.1:5000');

  it('puts one server line per node, with the shipped failover parameters', () => {
    const servers = rendered.split('\n').filter((l) => /^\s*server\s+[^{\s]/.test(l));
    expect(servers.map((l) => l.trim())).toEqual([
      'server 127.0.0.1:4001 max_fails=1 fail_timeout=5s;',
      'server 127.0.0.1:4002 max_fails=1 fail_timeout=5s;',
    ]);
  });

  it('replaces only the marked listen port', () => {
    expect(rendered).toMatch(/^\s*listen 127\.0\.0\.1:5000; # pushgate:listen$/m);
    expect(rendered).not.toMatch(/gateway-\d:9091/);
  });

  it('changes nothing else', () => {
    const strip = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => !/^\s*server\s+[^{\s]/.test(l) && !/^\s*listen.*# pushgate:listen$/.test(l));
    expect(strip(rendered)).toEqual(strip(shipped));
  });

  it.each([
    ['no server markers', shipped.replace(/^(\s*)# pushgate:servers:start$/m, '$1# gone')],
    ['no server line between the markers', shipped.replace(/^\s*server gateway.*$/gm, '')],
    ['no listen marker', shipped.replace(/ # pushgate:listen$/m, '')],
  ])('refuses a template with %s', (_what, template) => {
    expect(() => renderNginxConf(template, ['127.0.0.1:1'], '127.0.0.1:2')).toThrow(
      NginxConfTemplateError,
    );
  });
});

describe('the shipped settings', () => {
  // Each of these is a behaviour the cluster tests rely on; a silent edit would break it.
  it.each([
    ['raw request target forwarded', /^\s*proxy_pass http:\/\/gateways;$/m],
    ['slashes not merged', /^\s*merge_slashes off;$/m],
    ['16 MiB bodies accepted', /^\s*client_max_body_size 16m;$/m],
    ['retries for every method', /^\s*proxy_next_upstream error timeout non_idempotent;$/m],
    ['keepalive to the nodes', /^\s*keepalive \d+;$/m],
    ['listens on 9091', /^\s*listen 9091; # pushgate:listen$/m],
  ])('%s', (_what, pattern) => {
    expect(shipped).toMatch(pattern);
  });

  it('keeps every file path relative to the prefix (so `nginx -p` relocates it)', () => {
    const paths = [
      ...shipped.matchAll(/^\s*(?:pid|\w+_temp_path|error_log|access_log)\s+(\S+)/gm),
    ].map((m) => m[1] ?? '');
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => p.startsWith('/') && !p.startsWith('/dev/std'))).toEqual([]);
  });
});

describe('nginx -t', () => {
  it('accepts nginx.conf rendered for three nodes', async () => {
    const output = await checkNginxConf(['127.0.0.1:4001', '127.0.0.1:4002', '127.0.0.1:4003']);
    expect(output).toMatch(/syntax is ok/);
    expect(output).toMatch(/test is successful/);
  });
});

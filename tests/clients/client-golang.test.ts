import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectJobScrape } from './expect-scrape';
import { startGatewayUnderTest, type GatewayUnderTest } from './gateway-under-test';
import { sendRaw } from './raw-http';
import { lines, TIMESTAMP } from './scrape';

// client_golang (Debian's 1.14) pushes protobuf-delimited bodies; tests/fixtures/client_golang holds
// the exact requests tests/fixtures/client_golang/pusher.go sent (regenerate.sh rebuilds them).
// CI has no Go toolchain, so the replay is the contract test; a live run is added where Go exists.

const fixtures = join(__dirname, '..', 'fixtures', 'client_golang');
const JOB = 'client_golang';

interface Capture {
  step: 'push' | 'add' | 'delete';
  method: string;
  target: string;
  httpVersion: string;
  headers: string[];
  bodyFile: string;
}

const captures: Capture[] = readdirSync(fixtures)
  .filter((f) => /^\d\d-.*\.json$/.test(f))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as Capture);

const labels = 'instance="batch-1",job="client_golang",path="/var/tmp"';

const bookkeeping = `
  # HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.
  # TYPE push_failure_time_seconds gauge
  push_failure_time_seconds{${labels}} 0
  # HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.
  # TYPE push_time_seconds gauge
  push_time_seconds{${labels}} ${TIMESTAMP}
`;

const afterPush = lines(`
  # HELP cg_batch_size Records per batch.
  # TYPE cg_batch_size summary
  cg_batch_size{${labels},quantile="0.5"} 2
  cg_batch_size{${labels},quantile="0.9"} 3
  cg_batch_size_sum{${labels}} 6
  cg_batch_size_count{${labels}} 3
  # HELP cg_job_duration_seconds How long each job took.
  # TYPE cg_job_duration_seconds histogram
  cg_job_duration_seconds_bucket{${labels},le="0.125"} 1
  cg_job_duration_seconds_bucket{${labels},le="0.5"} 2
  cg_job_duration_seconds_bucket{${labels},le="1"} 3
  cg_job_duration_seconds_bucket{${labels},le="+Inf"} 4
  cg_job_duration_seconds_sum{${labels}} 3.0625
  cg_job_duration_seconds_count{${labels}} 4
  # HELP cg_jobs_processed_total Jobs this batch run processed.
  # TYPE cg_jobs_processed_total counter
  cg_jobs_processed_total{${labels},queue="default"} 42
  # HELP cg_last_success_timestamp_seconds When the batch run last succeeded.
  # TYPE cg_last_success_timestamp_seconds gauge
  cg_last_success_timestamp_seconds{${labels}} 1.7000000005e+09
  ${bookkeeping}
`);

// POST replaced the gauge and added cg_records_written; the families it didn't name are untouched.
const afterAdd = lines(`
  # HELP cg_batch_size Records per batch.
  # TYPE cg_batch_size summary
  cg_batch_size{${labels},quantile="0.5"} 2
  cg_batch_size{${labels},quantile="0.9"} 3
  cg_batch_size_sum{${labels}} 6
  cg_batch_size_count{${labels}} 3
  # HELP cg_job_duration_seconds How long each job took.
  # TYPE cg_job_duration_seconds histogram
  cg_job_duration_seconds_bucket{${labels},le="0.125"} 1
  cg_job_duration_seconds_bucket{${labels},le="0.5"} 2
  cg_job_duration_seconds_bucket{${labels},le="1"} 3
  cg_job_duration_seconds_bucket{${labels},le="+Inf"} 4
  cg_job_duration_seconds_sum{${labels}} 3.0625
  cg_job_duration_seconds_count{${labels}} 4
  # HELP cg_jobs_processed_total Jobs this batch run processed.
  # TYPE cg_jobs_processed_total counter
  cg_jobs_processed_total{${labels},queue="default"} 42
  # HELP cg_last_success_timestamp_seconds When the batch run last succeeded.
  # TYPE cg_last_success_timestamp_seconds gauge
  cg_last_success_timestamp_seconds{${labels}} 1.70000010025e+09
  # HELP cg_records_written Records the last batch run wrote.
  # TYPE cg_records_written gauge
  cg_records_written{${labels}} 1234
  ${bookkeeping}
`);

const expectedAfter: Record<Capture['step'], { status: number; view: string[] }> = {
  push: { status: 200, view: afterPush },
  add: { status: 200, view: afterAdd },
  delete: { status: 202, view: [] },
};

/** The captured request, byte for byte, except Host, which named the capture server's port. */
function replayBytes(c: Capture, address: string): Buffer {
  const headers = c.headers.map((h) => (/^host:/i.test(h) ? `Host: ${address}` : h));
  const head = [`${c.method} ${c.target} ${c.httpVersion}`, ...headers].join('\r\n') + '\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), readFileSync(join(fixtures, c.bodyFile))]);
}

test('the fixtures hold push (PUT), add (POST) and delete, in that order', () => {
  expect(captures.map((c) => [c.step, c.method])).toEqual([
    ['push', 'PUT'],
    ['add', 'POST'],
    ['delete', 'DELETE'],
  ]);
  for (const c of captures.slice(0, 2)) {
    expect(c.headers).toContain(
      'Content-Type: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    );
  }
  // The `/` in the path label made the client switch to unpadded base64url.
  expect(captures[0]?.target).toContain('/path@base64/L3Zhci90bXA');
});

describe('client_golang captured requests replayed byte for byte', () => {
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    gw = await startGatewayUnderTest();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  test.each(captures.map((c) => [c.step, c] as const))('%s', async (step, capture) => {
    const res = await sendRaw(gw.address, replayBytes(capture, gw.address));
    const want = expectedAfter[step];
    expect({ status: res.status, body: res.body.toString('utf8') }).toEqual({
      status: want.status,
      body: '',
    });
    await expectJobScrape(gw.url, JOB, want.view, { eventually: step === 'delete' });
  });
});

/** Why the live Go run can't happen here, or undefined if it can. */
function goUnavailable(): string | undefined {
  if (spawnSync('go', ['version']).error) return 'no `go` on PATH';
  if (
    !existsSync('/usr/share/gocode/src/github.com/prometheus/client_golang/prometheus/push/push.go')
  ) {
    return 'Debian package golang-github-prometheus-client-golang-dev is not installed';
  }
  return undefined;
}

const whyNotLive = goUnavailable();
if (whyNotLive) {
  console.log(
    `[client_golang] ${whyNotLive}: replaying the captured requests only, no live Go run`,
  );
}

(whyNotLive ? describe.skip : describe)('client_golang pusher run live', () => {
  const goEnv = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' };
  let dir: string;
  let pusher: string;
  let gw: GatewayUnderTest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushgate-go-pusher-'));
    pusher = join(dir, 'pusher');
    // A cold build compiles client_golang and its dependencies; later runs hit Go's build cache.
    execFileSync('go', ['build', '-o', pusher, join(fixtures, 'pusher.go')], {
      env: goEnv,
      stdio: 'pipe',
    });
    gw = await startGatewayUnderTest();
  }, 300000);
  afterAll(async () => {
    await gw?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.each(['push', 'add', 'delete'] as const)('%s', async (step) => {
    // The pusher exits non-zero when client_golang reports an error (any status but 200/202 on
    // pushes, anything but 202 on delete), so a clean exit is the client's own verdict.
    execFileSync(pusher, ['-gateway', gw.url, '-step', step], { stdio: 'pipe' });
    await expectJobScrape(gw.url, JOB, expectedAfter[step].view, { eventually: step === 'delete' });
  });
});

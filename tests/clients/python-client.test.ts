import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expectJobScrape } from './expect-scrape';
import { startGatewayUnderTest, type GatewayUnderTest } from './gateway-under-test';
import { lines, TIMESTAMP } from './scrape';

// Debian's python3-prometheus-client (0.16), unmodified, via tests/clients/python/pusher.py.
// /usr/bin/python3 on purpose: a pyenv python3 earlier on PATH would not see the Debian package.

const PYTHON = '/usr/bin/python3';
const script = join(__dirname, 'python', 'pusher.py');
const run = promisify(execFile);

const JOB = 'python';
// The client writes this grouping key as
//   /metrics/job/python/empty@base64/=/instance/batch-1/note/a+b/path@base64/L3Zhci90bXA=
// an empty value becomes `@base64/=`, a value with `/` padded base64url, and other values go
// through quote_plus, so the space arrives as a literal `+` (upstream keeps it as `+`).
const groupArgs = [
  '--group',
  'instance=batch-1',
  '--group',
  'path=/var/tmp',
  '--group',
  'empty=',
  '--group',
  'note=a b',
];
const g = 'empty="",instance="batch-1",job="python",note="a+b",path="/var/tmp"';

// Python renders each counter, histogram and summary with a `<name>_created` gauge holding the
// creation time; like push_time_seconds those values differ every run.
const volatile = (name: string): boolean =>
  name === 'push_time_seconds' || name.endsWith('_created');

function batch(lastSuccess: string): string[] {
  return lines(`
    # HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.
    # TYPE push_failure_time_seconds gauge
    push_failure_time_seconds{${g}} 0
    # HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.
    # TYPE push_time_seconds gauge
    push_time_seconds{${g}} ${TIMESTAMP}
    # HELP py_batch_size Records per batch.
    # TYPE py_batch_size summary
    py_batch_size_sum{${g}} 6
    py_batch_size_count{${g}} 3
    # HELP py_batch_size_created Records per batch.
    # TYPE py_batch_size_created gauge
    py_batch_size_created{${g}} ${TIMESTAMP}
    # HELP py_job_duration_seconds How long each job took.
    # TYPE py_job_duration_seconds histogram
    py_job_duration_seconds_bucket{${g},le="0.125"} 1
    py_job_duration_seconds_bucket{${g},le="0.5"} 2
    py_job_duration_seconds_bucket{${g},le="1"} 3
    py_job_duration_seconds_bucket{${g},le="+Inf"} 4
    py_job_duration_seconds_sum{${g}} 3.0625
    py_job_duration_seconds_count{${g}} 4
    # HELP py_job_duration_seconds_created How long each job took.
    # TYPE py_job_duration_seconds_created gauge
    py_job_duration_seconds_created{${g}} ${TIMESTAMP}
    # HELP py_jobs_processed_created Jobs this batch run processed.
    # TYPE py_jobs_processed_created gauge
    py_jobs_processed_created{${g},queue="default"} ${TIMESTAMP}
    # HELP py_jobs_processed_total Jobs this batch run processed.
    # TYPE py_jobs_processed_total counter
    py_jobs_processed_total{${g},queue="default"} 42
    # HELP py_last_success_timestamp_seconds When the batch run last succeeded.
    # TYPE py_last_success_timestamp_seconds gauge
    py_last_success_timestamp_seconds{${g}} ${lastSuccess}
  `);
}

function missingClient(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import prometheus_client'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (${probe.error.message})`;
  if (probe.status !== 0)
    return `${PYTHON} has no prometheus_client (apt-get install python3-prometheus-client)`;
  return undefined;
}

const whyNot = missingClient();
if (whyNot) console.log(`[python prometheus_client] skipped: ${whyNot}`);

(whyNot ? describe.skip : describe)('Python prometheus_client', () => {
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    gw = await startGatewayUnderTest();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  // The client raises (exit status 1, traceback on stderr) on any HTTP error, so each step
  // completing is the client's own verdict; the scrape then shows what the gateway made of it.
  async function pusher(action: 'push' | 'pushadd' | 'delete', ...flags: string[]): Promise<void> {
    await run(PYTHON, [script, action, gw.address, JOB, ...groupArgs, ...flags]);
  }

  test('push_to_gateway (PUT) with empty, `/` and space-containing grouping values', async () => {
    await pusher('push');
    await expectJobScrape(gw.url, JOB, batch('1.7000000005e+09'), { volatile });
  });

  test('pushadd_to_gateway (POST) replaces only the pushed family', async () => {
    await pusher('pushadd', '--metrics', 'gauge');
    await expectJobScrape(gw.url, JOB, batch('1.70000010025e+09'), { volatile });
  });

  test('delete_from_gateway removes the group', async () => {
    await pusher('delete');
    await expectJobScrape(gw.url, JOB, [], { volatile, eventually: true });
  });
});

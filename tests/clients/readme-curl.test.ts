import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGatewayUnderTest, type GatewayUnderTest } from './gateway-under-test';
import { assertPromtoolAccepts } from '../support/promtool';
import { curlExamples } from './readme-examples';
import { scrape } from './scrape';

// Runs the README's "Pushing with curl" walkthrough, block by block and in order, with the real
// curl and bash against one gateway. The only rewrite is the base URL. A `.curlrc` adds
// --fail-with-body so an HTTP error status fails the block the way a human reader would notice it.

const README_URL = 'http://localhost:9091';
const examples = curlExamples(readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8'));
const execFileAsync = promisify(execFile);

function title(script: string): string {
  const first = script.split('\n')[0] ?? '';
  return first.length > 90 ? `${first.slice(0, 87)}...` : first;
}

describe('README curl examples', () => {
  let gw: GatewayUnderTest;
  let curlHome: string;

  beforeAll(async () => {
    curlHome = mkdtempSync(join(tmpdir(), 'pushgate-curlrc-'));
    writeFileSync(join(curlHome, '.curlrc'), 'fail-with-body\nshow-error\n');
    gw = await startGatewayUnderTest();
  });
  afterAll(async () => {
    await gw?.stop();
    if (curlHome) rmSync(curlHome, { recursive: true, force: true });
  });

  test('the section has examples, each a curl command against the README base URL', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const { script } of examples) {
      expect(script).toMatch(/\bcurl\b/);
      expect(script).toContain(README_URL);
    }
  });

  async function runExample(script: string): Promise<string> {
    const rewritten = script.split(README_URL).join(gw.url);
    const { stdout } = await execFileAsync('bash', ['-c', `set -euo pipefail\n${rewritten}`], {
      env: { ...process.env, CURL_HOME: curlHome },
      cwd: curlHome,
    });
    return stdout;
  }

  test.each(examples.map((e) => [title(e.script), e] as const))(
    '%s',
    async (_title, { script, expectedOutput }) => {
      let stdout = await runExample(script);
      if (expectedOutput !== undefined) {
        // DELETE answers 202 Accepted and upstream applies it from a queue, so give a mismatch a
        // moment and run the block again (every example in the section is idempotent).
        const deadline = Date.now() + 3000;
        while (stdout !== expectedOutput && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          stdout = await runExample(script);
        }
        expect(stdout).toBe(expectedOutput);
      }
      // Hand-written examples may lack HELP lines, so only parse errors count here.
      assertPromtoolAccepts(await scrape(gw.url));
    },
  );
});

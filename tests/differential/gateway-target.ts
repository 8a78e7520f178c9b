import { startClusterServer } from '../support/cluster';
import { httpRequest, type HttpResponse } from '../support/http-request';
import { startPushgate } from '../support/pushgate-node';
import { routePrefixOf, type ServerProcess } from '../support/server-process';
import { startUpstream } from '../support/upstream-pushgateway';
import { waitFor } from '../support/wait-for';
import type { Run, Scenario } from './scenario';
import { CLUSTER, SELF_CHECK } from './target-mode';

export { CLUSTER, SELF_CHECK };

/** Starts one side of a pair (in self-check mode the Pushgate side is upstream too). */
export async function startTarget(
  side: GatewayTarget['side'],
  flags: readonly string[],
): Promise<GatewayTarget> {
  const server =
    side === 'upstream' || SELF_CHECK
      ? await startUpstream(flags)
      : CLUSTER
        ? await startClusterServer(flags)
        : await startPushgate(flags);
  return new GatewayTarget(side, server, flags);
}

/** How long a scrape waits after a write answered 202 (applied after the answer upstream). */
const ACCEPTED_SETTLE_MS = 100;

/** One running gateway of a differential pair, with what its flags imply for the harness. */
export class GatewayTarget {
  readonly prefix: string;
  readonly scrapePath: string;
  private readonly adminApi: boolean;

  constructor(
    readonly side: 'upstream' | 'pushgate',
    readonly server: ServerProcess,
    flags: readonly string[],
  ) {
    this.prefix = routePrefixOf(flags);
    this.scrapePath = this.prefix + (lastFlag(flags, 'web.telemetry-path') ?? '/metrics');
    this.adminApi = flags.includes('--web.enable-admin-api');
  }

  request(
    method: string,
    path: string,
    headers?: Record<string, string>,
    body?: string | Buffer,
  ): Promise<HttpResponse> {
    return httpRequest(this.server.url, { method, path, headers, body }).catch((err: unknown) => {
      throw new Error(
        `${this.side}: ${method} ${path} failed: ${String(err)}\n--- ${this.side} output ---\n${this.server.output()}`,
      );
    });
  }

  /** Sends the scenario's steps in order, then scrapes (unless the scenario ends the gateway). */
  async run(scenario: Scenario): Promise<Run> {
    const responses: HttpResponse[] = [];
    for (const [i, step] of scenario.steps.entries()) {
      const sent = this.request(step.method, step.path, step.headers, step.body);
      const last = i === scenario.steps.length - 1;
      responses.push(await (scenario.stopsGateway && last ? sent.catch(noResponse) : sent));
    }
    if (scenario.stopsGateway) {
      if (!(await this.server.exited(10000)))
        throw new Error(`${this.side} did not exit within 10 s`);
      return { responses };
    }
    // A 202 means upstream answered before its write queue applied the request (every DELETE,
    // and every push with the consistency check off): a scrape right away could miss it.
    if (responses.some((r) => r.status === 202))
      await new Promise((resolve) => setTimeout(resolve, ACCEPTED_SETTLE_MS));
    const scrape = await this.request('GET', this.scrapePath);
    const api = await this.request('GET', `${this.prefix}/api/v1/metrics`);
    return { responses, scrape, api };
  }

  /** Removes every group (admin wipe where enabled, else one DELETE per group) and waits until none is left. */
  async reset(): Promise<void> {
    if (this.adminApi) {
      expectStatus(
        this.side,
        await this.request('PUT', `${this.prefix}/api/v1/admin/wipe`),
        202,
        'wipe',
      );
    } else {
      for (const labels of await this.groups()) {
        const res = await this.request('DELETE', deletePath(this.prefix, labels));
        expectStatus(this.side, res, 202, 'DELETE while resetting');
      }
    }
    // Upstream applies a wipe's deletes through its write queue, after answering.
    await waitFor(
      `${this.side} to hold no groups`,
      async () => (await this.groups()).length === 0,
      5000,
      20,
    );
  }

  private async groups(): Promise<Array<Record<string, string>>> {
    const res = await this.request('GET', `${this.prefix}/api/v1/metrics`);
    expectStatus(this.side, res, 200, 'GET /api/v1/metrics');
    const parsed = JSON.parse(res.body.toString('utf8')) as {
      data: Array<{ labels: Record<string, string> }>;
    };
    return parsed.data.map((g) => g.labels);
  }
}

/** A request the gateway closed the connection on without answering, as status 0. */
function noResponse(err: unknown): HttpResponse {
  return { status: 0, headers: {}, body: Buffer.from(`<no response: ${String(err)}>`) };
}

function expectStatus(side: string, res: HttpResponse, status: number, what: string): void {
  if (res.status !== status)
    throw new Error(`${side}: ${what} answered ${res.status} ${res.body.toString('utf8')}`);
}

/** A DELETE path for any grouping key: every value base64url-encoded (`=` for empty). */
function deletePath(prefix: string, labels: Record<string, string>): string {
  const b64 = (v: string): string =>
    v === '' ? '=' : Buffer.from(v, 'utf8').toString('base64url');
  let path = `${prefix}/metrics/job@base64/${b64(labels.job ?? '')}`;
  for (const [name, value] of Object.entries(labels)) {
    if (name !== 'job') path += `/${name}@base64/${b64(value)}`;
  }
  return path;
}

function lastFlag(flags: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (const flag of flags) if (flag.startsWith(`--${name}=`)) value = flag.slice(name.length + 3);
  return value;
}

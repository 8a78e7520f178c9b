import { createGateway, createLogger, loadConfig, type Gateway } from '@pushgate/gateway';
import type { MetricStore } from '@pushgate/store';

/** A gateway node in this process. */
export interface Node {
  url: string;
  gateway: Gateway;
}

/** Starts a gateway node on 127.0.0.1 with `flags`, serving `store` (which it closes on close). */
export async function startNode(store: MetricStore, flags: readonly string[] = []): Promise<Node> {
  const gateway = await createGateway(loadConfig(['--web.listen-address=127.0.0.1:0', ...flags]), {
    store,
    logger: createLogger({ level: 'silent', format: 'json' }),
  });
  const { url } = await gateway.listen();
  return { url, gateway };
}

/** A push (PUT unless told otherwise) of a text body. */
export async function push(
  node: Node,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  method: 'PUT' | 'POST' = 'PUT',
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${node.url}${path}`, { method, body, headers });
  return { status: res.status, text: await res.text() };
}

/** The scrape without the node's own families (which differ between nodes and over time). */
export async function scrapePushed(node: Node): Promise<string> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const own = /^(?:# (?:HELP|TYPE) )?(?:go|process|nodejs|pushgateway)_/;
  return text
    .split('\n')
    .filter((line) => !own.test(line))
    .join('\n');
}

/** The body of /api/v1/metrics, exactly as served. */
export async function apiMetrics(node: Node): Promise<string> {
  return (await fetch(`${node.url}/api/v1/metrics`)).text();
}

/** The groups of /api/v1/metrics, parsed. */
export async function apiGroups(node: Node): Promise<Array<Record<string, unknown>>> {
  return (JSON.parse(await apiMetrics(node)) as { data: Array<Record<string, unknown>> }).data;
}

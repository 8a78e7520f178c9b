import { startPushgate } from '../support/pushgate-node';
import { startUpstream } from '../support/upstream-pushgateway';

/**
 * The gateway the client tests talk to.
 *
 * By default that is a Pushgate node (built and started by tests/support/pushgate-node.ts). With
 * `PUSHGATE_TEST_TARGET=upstream` it is the real prometheus-pushgateway instead: the same tests
 * must pass there too, which is what shows they pin the wire contract and not our implementation.
 */
export type Target = 'pushgate' | 'upstream';

export interface GatewayUnderTest {
  readonly target: Target;
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** `host:port`, for clients that take an address rather than a URL. */
  readonly address: string;
  stop(): Promise<void>;
}

export function targetFromEnv(): Target {
  const raw = process.env.PUSHGATE_TEST_TARGET ?? 'pushgate';
  if (raw !== 'pushgate' && raw !== 'upstream') {
    throw new Error(`PUSHGATE_TEST_TARGET must be "pushgate" or "upstream", got "${raw}"`);
  }
  return raw;
}

/** Starts the selected gateway, with upstream's flags, on a free port; resolves once it is ready. */
export async function startGatewayUnderTest(
  flags: string[] = [],
  target: Target = targetFromEnv(),
): Promise<GatewayUnderTest> {
  const server = target === 'upstream' ? await startUpstream(flags) : await startPushgate(flags);
  return { target, url: server.url, address: new URL(server.url).host, stop: () => server.stop() };
}

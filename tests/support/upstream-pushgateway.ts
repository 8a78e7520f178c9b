import { existsSync } from 'node:fs';
import { routePrefixOf, startServerProcess, type ServerProcess } from './server-process';

/** The real Pushgateway (Debian's 1.5.1 build), the oracle of the differential suite. */
export const UPSTREAM_BINARY = '/usr/bin/prometheus-pushgateway';

/** Why upstream cannot run here, or undefined when it can. CI installs the binary. */
export function upstreamUnavailableReason(): string | undefined {
  return existsSync(UPSTREAM_BINARY)
    ? undefined
    : `${UPSTREAM_BINARY} is not installed (apt-get install prometheus-pushgateway)`;
}

/**
 * Starts upstream on a free 127.0.0.1 port with the given extra flags and waits for /-/ready.
 * Unless `flags` name a persistence file, `--persistence.file=""` is added: Debian's build
 * persists to /var/lib by default (and kingpin refuses a repeated flag, so it cannot simply be
 * put first).
 */
export function startUpstream(flags: readonly string[] = []): Promise<ServerProcess> {
  const persistence = flags.some((f) => f.startsWith('--persistence.file'))
    ? []
    : ['--persistence.file='];
  return startServerProcess({
    label: 'prometheus-pushgateway',
    command: UPSTREAM_BINARY,
    args: (listen) => [`--web.listen-address=${listen}`, ...persistence, ...flags],
    readyPath: `${routePrefixOf(flags)}/-/ready`,
  });
}

/** Where to listen: Go's `host:port` syntax, as `--web.listen-address` takes it. */
export interface ListenAddress {
  /** undefined = every interface (Go's `:9091`). IPv6 literals are given without brackets. */
  host: string | undefined;
  /** 0 lets the OS pick a free port. */
  port: number;
}

/** Parses `:9091`, `127.0.0.1:9091`, `[::1]:9091`, `localhost:0`; undefined when malformed. */
export function parseListenAddress(s: string): ListenAddress | undefined {
  const colon = s.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host = s.slice(0, colon);
  const portText = s.slice(colon + 1);
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  if (host.startsWith('[') || host.endsWith(']')) {
    if (!(host.startsWith('[') && host.endsWith(']'))) return undefined;
    host = host.slice(1, -1);
    if (!host.includes(':')) return undefined;
  } else if (host.includes(':')) {
    return undefined; // an IPv6 literal needs brackets, as in Go's net.SplitHostPort
  }
  if (/[\s/]/.test(host)) return undefined;
  return { host: host === '' ? undefined : host, port };
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from './settings/listen-address';

/** Where a listening server can be reached. */
export interface ListeningAddress {
  host: string;
  port: number;
  /** `http://host:port` (IPv6 hosts bracketed), no trailing slash. */
  url: string;
}

/** Starts `server` on `address` (port 0 picks a free one); rejects if it cannot bind. */
export async function listenOn(server: Server, address: ListenAddress): Promise<ListeningAddress> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return { host: bound.address, port: bound.port, url: `http://${host}:${bound.port}` };
}

/** Stops accepting, closes idle keep-alive connections as they become idle, cuts the rest at the deadline. */
export async function stopServer(server: Server, drainMs: number): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  // server.close() only closes connections idle at that moment; keep-alive connections whose
  // request is still running become idle later and must be closed then.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
  server.closeIdleConnections();
  try {
    await stopped;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}

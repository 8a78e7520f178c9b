/**
 * True when the scrape may be gzipped: a `gzip` token in Accept-Encoding, as client_golang's
 * promhttp looks for it (exact, lower-case token; `*` and `x-gzip` do not count), except that an
 * explicit `gzip;q=0` is honoured as the refusal RFC 9110 says it is (upstream gzips anyway).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim());
    if (coding !== 'gzip') return false;
    const q = params.find((p) => /^q=/i.test(p));
    return q === undefined || !(Number(q.slice(2)) === 0);
  });
}

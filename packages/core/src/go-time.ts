/**
 * Go's time.RFC3339Nano (`2006-01-02T15:04:05.999999999Z07:00`), which is how encoding/json
 * writes a time.Time, always in UTC here.
 */

/**
 * Formats Unix seconds (float) as RFC 3339 with up to nine fraction digits, trailing zeros (and a
 * bare dot) trimmed, e.g. `2026-11-21T08:59:51.62693358Z`. A float of today's Unix time carries
 * about 0.2 µs of precision, so the last digits are what the float holds, not the original clock.
 */
export function formatRfc3339Nano(unixSeconds: number): string {
  let seconds = Math.floor(unixSeconds);
  let nanos = Math.round((unixSeconds - seconds) * 1e9);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  const date = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${date}${fraction}Z`;
}

/**
 * Go's RFC 3339 with nanoseconds (`time.RFC3339Nano`, what encoding/json writes for a
 * time.Time), in UTC like the API's other times: fraction without trailing zeros.
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

/**
 * An error body with upstream's incidental variation taken out, so that two gateways' 4xx
 * messages can be compared exactly:
 *
 * - Go's protobuf dump of the offending series (`collected metric "m" { label:<...> ... } is not
 *   a COUNTER`) is replaced by `{…}`: its layout is specific to the Go protobuf library version
 *   (newer ones add random spaces on purpose). A message without a dump normalises the same way.
 * - The lines of a multi-error (`N error(s) occurred:` then `* <error>` lines) are sorted:
 *   upstream finds them in map order.
 */
const DUMP =
  /(collected metric "(?:[^"\\]|\\.)*")(?: \{[\s\S]*?\})? (?=is not a |was collected before|has a label|has two or more labels|must not have an explicit)/g;

export function normalizeErrorMessage(body: string): string {
  const text = body.replace(DUMP, '$1 {…} ');
  const m = /^([\s\S]*?\d+ error\(s\) occurred:)((?:\n\* [\s\S]*?)+)(\n?)$/.exec(text);
  if (!m) return text;
  const items = (m[2] ?? '').split('\n* ').slice(1).sort();
  return `${m[1]}${items.map((i) => `\n* ${i}`).join('')}${m[3]}`;
}

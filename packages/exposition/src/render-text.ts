/**
 * Text exposition format 0.0.4, byte for byte as Go's expfmt.MetricFamilyToText writes it
 * (prometheus/common 0.37, as in pushgateway 1.5.1), with HEAD's additions where 1.5.1 has no
 * usable answer: GAUGE_HISTOGRAM renders as a histogram (1.5.1 aborts the scrape) and float
 * histogram counts are printed (1.5.1 prints the unset integer counts, i.e. 0).
 *
 * A scrape can hold millions of series, so this is written for speed: one string per sample line
 * built by concatenation, the label block of a series built once for all its lines, output
 * collected in flat chunks, and no regular expression on the per-sample path.
 */
import { formatGoFloat } from './go-float';
import type { LabelPair, Metric, MetricFamily, MetricType } from './types';

/** A family that cannot be rendered: a metric lacks the value its family type requires. */
export class TextRenderError extends Error {
  override name = 'TextRenderError';
}

const TYPE_LINE_SUFFIX: Record<MetricType, string> = {
  COUNTER: ' counter\n',
  GAUGE: ' gauge\n',
  SUMMARY: ' summary\n',
  UNTYPED: ' untyped\n',
  HISTOGRAM: ' histogram\n',
  // Text 0.0.4 has no gauge histogram; HEAD writes it as a histogram with _sum/_count.
  GAUGE_HISTOGRAM: ' histogram\n',
};

/**
 * Renders families in the order given (sorting is normalizeFamilies' job). Families without
 * metrics render nothing (Go refuses them; Gather never passes them on). Names are written
 * verbatim, as 1.5.1 does, even when they are not valid in the text format. Throws
 * TextRenderError for a metric without the value field its family type needs.
 */
export function renderText(families: readonly MetricFamily[]): string {
  const chunks = [...renderTextChunks(families)];
  return chunks.length === 1 ? (chunks[0] as string) : chunks.join('');
}

/** Default size of the pieces renderTextChunks yields, in UTF-16 code units. */
export const DEFAULT_CHUNK_CHARS = 256 * 1024;

/**
 * renderText as a sequence of strings of about `chunkChars` each, cut at line ends, to stream a
 * large scrape (e.g. `Readable.from(renderTextChunks(families))`) without ever holding all of
 * it, or its encoding, in memory at once. A TextRenderError surfaces when the offending metric
 * is reached, so earlier chunks may already have been consumed.
 */
export function* renderTextChunks(
  families: readonly MetricFamily[],
  chunkChars = DEFAULT_CHUNK_CHARS,
): Generator<string, void, undefined> {
  let chunk = '';
  for (const family of families) {
    const { name, type, metric: metrics } = family;
    if (metrics.length === 0) continue;
    if (family.help !== undefined) chunk += `# HELP ${name} ${escapeHelp(family.help)}\n`;
    chunk += `# TYPE ${name}${TYPE_LINE_SUFFIX[type]}`;
    for (const metric of metrics) {
      chunk += renderMetric(name, type, metric);
      if (chunk.length >= chunkChars) {
        yield flatten(chunk);
        chunk = '';
      }
    }
  }
  if (chunk !== '') yield flatten(chunk);
}

/**
 * A chunk is built as a rope of its lines. Flattening it right away lets the lines die young:
 * kept as ropes until renderText's final join, millions of them get copied into the old
 * generation, which more than doubled the render time of a large scrape.
 */
function flatten(s: string): string {
  // Measuring the UTF-8 length makes V8 flatten the string (the length is irrelevant). A native
  // call is used because the optimizing compiler may drop a pure JS expression whose result
  // is unused (`Number(s)` did not survive).
  Buffer.byteLength(s, 'utf8');
  return s;
}

/** All lines of one metric. */
function renderMetric(name: string, type: MetricType, m: Metric): string {
  switch (type) {
    case 'COUNTER':
      return sample(name, renderLabels(m.label), required(m.counter, 'counter', name).value, m);
    case 'GAUGE':
      return sample(name, renderLabels(m.label), required(m.gauge, 'gauge', name).value, m);
    case 'UNTYPED':
      return sample(name, renderLabels(m.label), required(m.untyped, 'untyped', name).value, m);
    case 'SUMMARY':
      return renderSummary(name, m);
    case 'HISTOGRAM':
    case 'GAUGE_HISTOGRAM':
      return renderHistogram(name, m);
  }
}

function renderSummary(name: string, metric: Metric): string {
  const summary = required(metric.summary, 'summary', name);
  const labels = renderLabels(metric.label);
  const ts = lineEnd(metric);
  const open = labels === '' ? '{quantile="' : `{${labels},quantile="`;
  let out = '';
  for (const q of summary.quantile) {
    out += `${name}${open}${formatFloat(q.quantile)}"} ${formatFloat(q.value)}${ts}`;
  }
  out += sample(`${name}_sum`, labels, summary.sampleSum ?? 0, metric);
  out += sample(`${name}_count`, labels, summary.sampleCount ?? 0, metric);
  return out;
}

function renderHistogram(name: string, metric: Metric): string {
  const h = required(metric.histogram, 'histogram', name);
  const labels = renderLabels(metric.label);
  const ts = lineEnd(metric);
  const bucketName = `${name}_bucket`;
  const open = labels === '' ? `${bucketName}{le="` : `${bucketName}{${labels},le="`;
  // Float counts take precedence when set (float histograms leave the integer ones unset).
  const count = h.sampleCountFloat ?? h.sampleCount ?? 0;
  let out = '';
  let infSeen = false;
  for (const b of h.bucket) {
    const cumulative = b.cumulativeCountFloat ?? b.cumulativeCount ?? 0;
    out += `${open}${formatFloat(b.upperBound)}"} ${formatFloat(cumulative)}${ts}`;
    if (b.upperBound === Infinity) infSeen = true;
  }
  // The +Inf bucket is implied by the count; the text format spells it out. Native-only
  // histograms get just this line, _sum and _count.
  if (!infSeen) out += `${open}+Inf"} ${formatFloat(count)}${ts}`;
  out += sample(`${name}_sum`, labels, h.sampleSum ?? 0, metric);
  out += sample(`${name}_count`, labels, count, metric);
  return out;
}

/** One sample line without an extra label. */
function sample(name: string, labels: string, value: number, metric: Metric): string {
  const head = labels === '' ? name + ' ' : name + '{' + labels + '} ';
  return head + formatFloat(value) + lineEnd(metric);
}

/** What ends every line of a metric: its timestamp, if it has one, and the newline. */
function lineEnd(metric: Metric): string {
  return metric.timestampMs === undefined ? '\n' : ' ' + metric.timestampMs + '\n';
}

/** The inside of a label block, `a="1",b="2"`, or '' for no labels. */
function renderLabels(pairs: readonly LabelPair[]): string {
  if (pairs.length === 0) return '';
  const first = pairs[0] as LabelPair;
  let out = first.name + '="' + escapeLabelValue(first.value) + '"';
  for (let i = 1; i < pairs.length; i++) {
    const pair = pairs[i] as LabelPair;
    out += ',' + pair.name + '="' + escapeLabelValue(pair.value) + '"';
  }
  return out;
}

function required<T>(field: T | undefined, kind: string, name: string): T {
  if (field === undefined) throw new TextRenderError(`expected ${kind} in metric ${name}`);
  return field;
}

/**
 * Go's FormatFloat 'g' -1. Most sample values lie where Go prints plain decimals (decimal exponent
 * -4 to 5); there JS's shortest round-trip digits are identical, so they skip the general path.
 */
function formatFloat(v: number): string {
  if ((v >= 1e-4 && v < 1e6) || (v <= -1e-4 && v > -1e6)) return String(v);
  return formatGoFloat(v);
}

const BACKSLASH = 92;
const QUOTE = 34;
const NEWLINE = 10;

/** Label value escaping: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(value: string): string {
  // Almost no value needs escaping; three native scans beat one JS loop over the characters.
  if (value.indexOf('\\') === -1 && value.indexOf('"') === -1 && value.indexOf('\n') === -1)
    return value;
  return escape(value, true);
}

/** HELP escaping: `\` → `\\`, newline → `\n` (quotes stay as they are). */
export function escapeHelp(help: string): string {
  if (help.indexOf('\\') === -1 && help.indexOf('\n') === -1) return help;
  return escape(help, false);
}

function escape(s: string, quotes: boolean): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let replacement: string;
    if (c === BACKSLASH) replacement = '\\\\';
    else if (c === NEWLINE) replacement = '\\n';
    else if (c === QUOTE && quotes) replacement = '\\"';
    else continue;
    out += s.slice(from, i) + replacement;
    from = i + 1;
  }
  return out + s.slice(from);
}

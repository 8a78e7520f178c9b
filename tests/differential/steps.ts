import { gzipSync } from 'node:zlib';
import { encodeDelimited, type MetricFamily } from '@pushgate/exposition';
import type { Extra, Step } from './scenario';

// Shorthands that keep scenario tables readable. Bodies default to empty.

export function put(
  path: string,
  body: string | Buffer = '',
  headers?: Record<string, string>,
): Step {
  return { method: 'PUT', path, body, ...(headers && { headers }) };
}

export function post(
  path: string,
  body: string | Buffer = '',
  headers?: Record<string, string>,
): Step {
  return { method: 'POST', path, body, ...(headers && { headers }) };
}

export function del(path: string, headers?: Record<string, string>): Step {
  return { method: 'DELETE', path, ...(headers && { headers }) };
}

export function get(
  path: string,
  options: { headers?: Record<string, string>; compare?: Extra[] } = {},
): Step {
  return { method: 'GET', path, ...options };
}

/** Attaches a per-side message pattern to a step (see Step.message). */
export function withMessage(step: Step, message: RegExp): Step {
  return { ...step, message };
}

export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** Headers of a delimited protobuf push. */
export const PROTOBUF = { 'content-type': PROTOBUF_CONTENT_TYPE };

/** A delimited protobuf body. */
export function protobuf(...families: MetricFamily[]): Buffer {
  return encodeDelimited(families);
}

export function gzip(body: string | Buffer): Buffer {
  return gzipSync(body);
}

/** A one-series family of a simple type, for protobuf bodies. */
export function simpleFamily(
  name: string,
  type: 'COUNTER' | 'GAUGE' | 'UNTYPED',
  value: number,
  labels: Record<string, string> = {},
  help?: string,
): MetricFamily {
  const label = Object.entries(labels).map(([n, v]) => ({ name: n, value: v }));
  const key = type === 'COUNTER' ? 'counter' : type === 'GAUGE' ? 'gauge' : 'untyped';
  return { name, type, ...(help !== undefined && { help }), metric: [{ label, [key]: { value } }] };
}

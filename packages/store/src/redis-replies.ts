import type { MetricType } from '@pushgate/exposition';
import { RedisStoreProtocolError } from './redis-errors';

/** A write script's reply: { code, seq, due gc entries, family answers, series answers }. */
export interface WriteReply {
  code: number;
  seq: number;
  gc: string[];
  /** Family name → its type elsewhere in the store (families looked up and found only). */
  familyTypes: Map<string, MetricType>;
  /** Series key → labels JSON of the other group holding it (conflicting series only). */
  seriesOwners: Map<string, string>;
}

function fail(script: string, reply: unknown): never {
  throw new RedisStoreProtocolError(
    `unexpected reply from ${script}.lua: ${JSON.stringify(reply)?.slice(0, 200)}`,
  );
}

function strings(script: string, reply: unknown, v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(script, reply);
  return v as string[];
}

function pairs<V>(flat: string[], map: (v: string) => V): Map<string, V> {
  const out = new Map<string, V>();
  for (let i = 0; i + 1 < flat.length; i += 2)
    out.set(flat[i] as string, map(flat[i + 1] as string));
  return out;
}

/** Parses the reply of push.lua, commit.lua, delete.lua or wipe.lua. */
export function parseWriteReply(script: string, reply: unknown): WriteReply {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number')
    fail(script, reply);
  return {
    code: reply[0],
    seq: reply[1],
    gc: strings(script, reply, reply[2]),
    familyTypes: pairs(
      reply[3] === undefined ? [] : strings(script, reply, reply[3]),
      (t) => t as MetricType,
    ),
    seriesOwners: pairs(reply[4] === undefined ? [] : strings(script, reply, reply[4]), (l) => l),
  };
}

/** Parses the reply of stage.lua: { code, tx }. */
export function parseStageReply(reply: unknown): { code: number; tx: string } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'string')
    fail('stage', reply);
  return { code: reply[0], tx: reply[1] };
}

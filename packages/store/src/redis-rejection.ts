import {
  checkAgainstStore,
  groupId,
  PushRejectedError,
  type ConsistencyView,
  type GroupingLabels,
  type PreparedPush,
} from '@pushgate/core';
import { RedisStoreProtocolError } from './redis-errors';
import { seriesKey } from './redis-keys';
import type { WriteReply } from './redis-replies';

/**
 * The PushRejectedError for a rejected push, worded by core: the script returned what it found
 * (family types and series owners elsewhere), which is exactly what core's check asks a
 * ConsistencyView, so core words the errors as for any other store.
 */
export function rejection(prepared: PreparedPush, reply: WriteReply): PushRejectedError {
  const owners = new Map<string, string>();
  for (const [key, labels] of reply.seriesOwners)
    owners.set(key, groupId(JSON.parse(labels) as GroupingLabels));
  const view: ConsistencyView = {
    familyType: (name) => reply.familyTypes.get(name),
    seriesOwner: (id) => owners.get(seriesKey(id)),
  };
  const result = checkAgainstStore(prepared, view);
  const errors = [...prepared.errors, ...result.errors];
  if (errors.length === 0) {
    throw new RedisStoreProtocolError(
      `push to ${prepared.groupId}: rejected by the store script, but core finds no error`,
    );
  }
  return new PushRejectedError(errors);
}

// Durations live in core since the worker's flags and the TTL rules parse them too.
export { formatGoDuration, parseDuration } from '@pushgate/core';

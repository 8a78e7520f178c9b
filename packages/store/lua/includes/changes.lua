--[[
  The change feed, all in the index slot, kept by every write so that a gateway node can bring a
  scrape cache up to date with "what changed since version V" instead of reading every group:
    changed  ZSET  group hash -> version of its last change (one entry per existing group)
    removed  ZSET  group hash -> version of its deletion (tombstones, the newest MAX_TOMBSTONES)
    feed     HASH  floor: the feed is complete only for readers at this version or later (raised
                   when tombstones are trimmed, and by a wipe); a reader further behind reloads
                   epoch: when the change counter started (at 1); a reader that saw another epoch
                   (Redis lost its data and counts again from 1) reloads
  changes-since.lua reads them. Every function takes the version the write got from INCR.
]]

local MAX_TOMBSTONES = 10000

local function changes_epoch(k, seq)
  if seq == 1 then
    local t = redis.call('TIME')
    redis.call('HSET', k.feed, 'epoch', t[1] .. '.' .. t[2])
  end
end

-- Group `h` changed (pushed, or its failure recorded) at version `seq`.
local function changes_touch(k, h, seq)
  changes_epoch(k, seq)
  redis.call('ZADD', k.changed, seq, h)
  redis.call('ZREM', k.removed, h)
end

-- Group `h` was deleted at version `seq`.
local function changes_remove(k, h, seq)
  changes_epoch(k, seq)
  redis.call('ZREM', k.changed, h)
  redis.call('ZADD', k.removed, seq, h)
  local excess = redis.call('ZCARD', k.removed) - MAX_TOMBSTONES
  if excess > 0 then
    local trimmed = redis.call('ZRANGE', k.removed, excess - 1, excess - 1, 'WITHSCORES')
    redis.call('ZREMRANGEBYRANK', k.removed, 0, excess - 1)
    redis.call('HSET', k.feed, 'floor', trimmed[2])
  end
end

-- Every group was removed at version `seq`: readers before it start over.
local function changes_reset(k, seq)
  changes_epoch(k, seq)
  redis.call('UNLINK', k.changed, k.removed)
  redis.call('HSET', k.feed, 'floor', seq)
end

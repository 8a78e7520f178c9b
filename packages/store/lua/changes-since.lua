--[[
  changes-since: what changed in the store after version `since`, as one consistent answer (the
  script runs atomically), for a gateway node bringing its scrape cache up to date.

  KEYS[1] seq       STRING global change counter                           (index slot)
  KEYS[2] changed   ZSET  group hash -> version of its last change          (index slot)
  KEYS[3] removed   ZSET  group hash -> version of its deletion             (index slot)
  KEYS[4] feed      HASH  the change feed's floor and epoch                 (index slot)
  KEYS[5] groups    HASH  group hash -> metadata                            (index slot)

  ARGV
    since              the version the reader is at (-1: none yet)
    epoch              the epoch the reader saw with it ("" for none)
    limit              most changed groups worth answering one by one

  Returns { seq, epoch, status, hashes, metas, removed }, status one of
    0 CURRENT  nothing changed; nothing else returned
    1 CHANGES  hashes: groups changed after `since`, metas: their metadata now (same order);
               removed: groups deleted after `since`
    2 RELOAD   the reader must read everything (and is then at seq and epoch): it has no version
               yet, is behind the floor (trimmed tombstones, a wipe), saw another epoch or a higher
               version (Redis lost its data), or more than `limit` groups changed
]]

local CURRENT, CHANGES, RELOAD = 0, 1, 2
local since, epoch, limit = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local feed = redis.call('HMGET', KEYS[4], 'floor', 'epoch')
local floor, current = tonumber(feed[1] or '0'), feed[2] or ''
if epoch ~= current or since < floor or since > seq then return { seq, current, RELOAD } end
if seq == since then return { seq, current, CURRENT } end

local after = '(' .. since
local hashes = redis.call('ZRANGEBYSCORE', KEYS[2], after, '+inf', 'LIMIT', 0, limit + 1)
if #hashes > limit then return { seq, current, RELOAD } end
local metas = {}
-- HMGET in slices: unpack() of thousands of arguments would overflow the Lua stack.
for i = 1, #hashes, 1000 do
  local slice = {}
  for j = i, math.min(i + 999, #hashes) do slice[#slice + 1] = hashes[j] end
  for _, m in ipairs(redis.call('HMGET', KEYS[5], unpack(slice))) do metas[#metas + 1] = m end
end
local removed = redis.call('ZRANGEBYSCORE', KEYS[3], after, '+inf')
return { seq, current, CHANGES, hashes, metas, removed }

--[[
  stage: writes the blob of a PUT or POST into the group's shard on Redis Cluster, before
  commit.lua decides. Nothing reads a blob until a group points at it, so staging is invisible.
  A POST's blob is the group's current blob (`base`) minus the families it replaces, plus the
  pushed ones: merged here, next to the data, so the client never downloads the group.

  KEYS[1] blobs   HASH  tx -> blob, of this group's shard
  KEYS[2] staged  ZSET  tx -> staging time (ms), until the client settles it

  ARGV
    mode               'replace' | 'merge'
    tx                 field for the new blob
    base               merge only: tx of the group's current blob ("-": none)
    E, E x name        JSON-encoded names of the families a POST replaces
    N, N x records     blob records of the pushed families; an entry may hold several records
                       joined by ",\n" (how a blob separates them), so entries join the same way

  Returns { code, tx }: code 1 STAGED with tx ("-" when the result holds no family, nothing
  written), or 6 BASE_GONE (the base blob was already collected: re-read the group and retry).
]]
--- @include "meta"
--- @include "blob"

local STAGED, BASE_GONE = 1, 6

local mode, tx, base = ARGV[1], ARGV[2], ARGV[3]
local replacedEncoded, records = {}, {}
local e = tonumber(ARGV[4])
local i = 5
for _ = 1, e do
  replacedEncoded[ARGV[i]] = true
  i = i + 1
end
local n = tonumber(ARGV[i])
for j = 1, n do records[j] = ARGV[i + j] end

local blob
if mode == 'merge' and base ~= '-' then
  local current = redis.call('HGET', KEYS[1], base)
  if not current then return { BASE_GONE, '-' } end
  blob = blob_join(blob_merge(current, replacedEncoded, records))
else
  blob = blob_join(records)
end
if not blob then return { STAGED, '-' } end
redis.call('HSET', KEYS[1], tx, blob)
redis.call('ZADD', KEYS[2], now_ms(), tx)
return { STAGED, tx }

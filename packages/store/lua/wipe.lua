--[[
  wipe: removes every group and every index entry atomically, and hands back every blob to
  delete (current and pending collection). Blobs go at once: a reader that listed groups just
  before finds them missing and re-reads the (now empty) group table.
  Per-group family hashes are named "<group key prefix><h>"; they share the index slot's hash
  tag, so touching them from here is legal in a cluster.

  KEYS[1..8] groups, families, series, seq, gc, changed, removed, feed
             as in push.lua (all in the index slot)
  KEYS[9]    expiry, as in push.lua (index slot)

  ARGV
    group key prefix   e.g. "{pushgate}:g:"

  Returns { 1 APPLIED, seq, blobs to delete as "<shard>:<tx>" }.
]]
--- @include "meta"
--- @include "index"
--- @include "changes"

local APPLIED = 1
local prefix = ARGV[1]
local refs = {}
local all = redis.call('HGETALL', KEYS[1])
for j = 1, #all, 2 do
  local h, m = all[j], meta_decode(all[j + 1])
  redis.call('UNLINK', prefix .. h)
  if m.tx ~= '-' then refs[#refs + 1] = shard_of(h) .. ':' .. m.tx end
end
for _, ref in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do refs[#refs + 1] = ref end
redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3], KEYS[5], KEYS[9])
each_series_bucket_batch(KEYS[3], function(batch) redis.call('UNLINK', unpack(batch)) end)
local seq = redis.call('INCR', KEYS[4])
changes_reset({ changed = KEYS[6], removed = KEYS[7], feed = KEYS[8] }, seq)
return { APPLIED, seq, refs }

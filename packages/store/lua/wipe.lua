--[[
  wipe: removes every group and every index entry atomically, and hands back every blob to
  delete (current and pending collection). Blobs go at once: a reader that listed groups just
  before finds them missing and re-reads the (now empty) group table.
  Per-group family hashes are named "<group key prefix><h>"; they share the index slot's hash
  tag, so touching them from here is legal in a cluster.

  KEYS[1..5] groups, families, series, seq, gc          as in push.lua (all in the index slot)

  ARGV
    group key prefix   e.g. "{pushgate}:g:"

  Returns { 1 APPLIED, seq, blobs to delete as "<shard>:<tx>" }.
]]
--- @include "meta"

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
redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3], KEYS[5])
local seq = redis.call('INCR', KEYS[4])
return { APPLIED, seq, refs }

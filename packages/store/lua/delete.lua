--[[
  delete: removes exactly one group (its metadata, its index entries, its bookkeeping gauges)
  atomically. Its blob is handed to the collector and stays readable for the grace period, for
  readers that listed the group before this ran.

  KEYS[1..6] groups, families, series, seq, gc, group   as in push.lua (all in the index slot)

  ARGV
    h                  hash of the group
    labels             its labels JSON (a group with the same hash but other labels is not it)
    grace, batch       gc grace period (ms) and how many due gc entries to hand back

  Returns { code, seq, due gc entries }: code 1 APPLIED, or 7 NO_SUCH_GROUP (nothing changed).
]]
--- @include "meta"
--- @include "index"

local APPLIED, NO_SUCH_GROUP = 1, 7
local k = {
  groups = KEYS[1], families = KEYS[2], series = KEYS[3], seq = KEYS[4], gc = KEYS[5], group = KEYS[6],
}
local h, labels, grace, batch = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()

local m = meta_get(k.groups, h)
if not m or m.labels ~= labels then return { NO_SUCH_GROUP, 0, gc_pop(k.gc, now, grace, batch) } end

local all = redis.call('HGETALL', k.group)
for j = 1, #all, 2 do release_family(k, h, all[j], all[j + 1]) end
redis.call('HDEL', k.groups, h)
gc_add(k.gc, now, h, m.tx)
local seq = redis.call('INCR', k.seq)
return { APPLIED, seq, gc_pop(k.gc, now, grace, batch) }

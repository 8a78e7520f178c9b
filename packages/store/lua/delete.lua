--[[
  delete: removes exactly one group (its metadata, its index entries, its bookkeeping gauges)
  atomically. Its blob is handed to the collector and stays readable for the grace period, for
  readers that listed the group before this ran.

  KEYS[1..9] groups, families, series, seq, gc, changed, removed, feed, group
             as in push.lua (all in the index slot)
  KEYS[10]   expiry, as in push.lua (index slot)

  ARGV
    h                  hash of the group
    labels             its labels JSON (a group with the same hash but other labels is not it)
    grace, batch       gc grace period (ms) and how many due gc entries to hand back

  Returns { code, seq, due gc entries }: code 1 APPLIED, or 7 NO_SUCH_GROUP (nothing changed).
]]
--- @include "meta"
--- @include "index"
--- @include "changes"
--- @include "remove"

local APPLIED, NO_SUCH_GROUP = 1, 7
local k = {
  groups = KEYS[1], families = KEYS[2], series = KEYS[3], seq = KEYS[4], gc = KEYS[5],
  changed = KEYS[6], removed = KEYS[7], feed = KEYS[8], group = KEYS[9],
}
k.expiry = KEYS[10]
local h, labels, grace, batch = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()

local m = meta_get(k.groups, h)
if not m or m.labels ~= labels then return { NO_SUCH_GROUP, 0, gc_pop(k.gc, now, grace, batch) } end

-- The one path of every removal (includes/remove.lua): expired groups are swept through it too.
local seq = remove_group(k, h, m, k.group, now)
return { APPLIED, seq, gc_pop(k.gc, now, grace, batch) }

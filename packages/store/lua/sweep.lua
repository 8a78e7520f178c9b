--[[
  sweep: removes up to `batch` groups expired at `now`, earliest expiry first, each exactly as
  delete.lua removes a group (includes/remove.lua: index entries, metadata, expiry entry, change
  feed; the blob goes to the collector, which also frees it on a cluster, where it lives in a
  shard slot this script cannot touch). Listing and removing happen in this one atomic script,
  and each group's expiry is re-read from its metadata before it is removed, so a push that
  landed after the caller chose `now` (its group expiring later, or never) is never lost.
  Per-group family hashes are named "<group key prefix><h>" and share the index slot's hash tag,
  as in wipe.lua.

  KEYS[1..8] groups, families, series, seq, gc, changed, removed, feed
             as in push.lua (all in the index slot)
  KEYS[9]    expiry  ZSET group hash -> expiresAt (includes/expiry.lua)      (index slot)

  ARGV
    now                Unix seconds: groups with expiresAt <= now are due
    batch              most groups to remove
    group key prefix   e.g. "{pushgate}:g:"
    grace, gc batch    gc grace period (ms) and how many due gc entries to hand back

  Returns { 1 APPLIED, seq (0: nothing removed), due gc entries, removed count, more (1: groups
  due at `now` remain, 0: none) }.
]]
--- @include "meta"
--- @include "index"
--- @include "changes"
--- @include "remove"
--- @include "expiry"

local APPLIED = 1
local k = {
  groups = KEYS[1], families = KEYS[2], series = KEYS[3], seq = KEYS[4], gc = KEYS[5],
  changed = KEYS[6], removed = KEYS[7], feed = KEYS[8], expiry = KEYS[9],
}
local now, batch, prefix = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local grace, gcBatch = tonumber(ARGV[4]), tonumber(ARGV[5])
local nowMs = now_ms()

local seq, count = 0, 0
for _, h in ipairs(redis.call('ZRANGEBYSCORE', k.expiry, '-inf', now, 'LIMIT', 0, batch)) do
  local m = meta_get(k.groups, h)
  if m and meta_expired(m, tonumber(now)) then
    seq = remove_group(k, h, m, prefix .. h, nowMs)
    count = count + 1
  elseif m and m.exp then
    -- Unreachable while every write keeps the set in step with the metadata; heal, never delete.
    redis.call('ZADD', k.expiry, m.exp, h)
  else
    redis.call('ZREM', k.expiry, h)
  end
end
local more = expiry_any_due(k, now) and 1 or 0
return { APPLIED, seq, gc_pop(k.gc, nowMs, grace, gcBatch), count, more }

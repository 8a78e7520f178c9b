--[[
  Removing one group, the single path of every deletion: delete.lua (a client's DELETE), sweep.lua
  (expired groups) and a write or restore finding its own grouping key held by an expired group.
  Needs meta, index, changes.

  `k` holds the index-slot keys (groups, families, series, seq, gc, changed, removed, feed and, in
  scripts that keep expiry, expiry); `group` is the group's own family hash "{P}:g:<h>" (same slot).
  The blob is handed to the collector (readers that listed the group keep it for the grace period);
  the removal gets its own version and is recorded in the change feed, as any write is.
]]

-- Removes group `h` (its decoded metadata `m`): index entries, metadata, expiry entry. Returns
-- the version of the removal.
local function remove_group(k, h, m, group, now)
  local kg = { families = k.families, series = k.series, group = group }
  local all = redis.call('HGETALL', group)
  for j = 1, #all, 2 do release_family(kg, h, all[j], all[j + 1]) end
  redis.call('HDEL', k.groups, h)
  if k.expiry then redis.call('ZREM', k.expiry, h) end
  gc_add(k.gc, now, h, m.tx)
  local seq = redis.call('INCR', k.seq)
  changes_remove(k, h, seq)
  return seq
end

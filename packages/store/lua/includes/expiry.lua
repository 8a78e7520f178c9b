--[[
  Group expiry (TTL extension), in the index slot:
    expiry  ZSET  group hash -> expiresAt (Unix seconds), exactly the groups whose metadata has a
                  TTL (meta.lua), with the same expiresAt
  A group is expired once expiresAt <= now. `now` is always the clock of the node running the
  operation, passed in ARGV as a string, never Redis' TIME: every node judges expiry by its own
  clock, as its reads do (src/redis-reader.ts), so what a node reads and what its writes decide
  agree. Numbers stay the strings the client sent (as in meta.lua); Lua only compares them.
  Needs meta, index, changes, remove.
]]

-- Result code (src/redis-errors.ts): a rule was broken while groups were due, so perhaps only by
-- expired groups; nothing was recorded. The client sweeps at the same `now` and runs it again.
local SWEEP_NEEDED = 8

-- True when metadata `m` says its group is expired at `now` (a number).
local function meta_expired(m, now)
  return m.exp ~= nil and tonumber(m.exp) <= now
end

-- Sets the expiry (`ttl`, `exp`: strings, or nil for none) in metadata `m` of group `h` and in
-- the expiry set. The caller then writes `m`.
local function expiry_set(k, h, m, ttl, exp)
  m.ttl, m.exp = ttl, exp
  if exp then
    redis.call('ZADD', k.expiry, exp, h)
  else
    redis.call('ZREM', k.expiry, h)
  end
end

-- An expired group is gone: if the group at `h` (family hash `group`) is expired at `now`, it is
-- removed exactly as delete.lua removes a group, whatever its labels. Returns the removal's
-- version (0 when there was nothing to remove) and the group's metadata after it (nil: none).
local function expiry_remove_if_due(k, h, group, now)
  local m = meta_get(k.groups, h)
  if m and meta_expired(m, tonumber(now)) then return remove_group(k, h, m, group, now_ms()), nil end
  return 0, m
end

-- True when a group is due at `now` (expired, not removed yet): a rule broken while one is may
-- have been broken only by expired groups.
local function expiry_any_due(k, now)
  return #redis.call('ZRANGEBYSCORE', k.expiry, '-inf', now, 'LIMIT', 0, 1) > 0
end

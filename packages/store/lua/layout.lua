--[[
  layout: which Redis data layout the store under this prefix is in, recording the current one
  in a store that has none yet. Run once by every store instance before its first operation, so
  a node never reads or writes a store laid out by an incompatible version (docs/operations.md,
  "Upgrading").

  KEYS[1] layout  STRING the layout version of the data under the prefix (index slot)
  KEYS[2] groups  HASH   the group table (index slot)

  ARGV[1] the layout version this node reads and writes

  Returns the store's layout version: ARGV[1] when it was recorded now (an empty store) or
  already; "1" for a store holding groups written before the version was recorded.
]]
local current = redis.call('GET', KEYS[1])
if current then return current end
if redis.call('EXISTS', KEYS[2]) == 1 then return '1' end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]

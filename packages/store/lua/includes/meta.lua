--[[
  Group metadata, one field per group in the `groups` hash of the index slot:
    "<tx> <pushValue> <pushTime> <failValue> <failTime> <version>[ <ttl> <expiresAt>]\n<labels JSON>"
  tx        field of the group's blob in its shard's blob hash, "-" when the group holds no pushed
            family (a group created by a failed push, or emptied by a PUT)
  push*     push_time_seconds: value and the time of the write that stored it (Unix s, as sent)
  fail*     push_failure_time_seconds: the same
  version   value of the global change counter when the group last changed
  ttl, expiresAt   only for a group that expires (expiry.lua): the TTL of its last successful
            push (s) and when it expires (Unix s); a group without them never expires, so records
            written before expiry existed read as groups without a TTL
  The bookkeeping gauges live here, not in the blob, so that recording a failure touches only the
  index slot. Numbers stay the strings the client sent: Lua never reformats a float.
]]

local function meta_decode(s)
  local head, labels = string.match(s, '^([^\n]*)\n(.*)$')
  local f = {}
  for field in string.gmatch(head, '%S+') do f[#f + 1] = field end
  return {
    tx = f[1], pv = f[2], pt = f[3], fv = f[4], ft = f[5], v = f[6], ttl = f[7], exp = f[8],
    labels = labels,
  }
end

local function meta_encode(m)
  local head = { m.tx, m.pv, m.pt, m.fv, m.ft, m.v }
  if m.exp then head[7], head[8] = m.ttl, m.exp end
  return table.concat(head, ' ') .. '\n' .. m.labels
end

local function meta_get(groupsKey, h)
  local s = redis.call('HGET', groupsKey, h)
  if s then return meta_decode(s) end
  return nil
end

-- Shard of a group: first three hex digits of its hash, modulo the shard count (see redis-keys.ts).
local SHARDS = 1024
local function shard_of(h)
  return tonumber(string.sub(h, 1, 3), 16) % SHARDS
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Superseded blobs stay readable for `grace` ms (readers fetch blobs after reading the group
-- table); the writes then hand the due ones back to the client, which deletes them. They are
-- handed back GC_MIN_DUE at a time (or `batch`, if smaller), so a busy store costs one pipelined
-- delete per GC_MIN_DUE writes instead of one per write; when writes are rare, a due blob waits
-- at most GC_MAX_WAIT ms more before the next write hands it back on its own.
local GC_MIN_DUE = 32
local GC_MAX_WAIT = 5000
local function gc_add(gcKey, now, h, tx)
  if tx ~= '-' then redis.call('ZADD', gcKey, now, shard_of(h) .. ':' .. tx) end
end

local function gc_pop(gcKey, now, grace, batch)
  local cutoff = now - grace
  local count = redis.call('ZCOUNT', gcKey, '-inf', cutoff)
  if count == 0 then return {} end
  if count < math.min(GC_MIN_DUE, batch) then
    local oldest = redis.call('ZRANGE', gcKey, 0, 0, 'WITHSCORES')
    if tonumber(oldest[2]) > cutoff - GC_MAX_WAIT then return {} end
  end
  local due = redis.call('ZRANGEBYSCORE', gcKey, '-inf', cutoff, 'LIMIT', 0, batch)
  redis.call('ZREM', gcKey, unpack(due))
  return due
end

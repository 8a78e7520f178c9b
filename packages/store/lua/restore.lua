--[[
  restore: puts one snapshot group back exactly as it was (families, bookkeeping values and
  times, TTL and expiry time), atomically and only into a free grouping key, without the push
  rules: a snapshot's groups were checked when they were pushed. The store's consistency still
  holds: a group whose families clash with the store (a type held elsewhere under another type,
  a series another group holds, a suffix collision) is refused.
  The blob was staged in the group's shard first (stage.lua, on every topology: a restore is no
  request path, one way for all is worth the extra round trip); this script points the group at
  it, as commit.lua does, or leaves it unreferenced for the client to delete.

  KEYS[1..8] groups, families, series, seq, gc, changed, removed, feed
             as in push.lua (all in the index slot)
  KEYS[9]    group   HASH this group's families -> "<TYPE> <series keys>"     (index slot)
  KEYS[10]   expiry  ZSET group hash -> expiresAt (includes/expiry.lua)      (index slot)

  ARGV
    h, labels JSON     the group
    now                Unix seconds, the caller's clock (expiry of the group and of the store's)
    pv, pt, fv, ft     push_time_seconds and push_failure_time_seconds: values and times
    ttl, expiresAt     the group's expiry ("-", "-": none)
    grace, gc batch    gc grace period (ms) and how many due gc entries to hand back
    tx                 the staged blob ("-": the group holds no pushed family)
    F, F x (name, type, bookkeeping '1'|'0', series keys)   every family with series, as in push

  Returns { code, seq, due gc entries }, code one of
    1 APPLIED, 5 GROUP_HASH_COLLISION, 8 SWEEP_NEEDED (a clash while groups were due: sweep and
    retry), 9 GROUP_EXISTS (a live group holds the key), 10 GROUP_EXPIRED (the group's expiry
    time has passed), 11 RESTORE_CONFLICT; nothing but an expired group at the same key is
    changed unless APPLIED (seq is then that removal's version, else 0).
]]
--- @include "meta"
--- @include "index"
--- @include "changes"
--- @include "remove"
--- @include "expiry"

local APPLIED, GROUP_HASH_COLLISION = 1, 5
local GROUP_EXISTS, GROUP_EXPIRED, RESTORE_CONFLICT = 9, 10, 11
local k = {
  groups = KEYS[1], families = KEYS[2], series = KEYS[3], seq = KEYS[4], gc = KEYS[5],
  changed = KEYS[6], removed = KEYS[7], feed = KEYS[8], group = KEYS[9], expiry = KEYS[10],
}
local h, labels, now = ARGV[1], ARGV[2], ARGV[3]
local m = { pv = ARGV[4], pt = ARGV[5], fv = ARGV[6], ft = ARGV[7], labels = labels }
local ttl, exp = ARGV[8], ARGV[9]
local grace, gcBatch, tx = tonumber(ARGV[10]), tonumber(ARGV[11]), ARGV[12]
local fs = {}
local i = 14
for _ = 1, tonumber(ARGV[13]) do
  fs[#fs + 1] = { name = ARGV[i], type = ARGV[i + 1], bookkeeping = ARGV[i + 2] == '1', keys = ARGV[i + 3] }
  i = i + 4
end

local nowMs = now_ms()
local function done(code, seq) return { code, seq, gc_pop(k.gc, nowMs, grace, gcBatch) } end

local swept = expiry_remove_if_due(k, h, k.group, now)
local held = meta_get(k.groups, h)
if held then return done(held.labels == labels and GROUP_EXISTS or GROUP_HASH_COLLISION, swept) end
if exp ~= '-' and tonumber(exp) <= tonumber(now) then return done(GROUP_EXPIRED, swept) end
local conflict = check_rules(k, h, fs, {})
if conflict then
  return done(expiry_any_due(k, now) and SWEEP_NEEDED or RESTORE_CONFLICT, swept)
end

for _, f in ipairs(fs) do claim_family(k, h, f) end
local seq = redis.call('INCR', k.seq)
changes_touch(k, h, seq)
m.tx, m.v = tx, seq
if exp ~= '-' then expiry_set(k, h, m, ttl, exp) end
redis.call('HSET', k.groups, h, meta_encode(m))
return done(APPLIED, seq)

--[[
  push: one PUT or POST on standalone Redis (or Sentinel), checked and applied atomically.
  Runs the cross-group rules against the indexes, then either stores the write (new blob, index
  entries, push_time_seconds) or records its failure (push_failure_time_seconds; the group is
  created with just the bookkeeping gauges if new) unless the grouping key caused it.

  KEYS[1] groups    HASH  group hash -> metadata                       (index slot)
  KEYS[2] families  HASH  family name -> "<TYPE> <groups holding it>"  (index slot)
  KEYS[3] series    name of the series index; its buckets are HASHes "<series>:<bucket>" of
                    series key -> owning group hash (includes/index.lua)   (index slot)
  KEYS[4] seq       STRING global change counter                        (index slot)
  KEYS[5] gc        ZSET  "<shard>:<tx>" of superseded blobs -> time    (index slot)
  KEYS[6] changed   ZSET  group hash -> version of its last change       (index slot)
  KEYS[7] removed   ZSET  group hash -> version of its deletion          (index slot)
  KEYS[8] feed      HASH  the change feed's floor and epoch              (index slot)
  KEYS[9] group     HASH  this group's families -> "<TYPE> <series keys>" (index slot)
  KEYS[10] blobs    HASH  tx -> blob, of this group's shard
  KEYS[11] expiry   ZSET  group hash -> expiresAt (includes/expiry.lua)  (index slot)

  ARGV: the common write (see includes/write.lua), then
    tx                 field for the new blob
    E, E x name        JSON-encoded names of the families a POST replaces (blob records to drop)
    N, N x records     blob records of the pushed families; an entry may hold several records
                       joined by ",\n" (how a blob separates them), so entries join the same way

  Returns { code, seq, due gc entries, family answers, series answers }, code one of
    1 APPLIED, 2 REJECTED (failure recorded), 3 REJECTED_BY_GROUPING_KEY (nothing recorded),
    5 GROUP_HASH_COLLISION (nothing changed), 8 SWEEP_NEEDED (a rule broken while groups were
    due; nothing recorded: sweep at the same `now` and push again)
  A group expired at `now` is removed first, as delete.lua would, whatever the outcome.
]]
--- @include "meta"
--- @include "blob"
--- @include "index"
--- @include "changes"
--- @include "remove"
--- @include "expiry"
--- @include "write"

local k = {
  groups = KEYS[1], families = KEYS[2], series = KEYS[3], seq = KEYS[4], gc = KEYS[5],
  changed = KEYS[6], removed = KEYS[7], feed = KEYS[8], group = KEYS[9],
}
local blobs = KEYS[10]
k.expiry = KEYS[11]
local w, i = read_write(ARGV)
local tx = ARGV[i]
local replacedEncoded, records = {}, {}
local e = tonumber(ARGV[i + 1])
i = i + 2
for _ = 1, e do
  replacedEncoded[ARGV[i]] = true
  i = i + 1
end
local n = tonumber(ARGV[i])
for j = 1, n do records[j] = ARGV[i + j] end

local now = now_ms()
local d = decide(k, w)
if d.code == GROUP_HASH_COLLISION then return { d.code, 0, {}, {}, {} } end
if d.code ~= APPLIED then return finish_rejected(k, w, d, now) end

local current = d.meta and d.meta.tx or '-'
local newTx = current
if w.mode == 'replace' or e > 0 or n > 0 then
  local blob
  if w.mode == 'merge' and current ~= '-' then
    blob = blob_join(blob_merge(redis.call('HGET', blobs, current), replacedEncoded, records))
  else
    blob = blob_join(records)
  end
  newTx = '-'
  if blob then
    redis.call('HSET', blobs, tx, blob)
    newTx = tx
  end
end
local seq = apply_success(k, w, d, newTx, now)
return { APPLIED, seq, gc_pop(k.gc, now, w.grace, w.batch), {}, {} }

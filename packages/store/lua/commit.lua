--[[
  commit: the decision step of a PUT or POST on Redis Cluster, in the index slot. The pushed
  blob was already staged in the group's shard (stage.lua); readers cannot see it until this
  script points the group at it, so the write becomes visible here, atomically, or never.
  Same rules and bookkeeping as push.lua; a POST's blob was merged from the blob the group held
  at staging time, so it is only accepted if the group still holds that blob (compare-and-set).

  KEYS[1..9] groups, families, series, seq, gc, changed, removed, feed, group
             as in push.lua (all in the index slot)
  KEYS[10]   expiry, as in push.lua (index slot)

  ARGV: the common write (see includes/write.lua), then
    blob action        'keep' (a POST that replaces no stored family) or 'set'
    tx                 staged blob for 'set' ("-": the write leaves no pushed family)
    base               tx the staged blob was merged from ("*": no condition, PUT)

  Returns { code, seq, due gc entries, family answers, series answers }, code one of
    1 APPLIED, 2 REJECTED, 3 REJECTED_BY_GROUPING_KEY, 4 STALE_BASE (nothing changed: stage
    again from the current blob), 5 GROUP_HASH_COLLISION, 8 SWEEP_NEEDED (as in push.lua)
]]
--- @include "meta"
--- @include "index"
--- @include "changes"
--- @include "remove"
--- @include "expiry"
--- @include "write"

local k = {
  groups = KEYS[1], families = KEYS[2], series = KEYS[3], seq = KEYS[4], gc = KEYS[5],
  changed = KEYS[6], removed = KEYS[7], feed = KEYS[8], group = KEYS[9],
}
k.expiry = KEYS[10]
local w, i = read_write(ARGV)
local action, tx, base = ARGV[i], ARGV[i + 1], ARGV[i + 2]

local now = now_ms()
local d = decide(k, w)
if d.code == GROUP_HASH_COLLISION then return { d.code, 0, {}, {}, {} } end
if d.code ~= APPLIED then return finish_rejected(k, w, d, now) end

local current = d.meta and d.meta.tx or '-'
if action == 'keep' then
  tx = current
elseif base ~= '*' and base ~= current then
  return { STALE_BASE, 0, gc_pop(k.gc, now, w.grace, w.batch), {}, {} }
end
local seq = apply_success(k, w, d, tx, now)
return { APPLIED, seq, gc_pop(k.gc, now, w.grace, w.batch), {}, {} }

--[[
  What push.lua (standalone) and commit.lua (cluster) share: reading the write from ARGV, the
  decision, and applying a success or a failure to the index slot. Needs meta, index, changes,
  remove, expiry (and the expiry set as k.expiry).
  Result codes, given meaning in src/redis-errors.ts (ScriptCode):
]]
local APPLIED = 1
local REJECTED = 2
local REJECTED_BY_GROUPING_KEY = 3
local STALE_BASE = 4
local GROUP_HASH_COLLISION = 5

--[[
  Common ARGV, from index 1:
    h, labels JSON, mode ('replace' | 'merge'), receivedAt, rejected ('1' when core already
    rejected the push), grace ms, gc batch,
    number of families F, then F x (name, type, bookkeeping '1'|'0', series keys),
    number of replaced names R, then R names (merge only; bookkeeping families included),
    ttl, expiresAt (the group's expiry if the push succeeds, or if its failure creates the group;
    "-", "-": none), now (the node's clock, Unix s: expiry is judged by it).
  Returns the write and the index of the next ARGV.
]]
local function read_write(argv)
  local w = {
    h = argv[1], labels = argv[2], mode = argv[3], at = argv[4], rejected = argv[5] == '1',
    grace = tonumber(argv[6]), batch = tonumber(argv[7]), families = {}, replaced = {},
  }
  local i = 9
  for _ = 1, tonumber(argv[8]) do
    w.families[#w.families + 1] = { name = argv[i], type = argv[i + 1], bookkeeping = argv[i + 2] == '1', keys = argv[i + 3] }
    i = i + 4
  end
  local r = tonumber(argv[i])
  i = i + 1
  for _ = 1, r do
    w.replaced[argv[i]] = true
    i = i + 1
  end
  -- [expiry]
  if argv[i + 1] ~= '-' then w.ttl, w.exp = argv[i], argv[i + 1] end
  w.now = argv[i + 2]
  i = i + 3
  return w, i
end

-- Loads the group, finds the families the write replaces, runs the rules. A group expired at
-- w.now is removed first (d.seq: that removal's version, else 0): the write starts from nothing.
local function decide(k, w)
  local swept, meta = expiry_remove_if_due(k, w.h, k.group, w.now) -- [expiry]
  local d = { meta = meta, own = {}, seq = swept }
  if d.meta and d.meta.labels ~= w.labels then
    d.code = GROUP_HASH_COLLISION
    return d
  end
  if d.meta then
    if w.mode == 'replace' then
      local all = redis.call('HGETALL', k.group)
      for i = 1, #all, 2 do d.own[all[i]] = all[i + 1] end
    else
      for name in pairs(w.replaced) do
        local e = redis.call('HGET', k.group, name)
        if e then d.own[name] = e end
      end
    end
  end
  if d.meta and not w.rejected and same_shape(w.families, d.own) then
    -- Nothing to check and no index to touch: only the blob and the bookkeeping change.
    d.code, d.sameShape, d.familyAnswers, d.seriesAnswers = APPLIED, true, {}, {}
    return d
  end
  local conflict, keyConflict
  conflict, keyConflict, d.familyAnswers, d.seriesAnswers = check_rules(k, w.h, w.families, d.own)
  if conflict and expiry_any_due(k, w.now) then -- [expiry]
    d.code = SWEEP_NEEDED
  elseif keyConflict then
    d.code = REJECTED_BY_GROUPING_KEY
  elseif conflict or w.rejected then
    d.code = REJECTED
  else
    d.code = APPLIED
  end
  return d
end

-- A successful PUT/POST: swaps the group's families in the indexes, points it at blob `tx`.
local function apply_success(k, w, d, tx, now)
  if not d.sameShape then
    for name, entry in pairs(d.own) do release_family(k, w.h, name, entry) end
    for _, f in ipairs(w.families) do claim_family(k, w.h, f) end
  end
  local seq = redis.call('INCR', k.seq)
  changes_touch(k, w.h, seq)
  local m = d.meta or { fv = '0', ft = w.at, labels = w.labels, tx = '-' }
  if m.tx ~= tx then gc_add(k.gc, now, w.h, m.tx) end
  m.tx, m.pv, m.pt, m.v = tx, w.at, w.at, seq
  expiry_set(k, w.h, m, w.ttl, w.exp) -- [expiry]
  redis.call('HSET', k.groups, w.h, meta_encode(m))
  return seq
end

-- A rejected push: only push_failure_time_seconds changes. A group that did not exist is
-- created holding just the two bookkeeping gauges.
local function apply_failure(k, w, d)
  local seq = redis.call('INCR', k.seq)
  changes_touch(k, w.h, seq)
  local m = d.meta
  if not m then
    for _, f in ipairs(w.families) do
      if f.bookkeeping then claim_family(k, w.h, f) end
    end
    m = { tx = '-', pv = '0', pt = w.at, labels = w.labels }
    expiry_set(k, w.h, m, w.ttl, w.exp) -- [expiry] an existing group keeps its expiry
  end
  m.fv, m.ft, m.v = w.at, w.at, seq
  redis.call('HSET', k.groups, w.h, meta_encode(m))
  return seq
end

-- Records a rejection (unless the grouping key caused it) and builds the reply.
local function finish_rejected(k, w, d, now)
  local seq = d.seq
  if d.code == REJECTED then seq = apply_failure(k, w, d) end
  return { d.code, seq, gc_pop(k.gc, now, w.grace, w.batch), d.familyAnswers, d.seriesAnswers }
end

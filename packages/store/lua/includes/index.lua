--[[
  The consistency indexes, all in the index slot:
    families  HASH family name -> "<TYPE> <number of groups holding it>"
    series    HASHes "<series>:<bucket>" (series_bucket below): series key -> hash of the group
              holding that series
    group     HASH family name -> "<TYPE> <its series keys, SERIES_KEY_LEN chars each>", one per
              group ("{P}:g:<h>"): what a replace or delete of that family releases
  Only families with series are indexed (one without can never be rendered). A series key is a
  fixed-width digest of core's seriesId (family name + sorted label set), so the indexes cost
  the same per series whatever the labels.
  Invariant, kept by every script: the indexes describe exactly the families and series that the
  stored groups hold, bookkeeping gauges included.
]]

local SERIES_KEY_LEN = 20

--[[
  The series index is split into buckets, the HASHes "<series>:<bucket>" (same hash tag, so the
  index slot), bucket = first two characters of the series key and its third character's byte
  mod 8: 32,768 buckets. A bucket holds a few dozen entries even at millions of series, so Redis
  keeps it as a listpack (about 50 bytes an entry) instead of one huge hash table (about 100).
  src/redis-keys.ts `seriesBucket` computes the same name.
]]
local BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

local function series_bucket(seriesKey, s)
  return seriesKey .. ':' .. string.sub(s, 1, 2) .. (string.byte(s, 3) % 8)
end

-- Every bucket name that can exist (for wipe.lua), handed to fn in batches.
local function each_series_bucket_batch(seriesKey, fn)
  local batch = {}
  for a = 1, 64 do
    for b = 1, 64 do
      local two = string.sub(BASE64URL, a, a) .. string.sub(BASE64URL, b, b)
      for r = 0, 7 do batch[#batch + 1] = seriesKey .. ':' .. two .. r end
    end
    fn(batch)
    batch = {}
  end
end

local function family_get(familiesKey, name)
  local v = redis.call('HGET', familiesKey, name)
  if not v then return nil, 0 end
  local t, n = string.match(v, '^([%u_]+) (%d+)$')
  return t, tonumber(n)
end

local function each_series(keys, fn)
  for i = 1, #keys, SERIES_KEY_LEN do fn(string.sub(keys, i, i + SERIES_KEY_LEN - 1)) end
end

-- Drops family `name` of group `h` (its per-group entry `entry`) from the indexes.
local function release_family(k, h, name, entry)
  local t, n = family_get(k.families, name)
  if t then
    if n <= 1 then
      redis.call('HDEL', k.families, name)
    else
      redis.call('HSET', k.families, name, t .. ' ' .. (n - 1))
    end
  end
  local keys = string.match(entry, '^[%u_]+ (.*)$')
  each_series(keys, function(s)
    local bucket = series_bucket(k.series, s)
    if redis.call('HGET', bucket, s) == h then redis.call('HDEL', bucket, s) end
  end)
  redis.call('HDEL', k.group, name)
end

local function claim_family(k, h, f)
  local _, n = family_get(k.families, f.name)
  redis.call('HSET', k.families, f.name, f.type .. ' ' .. (n + 1))
  each_series(f.keys, function(s) redis.call('HSET', series_bucket(k.series, s), s, h) end)
  redis.call('HSET', k.group, f.name, f.type .. ' ' .. f.keys)
end

--[[
  True when the families `fs` a write leaves in group `h` are exactly the index entries `own` it
  releases: same names, types and series keys (a job pushing the same metrics with new values,
  the common case). Then releasing and claiming would leave every index as it is, and no rule can
  be broken: the group already holds all of it, and the indexes describe a consistent store.
]]
local function same_shape(fs, own)
  local n = 0
  for _, f in ipairs(fs) do
    if own[f.name] ~= f.type .. ' ' .. f.keys then return false end
    n = n + 1
  end
  for _ in pairs(own) do n = n - 1 end
  return n == 0
end

--[[
  Suffix collisions, as client_golang's Gather checks them: a summary or histogram X clashes with
  any family named X_count or X_sum, a histogram also with X_bucket (a summary with X_bucket is
  fine), in whichever order they arrive.
]]
local CHILD_SUFFIXES = {
  SUMMARY = { '_count', '_sum' },
  HISTOGRAM = { '_count', '_sum', '_bucket' },
}

local function parent_of(name)
  for _, suffix in ipairs({ '_count', '_sum', '_bucket' }) do
    if #name > #suffix and string.sub(name, -#suffix) == suffix then
      return string.sub(name, 1, #name - #suffix), suffix
    end
  end
  return nil
end

--[[
  Runs the cross-group rules for the families `fs` a write leaves in group `h`, against every
  group but the families `own` of group `h` that the write replaces. Returns
    conflict          true if any rule is broken
    keyConflict       true if a bookkeeping series is held by another group: the grouping key
                      itself is the cause
    familyAnswers     flat {name, type, ...}: every family looked up that exists elsewhere
    seriesAnswers     flat {series key, owner labels JSON, ...}: every series held elsewhere
  The answers let the client word the errors with core's messages (a ConsistencyView).
]]
local function check_rules(k, h, fs, own)
  local familyAnswers, seriesAnswers, known = {}, {}, {}
  local conflict, keyConflict = false, false

  local function type_elsewhere(name)
    if known[name] == nil then
      local t, n = family_get(k.families, name)
      if t and own[name] then n = n - 1 end
      known[name] = (t and n > 0) and t or false
      if known[name] then
        familyAnswers[#familyAnswers + 1] = name
        familyAnswers[#familyAnswers + 1] = known[name]
      end
    end
    return known[name] or nil
  end

  local owners = {}
  for _, f in ipairs(fs) do
    local t = type_elsewhere(f.name)
    if t and t ~= f.type then conflict = true end

    local parent, suffix = parent_of(f.name)
    if parent then
      local pt = type_elsewhere(parent)
      if pt == 'HISTOGRAM' or (pt == 'SUMMARY' and suffix ~= '_bucket') then conflict = true end
    end
    for _, s in ipairs(CHILD_SUFFIXES[f.type] or {}) do
      if type_elsewhere(f.name .. s) then conflict = true end
    end

    each_series(f.keys, function(s)
      local owner = redis.call('HGET', series_bucket(k.series, s), s)
      if owner and owner ~= h then
        conflict = true
        if f.bookkeeping then keyConflict = true end
        if owners[owner] == nil then
          local m = meta_get(k.groups, owner)
          owners[owner] = m and m.labels or ''
        end
        seriesAnswers[#seriesAnswers + 1] = s
        seriesAnswers[#seriesAnswers + 1] = owners[owner]
      end
    end)
  end
  return conflict, keyConflict, familyAnswers, seriesAnswers
end

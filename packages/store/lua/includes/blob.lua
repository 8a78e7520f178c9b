--[[
  A group's blob: the families it holds (bookkeeping gauges excluded) as one JSON object,
    "{\n" .. record .. ",\n" .. record .. "\n}"   with   record = <JSON string of the name>:<JSON>
  The client parses it with one JSON.parse. Lua only splits and joins records, never decodes them:
  JSON text has no raw newline, so ",\n" only ever separates records, and a JSON string is
  prefix-free, so the encoded name identifies a record without parsing the rest.
]]

local function blob_records(blob)
  local out = {}
  if not blob or blob == '' then return out end
  local body = string.sub(blob, 3, -3)
  local start = 1
  while true do
    local i = string.find(body, ',\n', start, true)
    if not i then
      out[#out + 1] = string.sub(body, start)
      return out
    end
    out[#out + 1] = string.sub(body, start, i - 1)
    start = i + 2
  end
end

-- The JSON-encoded name at the start of a record (up to its closing, unescaped quote).
local function record_name(rec)
  local i = 2
  while true do
    local c = string.byte(rec, i)
    if c == 92 then
      i = i + 2
    elseif c == 34 then
      return string.sub(rec, 1, i)
    else
      i = i + 1
    end
  end
end

-- POST: the base records whose family is not replaced, then the new records.
local function blob_merge(base, replacedEncoded, newRecords)
  local out = {}
  for _, rec in ipairs(blob_records(base)) do
    if not replacedEncoded[record_name(rec)] then out[#out + 1] = rec end
  end
  for _, rec in ipairs(newRecords) do out[#out + 1] = rec end
  return out
end

local function blob_join(records)
  if #records == 0 then return nil end
  return '{\n' .. table.concat(records, ',\n') .. '\n}'
end

-- StreamTrimSafely: trim a stream without ever removing an entry some consumer group has not
-- acknowledged. The threshold is the oldest entry any group still needs: its oldest pending entry,
-- or the first entry after its last delivered one. Retention asks (a length, an age) only trim below it.
-- KEYS[1]  the stream
-- ARGV[1]  keep at most this many entries when they are all acknowledged (0: no length limit)
-- ARGV[2]  remove acknowledged entries older than this Unix millisecond time (0: no age limit)
-- Returns  the number of entries removed.
local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
local function successor(id)
  local ms, seq = parse(id)
  return string.format('%.0f-%.0f', ms, seq + 1)
end

local maxLength = tonumber(ARGV[1])
local minTime = tonumber(ARGV[2])
if maxLength == 0 and minTime == 0 then
  return 0
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end

local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then
  -- Nobody has read anything yet: everything is unread.
  return 0
end

local safe = nil
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do
    info[group[i]] = group[i + 1]
  end
  local needed = successor(info['last-delivered-id'])
  if tonumber(info['pending']) > 0 then
    local summary = redis.call('XPENDING', KEYS[1], info['name'])
    if summary[2] and less(summary[2], needed) then
      needed = summary[2]
    end
  end
  if safe == nil or less(needed, safe) then
    safe = needed
  end
end

local threshold = nil
if minTime > 0 then
  threshold = string.format('%.0f-0', minTime)
end
if maxLength > 0 then
  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', maxLength)
  if #newest == maxLength then
    local oldestKept = newest[#newest][1]
    if threshold == nil or less(threshold, oldestKept) then
      threshold = oldestKept
    end
  else
    if threshold == nil then
      return 0
    end
  end
end
if threshold == nil then
  return 0
end
if less(safe, threshold) then
  threshold = safe
end
return redis.call('XTRIM', KEYS[1], 'MINID', threshold)

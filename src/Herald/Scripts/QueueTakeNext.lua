-- QueueTakeNext: move up to N items from a queue into a consumer's processing list, highest priority
-- level first, and report how often each was returned by the reaper (its earlier, unfinished deliveries).
-- One LMOVE per item keeps every item either in the queue or in the processing list, never in between.
-- First it moves whatever the consumer's landing list holds (where its BLMOVE puts an item; the consumer
-- sends this script right behind the BLMOVE, so both cost one round trip, and a landing item left by a lost
-- reply is picked up by the next take), as taken from level 0; those count towards ARGV[1].
-- KEYS[1]  the consumer's processing list
-- KEYS[2]  the delivery counter hash (field: SHA1 hex of the item, value: times the reaper returned it)
-- KEYS[3]  the consumer's landing list
-- KEYS[4…] the queue's priority levels, level 0 (served first) first; all under the queue's hash tag
-- ARGV[1]  most items to move (0: move only the landing list's, and report ARGV[2…])
-- ARGV[2…] items already in the processing list to report first, as taken from level 0
--          (items the consumer lost track of)
-- Returns  a flat array, four values per item: the item, its level, the times it was returned,
--          and its counter field ('' when it has no counter, so nothing needs cleaning up).
local counted = redis.call('HLEN', KEYS[2]) > 0
local result = {}
local function report(item, level)
  local field, returned = '', 0
  if counted then
    local hash = redis.sha1hex(item)
    returned = tonumber(redis.call('HGET', KEYS[2], hash) or '0')
    if returned > 0 then
      field = hash
    end
  end
  result[#result + 1] = item
  result[#result + 1] = level
  result[#result + 1] = returned
  result[#result + 1] = field
end

for i = 2, #ARGV do
  report(ARGV[i], 0)
end

local wanted = tonumber(ARGV[1])
while true do
  local item = redis.call('LMOVE', KEYS[3], KEYS[1], 'RIGHT', 'LEFT')
  if not item then
    break
  end
  report(item, 0)
  wanted = wanted - 1
end

local level = 4
while wanted > 0 and level <= #KEYS do
  local item = redis.call('LMOVE', KEYS[level], KEYS[1], 'RIGHT', 'LEFT')
  if item then
    report(item, level - 4)
    wanted = wanted - 1
  else
    level = level + 1
  end
end
return result

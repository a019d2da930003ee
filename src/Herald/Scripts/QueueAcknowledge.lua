-- QueueAcknowledge: remove finished items from a consumer's processing list, and the delivery counters
-- of those the reaper had returned before, in one call for a whole batch of acknowledgements.
-- KEYS[1]  the consumer's processing list
-- KEYS[2]  the delivery counter hash (field: SHA1 hex of the item)
-- ARGV[1]  n, the number of items
-- ARGV[2 … n+1]  the items (exact bytes)
-- ARGV[n+2 …]    counter fields to delete (may be none)
-- Returns  the number of items removed (an item no longer in the processing list is skipped).
local n = tonumber(ARGV[1])
local removed = 0
for i = 2, n + 1 do
  -- From the tail: the oldest items, the ones usually finished first, are found soonest.
  removed = removed + redis.call('LREM', KEYS[1], -1, ARGV[i])
end
if #ARGV > n + 1 then
  redis.call('HDEL', KEYS[2], unpack(ARGV, n + 2))
end
return removed

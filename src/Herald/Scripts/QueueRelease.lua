-- QueueRelease: hand items a stopping consumer received but never started back to the consumers'
-- end of their queue levels, so they are the next ones taken, in the order they were received.
-- KEYS[1]  the consumer's processing list
-- KEYS[2…] the queue's priority levels, level 0 first
-- ARGV     pairs: level, item (exact bytes); in the order they were received
-- Returns  the number of items handed back (an item no longer in the processing list is skipped).
local released = 0
for i = #ARGV - 1, 1, -2 do
  local item = ARGV[i + 1]
  if redis.call('LREM', KEYS[1], 1, item) == 1 then
    redis.call('RPUSH', KEYS[tonumber(ARGV[i]) + 2], item)
    released = released + 1
  end
end
return released

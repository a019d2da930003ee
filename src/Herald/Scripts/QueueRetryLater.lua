-- QueueRetryLater: take an item off the consumer's processing list and schedule its retry, atomically,
-- so a crash between the two can neither lose the message nor run it from both places.
-- KEYS[1]  the consumer's processing list
-- KEYS[2]  the delayed sorted set of the item's priority level
-- KEYS[3]  the delivery counter hash
-- ARGV[1]  the item as taken (exact bytes)
-- ARGV[2]  due time, Unix milliseconds (the score)
-- ARGV[3]  the retry's framed envelope, attempt raised (the member)
-- ARGV[4]  the item's counter field, or '' when it has none
-- Returns  1 when scheduled, 0 when the item was no longer in the processing list (the reaper
--          returned it to the queue; someone else has it, so nothing is scheduled twice).
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HDEL', KEYS[3], ARGV[4])
end
return 1

-- QueueDeadLetter: take an item off the consumer's processing list and add it to the queue's
-- dead-letter stream with the reason, atomically: a message is never both gone and absent from the
-- dead letters. The dead-letter stream has the same shape as a stream's, so tooling reads both.
-- KEYS[1]  the consumer's processing list
-- KEYS[2]  the queue's dead-letter stream
-- KEYS[3]  the delivery counter hash
-- ARGV[1]  the item as taken (exact bytes)
-- ARGV[2]  the item's counter field, or '' when it has none
-- ARGV[3…] the dead-letter entry's fields and values (the envelope's fields plus dlq-* fields)
-- Returns  the dead-letter entry id, or false when the item was no longer in the processing list
--          (the reaper returned it to the queue; it is dead-lettered at most once).
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  return false
end
if ARGV[2] ~= '' then
  redis.call('HDEL', KEYS[3], ARGV[2])
end
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))

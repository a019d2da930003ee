-- StreamRetryLater: schedule a delayed retry and acknowledge the current delivery, atomically,
-- so a crash between the two can neither lose the message nor run it twice from both places.
-- KEYS[1]  the stream
-- KEYS[2]  the retry sorted set (same hash tag)
-- ARGV[1]  consumer group
-- ARGV[2]  entry id being retried
-- ARGV[3]  due time, Unix milliseconds (the score)
-- ARGV[4]  the entry's fields for the retry, MessagePack array [field, value, ...] with attempt raised
-- Returns  1 when the entry was pending and is now scheduled, 0 when it was no longer pending
--          (another consumer reclaimed and finished it; nothing is scheduled twice).
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if acked == 0 then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1

-- StreamDeadLetter: copy an entry to the dead-letter stream with the reason, and acknowledge it,
-- atomically: a message is never both gone from its stream and absent from the dead letters.
-- KEYS[1]  the stream
-- KEYS[2]  the dead-letter stream (same hash tag)
-- ARGV[1]  consumer group
-- ARGV[2]  entry id
-- ARGV[3…] the dead-letter entry's fields and values (the original fields plus dlq-* fields)
-- Returns  the dead-letter entry id, or false when the entry was no longer pending
--          (another consumer reclaimed it; it is dead-lettered at most once).
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if acked == 0 then
  return false
end
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))

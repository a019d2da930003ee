-- DeadLetterReplay: put one dead letter back where it came from and remove it from the dead letters,
-- atomically: the message is in exactly one of the two places, never in both and never in neither.
-- KEYS[1]  the dead-letter stream
-- KEYS[2]  the target, same hash tag: a stream (the origin, or the failing group's retried stream) or a
--          queue list; absent for a channel
-- ARGV[1]  the dead-letter entry id
-- ARGV[2]  'stream' (XADD the fields), 'queue' (LPUSH the item) or 'channel' (PUBLISH the item)
-- ARGV[3…] stream: the message's fields and values; queue: the framed item; channel: the channel, the framed item
-- Returns  the new stream entry id, 1 for a queue, the number of receivers for a channel; false when the
--          dead letter is gone (replayed or deleted by someone else: it is replayed at most once), and 0
--          when nobody listens on the channel (the dead letter is kept: a publish to nobody would lose it).
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return false
end
local result
if ARGV[2] == 'stream' then
  result = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
elseif ARGV[2] == 'queue' then
  redis.call('LPUSH', KEYS[2], ARGV[3])
  result = 1
else
  result = redis.call('PUBLISH', ARGV[3], ARGV[4])
  if result == 0 then
    return 0
  end
end
redis.call('XDEL', KEYS[1], ARGV[1])
return result

-- StreamPromoteRetries: move due retries back into their stream as new entries.
-- KEYS[1]  the stream
-- KEYS[2]  the retry sorted set (same hash tag)
-- ARGV[1]  now, Unix milliseconds
-- ARGV[2]  most entries to move in one call
-- Returns  the number of entries moved.
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  local fields = cmsgpack.unpack(member)
  redis.call('XADD', KEYS[1], '*', unpack(fields))
  redis.call('ZREM', KEYS[2], member)
end
return #due

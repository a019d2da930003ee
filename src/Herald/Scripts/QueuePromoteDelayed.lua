-- QueuePromoteDelayed: move due delayed messages and retries into their queue level, each keeping
-- its priority. They join the back of the line (LPUSH): the queue is ordered by when work became due.
-- KEYS[1…P]    the delayed sorted sets of levels 0 … P-1
-- KEYS[P+1…2P] the queue lists of levels 0 … P-1 (same hash tag)
-- ARGV[1]      now, Unix milliseconds
-- ARGV[2]      most messages to move per level in one call
-- Returns      the number of messages moved.
local levels = #KEYS / 2
local moved = 0
for level = 1, levels do
  local due = redis.call('ZRANGEBYSCORE', KEYS[level], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
  for _, member in ipairs(due) do
    redis.call('LPUSH', KEYS[levels + level], member)
    redis.call('ZREM', KEYS[level], member)
  end
  moved = moved + #due
end
return moved

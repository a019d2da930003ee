-- TaskRevoke: marks a task revoked unless it is already over, so a worker that later receives it skips it,
-- and tells whoever waits for its result.
-- KEYS[1]  the task's state hash
-- ARGV[1]  now (Unix ms)
-- ARGV[2]  how long the state is kept (ms)
-- ARGV[3]  the channel announcing the final state
-- ARGV[4]  the reason, for operators
-- Returns  the state before the call ('' when the task had none: not started yet, or unknown)
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'succeeded' or state == 'failed' or state == 'revoked' or state == 'expired' then
  return state
end
redis.call('HSET', KEYS[1], 'state', 'revoked', 'finished', ARGV[1], 'error', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], 'revoked')
return state or ''

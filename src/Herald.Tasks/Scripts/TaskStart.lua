-- TaskStart: a worker claims a delivered task before running it. A task revoked while it waited, or one
-- whose earlier delivery already succeeded (its acknowledgement was lost), must not run again.
-- KEYS[1]  the task's state hash
-- ARGV[1]  now (Unix ms)
-- ARGV[2]  the worker's id
-- ARGV[3]  the attempt (1 for the first)
-- ARGV[4]  how long the state is kept (ms)
-- ARGV[5]  the task name
-- ARGV[6]  the queue it came from
-- ARGV[7]  when it was enqueued (Unix ms)
-- Returns  'started' when the task may run; otherwise the state that forbids it ('revoked', 'succeeded', 'expired')
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'revoked' or state == 'succeeded' or state == 'expired' then
  return state
end
redis.call('HSET', KEYS[1], 'state', 'started', 'started', ARGV[1], 'worker', ARGV[2], 'attempt', ARGV[3],
  'name', ARGV[5], 'queue', ARGV[6], 'enqueued', ARGV[7])
redis.call('HDEL', KEYS[1], 'retry-at')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 'started'

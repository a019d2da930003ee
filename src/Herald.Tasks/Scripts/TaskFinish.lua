-- TaskFinish: records how a run of a task ended and, when the task is over, tells whoever waits for it.
-- A revocation that arrived while the task ran stands against a retry: a revoked task is not run again.
-- Expiry only applies to a task no worker holds or has finished: a late duplicate delivery of a task id
-- that already ran (or runs now) must not turn its state into 'expired'.
-- KEYS[1]  the task's state hash
-- ARGV[1]  the new state: 'succeeded', 'failed', 'retrying', 'revoked' or 'expired'
-- ARGV[2]  now (Unix ms)
-- ARGV[3]  how long the state is kept (ms)
-- ARGV[4]  the channel announcing the final state
-- ARGV[5]  1 when the state is final (announce it), 0 otherwise
-- ARGV[6]  n, the number of field/value pairs that follow
-- ARGV[7 .. 6+2n]  field/value pairs to set (result, error, retry-at, …)
-- ARGV[7+2n ..]    fields to remove (what an earlier run left that no longer holds)
-- Returns  the state now recorded
local current = redis.call('HGET', KEYS[1], 'state')
if current == 'revoked' and ARGV[1] == 'retrying' then
  return 'revoked'
end
if ARGV[1] == 'expired' and current and current ~= 'retrying' then
  return current
end
local last = 6 + 2 * tonumber(ARGV[6])
local set = { 'state', ARGV[1], 'finished', ARGV[2] }
for i = 7, last do
  set[#set + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(set))
if #ARGV > last then
  redis.call('HDEL', KEYS[1], unpack(ARGV, last + 1))
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[5] == '1' then
  redis.call('PUBLISH', ARGV[4], ARGV[1])
end
return ARGV[1]

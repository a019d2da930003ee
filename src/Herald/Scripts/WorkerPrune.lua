-- WorkerPrune: drop index entries of workers whose description expired (their process died). Each is
-- checked here, so a worker that renewed its description since the caller looked is left alone.
-- KEYS[1]   the worker index sorted set
-- KEYS[2…]  the description hashes of the workers to check
-- ARGV[i]   the worker id whose description is KEYS[i + 1]
-- Returns   the number of entries removed
local removed = 0
for i = 1, #ARGV do
  if redis.call('EXISTS', KEYS[i + 1]) == 0 then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed

-- WorkerRemove: a worker that stops cleanly forgets itself at once instead of waiting for its
-- description to expire, and leaves no index entry behind.
-- KEYS[1]  the worker index sorted set
-- KEYS[2]  the worker's description hash
-- ARGV[1]  the worker id
-- Returns  1 when the worker was announced, 0 when it was not
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return removed

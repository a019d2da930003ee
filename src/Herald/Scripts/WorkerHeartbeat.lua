-- WorkerHeartbeat: announce a worker, or renew its announcement. The description and the index entry
-- change together, so a reader never sees a worker in the index with a description older than its score.
-- The description expires by itself: a worker whose process died stops renewing it and disappears.
-- KEYS[1]  the worker index sorted set (member: worker id, score: last heartbeat ms)
-- KEYS[2]  the worker's description hash
-- ARGV[1]  the worker id
-- ARGV[2]  the heartbeat time, Unix ms
-- ARGV[3]  the description's time to live, ms
-- ARGV[4…] field, value, field, value … of the description (every field, each time)
-- Returns  1
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1

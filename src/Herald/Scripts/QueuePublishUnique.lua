-- QueuePublishUnique: publish a message to a queue unless one with the same id was published there within
-- the uniqueness window, atomically, so producers racing with one id put it on the queue exactly once.
-- KEYS[1]  the unique marker of the message id (KeySchema.Unique, the queue's tag)
-- KEYS[2]  the target: the list of the priority level, or its delayed sorted set
-- ARGV[1]  the window, milliseconds (the marker's time to live)
-- ARGV[2]  the framed envelope
-- ARGV[3]  the due time, Unix milliseconds (the score in the delayed set), or '' to push onto the list
-- Returns  1 when published, 0 when a marker was there (a duplicate, dropped).
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return 0
end
if ARGV[3] == '' then
  redis.call('LPUSH', KEYS[2], ARGV[2])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
end
return 1

-- QueueReapConsumer: return the unfinished work of a consumer to the consumers' end of the queue and
-- forget the consumer. The reaper calls it for consumers whose heartbeat stopped; the heartbeat is
-- checked again here, so a consumer that came back between the scan and this call is left alone.
-- A stopping consumer calls it for itself to hand back what it still holds.
-- Returned work goes to level 0: it has already waited through a consumer's lifetime.
-- KEYS[1]  the queue's consumer sorted set (member: consumer name, score: last heartbeat ms)
-- KEYS[2]  the consumer's processing list
-- KEYS[3]  the delivery counter hash (field: SHA1 hex of the item)
-- KEYS[4]  the queue's level 0 list
-- KEYS[5]  the consumer's landing list (an item its blocking wait moved whose take never ran)
-- ARGV[1]  the consumer's name
-- ARGV[2]  reap only when the heartbeat is at or before this Unix millisecond time (or missing)
-- ARGV[3]  1 to count each item as a delivery that did not finish (a crash), 0 not to (a graceful stop)
-- Returns  the number of items returned, or -1 when the consumer is alive.
local beat = redis.call('ZSCORE', KEYS[1], ARGV[1])
if beat and tonumber(beat) > tonumber(ARGV[2]) then
  return -1
end
local count = ARGV[3] == '1'
local returned = 0
-- Newest first from the head of each list (the landing list holds the newest), each pushed to the
-- consumers' end: the oldest ends up taken first.
for _, source in ipairs({ 5, 2 }) do
  while true do
    local item = redis.call('LMOVE', KEYS[source], KEYS[4], 'LEFT', 'RIGHT')
    if not item then
      break
    end
    if count then
      redis.call('HINCRBY', KEYS[3], redis.sha1hex(item), 1)
    end
    returned = returned + 1
  end
end
redis.call('ZREM', KEYS[1], ARGV[1])
return returned

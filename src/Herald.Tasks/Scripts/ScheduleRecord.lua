-- ScheduleRecord: record what a periodic task scheduler did for one entry, never moving its last tick back, so
-- schedulers that race or lag cannot make operators (or a restarting scheduler) see an older tick than was enqueued.
-- KEYS[1]  the index of entries (KeySchema.PeriodicSchedules, a set)
-- KEYS[2]  the entry's hash (KeySchema.PeriodicSchedule)
-- ARGV[1]  the entry's name
-- ARGV[2]  the tick enqueued, Unix milliseconds, or '' when the scheduler only announces the entry
-- ARGV[3]  the tick's task id ('' with no tick)
-- ARGV[4]  the next tick, Unix milliseconds, or '' when there is none
-- ARGV[5]  the task name
-- ARGV[6]  the queue
-- ARGV[7]  the schedule as text (cron expression and zone, or interval)
-- Returns  the last tick recorded, Unix milliseconds (0 when none): ARGV[2] when it was newer.
redis.call('SADD', KEYS[1], ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
if ARGV[2] ~= '' and tonumber(ARGV[2]) > last then
  last = tonumber(ARGV[2])
  redis.call('HSET', KEYS[2], 'last', ARGV[2], 'last-task', ARGV[3])
end
redis.call('HSET', KEYS[2], 'task', ARGV[5], 'queue', ARGV[6], 'schedule', ARGV[7])
-- The next tick follows the last one; a lagging scheduler's older idea of it is not written.
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[2], 'next')
elseif tonumber(ARGV[4]) > last then
  redis.call('HSET', KEYS[2], 'next', ARGV[4])
end
return last

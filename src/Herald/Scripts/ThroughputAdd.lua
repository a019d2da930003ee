-- ThroughputAdd: add one flush of counters to a minute of throughput history and keep the minute only
-- as long as the retention asks; the expiry is set with the counts, so no minute outlives its retention.
-- KEYS[1]  the minute's counter hash
-- ARGV[1]  the time to live of the minute, ms (the rest of the minute plus the retention)
-- ARGV[2…] field, delta, field, delta … (fields: <counter>:<kind>:<name> and the totals <counter>)
-- Returns  the number of fields added to
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return (#ARGV - 1) / 2

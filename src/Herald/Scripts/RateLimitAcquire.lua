-- RateLimitAcquire: take permits from a global rate limit with GCRA (the generic cell rate algorithm).
-- The key holds one number, the theoretical arrival time (TAT): when the limit would be idle again if
-- every permit granted so far were used at the steady rate. A request for n permits is allowed at
--   allow = max(TAT, now) + n * interval - burst * interval,
-- so an idle limit grants `burst` permits at once and then one every `interval`.
-- The request is granted when allow - now is at most the caller's maximum wait: the TAT moves forward
-- and the caller is told how long to wait before using its permits. Each caller gets its own slot
-- behind those already reserved, so callers queue up instead of all retrying at the same instant.
-- Otherwise nothing is reserved and the caller learns when the permits would be free.
--
-- The clock is the server's (TIME), never an argument: every worker of the limit must measure against
-- the same clock, and the clocks of client machines drift apart and jump, which would let a worker whose
-- clock is behind take permits that a worker whose clock is ahead has already spent.
-- All times are in microseconds, TIME's resolution; Lua's doubles hold Unix microseconds exactly (< 2^53).
--
-- KEYS[1]  the limit's TAT (a string key holding Unix microseconds)
-- ARGV[1]  the emission interval: the period divided by the permits per period, microseconds (may have a fraction)
-- ARGV[2]  burst: the most permits an idle limit grants at once (>= 1)
-- ARGV[3]  the permits wanted (>= 1)
-- ARGV[4]  the longest wait the caller accepts, microseconds; -1 for no bound
-- Returns  {1, wait} when granted (wait >= 0: microseconds until the permits may be used),
--          {0, retry} when denied (retry > 0: microseconds until they could be granted without waiting).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])

local tat = tonumber(redis.call('GET', KEYS[1]) or 0) or 0
if tat < now then
  tat = now
end

-- Rounded up, so rounding can only make the limit stricter, never looser.
local new_tat = math.ceil(tat + permits * interval)
local wait = math.ceil(new_tat - burst * interval - now)
if wait < 0 then
  wait = 0
end

if max_wait >= 0 and wait > max_wait then
  return {0, wait}
end

-- The key lives until the limit is idle again; an expired key reads as idle, so nothing is lost.
local ttl_ms = math.ceil((new_tat - now) / 1000) + 1
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', string.format('%d', ttl_ms))
return {1, wait}

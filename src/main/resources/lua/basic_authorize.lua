--[[
basic_authorize.lua: basic TempPass (SPEC 4.1), one device's pass.

KEYS[1]  the device's trial key, <prefix>:b:{<integration>:<generation>:<deviceHash>}
ARGV[1]  ttl of the pass, milliseconds
ARGV[2]  lock-out retention, milliseconds: how long the key outlives the pass, so an expired device
         stays locked out for that long and Redis memory stays bounded
ARGV[3]  "1" to authorize (starts the clock when absent), "0" to only read (profiles never start it)
ARGV[4]  periodic reset, milliseconds (0 = none): a pass started in an earlier period counts as absent
ARGV[5]  offset of the period boundaries from the Unix epoch, milliseconds (0 = UTC midnight for 1d)

Reply    flat array of integers {state, startMs, expiresMs, nowMs}
         state 0: never used (read-only call; start/expires are the projected pass)
         state 1: valid
         state 2: expired

Why a script: reading the start time and creating it must be one atomic step, or two first requests
racing on one device would each start a clock. Time is Redis's own (TIME), never a pod's clock.
The periodic reset costs no Redis work at all: the period is derived from the stored start time.
]]
if redis.replicate_commands then redis.replicate_commands() end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])

local period = tonumber(ARGV[4])
local offset = tonumber(ARGV[5])
local start = tonumber(redis.call('GET', KEYS[1]))
if start and period > 0 and math.floor((start - offset) / period) ~= math.floor((now - offset) / period) then
  start = nil
end
if not start then
  if ARGV[3] ~= '1' then
    return {0, now, now + ttl, now}
  end
  start = now
  redis.call('SET', KEYS[1], start, 'PX', ttl + tonumber(ARGV[2]))
end

local expires = start + ttl
if now < expires then
  return {1, start, expires, now}
end
return {2, start, expires, now}

--[[
throttle.lua: per-client token bucket (SPEC 6), nginx `limit_req rate=R burst=B nodelay` semantics.

State per client: the excess (in thousandths of a request) and the time of the last accepted request.
Each request first drains the excess by the elapsed time at the configured rate, then adds one
request; if that exceeds the burst the request is rejected and the state is left unchanged (so the
bucket keeps draining from the last accepted request), else it is accepted and stored. A new client
starts with an excess of zero. With R = 1/s and B = 10 this reproduces Adobe's documented timeline.

KEYS[1]  the client's bucket, <prefix>:t:{<client ip>}
ARGV[1]  rate, thousandths of a request per second (1000 = 1 request/s)
ARGV[2]  burst, thousandths of a request (10000 = 10 requests)
ARGV[3]  optional: the time, Unix milliseconds, instead of Redis's TIME. Only tests of the bucket's
         arithmetic pass it; the gateway never does, so all its processes share Redis's clock.

Reply    flat array of integers {allowed (1|0), excess}

Why a script: read, drain, compare and store must be atomic, or concurrent requests of one client on
different gateway processes would each see the same old excess and overspend the burst.
]]
if redis.replicate_commands then redis.replicate_commands() end

local now
if ARGV[3] then
  now = tonumber(ARGV[3])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])

local state = redis.call('HMGET', KEYS[1], 'e', 'l')
local excess = 0
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  excess = math.max(0, tonumber(state[1]) - math.floor(rate * elapsed / 1000) + 1000)
  if excess > burst then
    return {0, excess}
  end
end
redis.call('HSET', KEYS[1], 'e', excess, 'l', now)
-- Once the excess has drained to zero the bucket is indistinguishable from a new one: let it expire.
redis.call('PEXPIRE', KEYS[1], math.floor((excess + 1000) * 1000 / rate) + 1000)
return {1, excess}

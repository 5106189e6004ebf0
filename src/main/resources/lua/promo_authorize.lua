--[[
promo_authorize.lua: promotional TempPass (SPEC 4.2), one trial's clock and distinct resources.

The trial is a hash: field "" holds the start time (resources are never empty, so it cannot collide),
every other field is a resource already granted. Resources are counted distinct: one already granted
is a permit that consumes nothing, even when the count is exhausted, while the pass is valid. New
resources take free slots in request order until none remain.

KEYS[1]  the trial key, <prefix>:p:{<integration>:<generation>:i:<identityHash>}
ARGV[1]  ttl of the pass, milliseconds
ARGV[2]  lock-out retention, milliseconds (the key outlives the pass by this much)
ARGV[3]  maxResources
ARGV[4]  "1" to authorize ARGV[7..], "0" to only read (profiles never start the clock)
ARGV[5]  periodic reset, milliseconds (0 = none): a trial started in an earlier period starts afresh
ARGV[6]  offset of the period boundaries from the Unix epoch, milliseconds
ARGV[7..] resources, in request order (authorize only)

Reply    flat array {state, startMs, expiresMs, nowMs, remaining, ...}
         state 0: never used (read-only; projected pass), 1: valid, 2: expired
         authorize: one integer per resource follows, 1 = permit, 0 = resources limit exceeded
                    (all 0 when expired)
         read:      the granted resources follow, as bulk strings

Why a script: N concurrent requests on one trial, from any number of gateway processes, must never
grant more than maxResources distinct resources; counting and granting are therefore one atomic step.
]]
if redis.replicate_commands then redis.replicate_commands() end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local max = tonumber(ARGV[3])
local authorize = ARGV[4] == '1'
local key = KEYS[1]

local period = tonumber(ARGV[5])
local offset = tonumber(ARGV[6])
local start = tonumber(redis.call('HGET', key, ''))
if start and period > 0 and math.floor((start - offset) / period) ~= math.floor((now - offset) / period) then
  start = nil
  if authorize then redis.call('DEL', key) end
end
if not start then
  if not authorize then
    return {0, now, now + ttl, now, max}
  end
  start = now
  redis.call('HSET', key, '', start)
  redis.call('PEXPIRE', key, ttl + tonumber(ARGV[2]))
end

local expires = start + ttl
local used = redis.call('HLEN', key) - 1
local state = 1
if now >= expires then state = 2 end

local reply = {state, start, expires, now, 0}
if not authorize then
  reply[5] = math.max(0, max - used)
  local fields = redis.call('HKEYS', key)
  for i = 1, #fields do
    if fields[i] ~= '' then reply[#reply + 1] = fields[i] end
  end
  return reply
end

for i = 7, #ARGV do
  local resource = ARGV[i]
  if state == 2 then
    reply[#reply + 1] = 0
  elseif redis.call('HEXISTS', key, resource) == 1 then
    reply[#reply + 1] = 1
  elseif used < max then
    redis.call('HSET', key, resource, 1)
    used = used + 1
    reply[#reply + 1] = 1
  else
    reply[#reply + 1] = 0
  end
end
reply[5] = math.max(0, max - used)
return reply

--[[
promo_authorize.lua: promotional TempPass (SPEC 4.2), one trial's clock and distinct resources.

The trial is a hash: field "" holds the start time, every other field is a resource already granted,
named by a fixed-size digest of its id (so a trial costs the same whatever the length of the ids a
client sends) and holding the first bytes of the id for the profile's used_assets. A digest is never
empty, so it cannot collide with "". Resources are counted distinct: one already granted is a permit
that consumes nothing, even when the count is exhausted, while the pass is valid. New resources take
free slots in request order until none remain.

KEYS[1]  the trial key, <prefix>:p:{<integration>:<generation>:i:<identityHash>}
KEYS[2]  the trial's revoked device bindings, <prefix>:r:{<integration>:<generation>:i:<identityHash>}
ARGV[1]  ttl of the pass, milliseconds
ARGV[2]  lock-out retention, milliseconds (the key outlives the pass by this much)
ARGV[3]  maxResources
ARGV[4]  "1" to authorize ARGV[8..], "0" to only read (profiles and lock-out checks never start the clock)
ARGV[5]  periodic reset, milliseconds (0 = none): a trial started in an earlier period starts afresh
ARGV[6]  offset of the period boundaries from the Unix epoch, milliseconds
ARGV[7]  nonce of the device binding that led here, or "-" when none did (see promo_bind.lua)
ARGV[8..] authorize only: pairs of (resource digest, shown prefix of the resource id), in request order

Reply    flat array {state, startMs, expiresMs, nowMs, remaining, ...}
         state -1: the binding named by ARGV[7] was revoked by a reset of its device; nothing was
                   read or written, the caller binds the device again (promo_bind.lua)
         state 0: never used (read-only; projected pass), 1: valid, 2: expired
         authorize: one integer per resource follows, 1 = permit, 0 = resources limit exceeded
                    (all 0 when expired)
         read:      per granted resource, its digest and its shown prefix follow, as bulk strings

Why a script: N concurrent requests on one trial, from any number of gateway processes, must never
grant more than maxResources distinct resources; checking the binding, counting and granting are
therefore one atomic step. KEYS[2] shares the trial's hash tag, so both keys live in one slot.
]]
if redis.replicate_commands then redis.replicate_commands() end

if ARGV[7] ~= '-' and redis.call('SISMEMBER', KEYS[2], ARGV[7]) == 1 then
  return {-1, 0, 0, 0, 0}
end

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
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    -- A trial written before resources were digested holds the id itself as the field and "1" as
    -- the value (a digest is always 16 characters): its digest is left to the caller ("").
    if all[i] ~= '' and all[i + 1] == '1' and #all[i] ~= 16 then
      reply[#reply + 1] = ''
      reply[#reply + 1] = all[i]
    elseif all[i] ~= '' then
      reply[#reply + 1] = all[i]
      reply[#reply + 1] = all[i + 1]
    end
  end
  return reply
end

for i = 8, #ARGV, 2 do
  local digest = ARGV[i]
  if state == 2 then
    reply[#reply + 1] = 0
  elseif redis.call('HEXISTS', key, digest) == 1 then
    reply[#reply + 1] = 1
  elseif used < max then
    redis.call('HSET', key, digest, ARGV[i + 1])
    used = used + 1
    reply[#reply + 1] = 1
  else
    reply[#reply + 1] = 0
  end
end
reply[5] = math.max(0, max - used)
return reply

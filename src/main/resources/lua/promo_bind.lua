--[[
promo_bind.lua: promotional TempPass (SPEC 4.2), which trial a device continues.

The first identity seen on a device for an integration stays bound to it: a new identity on a used
device continues that device's trial, a known identity on a new device continues its own trial
(Adobe's trial table). The binding is written once and never changed, so this step is linearizable
on its own, and the trial's counting happens atomically in promo_authorize.lua on the trial's key.
The two keys live in different slots on purpose: trials then spread over every Redis Cluster primary.

KEYS[1]  the device binding key, <prefix>:p:{<integration>:<generation>:d:<deviceHash>}
ARGV[1]  this request's identity hash
ARGV[2]  lifetime of a new binding, milliseconds (ttl + lock-out retention + a margin)
ARGV[3]  "1" to create the binding when absent, "0" to only read (profiles)

Reply    bulk string: the identity hash whose trial this device continues
]]
local bound = redis.call('GET', KEYS[1])
if bound then
  return bound
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
end
return ARGV[1]

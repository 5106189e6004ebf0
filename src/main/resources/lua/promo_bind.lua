--[[
promo_bind.lua: promotional TempPass (SPEC 4.2), which trial a device continues.

The first identity seen on a device for an integration stays bound to it: a new identity on a used
device continues that device's trial, a known identity on a new device continues its own trial
(Adobe's trial table). The binding key and the trial key live in different slots on purpose (trials
then spread over every Redis Cluster primary), so a decision takes two atomic steps: this one, then
promo_authorize.lua on the trial. A binding is therefore never changed while it is in force (only a
revoked one is replaced), and resets are made linearizable with decisions as follows:

  Each binding carries a nonce ("<identityHash> <nonce>"). A reset of the device runs three scripts:
  (1) promo_reset_mark.lua marks the binding as being reset ("<identityHash> <nonce> R");
  (2) promo_reset_trial.lua, on the trial's slot, deletes the trial and records the nonce as revoked;
  (3) promo_unbind.lua deletes the binding if it is still the marked one.
  Step (2) is the instant the reset takes effect. promo_authorize.lua refuses to count through a
  revoked nonce, so a decision that bound before the reset and counts after it cannot re-create the
  trial behind the reset: it binds again and is then ordered after the reset. A decision that finds
  a marked binding completes steps (2) and (3) itself (both are idempotent) before binding again, so
  a reset interrupted half-way (a process that died) never blocks a device. Every outcome is thus the
  outcome of some serial order of the decisions and resets.

KEYS[1]  the device binding key, <prefix>:p:{<integration>:<generation>:d:<deviceHash>}
ARGV[1]  this request's identity hash
ARGV[2]  lifetime of a new binding, milliseconds (ttl + lock-out retention + a margin)
ARGV[3]  "1" to create the binding when absent, "0" to only read (profiles)
ARGV[4]  the nonce of a new binding (random, chosen by the caller)
ARGV[5]  a binding value the caller found revoked, to be replaced; "" when none

Reply    bulk string: the binding, "<identityHash> <nonce>" or, while a reset of the device is under
         way, "<identityHash> <nonce> R"; with ARGV[3] = "0" and no binding, "<ARGV[1]> -"
]]
local bound = redis.call('GET', KEYS[1])
if bound and bound ~= ARGV[5] then
  return bound
end
if ARGV[3] ~= '1' then
  return ARGV[1] .. ' -'
end
local binding = ARGV[1] .. ' ' .. ARGV[4]
redis.call('SET', KEYS[1], binding, 'PX', tonumber(ARGV[2]))
return binding

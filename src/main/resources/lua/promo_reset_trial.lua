--[[
promo_reset_trial.lua: step 2 of a promotional reset by device (the protocol is described in
promo_bind.lua), the instant the reset takes effect: deletes the trial the device is bound to and
revokes the binding's nonce, once. Idempotent: a second run for the same nonce (a concurrent reset of
the same device, or a decision completing an interrupted reset) changes nothing, so it cannot delete
resources granted after the first run.

KEYS[1]  the trial key, <prefix>:p:{<integration>:<generation>:i:<identityHash>}
KEYS[2]  the trial's revoked bindings, <prefix>:r:{<integration>:<generation>:i:<identityHash>}
ARGV[1]  the nonce of the binding being reset
ARGV[2]  how long to remember the revocation, milliseconds (the binding's own lifetime)

Reply    1 when this run reset the trial, 0 when the nonce was already revoked
]]
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
return 1

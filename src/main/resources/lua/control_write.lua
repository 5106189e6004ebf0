--[[
control_write.lua: one change to the control-plane hash (degradation rules, reset-all generations),
with the hash's expiry refreshed in the same step.

KEYS[1]  the control hash, <prefix>:control
ARGV[1]  "set" to store ARGV[3] in field ARGV[2], "incr" to add 1 to field ARGV[2]
ARGV[2]  the field
ARGV[3]  the value ("set" only)
ARGV[4]  expiry of the hash, milliseconds

Reply    the field's new value

Why a script: a write and its PEXPIRE sent apart leave, if the process dies in between, a hash whose
expiry was never set (a write to a hash that had expired) or is about to lapse.
]]
local value
if ARGV[1] == 'incr' then
  value = redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
else
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
  value = ARGV[3]
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return value

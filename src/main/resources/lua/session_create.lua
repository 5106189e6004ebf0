-- Creates an authentication session under a freshly drawn code, unless that code is taken.
-- One script so that two gateways drawing the same code cannot both believe they own it.
-- KEYS[1]  session hash  <prefix>:s:{<CODE>}
-- ARGV[1]  lifetime in ms (sessions.codeTtl)
-- ARGV[2..] field, value, field, value, ...
-- Reply: 1 created; 0 the code exists already (the caller draws another).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1

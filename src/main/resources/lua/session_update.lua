-- Resumes an authentication session with more parameters: only the device and client application
-- that created it may, and only until its login completed. The expiry is left as it was: resuming
-- never extends a code's 30 minutes.
-- KEYS[1]  session hash  <prefix>:s:{<CODE>}
-- ARGV[1]  device hash of the caller
-- ARGV[2]  client id of the caller
-- ARGV[3..] field, value, field, value, ...
-- Reply: 1 updated; 0 no such session (never created, or expired); -1 created by another device or
-- client; -2 its login already completed.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local owner = redis.call('HMGET', KEYS[1], 'dev', 'cli', 'status')
if owner[1] ~= ARGV[1] or owner[2] ~= ARGV[2] then
  return -1
end
if owner[3] == 'done' then
  return -2
end
if #ARGV > 2 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
end
return 1

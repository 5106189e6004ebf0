-- The MVPD's redirect back: claims the session for this one login, atomically, so a replayed or
-- concurrent redirect with the same state cannot complete a second login. The state is removed
-- with the claim (it is single-use).
-- KEYS[1]  session hash  <prefix>:s:{<CODE>}
-- ARGV[1]  the state the MVPD sent back
-- ARGV[2]  until when (ms) the claim holds: the longest login timeout and a margin; past it
--          login_start.lua may open the session again
-- Reply: the session's fields (HGETALL) once claimed; 0 no such session; -1 the state is not the
-- session's current one (tampered, or an older attempt); -2 already completed or completing.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local fields = redis.call('HMGET', KEYS[1], 'st', 'status')
if fields[1] ~= ARGV[1] then
  return -1
end
if fields[2] == 'done' or fields[2] == 'claimed' then
  return -2
end
redis.call('HSET', KEYS[1], 'status', 'claimed', 'cu', ARGV[2])
redis.call('HDEL', KEYS[1], 'st')
return redis.call('HGETALL', KEYS[1])

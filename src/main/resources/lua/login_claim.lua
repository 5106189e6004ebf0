-- The MVPD's redirect back: claims the session (session_create.lua) for this one login,
-- atomically, so a replayed or concurrent redirect with the same state cannot complete a second
-- login. The state is removed with the claim (it is single-use), and so are the PKCE verifier and
-- nonce: they are in the reply, and only the claiming gateway needs them. The claim holds until
-- Redis's time (TIME) passes now + ARGV[2]; past it login_start.lua may open the session again, and
-- login_finish.lua only ends the claim whose id it names.
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- ARGV[1]  the state the MVPD sent back
-- ARGV[2]  how long (ms) the claim holds: the longest login timeout and the Redis calls around it
-- ARGV[3]  this claim's id (random, one per claim)
-- Reply: the session's fields (field, value, ...) as they were before the claim, with status
-- 'claimed'; 0 no such session; -1 the state is not the session's current one (tampered, or an
-- older attempt); -2 already completed or completing.
-- pcall: a key of another type (a hash written by an earlier release) reads as no session.
if redis.replicate_commands then redis.replicate_commands() end
local stored = redis.pcall('GET', KEYS[1])
if type(stored) ~= 'string' then
  return 0
end
local session = cmsgpack.unpack(stored)
if session.st ~= ARGV[1] then
  return -1
end
if session.status == 'done' or session.status == 'claimed' then
  return -2
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
session.status = 'claimed'
session.st = nil
local fields = {}
for name, value in pairs(session) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
session.ver = nil
session.non = nil
session.cu = tostring(now + tonumber(ARGV[2]))
session.ci = ARGV[3]
redis.call('SET', KEYS[1], cmsgpack.pack(session), 'KEEPTTL')
return fields

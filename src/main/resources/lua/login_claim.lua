-- The MVPD's redirect back: claims the session (session_create.lua) for this one login,
-- atomically, so a replayed or concurrent redirect with the same state cannot complete a second
-- login. The state is removed with the claim (it is single-use).
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- ARGV[1]  the state the MVPD sent back
-- ARGV[2]  until when (ms) the claim holds: the longest login timeout and a margin; past it
--          login_start.lua may open the session again
-- Reply: the session's fields (field, value, ...) once claimed; 0 no such session; -1 the state is
-- not the session's current one (tampered, or an older attempt); -2 already completed or completing.
-- pcall: a key of another type (a hash written by an earlier release) reads as no session.
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
session.status = 'claimed'
session.cu = ARGV[2]
session.st = nil
redis.call('SET', KEYS[1], cmsgpack.pack(session), 'KEEPTTL')
local fields = {}
for name, value in pairs(session) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
return fields

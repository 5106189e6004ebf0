-- Ends a claimed login (session_create.lua): 'done' with the new profile's generation, or back to
-- 'new' when the MVPD login failed or was cancelled, so the viewer can try again with the same code.
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- ARGV[1]  status: done | new     ARGV[2] profile generation ('' when none)
-- Reply: 1 recorded; 0 the session expired meanwhile.
-- pcall: a key of another type (a hash written by an earlier release) reads as no session.
local stored = redis.pcall('GET', KEYS[1])
if type(stored) ~= 'string' then
  return 0
end
local session = cmsgpack.unpack(stored)
session.status = ARGV[1]
session.gen = ARGV[2]
session.ver = nil
session.non = nil
session.cu = nil
redis.call('SET', KEYS[1], cmsgpack.pack(session), 'KEEPTTL')
return 1

-- Ends a claimed login (login_claim.lua): 'done' with the new profile's generation, or back to
-- 'new' when the MVPD login failed or was cancelled, so the viewer can try again with the same code.
-- Only the claim named by ARGV[3] is ended: a gateway that finishes after its claim's deadline, when
-- another attempt may have started or claimed the session, changes nothing.
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- ARGV[1]  status: done | new     ARGV[2] profile generation ('' when none)
-- ARGV[3]  the claim's id (login_claim.lua ARGV[3])
-- Reply: 1 recorded; 0 the session expired meanwhile; -1 the session is no longer claimed by this
-- claim (nothing changed).
-- pcall: a key of another type (a hash written by an earlier release) reads as no session.
local stored = redis.pcall('GET', KEYS[1])
if type(stored) ~= 'string' then
  return 0
end
local session = cmsgpack.unpack(stored)
if session.status ~= 'claimed' or session.ci ~= ARGV[3] then
  return -1
end
session.status = ARGV[1]
session.gen = ARGV[2]
session.ver = nil
session.non = nil
session.cu = nil
session.ci = nil
redis.call('SET', KEYS[1], cmsgpack.pack(session), 'KEEPTTL')
return 1

-- The browser step: records the OAuth state, PKCE verifier and nonce of a new sign-in attempt on
-- the session (session_create.lua). A later attempt replaces an earlier one's state, so only the
-- newest redirect can complete. A claim past its deadline was abandoned (the gateway completing it
-- stopped, or its MVPD never answered): the session is open again rather than stuck until the code
-- expires. The deadline is Redis's time (TIME, login_claim.lua), never a gateway's clock, so
-- gateways whose clocks disagree cannot reopen a live claim.
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- ARGV[1]  state   ARGV[2] PKCE verifier   ARGV[3] nonce
-- Reply: 1 recorded; 0 no such session; -2 its login already completed or is completing.
-- pcall: a key of another type (a hash written by an earlier release) reads as no session.
if redis.replicate_commands then redis.replicate_commands() end
local stored = redis.pcall('GET', KEYS[1])
if type(stored) ~= 'string' then
  return 0
end
local session = cmsgpack.unpack(stored)
if session.status == 'done' then
  return -2
end
if session.status == 'claimed' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if tonumber(session.cu or '0') > now then
    return -2
  end
end
session.status = 'new'
session.cu = nil
session.ci = nil
session.st = ARGV[1]
session.ver = ARGV[2]
session.non = ARGV[3]
redis.call('SET', KEYS[1], cmsgpack.pack(session), 'KEEPTTL')
return 1

-- Resumes an authentication session with more parameters: only the device and client application
-- that created it may, and only until its login completed. The expiry is left as it was: resuming
-- never extends a code's 30 minutes. The packed session keeps within ARGV[3] bytes as on creation
-- (session_create.lua): device info is left out first, then the update is refused.
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- ARGV[1]  device hash of the caller
-- ARGV[2]  client tag of the caller
-- ARGV[3]  most bytes the packed session may take before a sign-in adds its fields
-- ARGV[4..] field, value, field, value, ...
-- Reply: 1 updated; 0 no such session (never created, or expired); -1 created by another device or
-- client; -2 its login already completed; -3 too large.
-- pcall: a key of another type (a hash written by an earlier release) reads as no session.
local stored = redis.pcall('GET', KEYS[1])
if type(stored) ~= 'string' then
  return 0
end
local session = cmsgpack.unpack(stored)
if session.dev ~= ARGV[1] or session.cli ~= ARGV[2] then
  return -1
end
if session.status == 'done' then
  return -2
end
for i = 4, #ARGV, 2 do
  session[ARGV[i]] = ARGV[i + 1]
end
local packed = cmsgpack.pack(session)
if #packed > tonumber(ARGV[3]) and session.info then
  session.info = nil
  packed = cmsgpack.pack(session)
end
if #packed > tonumber(ARGV[3]) then
  return -3
end
redis.call('SET', KEYS[1], packed, 'KEEPTTL')
return 1

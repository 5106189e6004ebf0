-- Creates an authentication session under a freshly drawn code, unless that code is taken.
-- One script so that two gateways drawing the same code cannot both believe they own it.
-- A session is one MessagePack map in a string, not a hash: a hash with any value over 64 bytes
-- (a redirectUrl, device info) leaves Redis's compact encoding and costs some 70 bytes a field,
-- while a string costs its length. What the app supplies must fit ARGV[2] bytes once packed; the
-- optional device info is left out first (GET /sessions/{code} then shows no device), then the
-- session is refused.
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- ARGV[1]  lifetime in ms (sessions.codeTtl)
-- ARGV[2]  most bytes the packed session may take before a sign-in adds its fields
-- ARGV[3..] field, value, field, value, ...
-- Reply: 1 created; 0 the code exists already (the caller draws another); -3 too large.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local session = {}
for i = 3, #ARGV, 2 do
  session[ARGV[i]] = ARGV[i + 1]
end
local packed = cmsgpack.pack(session)
if #packed > tonumber(ARGV[2]) and session.info then
  session.info = nil
  packed = cmsgpack.pack(session)
end
if #packed > tonumber(ARGV[2]) then
  return -3
end
redis.call('SET', KEYS[1], packed, 'PX', ARGV[1])
return 1

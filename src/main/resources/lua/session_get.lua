-- Reads an authentication session (session_create.lua): its fields as a flat list, as HGETALL
-- would answer for a hash.
-- KEYS[1]  session  <prefix>:s:{<CODE>}
-- Reply: field, value, field, value, ...; empty when the code is unknown or expired.
-- pcall: a key of another type (a hash written by an earlier release) reads as no session.
local stored = redis.pcall('GET', KEYS[1])
if type(stored) ~= 'string' then
  return {}
end
local fields = {}
for name, value in pairs(cmsgpack.unpack(stored)) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
return fields

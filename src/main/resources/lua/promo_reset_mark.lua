--[[
promo_reset_mark.lua: step 1 of a promotional reset by device (the protocol is described in
promo_bind.lua): marks the device's binding as being reset, keeping its expiry.

KEYS[1]  the device binding key, <prefix>:p:{<integration>:<generation>:d:<deviceHash>}

Reply    the marked binding "<identityHash> <nonce> R", or nil when the device has no binding
]]
local bound = redis.call('GET', KEYS[1])
if not bound then
  return nil
end
if string.sub(bound, -2) == ' R' then
  return bound
end
-- A binding written before bindings carried a nonce is the identity hash alone: give it the "-"
-- nonce, so the mark still reads as "<identityHash> <nonce> R".
if not string.find(bound, ' ', 1, true) then
  bound = bound .. ' -'
end
local marked = bound .. ' R'
redis.call('SET', KEYS[1], marked, 'KEEPTTL')
return marked

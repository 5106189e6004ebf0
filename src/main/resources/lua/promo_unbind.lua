--[[
promo_unbind.lua: step 3 of a promotional reset by device (the protocol is described in
promo_bind.lua): deletes the device's binding if it is still the one being reset. Compare-and-delete,
so a binding made after the reset is never removed by it.

KEYS[1]  the device binding key, <prefix>:p:{<integration>:<generation>:d:<deviceHash>}
ARGV[1]  the marked binding, "<identityHash> <nonce> R"

Reply    1 when deleted, 0 when the binding had already changed
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0

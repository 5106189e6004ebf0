-- Stores the MVPD's decision for its TTL (when there is one to cache) and releases the fill lock
-- if this caller still holds it: a lock that expired and was taken by another caller is not ours
-- to delete.
-- KEYS[1]  cached decision   KEYS[2] fill lock (see authz_cache.lua)
-- ARGV[1]  lock token   ARGV[2] decision ('' when nothing is cached: the call failed)   ARGV[3] TTL ms
-- Reply: 1
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
return 1

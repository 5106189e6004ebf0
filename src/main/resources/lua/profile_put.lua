-- Replaces a device's regular (MVPD) profile with a new one. The key lives until the profile's
-- notAfter plus sessions.expiredProfileRetention, so a decision shortly after expiry can say
-- "expired" rather than "missing"; the profiles API hides it from notAfter on.
-- KEYS[1]  profile hash  <prefix>:a:{<integration>:<deviceHash>}
-- ARGV[1]  absolute expiry of the key, epoch ms
-- ARGV[2..] field, value, ...: nb (notBefore ms), na (notAfter ms), gen (generation), enc (sealed
--          user id, attributes and refresh token)
-- Reply: 1
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1

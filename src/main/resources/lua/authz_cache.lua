-- The decision cache shared by every gateway process: returns a cached MVPD decision, or elects
-- exactly one caller to ask the MVPD (the fill lock), so that any number of concurrent identical
-- decisions across processes make one MVPD call per cache period. The keys carry the profile's
-- generation, so a logout or a new login never sees an old decision.
-- KEYS[1]  cached decision  <prefix>:z:{<integration>:<generation>:<resourceDigest>}
-- KEYS[2]  fill lock        <prefix>:z:{<integration>:<generation>:<resourceDigest>}:l
-- ARGV[1]  lock token (unique per caller)   ARGV[2] lock lifetime in ms (the decision deadline)
-- Reply: the cached decision (a string); 1 the caller holds the lock and asks the MVPD; 0 another
-- caller holds it (poll again).
local cached = redis.call('GET', KEYS[1])
if cached then
  return cached
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0

-- The browser step: records the OAuth state, PKCE verifier and nonce of a new sign-in attempt on
-- the session. A later attempt replaces an earlier one's state, so only the newest redirect can
-- complete. A claim past its deadline was abandoned (the gateway completing it stopped, or its MVPD
-- never answered): the session is open again rather than stuck until the code expires.
-- KEYS[1]  session hash  <prefix>:s:{<CODE>}
-- ARGV[1]  state   ARGV[2] PKCE verifier   ARGV[3] nonce   ARGV[4] now (ms)
-- Reply: 1 recorded; 0 no such session; -2 its login already completed or is completing.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local fields = redis.call('HMGET', KEYS[1], 'status', 'cu')
if fields[1] == 'done' then
  return -2
end
if fields[1] == 'claimed' and tonumber(fields[2] or '0') > tonumber(ARGV[4]) then
  return -2
end
redis.call('HSET', KEYS[1], 'status', 'new', 'st', ARGV[1], 'ver', ARGV[2], 'non', ARGV[3])
redis.call('HDEL', KEYS[1], 'cu')
return 1

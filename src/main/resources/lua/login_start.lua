-- The browser step: records the OAuth state, PKCE verifier and nonce of a new sign-in attempt on
-- the session. A later attempt replaces an earlier one's state, so only the newest redirect can
-- complete.
-- KEYS[1]  session hash  <prefix>:s:{<CODE>}
-- ARGV[1]  state   ARGV[2] PKCE verifier   ARGV[3] nonce
-- Reply: 1 recorded; 0 no such session; -2 its login already completed or is completing.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'done' or status == 'claimed' then
  return -2
end
redis.call('HSET', KEYS[1], 'st', ARGV[1], 'ver', ARGV[2], 'non', ARGV[3])
return 1

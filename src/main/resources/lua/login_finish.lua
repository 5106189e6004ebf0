-- Ends a claimed login: 'done' with the new profile's generation, or back to 'new' when the MVPD
-- login failed or was cancelled, so the viewer can try again with the same code.
-- KEYS[1]  session hash  <prefix>:s:{<CODE>}
-- ARGV[1]  status: done | new     ARGV[2] profile generation ('' when none)
-- Reply: 1 recorded; 0 the session expired meanwhile.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'gen', ARGV[2])
redis.call('HDEL', KEYS[1], 'ver', 'non', 'cu')
return 1

-- wrk script for the floor: the floor's own request generator (shared/bench/floor/post.lua, path in
-- $FLOOR_POST_LUA, loaded unchanged) plus the same status/percentile hooks as gateway.lua, so both
-- targets cost the load generator the same per-response work.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(assert(os.getenv("FLOOR_POST_LUA"), "set FLOOR_POST_LUA to shared/bench/floor/post.lua"))
dofile(here .. "stats.lua")

-- wrk script for latency at a fixed arrival rate (run.sh's fixed-rate runs): the requests of another
-- script ($PACED_SCRIPT, e.g. gateway.lua, loaded unchanged with its statistics hooks), sent on a
-- schedule of $PACED_RATE requests/s in all (split evenly over $PACED_THREADS wrk threads).
--
-- wrk calls delay() before each request of each connection; every call books the thread's next slot
-- on a fixed timetable (one every threads/rate seconds) and waits until it. As long as some connection
-- is idle when a slot comes, requests leave at the scheduled rate whatever the server's latency, so
-- slow answers do not lower the load (use enough connections: rate x p99.9 latency, with margin). A
-- slot that finds every connection busy leaves late, and its queueing time is then missing from wrk's
-- latency: the RESULT line's rps shows whether the schedule was kept.
local script = assert(os.getenv("PACED_SCRIPT"), "set PACED_SCRIPT to the wrk script to pace")
local rate = tonumber(os.getenv("PACED_RATE") or "")
assert(rate and rate > 0, "set PACED_RATE to requests per second")
local threads = tonumber(os.getenv("PACED_THREADS") or "1")
dofile(script)

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } paced_timespec;
  int clock_gettime(int clock, paced_timespec *ts);
]]
local ts = ffi.new("paced_timespec")
local CLOCK_MONOTONIC = 1
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval = 1000 * threads / rate
local next_slot = nil

function delay()
  local now = now_ms()
  if next_slot == nil then next_slot = now end
  local wait = next_slot - now
  next_slot = next_slot + interval
  -- wrk takes whole milliseconds; the timetable itself keeps its fractions, so the mean rate is exact.
  if wait <= 0 then return 0 end
  return math.floor(wait)
end

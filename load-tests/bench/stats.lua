-- Shared wrk hooks (loaded by gateway.lua and floor.lua): counts responses by status code in every
-- thread and prints, at the end, ONE machine-readable line:
--   RESULT target=<BENCH_NAME> requests=.. duration_s=.. rps=.. p50_ms=.. p90_ms=.. p99_ms=..
--          p999_ms=.. max_ms=.. non2xx=.. s429=.. s5xx=.. socket_errors=.. statuses=200:n,429:n,...
-- Latency is wrk's closed-loop latency (coordinated omission included): use it to compare runs of
-- this script, and the Gatling open model for service-level percentiles.
-- Set STATUS_HOOK=0 to skip the per-response hook (wrk then parses less; statuses= stays empty and
-- 429s are only part of non2xx).

local threads_ = {}

function setup(thread)
  thread:set("bench_tid", #threads_)
  table.insert(threads_, thread)
end

statuses = {}

if os.getenv("STATUS_HOOK") ~= "0" then
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads_) do
    local s = t:get("statuses") or {}
    for code, c in pairs(s) do total[code] = (total[code] or 0) + c end
  end
  local codes = {}
  local s5xx = 0
  for code, _ in pairs(total) do
    table.insert(codes, code)
    if code >= 500 then s5xx = s5xx + total[code] end
  end
  table.sort(codes)
  local parts = {}
  for _, code in ipairs(codes) do table.insert(parts, code .. ":" .. total[code]) end
  local e = summary.errors
  local secs = summary.duration / 1e6
  local ms = function(us) return string.format("%.3f", us / 1000) end
  io.write(string.format(
    "RESULT target=%s requests=%d duration_s=%.2f rps=%.1f p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s " ..
    "non2xx=%d s429=%d s5xx=%d socket_errors=%d timeouts=%d statuses=%s\n",
    os.getenv("BENCH_NAME") or "wrk", summary.requests, secs, summary.requests / secs,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency:percentile(99.9)), ms(latency.max),
    e.status, total[429] or 0, s5xx, e.connect + e.read + e.write + e.timeout, e.timeout,
    table.concat(parts, ",")))
end

-- wrk script for the MVPD share of the benchmark (run.sh mvpd): decisions for the regular MVPD
-- "BenchMvpd" of service provider "bench", answered from the shared decision cache.
--
-- Environment:
--   TOKEN          (required) RS256 access token
--   MVPD_DEVICES   devices that run.sh signed in through the reference MVPD (default 1000); device d
--                  is "mvpd%06d", as run.sh's sign-in loop names it
--
-- Each request asks for one resource (Adobe: usually one per call) out of the device's 5 titles, so
-- after the first 5 x MVPD_DEVICES requests every decision is a cached permit with a media token:
-- the cost measured is the profile read, the decision-cache script and the signature. The client
-- IP in X-Forwarded-For follows the request sequence (200,000 addresses), not the device, so the
-- throttle's 1 request/s per IP is never reached by a few thousand signed-in devices.

local token = os.getenv("TOKEN")
if token == nil or token == "" then error("mvpd.lua: set TOKEN to an RS256 access token") end
local devices = tonumber(os.getenv("MVPD_DEVICES") or "1000")
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    out[#out + 1] = B64:sub(math.floor(n / 262144) % 64 + 1, math.floor(n / 262144) % 64 + 1)
      .. B64:sub(math.floor(n / 4096) % 64 + 1, math.floor(n / 4096) % 64 + 1)
      .. (b and B64:sub(math.floor(n / 64) % 64 + 1, math.floor(n / 64) % 64 + 1) or "=")
      .. (c and B64:sub(n % 64 + 1, n % 64 + 1) or "=")
  end
  return table.concat(out)
end

local FINGERPRINT = {}
for d = 0, devices - 1 do FINGERPRINT[d] = "fingerprint " .. b64(string.format("mvpd%06d", d)) end
local PATH = "/api/v2/bench/decisions/authorize/BenchMvpd"
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json", ["Accept"] = "application/json" }

local k = 0
local offset = 0
local floor = math.floor

function init(args)
  offset = ((bench_tid or 0) * 104729) % 200000
end

function request()
  local seq = offset + k
  k = k + 1
  local d = seq % devices
  local ip = seq % 200000
  headers["AP-Device-Identifier"] = FINGERPRINT[d]
  headers["X-Forwarded-For"] = "10." .. floor(ip / 65536) .. "." .. floor(ip / 256) % 256 .. "." .. ip % 256
  return wrk.format("POST", PATH, headers, '{"resources":["title-' .. (d + floor(seq / devices)) % 5 .. '"]}')
end

dofile(here .. "stats.lua")

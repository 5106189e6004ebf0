-- wrk script driving the gateway with the benchmark mix of bench.yaml (service provider "bench").
--
-- Environment:
--   TOKEN     (required) RS256 access token, sent as "Authorization: Bearer <TOKEN>"
--   DEVICES   distinct simulated devices (default 200000, at most 1000000); device d also has its
--             own identity bu<d>@bench.example and its own client IP 10.<d/65536>.<d/256%256>.<d%256>
--   SP        service provider (default "bench")
--
-- Every device belongs to one integration (d % 20): 0-7 basic TempPass (40 %), 8-14 promotional
-- (35 %), 15-17 degraded AuthNAll (15 %), 18-19 dummy (10 %). Each request asks for 1 (60 %), 2 (25 %)
-- or 3 (15 %) resources out of the device's own 5 titles, so a promotional trial never exceeds its
-- 5 resources and every decision stays a permit with a media token (the expensive path). Devices are
-- visited round-robin (each wrk thread from its own offset), so every device, identity and client IP
-- comes back only once per DEVICES requests: with 200,000 devices each IP stays far below the
-- throttle's 1 request/s, and any 429 is counted separately by stats.lua.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local token = os.getenv("TOKEN")
if token == nil or token == "" then error("gateway.lua: set TOKEN to an RS256 access token") end
local devices = tonumber(os.getenv("DEVICES") or "200000")
if devices < 1 or devices > 1000000 then error("gateway.lua: DEVICES must be 1..1000000") end
local sp = os.getenv("SP") or "bench"

-- Standard Base64 (padded), used once at load time to build the lookup tables below.
local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = B64:sub(c1 + 1, c1 + 1) .. B64:sub(c2 + 1, c2 + 1)
      .. (b and B64:sub(c3 + 1, c3 + 1) or "=") .. (c and B64:sub(c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

-- Base64 works on 3-byte groups, so a value whose variable part is 3-aligned groups of 3 digits
-- encodes piecewise: b64(prefix) .. G[d / 1000] .. G[d % 1000] .. b64(suffix).
local G = {}
for i = 0, 999 do G[i] = b64(string.format("%03d", i)) end
local DEV_PREFIX = b64("dev")                       -- device id "dev%06d" (9 bytes)
local ID_PREFIX = b64('{"email":"bu')               -- 12 bytes
local ID_SUFFIX = b64('@bench.example"}')           -- identity {"email":"bu%06d@bench.example"}
assert(DEV_PREFIX .. G[12] .. G[345] == b64("dev012345"))
assert(ID_PREFIX .. G[12] .. G[345] .. ID_SUFFIX == b64('{"email":"bu012345@bench.example"}'))

local PATH = {}
local MVPD = { "TempPassBasic", "TempPassPromo", "DegradedMvpd", "DummyMvpd" }
for i, m in ipairs(MVPD) do PATH[i] = "/api/v2/" .. sp .. "/decisions/authorize/" .. m end
local KIND = {}   -- d % 20 -> index into MVPD
for s = 0, 19 do KIND[s] = (s < 8 and 1) or (s < 15 and 2) or (s < 18 and 3) or 4 end
local COUNT = {}  -- (mix(d) + visit) % 20 -> resources in the request
for s = 0, 19 do COUNT[s] = (s < 12 and 1) or (s < 17 and 2) or 3 end
local TITLE = {}
for i = 0, 999 do TITLE[i] = '"title-' .. i .. '"' end

local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

local k = 0
local offset = 0
local floor = math.floor

function init(args)
  offset = ((bench_tid or 0) * 104729) % devices
end

function request()
  local seq = offset + k
  k = k + 1
  local d = seq % devices
  local visit = floor(seq / devices)
  local kind = KIND[d % 20]
  local hi, lo = floor(d / 1000), d % 1000
  headers["AP-Device-Identifier"] = "fingerprint " .. DEV_PREFIX .. G[hi] .. G[lo]
  headers["AP-TempPass-Identity"] = (kind == 2) and (ID_PREFIX .. G[hi] .. G[lo] .. ID_SUFFIX) or nil
  headers["X-Forwarded-For"] = "10." .. floor(d / 65536) .. "." .. floor(d / 256) % 256 .. "." .. d % 256
  -- multiplicative hash of d: the resource count is independent of the integration (d % 20) and
  -- well mixed within any few hundred consecutive devices; identical in DecisionsSimulation.java
  local n = COUNT[(floor(d * 2654435761 / 65536) + visit) % 20]
  local base = d % 1000
  local r = TITLE[(base + visit % 5) % 1000]
  for j = 1, n - 1 do r = r .. "," .. TITLE[(base + (visit + j) % 5) % 1000] end
  return wrk.format("POST", PATH[kind], headers, '{"resources":[' .. r .. ']}')
end

dofile(here .. "stats.lua")

-- The bench's wrk script (WrkDriver), the same load generator as the HTTP peer's.
-- With VILLAGES (lines "code,area,token") every request is a POST of one new worker into the next
-- village round-robin, with that village's operator token; request i (from 0, over all threads) goes
-- to village (VOFFSET + i) mod count, with NIK number FIRST + i of the village's area (PPRRDD), so
-- no village is asked for more than its share and no NIK repeats in a run. Without VILLAGES wrk
-- sends its plain GET. done() prints one line:
--   ok=N requests=N secs=S p50_ms=N p90_ms=N p99_ms=N max_ms=N mean_ms=N bytes=N statuses=201:N,409:N
-- then, if any answer was not 2xx, "first=STATUS BODY" for the first one.
local villages = os.getenv("VILLAGES")
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

statuses = {}
first = nil

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 and first == nil then first = status .. " " .. string.sub(body or "", 1, 400) end
end

if villages then
  local codes, areas, auths = {}, {}, {}
  local nthreads = tonumber(os.getenv("THREADS") or "1")
  local first_nik = tonumber(os.getenv("FIRST") or "0")
  local voffset = tonumber(os.getenv("VOFFSET") or "0")
  local n = 0
  local body = '{"nik":"%s","name":"Pekerja %d","occupation":"nelayan","monthlyIncome":1000000,"programs":["JKK","JKM"]}'

  function init(args)
    for line in io.lines(villages) do
      local code, area, token = line:match("^([^,]+),([^,]+),(.+)$")
      if code then
        codes[#codes + 1] = code
        areas[#areas + 1] = area
        auths[#auths + 1] = "Bearer " .. token
      end
    end
  end

  -- NIK number c of an area: serial 0001-9999, then birth date DDMMYY (days 1-28, years 1967-2005).
  local function nik(area, c)
    local serial = c % 9999 + 1; c = math.floor(c / 9999)
    local day = c % 28 + 1;      c = math.floor(c / 28)
    local month = c % 12 + 1;    c = math.floor(c / 12)
    local year = 1967 + c % 39
    return string.format("%s%02d%02d%02d%04d", area, day, month, year % 100, serial)
  end

  function request()
    local i = n * nthreads + tid
    n = n + 1
    local v = (voffset + i) % #codes + 1
    local headers = { ["Content-Type"] = "application/json", ["Authorization"] = auths[v] }
    return wrk.format("POST", "/api/villages/" .. codes[v] .. "/enrollments", headers,
      string.format(body, nik(areas[v], first_nik + i), first_nik + i))
  end
end

function done(summary, latency, requests)
  local all, firsts = {}, nil
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do all[status] = (all[status] or 0) + count end
    firsts = firsts or thread:get("first")
  end
  local parts, ok = {}, 0
  for status, count in pairs(all) do
    parts[#parts + 1] = status .. ":" .. count
    if status < 300 then ok = ok + count end
  end
  io.write(string.format("ok=%d requests=%d secs=%.3f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f bytes=%d statuses=%s\n",
    ok, summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000, summary.bytes, table.concat(parts, ",")))
  if firsts then io.write("first=" .. string.gsub(firsts, "\n", " ") .. "\n") end
end

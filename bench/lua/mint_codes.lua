-- Mints authorization codes: GET /oauth/authorize with the session cookie of a user who has
-- already consented answers 302 with a code at once (no password hashing). Cookies are used
-- round-robin, so codes (and the tokens made from them) belong to many users.
-- env: BENCH_COOKIES (file: one "kf_session=..." a line), BENCH_PATH (authorize path and query),
--      BENCH_QUOTA (codes per thread), BENCH_OUT (writes BENCH_OUT.<tid>, one code a line, and
--      BENCH_OUT.<tid>.done when the quota is reached).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

local reqs = {}
local i = 0
local quota, out, out_prefix
local finished = false

function init(args)
  local path = env("BENCH_PATH")
  for _, cookie in ipairs(read_lines(env("BENCH_COOKIES"))) do
    reqs[#reqs + 1] = wrk.format("GET", path, with_headers({ ["Cookie"] = cookie }))
  end
  if #reqs == 0 then error("bench: no session cookies in " .. env("BENCH_COOKIES")) end
  i = tid % #reqs
  quota = tonumber(env("BENCH_QUOTA"))
  out_prefix = env("BENCH_OUT")
  out = io.open(out_prefix .. "." .. tid, "w")
end

function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end

function response(status, headers, body)
  if finished then return end
  local location = status == 302 and header(headers, "Location")
  local code = location and location:match("[?&]code=([^&]+)")
  if not code then
    if status < 400 then unexpected = unexpected + 1 end
    return
  end
  out:write(code, "\n")
  written = written + 1
  if written >= quota then
    finished = true
    finish_minting(out, out_prefix)
  end
end

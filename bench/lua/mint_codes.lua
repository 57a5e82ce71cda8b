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

function init(args)
  local path = env("BENCH_PATH")
  for _, cookie in ipairs(read_lines(env("BENCH_COOKIES"))) do
    reqs[#reqs + 1] = wrk.format("GET", path, with_headers({ ["Cookie"] = cookie }))
  end
  if #reqs == 0 then error("bench: no session cookies in " .. env("BENCH_COOKIES")) end
  i = tid % #reqs
  start_quota_minting()
end

function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end

function response(status, headers, body)
  local location = status == 302 and header(headers, "Location")
  keep_minted(location and location:match("[?&]code=([^&]+)"), status)
end

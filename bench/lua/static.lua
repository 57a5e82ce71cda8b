-- One fixed request, built once (wrk's static mode: no Lua per request).
-- env: BENCH_METHOD (GET), BENCH_BODY (none), BENCH_CONTENT_TYPE (form when there is a body).
-- The Authorization header comes from BENCH_AUTH (common.lua).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

function init(args)
  wrk.method = env("BENCH_METHOD", "GET")
  local body = os.getenv("BENCH_BODY")
  if body and body ~= "" then
    wrk.body = body
    wrk.headers["Content-Type"] = env("BENCH_CONTENT_TYPE", "application/x-www-form-urlencoded")
  end
end

-- Mints client_credentials access tokens (the request itself is static: method, body and Basic
-- auth come from BENCH_BODY and -H), writing each access_token to BENCH_OUT.<tid> until
-- BENCH_QUOTA per thread, then BENCH_OUT.<tid>.done.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

local quota, out, out_prefix
local finished = false

function init(args)
  wrk.method = "POST"
  wrk.body = env("BENCH_BODY")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  quota = tonumber(env("BENCH_QUOTA"))
  out_prefix = env("BENCH_OUT")
  out = io.open(out_prefix .. "." .. tid, "w")
end

function response(status, headers, body)
  if finished then return end
  local token = status == 200 and body and body:match('"access_token"%s*:%s*"([^"]+)"')
  if not token then
    if status < 400 then unexpected = unexpected + 1 end
    return
  end
  out:write(token, "\n")
  written = written + 1
  if written >= quota then
    finished = true
    finish_minting(out, out_prefix)
  end
end

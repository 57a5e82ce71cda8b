-- Mints client_credentials access tokens (the request itself is static: method, body and Basic
-- auth come from BENCH_BODY and -H), writing each access_token to BENCH_OUT.<tid> until
-- BENCH_QUOTA per thread, then BENCH_OUT.<tid>.done.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

function init(args)
  wrk.method = "POST"
  wrk.body = env("BENCH_BODY")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  start_quota_minting()
end

function response(status, headers, body)
  keep_minted(status == 200 and body and body:match('"access_token"%s*:%s*"([^"]+)"'), status)
end

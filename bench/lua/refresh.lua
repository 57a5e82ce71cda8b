-- Refresh-token rotation. Each wrk thread owns as many refresh families as it has connections
-- (BENCH_IN.<tid>: one refresh token a line). A family is always used with its newest refresh
-- token and has at most one request in flight: request() takes a family that is not in flight,
-- response() puts its successor back. (wrk's Lua API does not say which connection a request()
-- is for, so a family is not pinned to one TCP connection; with one family per connection and
-- one request in flight per connection, every connection always has exactly one family to use.)
-- With refresh_grace_seconds 0, presenting a stale token would revoke the family: a 400 here
-- means a lost family and shows as an error, and a request with no family left is "starved".
-- env: BENCH_IN, BENCH_CLIENT_BASIC (Authorization header value).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

local families
local auth

function init(args)
  families = fifo(read_lines(env("BENCH_IN") .. "." .. tid))
  if fifo_size(families) == 0 then error("bench: no refresh tokens in " .. env("BENCH_IN") .. "." .. tid) end
  auth = env("BENCH_CLIENT_BASIC")
end

local function refresh_request(token)
  return wrk.format("POST", nil, with_headers({
    ["Authorization"] = auth,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }), "grant_type=refresh_token&refresh_token=" .. token)
end

function request()
  if is_probe() then return refresh_request("probe") end
  local token = fifo_pop(families)
  if not token then
    starved = starved + 1
    return refresh_request("none-left")
  end
  return refresh_request(token)
end

function response(status, headers, body)
  if status == 200 then
    local next_token = body and body:match('"refresh_token"%s*:%s*"([^"]+)"')
    if next_token then
      fifo_push(families, next_token)
      return
    end
  end
  if status < 400 then unexpected = unexpected + 1 end
end

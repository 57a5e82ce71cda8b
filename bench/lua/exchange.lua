-- Authorization-code exchange of pre-minted codes (BENCH_IN.<tid>, one code a line, oldest first).
-- Each code is used once. When a thread runs out of codes it stops and counts as "starved".
-- env: BENCH_IN, BENCH_CLIENT_BASIC, BENCH_REDIRECT_URI (form-encoded already),
--      BENCH_OUT (optional: minting mode -- write "access_token refresh_token" per line to
--      BENCH_OUT.<tid> and leave BENCH_OUT.<tid>.done when the codes are used up).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

local codes, auth, redirect, out, out_prefix
local outstanding = 0   -- real exchanges in flight
local filler = 0        -- requests sent after the codes ran out (minting mode), in flight
local exhausted = false

function init(args)
  codes = fifo(read_lines(env("BENCH_IN") .. "." .. tid))
  auth = env("BENCH_CLIENT_BASIC")
  redirect = env("BENCH_REDIRECT_URI")
  out_prefix = os.getenv("BENCH_OUT")
  if out_prefix and out_prefix ~= "" then
    out = io.open(out_prefix .. "." .. tid, "w")
  end
end

local function exchange_request(code)
  return wrk.format("POST", nil, with_headers({
    ["Authorization"] = auth,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }), "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. redirect)
end

local function maybe_finish()
  if exhausted and outstanding <= 0 then
    if out then
      finish_minting(out, out_prefix)
      out = nil
    else
      wrk.thread:stop()
    end
  end
end

function request()
  if is_probe() then return exchange_request("probe") end
  local code = fifo_pop(codes)
  if not code then
    if not exhausted then
      exhausted = true
      starved = starved + 1
    end
    if out then
      -- minting: stop once the exchanges in flight are answered (their tokens are wanted); until
      -- then a request that fails cheaply keeps wrk's connection state machine simple
      maybe_finish()
      filler = filler + 1
    else
      -- measuring: stop at once, so that no failing request is counted (bench/run reports the
      -- run as starved: its rate is then a lower bound)
      wrk.thread:stop()
    end
    return exchange_request("exhausted")
  end
  outstanding = outstanding + 1
  return exchange_request(code)
end

function response(status, headers, body)
  if status ~= 200 and filler > 0 then
    -- the answer to a filler request (they fail; the first answers come back first)
    filler = filler - 1
    maybe_finish()
    return
  end
  if outstanding > 0 then outstanding = outstanding - 1 end
  if status == 200 then
    if out then
      local at = body and body:match('"access_token"%s*:%s*"([^"]+)"')
      local rt = body and body:match('"refresh_token"%s*:%s*"([^"]+)"')
      if at then
        out:write(at, " ", rt or "-", "\n")
        written = written + 1
      else
        unexpected = unexpected + 1
      end
    end
  elseif status < 400 then
    unexpected = unexpected + 1
  end
  maybe_finish()
end

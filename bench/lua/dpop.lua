-- client_credentials with a DPoP proof (RFC 9449) per request. wrk's Lua cannot sign, so
-- bench/Driver.java (dpop-proofs) signs the proofs beforehand, each with its own jti, and this
-- script sends each one once, in order. A proof is accepted only once and only within 60 s of
-- its iat, so bench/run signs just enough right before each run; a thread that runs out starts
-- over, its replays are refused (400) and counted as "starved": the rate is then a lower bound.
-- env: BENCH_IN (prefix of the per-thread proof files "<prefix>.<tid>", one proof a line),
--      BENCH_BODY (the form), BENCH_CHECK = 1 to check each answer is a DPoP token (warm-ups).
-- The client's Basic authentication comes from BENCH_AUTH (common.lua).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

local proofs = {}
local n, i = 0, 0
local over = false
local body

function init(args)
  proofs = read_lines(env("BENCH_IN") .. "." .. tid)
  n = #proofs
  if n == 0 then error("bench: no proofs in " .. env("BENCH_IN") .. "." .. tid) end
  body = env("BENCH_BODY")
end

function request()
  i = i + 1
  if i > n then
    i = 1
    over = true
  end
  if over then starved = starved + 1 end
  return wrk.format("POST", nil,
    with_headers({ ["Content-Type"] = "application/x-www-form-urlencoded", ["DPoP"] = proofs[i] }), body)
end

if os.getenv("BENCH_CHECK") == "1" then
  function response(status, headers, body)
    if status < 400 and (status ~= 200 or not body or not body:find('"token_type":"DPoP"', 1, true)) then
      unexpected = unexpected + 1
    end
  end
end

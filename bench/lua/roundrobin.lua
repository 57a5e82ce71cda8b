-- Many distinct tokens, one after another (no single-token shortcut): userinfo with each token as
-- the bearer, or introspection of each token (the introspecting client's Basic auth from -H).
-- env: BENCH_IN (prefix of the per-thread token files "<prefix>.<tid>", one token a line),
--      BENCH_KIND = bearer | introspect, BENCH_CHECK = 1 to check every response's body
--      (userinfo: has "sub"; introspect: "active":true) -- costs wrk CPU, so only in warm-ups.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
dofile(dir .. "/common.lua")

local reqs = {}
local n, i = 0, 0

function init(args)
  local kind = env("BENCH_KIND")
  local tokens = read_lines(env("BENCH_IN") .. "." .. tid)
  if #tokens == 0 then error("bench: no tokens in " .. env("BENCH_IN") .. "." .. tid) end
  for _, t in ipairs(tokens) do
    if kind == "bearer" then
      reqs[#reqs + 1] = wrk.format("GET", nil, with_headers({ ["Authorization"] = "Bearer " .. t }))
    else
      reqs[#reqs + 1] = wrk.format("POST", nil,
        with_headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }), "token=" .. t)
    end
  end
  n = #reqs
  -- threads start at different offsets so that they do not walk the same tokens in step
  i = (tid * 7919) % n
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end

if os.getenv("BENCH_CHECK") == "1" then
  local want = os.getenv("BENCH_KIND") == "bearer" and '"sub"' or '"active":true'
  function response(status, headers, body)
    if status < 400 and (status ~= 200 or not body or not body:find(want, 1, true)) then
      unexpected = unexpected + 1
    end
  end
end

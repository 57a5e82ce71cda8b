-- Shared by every bench/lua script (loaded with dofile): thread ids, line files, error counters
-- and one machine-readable result line from done().
--
-- Each wrk thread has its own Lua state. setup() (main state) numbers the threads; a thread reads
-- its own numbered input file "<prefix>.<tid>" and writes "<prefix>.<tid>". Counters kept in
-- thread globals are summed in done() through thread:get().

local threads = {}

-- Client credentials come from the environment (BENCH_AUTH: an Authorization header value), not
-- from wrk's command line, where every process listing would show them.
if os.getenv("BENCH_AUTH") and os.getenv("BENCH_AUTH") ~= "" then
  wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- Responses that wrk does not count as errors by itself (it counts status > 399 and socket
-- errors) but that are wrong for the scenario: a 2xx/3xx other than the expected one, or a body
-- without what the scenario needs.
unexpected = 0
-- Input exhausted (no code or refresh family left for a request).
starved = 0
-- Items written by a minting script.
written = 0

function read_lines(path)
  local out = {}
  local f = io.open(path, "r")
  if not f then return out end
  for line in f:lines() do
    if line ~= "" then out[#out + 1] = line end
  end
  f:close()
  return out
end

-- A FIFO of strings (refresh tokens, codes): push at the tail, pop at the head.
function fifo(items)
  local q = { first = 1, last = 0, items = {} }
  for _, v in ipairs(items or {}) do
    q.last = q.last + 1
    q.items[q.last] = v
  end
  return q
end

function fifo_push(q, v)
  q.last = q.last + 1
  q.items[q.last] = v
end

function fifo_pop(q)
  if q.first > q.last then return nil end
  local v = q.items[q.first]
  q.items[q.first] = nil
  q.first = q.first + 1
  return v
end

function fifo_size(q)
  return q.last - q.first + 1
end

-- wrk.format() uses the headers it is given instead of wrk.headers (the -H options): this
-- merges them, the given ones winning.
function with_headers(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

function header(headers, name)
  return headers[name] or headers[string.lower(name)]
end

-- A minting thread that has its quota: flush, leave a marker for bench/run, stop sending.
function finish_minting(out, prefix)
  if out then out:close() end
  local m = io.open(prefix .. "." .. tid .. ".done", "w")
  if m then m:write(tostring(written), "\n") m:close() end
  wrk.thread:stop()
end

-- A minting thread with a quota: start_quota_minting() in init() opens BENCH_OUT.<tid>;
-- keep_minted(item, status) in response() writes each minted item (a code, a token) until
-- BENCH_QUOTA of them, then finishes; a 2xx/3xx without an item counts as unexpected.
local quota, quota_out, quota_prefix
local quota_reached = false

function start_quota_minting()
  quota = tonumber(env("BENCH_QUOTA"))
  quota_prefix = env("BENCH_OUT")
  quota_out = io.open(quota_prefix .. "." .. tid, "w")
end

function keep_minted(item, status)
  if quota_reached then return end
  if not item then
    if status < 400 then unexpected = unexpected + 1 end
    return
  end
  quota_out:write(item, "\n")
  written = written + 1
  if written >= quota then
    quota_reached = true
    finish_minting(quota_out, quota_prefix)
  end
end

function done(summary, latency, requests)
  local extra = { unexpected = 0, starved = 0, written = 0 }
  for _, t in ipairs(threads) do
    for k, _ in pairs(extra) do
      extra[k] = extra[k] + (tonumber(t:get(k)) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d " ..
    "unexpected=%d starved=%d written=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout,
    extra.unexpected, extra.starved, extra.written))
end

-- wrk calls request() once on the first thread before the run starts, only to check that the
-- script produces a valid request (script_verify_request). Scripts whose request() consumes
-- something (a code, a refresh family) answer that call with a harmless request instead.
local probed = false
function is_probe()
  if tid == 1 and not probed then
    probed = true
    return true
  end
  return false
end

function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then
    if default == nil then error("bench: environment variable " .. name .. " is not set") end
    return default
  end
  return v
end

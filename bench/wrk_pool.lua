-- wrk script of bench/survey_answering.py: each request takes the next item of a list (a survey
-- token, a response id...), so that every POST is a first save. Items are shared out between
-- wrk's threads (thread i takes items i, i + n, i + 2n...); a thread that runs out starts again
-- at its first item and counts it in `wraps` (for a POST, the caller then knows the pool was
-- too small; a GET may go round its list any number of times).
--
--   wrk -t2 -c4 -d10s -s bench/wrk_pool.lua http://127.0.0.1:PORT -- \
--       METHOD LIST_FILE PATH_FORMAT BODY_FILE|- COOKIE|- EXPECTED_STATUS THREADS
--
-- PATH_FORMAT has one %s, replaced by the item. done() prints one line:
--   RESULT requests=... duration_us=... expected=... unexpected=... wraps=... errors=... p50_us=...

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  method = args[1]
  path_format = args[3]
  expected_status = tonumber(args[6])
  local nthreads = tonumber(args[7])
  items = {}
  local i = 0
  for line in io.lines(args[2]) do
    if line ~= "" then
      if i % nthreads == id then
        table.insert(items, line)
      end
      i = i + 1
    end
  end
  if #items == 0 then -- fewer items than threads (a fixed URL): every thread takes them all
    for line in io.lines(args[2]) do
      if line ~= "" then
        table.insert(items, line)
      end
    end
  end
  body = nil
  if args[4] ~= "-" then
    local f = assert(io.open(args[4], "rb"))
    body = f:read("*a")
    f:close()
  end
  headers = {}
  if body then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  if args[5] ~= "-" then
    headers["Cookie"] = args[5]
  end
  next_item = 1
  wraps = 0
  expected = 0
  unexpected = 0
end

function request()
  if next_item > #items then
    next_item = 1
    wraps = wraps + 1
  end
  local item = items[next_item]
  next_item = next_item + 1
  return wrk.format(method, string.format(path_format, item), headers, body)
end

function response(status, hdrs, content)
  if status == expected_status then
    expected = expected + 1
  else
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local ok, bad, wrapped = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("expected")
    bad = bad + thread:get("unexpected")
    wrapped = wrapped + thread:get("wraps")
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT requests=%d duration_us=%d expected=%d unexpected=%d wraps=%d errors=%d "
      .. "p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, ok, bad, wrapped, errors,
    latency:percentile(50), latency:percentile(99)
  ))
end

-- wrk script: each request is one of the members in users.txt (one Cookie header per line), in
-- turn; at the end, the figures as one JSON line for bench/throughput.py.
local cookies = {}
for line in io.lines(os.getenv("BENCH_COOKIES")) do cookies[#cookies + 1] = line end
local next_user = 0

request = function()
  next_user = next_user % #cookies + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[next_user], ["Accept-Encoding"] = "gzip" })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, "p99_ms": %f, "errors": %d, '
      .. '"timeouts": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect + e.read + e.write + e.status, e.timeout))
end

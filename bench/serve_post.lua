-- wrk script for bench/serve_load.sh: POSTs one submission (the file in MEETLAT_BENCH_FILE) to
-- /v1/evaluate and counts answers that are not 200.
local path = os.getenv("MEETLAT_BENCH_FILE")
local f = assert(io.open(path, "rb"), "cannot read " .. tostring(path))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = path:match("%.json$") and "application/json" or "application/toml"

local not_ok = 0
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("meetlat: p50 %.2f ms, p99 %.2f ms, %.0f requests/s, %d errors\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
end

-- The one line every wrk script of bench/ ends with (loaded by dofile from the repository's root,
-- where the bench scripts run wrk), for its driver to read:
--   RESULT requests=N seconds=S rps=R p50_us=A p99_us=B bad_status=N socket_errors=N
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d bad_status=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end

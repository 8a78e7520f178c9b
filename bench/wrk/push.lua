-- wrk script: PUTs the bench workload (bench/src/lib/payload.ts: the same families, HELP, TYPE and
-- series, 25 in 5 families; the values differ)
-- to job=bench/instance=i<k>, each connection rotating over its own slice of the populated
-- groups, so the store size stays constant. Reports non-2xx answers and socket errors in its JSON line.
--
--   GROUPS=10000 wrk -t2 -c16 -d20s -s bench/wrk/push.lua http://127.0.0.1:PORT
--
-- GROUPS (default 1000) is how many groups populate.js created; SERIES (default 25, >= 13).

local groups = tonumber(os.getenv('GROUPS') or '1000')
local series = tonumber(os.getenv('SERIES') or '25')
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set('id', counter)
  table.insert(threads, thread)
end

local function body(r, iteration)
  local t = {}
  t[#t + 1] = '# HELP bench_job_last_success_timestamp_seconds Unix time the batch job last finished successfully.'
  t[#t + 1] = '# TYPE bench_job_last_success_timestamp_seconds gauge'
  t[#t + 1] = string.format('bench_job_last_success_timestamp_seconds %d', 1700000000 + iteration * 60 + r % 60)
  t[#t + 1] = '# HELP bench_job_phase_duration_seconds Duration of each phase of the last run.'
  t[#t + 1] = '# TYPE bench_job_phase_duration_seconds gauge'
  for i, phase in ipairs({ 'extract', 'transform', 'load' }) do
    t[#t + 1] = string.format('bench_job_phase_duration_seconds{phase="%s"} %g', phase, ((r + i) % 10000) / 100)
  end
  t[#t + 1] = '# HELP bench_job_errors_total Errors seen by the batch job, by kind.'
  t[#t + 1] = '# TYPE bench_job_errors_total counter'
  for i, kind in ipairs({ 'retryable', 'fatal' }) do
    t[#t + 1] = string.format('bench_job_errors_total{kind="%s"} %d', kind, iteration * 5 * i + (r + i) % 5)
  end
  t[#t + 1] = '# HELP bench_job_records_processed_total Records processed by the batch job, by table.'
  t[#t + 1] = '# TYPE bench_job_records_processed_total counter'
  for k = 0, series - 13 do
    t[#t + 1] = string.format('bench_job_records_processed_total{table="t%03d"} %d', k, (iteration + 1) * 1000 + (r + k * 31) % 1000)
  end
  local count = 100 + r % 100
  t[#t + 1] = '# HELP bench_job_batch_size_bytes Size of the batches the job wrote.'
  t[#t + 1] = '# TYPE bench_job_batch_size_bytes histogram'
  t[#t + 1] = string.format('bench_job_batch_size_bytes_bucket{le="1000"} %d', math.floor(count / 4))
  t[#t + 1] = string.format('bench_job_batch_size_bytes_bucket{le="100000"} %d', math.floor(count / 2))
  t[#t + 1] = string.format('bench_job_batch_size_bytes_bucket{le="1e+07"} %d', count - r % 3)
  t[#t + 1] = string.format('bench_job_batch_size_bytes_bucket{le="+Inf"} %d', count)
  t[#t + 1] = string.format('bench_job_batch_size_bytes_sum %d', count * 5000 + r % 5000)
  t[#t + 1] = string.format('bench_job_batch_size_bytes_count %d', count)
  return table.concat(t, '\n') .. '\n'
end

local n = 0
local failed = 0
local headers = { ['Content-Type'] = 'text/plain; version=0.0.4' }

function init(args)
  n = id * 7919
end

function request()
  n = n + 1
  local group = n % groups
  local iteration = math.floor(n / groups)
  return wrk.format('PUT', '/metrics/job/bench/instance/i' .. group, headers, body(n * 2654435761 % 4294967296, iteration))
end

function response(status, headers, body)
  if status < 200 or status > 299 then failed = failed + 1 end
end

function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests":%d,"seconds":%.3f,"perSecond":%.1f,"non2xx":%d,"socketErrors":%d,' ..
    '"p50ms":%.3f,"p90ms":%.3f,"p99ms":%.3f,"maxMs":%.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.errors.status,
    bad - summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

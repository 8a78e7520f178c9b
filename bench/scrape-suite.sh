#!/usr/bin/env bash
# The scrape-path measurement run for docs/benchmarks.md section 4C: run it through
# bench/run-pushgate.sh, e.g. bench/run-pushgate.sh --groups 50000 -- 'bash bench/scrape-suite.sh mem-50k 50000'
# (add --gateway-arg --redis.url=redis://127.0.0.1:PORT for the Redis store). Results: .bench-results/sg/.
set -u; mkdir -p .bench-results/sg
# $1 = label (e.g. mem-50k), $2 = groups
L=$1; N=$2; R=.bench-results/sg
node bench/dist/scrape-timing.js --url "$BENCH_URL" --count 5 --pid "$BENCH_PID" ${REDIS_PID:+--pid $REDIS_PID} > $R/$L-scrape.json
node bench/dist/push-load.js --url "$BENCH_URL" --groups $N --requests 1000 --warmup 20 > $R/$L-seq.json
for k in 100 1000; do for enc in plain gzip; do
  node bench/dist/push-load.js --url "$BENCH_URL" --groups $N --requests $k --warmup 0 > /dev/null 2>&1
  h=""; [ $enc = gzip ] && h="-H Accept-Encoding:gzip"
  curl -s -o /dev/null $h -w "$L scrape ($enc) right after $k pushes: %{time_total} s\n" "$BENCH_URL/metrics" >&2
done; done
node bench/dist/push-load.js --url "$BENCH_URL" --groups $N --requests 1000 --warmup 20 --scrape-load > $R/$L-seq-scrape.json
node bench/dist/push-load.js --url "$BENCH_URL" --groups $N --requests 1000 --warmup 20 --scrape-load --scrape-gzip > $R/$L-seq-scrape-gz.json
node bench/dist/scrape-timing.js --url "$BENCH_URL" --count 3 --pid "$BENCH_PID" > $R/$L-scrape-after.json

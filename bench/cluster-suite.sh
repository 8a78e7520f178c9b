#!/usr/bin/env bash
# The issue-3 measurement run (docs/benchmarks.md sections 4E and 4F): run it through bench/run-cluster.sh,
#   bench/run-cluster.sh --groups N -- 'bash bench/cluster-suite.sh N'
# for N = 1000, 10000, 50000. Everything goes through nginx (BENCH_URL) except the scrape timing,
# which the issue asks for "from one node" (the first node's own port). Results: .bench-results/cl/.
set -euo pipefail
N=$1
R=.bench-results/cl
mkdir -p "$R"
first_node=${BENCH_NODE_URLS%% *}
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
memory() {
  local p
  for p in $BENCH_PIDS; do printf '%s pid %s VmRSS %s\n' "$1" "$p" "$(awk '/VmRSS/ {print $2, $3}' /proc/$p/status)"; done
  redis-cli -p "$BENCH_REDIS_PORT" info memory | grep -E '^(used_memory|used_memory_rss):' | sed "s/^/$1 redis /"
}

# Every node builds its scrape cache on its first scrape (a cold load: about 10 s at 50,000
# groups); done here, so the scrape-loop measurement below is not one node's cold load.
for u in $BENCH_NODE_URLS; do curl -fsS -o /dev/null "$u/metrics"; done

log "sequential pushes through nginx, $N groups"
node bench/dist/push-load.js --url "$BENCH_URL" --groups "$N" --requests 2000 --warmup 100 >"$R/$N-seq.json"

log "sequential pushes with a C client (wrk, 1 connection, 15 s): through nginx, then to one node directly"
GROUPS=$N wrk -t1 -c1 -d15s -s bench/wrk/push.lua "$BENCH_URL" | tail -1 | tee "$R/$N-wrk-seq-nginx.json"
GROUPS=$N wrk -t1 -c1 -d15s -s bench/wrk/push.lua "$first_node" | tail -1 | tee "$R/$N-wrk-seq-node.json"

log "throughput through nginx: wrk, 16 connections, 20 s"
GROUPS=$N wrk -t1 -c16 -d20s -s bench/wrk/push.lua "$BENCH_URL" | tail -1 | tee "$R/$N-wrk.json"
log "throughput through nginx: push-load (Node client), 16 connections, 20 s"
node bench/dist/push-load.js --url "$BENCH_URL" --groups "$N" --mode concurrent --connections 16 \
  --duration 20 --warmup 50 >"$R/$N-conc.json"

log "sequential pushes through nginx while another client scrapes through nginx in a loop"
node bench/dist/push-load.js --url "$BENCH_URL" --groups "$N" --requests 1000 --warmup 20 --scrape-load \
  >"$R/$N-seq-scrape.json"
node bench/dist/push-load.js --url "$BENCH_URL" --groups "$N" --requests 1000 --warmup 20 --scrape-load \
  --scrape-gzip >"$R/$N-seq-scrape-gz.json"

log "scrape from one node ($first_node): unchanged, then right after 100 / 1,000 pushes"
node bench/dist/scrape-timing.js --url "$first_node" --count 5 $BENCH_PID_ARGS >"$R/$N-scrape.json"
for k in 100 1000; do
  for enc in plain gzip; do
    node bench/dist/push-load.js --url "$BENCH_URL" --groups "$N" --requests "$k" --warmup 0 >/dev/null 2>&1
    h=()
    [ "$enc" = gzip ] && h=(-H 'Accept-Encoding: gzip')
    curl -s -o /dev/null "${h[@]}" -w "$N scrape ($enc) from one node right after $k pushes: %{time_total} s\n" \
      "$first_node/metrics" | tee -a "$R/$N-scrape-after-pushes.txt" >&2
  done
done
memory "$N" | tee "$R/$N-memory.txt" >&2
log "memory again after 30 s without requests (V8 gives unused heap back when idle)"
sleep 30
memory "$N idle" | tee -a "$R/$N-memory.txt" >&2

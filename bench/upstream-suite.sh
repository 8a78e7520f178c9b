#!/usr/bin/env bash
# The upstream side of the issue-3 measurement run (docs/benchmarks.md sections 4E and 4F), the same
# workload as bench/cluster-suite.sh against upstream 1.5.1 with its consistency check on:
#   bench/run-upstream.sh --groups N -- 'bash bench/upstream-suite.sh N'
# Upstream needs seconds per push at 50,000 groups, so the request counts shrink as N grows.
# Results: .bench-results/up/.
set -euo pipefail
N=$1
R=.bench-results/up
mkdir -p "$R"
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
case $N in
  1000) seq=300 under=100 ;;
  10000) seq=100 under=30 ;;
  *) seq=20 under=8 ;;
esac

log "sequential pushes, $N groups ($seq pushes)"
node bench/dist/push-load.js --url "$BENCH_URL" --groups "$N" --requests "$seq" --warmup 5 >"$R/$N-seq.json"

log "throughput: wrk, 16 connections, 20 s (timeout 60 s: upstream serialises checked pushes)"
GROUPS=$N wrk -t1 -c16 -d20s --timeout 60s -s bench/wrk/push.lua "$BENCH_URL" | tail -1 | tee "$R/$N-wrk.json"

log "sequential pushes while another client scrapes in a loop ($under pushes)"
node bench/dist/push-load.js --url "$BENCH_URL" --groups "$N" --requests "$under" --warmup 2 --scrape-load \
  >"$R/$N-seq-scrape.json" || true

log "scrape timing and memory"
node bench/dist/scrape-timing.js --url "$BENCH_URL" --count 3 --pid "$BENCH_PID" >"$R/$N-scrape.json"

#!/usr/bin/env bash
# CPU time per push of every process of the cluster while wrk pushes through nginx (docs/benchmarks.md 4E, 4F):
#   bench/run-cluster.sh --groups 10000 -- "bash bench/cpu-per-push.sh 10000"
# Reads utime+stime from /proc/<pid>/stat before and after a 20 s wrk run with 16 connections.
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
out=$tmp/wrk.out c0=$tmp/c0 c1=$tmp/c1
ng=$(pgrep -f "nginx: worker" | tr "\n" " ")
tick=$(getconf CLK_TCK)
snap() { for p in "$@"; do awk -v p=$p '{print p, $14+$15}' /proc/$p/stat; done; }
snap $BENCH_PIDS $ng > "$c0"
( GROUPS=$1 wrk -t1 -c16 -d20s -s bench/wrk/push.lua "$BENCH_URL" > "$out" ) &
wp=$!; sleep 0.5; wpid=$(pgrep -n -x wrk); w0=$(awk '{print $14+$15}' /proc/$wpid/stat); w1=$w0
while kill -0 $wpid 2>/dev/null; do w1=$(awk '{print $14+$15}' /proc/$wpid/stat 2>/dev/null || echo $w1); sleep 0.5; done
wait $wp
snap $BENCH_PIDS $ng > "$c1"
req=$(tail -1 "$out" | sed 's/.*"requests":\([0-9]*\).*/\1/')
echo "pushes: $req ($(tail -1 "$out"))"
set -- $BENCH_PIDS
paste "$c0" "$c1" | awk -v req=$req -v tick=$tick -v r=${@: -1} -v nodes="${*:1:$#-1}" '
  BEGIN { split(nodes, n, " "); for (i in n) isnode[n[i]] = 1 }
  { d = ($4 - $2) / tick; kind = ($1 == r) ? "redis" : (isnode[$1] ? "nodes" : "nginx"); t[kind] += d }
  END { for (k in t) printf "%-6s %.1f s CPU, %.0f us per push\n", k, t[k], t[k] * 1e6 / req }'
echo "wrk    ~$(( (w1 - w0) * 1000000 / tick / req )) us per push (sampled)"

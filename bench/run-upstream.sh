#!/usr/bin/env bash
# Starts the upstream Pushgateway (1.5.1, consistency check ON) holding N groups of S series,
# on a free port, and optionally runs a benchmark command against it.
#
# Fast path: populating upstream with the check on is O(total series) per push (about 3
# pushes/s at 10,000 groups), so the store is built by an instance started with
# --push.disable-consistency-check and --persistence.file, stopped with SIGTERM (which
# persists), and reloaded by the measured instance, which has the check on. The persisted
# store is cached per (groups, series) in --data-dir and reused by later runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat >&2 <<USAGE
Usage: bench/run-upstream.sh --groups N [options] [-- COMMAND]

  --groups N          groups to hold (job=bench, instance=i0..i<N-1>)
  --series S          series per group as pushed (default 25; the gateway adds 2)
  --port P            port of the measured instance (default: a free one)
  --data-dir DIR      where the persisted stores and logs go (default .bench-results/)
  --fresh             rebuild the cached store even if one exists
  --binary PATH       upstream binary (default prometheus-pushgateway)

COMMAND runs through bash with BENCH_URL and BENCH_PID exported, e.g.
  bench/run-upstream.sh --groups 1000 -- 'node bench/dist/push-load.js --url "\$BENCH_URL" --groups 1000'
Without COMMAND the gateway keeps running until Ctrl-C.
USAGE
  exit 2
}

groups='' series=25 port='' data_dir="$REPO_DIR/.bench-results" fresh=0 binary=prometheus-pushgateway
while [ $# -gt 0 ]; do
  case $1 in
    --groups) groups=$2; shift 2 ;;
    --series) series=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --binary) binary=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) log "unknown option $1"; usage ;;
  esac
done
[[ $groups =~ ^[1-9][0-9]*$ ]] || usage
[[ $series =~ ^[1-9][0-9]*$ ]] || usage
command -v "$binary" >/dev/null || die "$binary not found"
ensure_tools
mkdir -p "$data_dir"

store="$data_dir/upstream-${groups}x${series}.data"
pid=''
trap '[ -n "$pid" ] && stop_pid "$pid" 60' EXIT
trap 'exit 130' INT TERM

if [ "$fresh" = 1 ] || [ ! -s "$store" ]; then
  fill_port=$(free_port)
  fill_url="http://127.0.0.1:$fill_port"
  rm -f "$store.filling"
  log "populating $groups groups x $series series into $store (check disabled, port $fill_port)"
  "$binary" --web.listen-address="127.0.0.1:$fill_port" --push.disable-consistency-check \
    --persistence.file="$store.filling" --persistence.interval=1s \
    >"$data_dir/upstream-populate.log" 2>&1 &
  pid=$!
  wait_ready "$fill_url" "$pid" 60
  node "$BENCH_DIR/dist/populate.js" --url "$fill_url" --groups "$groups" --series "$series" --concurrency 4 \
    >"$data_dir/upstream-populate.json"
  # Unchecked pushes answer 202 before they are applied; SIGTERM drains the write queue and
  # persists, and the restore check below proves that nothing was lost.
  stop_pid "$pid" 300 || die "populating instance did not stop cleanly; see $data_dir/upstream-populate.log"
  pid=''
  [ -s "$store.filling" ] || die "no persistence file written; see $data_dir/upstream-populate.log"
  mv "$store.filling" "$store"
fi

# The measured instance works on a copy, so benchmark pushes never alter the cached store.
# A 24h persistence interval keeps the periodic disk writer out of the measurements.
run_store="$data_dir/upstream-run.data"
cp "$store" "$run_store"
port=${port:-$(free_port)}
url="http://127.0.0.1:$port"
log "starting upstream with the consistency check on, restoring $store (port $port)"
"$binary" --web.listen-address="127.0.0.1:$port" --persistence.file="$run_store" --persistence.interval=24h \
  >"$data_dir/upstream-run.log" 2>&1 &
pid=$!
wait_ready "$url" "$pid" 600
restored=$(count_groups "$url" "$data_dir")
if [ "$restored" != "$groups" ]; then
  rm -f "$store"
  die "restored $restored groups, expected $groups; removed the cached store, rerun to rebuild it"
fi
log "upstream pid $pid holds $restored groups"

rc=0
run_or_wait "$url" "$pid" "$@" || rc=$?
exit "$rc"

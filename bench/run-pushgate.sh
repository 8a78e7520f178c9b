#!/usr/bin/env bash
# Starts a Pushgate gateway node on a free port, fills it with N groups of S series through
# the normal push path (its consistency check is incremental, so there is no fast path to
# take), and optionally runs a benchmark command against it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat >&2 <<USAGE
Usage: bench/run-pushgate.sh --groups N [options] [-- COMMAND]

  --groups N          groups to hold (job=bench, instance=i0..i<N-1>)
  --series S          series per group as pushed (default 25; the gateway adds 2)
  --port P            listen port (default: a free one)
  --data-dir DIR      where logs and the populate report go (default .bench-results/)
  --concurrency C     populate connections (default 4)
  --no-build          skip 'npx tsc -b services/gateway'
  --bin PATH          gateway entry point (default services/gateway/dist/bin.js)
  --gateway-arg ARG   extra argument for services/gateway/dist/bin.js (repeatable)

Node options (e.g. a larger heap for 50,000 groups) go through NODE_OPTIONS as usual.
COMMAND runs through bash with BENCH_URL and BENCH_PID exported; without it the gateway
keeps running until Ctrl-C.
USAGE
  exit 2
}

groups='' series=25 port='' data_dir="$REPO_DIR/.bench-results" concurrency=4 build=1 gateway_args=()
bin="$REPO_DIR/services/gateway/dist/bin.js"
while [ $# -gt 0 ]; do
  case $1 in
    --groups) groups=$2; shift 2 ;;
    --series) series=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --bin) bin=$2; build=0; shift 2 ;;
    --gateway-arg) gateway_args+=("$2"); shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) log "unknown option $1"; usage ;;
  esac
done
[[ $groups =~ ^[1-9][0-9]*$ ]] || usage
[[ $series =~ ^[1-9][0-9]*$ ]] || usage
ensure_tools
mkdir -p "$data_dir"
if [ "$build" = 1 ]; then build_gateway; fi
[ -f "$bin" ] || die "$bin missing: build services/gateway first"

pid=''
trap '[ -n "$pid" ] && stop_pid "$pid" 60' EXIT
trap 'exit 130' INT TERM

port=${port:-$(free_port)}
url="http://127.0.0.1:$port"
log "starting Pushgate on port $port ${gateway_args[*]:-}"
env "${GATEWAY_ENV[@]}" node "$bin" --web.listen-address="127.0.0.1:$port" ${gateway_args[@]+"${gateway_args[@]}"} \
  >"$data_dir/pushgate-run.log" 2>&1 &
pid=$!
wait_ready "$url" "$pid" 60
log "populating $groups groups x $series series"
node "$BENCH_DIR/dist/populate.js" --url "$url" --groups "$groups" --series "$series" --concurrency "$concurrency" \
  >"$data_dir/pushgate-populate.json"
held=$(count_groups "$url" "$data_dir")
[ "$held" = "$groups" ] || die "gateway holds $held groups, expected $groups"
log "Pushgate pid $pid holds $held groups"

rc=0
run_or_wait "$url" "$pid" "$@" || rc=$?
exit "$rc"

#!/usr/bin/env bash
# Starts the cluster topology of docker-compose.yml as local processes: one redis-server (AOF,
# fsync every second, as compose runs it), N gateway nodes on it and the repository's nginx.conf
# in front (only the node addresses and the listen port substituted, as tests/support/nginx.ts
# does). Fills it with G groups through nginx and optionally runs a benchmark command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat >&2 <<USAGE
Usage: bench/run-cluster.sh --groups N [options] [-- COMMAND]

  --groups N          groups to hold (job=bench, instance=i0..i<N-1>)
  --series S          series per group as pushed (default 25; the gateway adds 2)
  --nodes K           gateway nodes behind nginx (default 2)
  --data-dir DIR      where logs, Redis' AOF and the populate report go (default .bench-results/)
  --concurrency C     populate connections (default 8)
  --no-build          skip 'npx tsc -b services/gateway'
  --gateway-arg ARG   extra argument for every node (repeatable)

COMMAND runs through bash with these exported:
  BENCH_URL         nginx, the cluster's one public address
  BENCH_NODE_URLS   each node directly, space-separated
  BENCH_PIDS        every node's PID and redis-server's, space-separated
  BENCH_PID_ARGS    the same as "--pid A --pid B ..." for scrape-timing / push-load
  BENCH_REDIS_PORT  redis-server's port (redis-cli -p "\$BENCH_REDIS_PORT" info memory)
USAGE
  exit 2
}

groups='' series=25 nodes=2 data_dir="$REPO_DIR/.bench-results" concurrency=8 build=1 gateway_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --groups) groups=$2; shift 2 ;;
    --series) series=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --gateway-arg) gateway_args+=("$2"); shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) log "unknown option $1"; usage ;;
  esac
done
[[ $groups =~ ^[1-9][0-9]*$ ]] || usage
[[ $series =~ ^[1-9][0-9]*$ ]] || usage
[[ $nodes =~ ^[1-9][0-9]*$ ]] || usage
command -v nginx >/dev/null || die "nginx not installed (apt-get install nginx)"
command -v redis-server >/dev/null || die "redis-server not installed"
ensure_tools
mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
if [ "$build" = 1 ]; then build_gateway; fi

run_dir=$(mktemp -d "$data_dir/cluster.XXXXXX")
chmod 755 "$run_dir" # nginx workers run as nobody and need the temp directories
pids=() node_pids=() redis_pid='' nginx_pid=''
cleanup() {
  local p
  for p in "${node_pids[@]}"; do stop_pid "$p" 30 || true; done
  [ -n "$nginx_pid" ] && { stop_pid "$nginx_pid" 10 || true; }
  [ -n "$redis_pid" ] && { stop_pid "$redis_pid" 30 || true; }
  rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis_port=$(free_port)
log "starting redis-server on port $redis_port (appendonly yes, appendfsync everysec)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec \
  --dir "$run_dir" --logfile "$run_dir/redis.log" &
redis_pid=$!
for ((i = 0; i < 100; i++)); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$redis_port" ping >/dev/null 2>&1 || die "redis-server did not start (see $run_dir/redis.log)"

node_urls=() servers=()
for ((n = 1; n <= nodes; n++)); do
  port=$(free_port)
  log "starting node $n on port $port"
  env "${GATEWAY_ENV[@]}" node "$REPO_DIR/services/gateway/dist/bin.js" --web.listen-address="127.0.0.1:$port" \
    --redis.url="redis://127.0.0.1:$redis_port" --web.node-metrics-address=127.0.0.1:0 \
    --log.level=warn ${gateway_args[@]+"${gateway_args[@]}"} >"$data_dir/cluster-node-$n.log" 2>&1 &
  node_pids+=($!)
  node_urls+=("http://127.0.0.1:$port")
  servers+=("127.0.0.1:$port")
done
for ((n = 0; n < nodes; n++)); do wait_ready "${node_urls[$n]}" "${node_pids[$n]}" 60; done

# nginx.conf with the two documented substitutions: the server lines between the markers (each
# keeps the parameters of the first one) and the listen port.
nginx_port=$(free_port)
awk -v servers="${servers[*]}" -v listen="127.0.0.1:$nginx_port" '
  /^[ \t]*# pushgate:servers:start[ \t]*$/ { print; inside = 1; next }
  /^[ \t]*# pushgate:servers:end[ \t]*$/ {
    n = split(servers, s, " ")
    for (i = 1; i <= n; i++) printf "%sserver %s%s;\n", indent, s[i], params
    inside = 0; print; next
  }
  inside {
    if (params == "" && match($0, /server [^ ;]+/)) {
      indent = substr($0, 1, index($0, "server") - 1)
      rest = substr($0, RSTART + RLENGTH); sub(/;.*/, "", rest); params = rest
    }
    next
  }
  /^[ \t]*listen [^;]+; *# pushgate:listen[ \t]*$/ { sub(/listen [^;]+;/, "listen " listen ";") }
  { print }
' "$REPO_DIR/nginx.conf" >"$run_dir/nginx.conf"
nginx -t -q -p "$run_dir" -c "$run_dir/nginx.conf" >/dev/null || die "nginx -t failed on $run_dir/nginx.conf"
nginx -p "$run_dir" -c "$run_dir/nginx.conf" -g 'daemon off;' >"$data_dir/cluster-nginx-access.log" \
  2>"$data_dir/cluster-nginx-error.log" &
nginx_pid=$!
url="http://127.0.0.1:$nginx_port"
wait_ready "$url" "$nginx_pid" 10

log "populating $groups groups x $series series through nginx"
node "$BENCH_DIR/dist/populate.js" --url "$url" --groups "$groups" --series "$series" --concurrency "$concurrency" \
  >"$data_dir/cluster-populate.json"
held=$(count_groups "$url" "$data_dir")
[ "$held" = "$groups" ] || die "cluster holds $held groups, expected $groups"
log "cluster holds $held groups; nodes ${node_pids[*]}, redis $redis_pid, nginx $nginx_pid"

pids=("${node_pids[@]}" "$redis_pid")
pid_args=''
for p in "${pids[@]}"; do pid_args+="--pid $p "; done
export BENCH_URL="$url" BENCH_NODE_URLS="${node_urls[*]}" BENCH_PIDS="${pids[*]}" \
  BENCH_PID_ARGS="$pid_args" BENCH_REDIS_PORT="$redis_port"
if [ $# -eq 0 ]; then
  log "ready: BENCH_URL=$url BENCH_NODE_URLS='${node_urls[*]}' (Ctrl-C stops it)"
  wait "$nginx_pid"
  exit 0
fi
log "running: $*"
rc=0
bash -c "$*" || rc=$?
exit "$rc"

# Helpers shared by run-upstream.sh and run-pushgate.sh. Sourced, not executed.
# Every process started here is tracked by PID and stopped by PID, never by name: the machine
# runs other gateways that must not be touched.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"

# The malloc settings of the gateway image (services/gateway/Dockerfile), for every node started
# here: benchmarks measure what is shipped.
GATEWAY_ENV=(MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=16384)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Builds the bench tools when dist/ is missing or older than a source file.
ensure_tools() {
  if [ ! -f "$BENCH_DIR/dist/populate.js" ] || [ -n "$(find "$BENCH_DIR/src" -newer "$BENCH_DIR/dist/populate.js" -name '*.ts' -print -quit)" ]; then
    log "building bench tools (npx tsc -p bench)"
    (cd "$REPO_DIR" && npx tsc -p bench) || die "bench build failed"
  fi
}

# Builds the gateway (and what it depends on) unless the caller passed --no-build.
build_gateway() {
  log "building the gateway (npx tsc -b services/gateway)"
  (cd "$REPO_DIR" && npx tsc -b services/gateway) || die "gateway build failed"
}

# wait_ready URL PID TIMEOUT_S: polls URL/-/ready until 200; fails early if PID died.
wait_ready() {
  local url=$1 pid=$2 timeout=$3 i
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || die "process $pid exited before $url was ready"
    curl -fsS -o /dev/null --max-time 5 "$url/-/ready" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$url not ready after ${timeout}s"
}

# stop_pid PID TIMEOUT_S: SIGTERM (upstream persists its store on SIGTERM), waits for the exit.
stop_pid() {
  local pid=$1 timeout=${2:-120} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  log "process $pid ignored SIGTERM for ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 1
}

# count_groups URL TMPDIR: number of stored groups (one push_time_seconds sample each). The body
# goes to a file first, so a failed scrape (upstream answers 500 when inconsistent) is an error
# and not a count of 0.
count_groups() {
  local body="$2/count-groups.$$.txt"
  curl -fsS --max-time 600 -o "$body" "$1/metrics" || { rm -f "$body"; die "GET $1/metrics failed"; }
  grep -c '^push_time_seconds[{ ]' "$body" || true
  rm -f "$body"
}

# run_or_wait URL PID CMD...: exports BENCH_URL/BENCH_PID and runs CMD through bash (so it can
# use "$BENCH_URL"); without CMD, waits until the gateway exits or Ctrl-C.
run_or_wait() {
  local url=$1 pid=$2
  shift 2
  export BENCH_URL=$url BENCH_PID=$pid
  if [ $# -eq 0 ]; then
    log "ready: BENCH_URL=$url BENCH_PID=$pid (Ctrl-C stops it)"
    wait "$pid"
    return 0
  fi
  log "running: $*"
  bash -c "$*"
}

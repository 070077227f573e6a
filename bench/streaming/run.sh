#!/usr/bin/env bash
# The streaming benchmark (issue 6) in one command: builds the server from a fixed commit (never the working tree),
# makes a poster and its followers once (cached), then, each on a fresh server over a fresh copy of that data:
#   hold        idle SSE streams opened in steps (1k, 5k, 10k): the server's resident set at each, and whether a
#               post still reaches every stream;
#   latency-*   1,000 subscribers, 50 posts one every 500 ms: each (post, subscriber) latency from just before the
#               POST to the read that brought its event — on #pyongyang streams, on user streams (each subscriber
#               follows the poster), and half and half;
#   throughput-* 1,000 subscribers, posting flat out: events delivered per second.
# Prints markdown tables with every target read as met or missed.
#
#   bench/streaming/run.sh
#
# Settings (environment):
#   PINHOLE_STREAM_BENCH_DIR  server builds, the accounts, results   (/tmp/pinhole-stream-bench)
#   BENCH_REV             the commit whose server is measured (the last commit that changed src/)
#   BENCH_FOLLOWERS       followers of the poster, one per user stream (1000)
#   BENCH_HOLD_STEPS      streams held at each step of the hold run (1000,5000,10000); BENCH_SETTLE: seconds of
#                         quiet at each step over which the resident set is read (20)
#   BENCH_SUBSCRIBERS     subscribers in the latency and throughput runs (1000)
#   BENCH_POSTS, BENCH_INTERVAL_MS   the latency runs' posts and their spacing (50, 500)
#   BENCH_WARMUP_POSTS    unmeasured posts before each delivery run (40: .NET compiles a method again, optimised,
#                         after about 30 calls, and the per-event code runs once per post; 5 left the first dozen
#                         measured posts on unoptimised code, 3-10 times slower than the rest)
#   BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_IN_FLIGHT   the throughput runs (30 s measured after 5 s, 1 POST in flight)
#   BENCH_QUIET_WAIT      seconds to wait, before each step, for a quiet machine (1200)
#   BENCH_QUIET_LOAD      the 1-minute load average below which the machine counts as quiet (1.5)
#   BENCH_ONLY            run only these steps, e.g. "hold latency-hashtag" (all)
#   BENCH_SERVER_ARGS     extra server options, for diagnostic runs only, e.g.
#                         "--Pinhole:Streaming:PollMilliseconds=50" (none; the defaults are what is measured)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

cache=${PINHOLE_STREAM_BENCH_DIR:-/tmp/pinhole-stream-bench}
rev=$(git rev-parse --short "${BENCH_REV:-$(git log -1 --format=%H HEAD -- src)}")
followers=${BENCH_FOLLOWERS:-1000}
hold_steps=${BENCH_HOLD_STEPS:-1000,5000,10000}; settle=${BENCH_SETTLE:-20}
subscribers=${BENCH_SUBSCRIBERS:-1000}; half=$((subscribers / 2))
posts=${BENCH_POSTS:-50}; interval=${BENCH_INTERVAL_MS:-500}; warmup_posts=${BENCH_WARMUP_POSTS:-40}
seconds=${BENCH_SECONDS:-30}; warmup_seconds=${BENCH_WARMUP_SECONDS:-5}; in_flight=${BENCH_IN_FLIGHT:-1}
quiet_wait=${BENCH_QUIET_WAIT:-1200}; quiet_load=${BENCH_QUIET_LOAD:-1.5}; only=${BENCH_ONLY:-}
read -r -a server_args <<< "${BENCH_SERVER_ARGS:-}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$cache/results-$stamp"
mkdir -p "$results"

log() { echo "[streaming] $*" >&2; }

# --- file descriptors: one per stream, in the server and in the client ------------------------------------------------
# Raised to the hard limit, which only CAP_SYS_RESOURCE could lift (this machine's is 20,000): enough for 10,000
# streams in each process, since each has its own table.
ulimit -n "$(ulimit -Hn)"
most=$(tr ',' '\n' <<< "$hold_steps" | sort -n | tail -1)
if [ "$(ulimit -n)" -lt $((most + 1000)) ]; then
  echo "ulimit -n is $(ulimit -n): too few for $most streams (raise the hard limit, as root with CAP_SYS_RESOURCE)" >&2
  exit 1
fi

# --- build: the benchmark from here, the server from $rev in a temporary worktree ---------------------------------------
log "building the benchmark"
dotnet build -c Release bench/streaming/Pinhole.StreamBench -nologo -v q -clp:ErrorsOnly >&2
bench=(dotnet "$root/bench/streaming/Pinhole.StreamBench/bin/Release/net10.0/Pinhole.StreamBench.dll")
server_dir="$cache/server-$rev"
if [ ! -f "$server_dir/Pinhole.Server.dll" ]; then
  src="$cache/src-$rev"
  log "building the server at $rev in a worktree"
  git worktree remove --force "$src" 2>/dev/null || rm -rf "$src"
  git worktree add --detach "$src" "$rev" >&2
  trap 'git -C "$root" worktree remove --force "$src" 2>/dev/null || true' EXIT
  dotnet build "$src/src/Pinhole.Server" -c Release -nologo -v q -clp:ErrorsOnly >&2
  rm -rf "$server_dir.tmp"; cp -r "$src/src/Pinhole.Server/bin/Release/net10.0" "$server_dir.tmp"; mv "$server_dir.tmp" "$server_dir"
  git worktree remove --force "$src"
  trap - EXIT
fi
echo "$rev" > "$results/commit"
echo "${server_args[*]}" > "$results/server-args"

# --- a server on a fresh copy of the data --------------------------------------------------------------------------
server_pid=""; url=""
start_server() { # name data-dir
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url="http://127.0.0.1:$port"
  # From its own directory (its content root); warnings only, as in bench/run.sh.
  (cd "$server_dir" && Logging__LogLevel__Default=Warning exec dotnet Pinhole.Server.dll --urls "$url" \
    --Pinhole:DataDir="$2" --Pinhole:RateLimits:Enabled=false "${server_args[@]}") > "$results/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "$url/health" > /dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$results/server-$1.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the server did not answer /health within a minute" >&2; exit 1
}
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
trap stop_server EXIT

# --- the accounts, made once per commit: a poster and its followers -----------------------------------------------------
template="$cache/data-$rev-$followers"
if [ ! -f "$template/.complete" ]; then
  log "registering a poster and $followers followers"
  rm -rf "$template"; mkdir -p "$template/data"
  start_server setup "$template/data"
  "${bench[@]}" setup --url "$url" --followers "$followers" --out "$template/accounts.tsv"
  stop_server
  touch "$template/.complete"
fi
fresh_data() { # name: a copy of the template's database for one run
  rm -rf "$results/data-$1"; cp -r "$template/data" "$results/data-$1"; echo "$results/data-$1"
}

# --- quiet machine, and what each step saw --------------------------------------------------------------------------
# Other engineers' benchmarks and test runs share the two cores; they show in the load average.
# pgrep finds nothing on a quiet machine, and says so with its exit status.
others() { { pgrep -f '/tmp/pinhole-bench/|/tmp/pinhole-media-bench/|/tmp/pinhole-upload-bench/|testhost|Tests.dll' || true; } | wc -l; }
# Busy ticks, all ticks, and the busy ticks of processes at a lowered priority (nice > 0: builds and tests run so).
busy_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9, $3 }' /proc/stat; }
step_start() { # step: wait for quiet, up to $quiet_wait seconds, then note the machine's state
  step=$1 waited=0
  while true; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    running=$(others)
    if awk -v l="$load" -v q="$quiet_load" 'BEGIN { exit !(l < q) }'; then quiet=true; break; fi
    if [ "$waited" -ge "$quiet_wait" ]; then quiet=false; break; fi
    [ "$waited" -eq 0 ] && log "$step: waiting for a quiet machine (load $load, $running other benchmark or test processes)"
    sleep 30; waited=$((waited + 30))
  done
  [ "$quiet" = true ] || log "$step: NOT QUIET after ${waited}s (load $load, $running other processes); measuring anyway"
  log "$step (load $load)"
  started=$(date +%s.%N); read -r busy0 total0 nice0 < <(busy_ticks)
}
step_end() {
  local ended busy1 total1 nice1
  ended=$(date +%s.%N); read -r busy1 total1 nice1 < <(busy_ticks)
  # busy_pct: the whole machine, as a share of one core (100% per core), over the step.
  printf '{"step":"%s","waited_s":%d,"quiet":%s,"load1":%s,"others":"%s","wall_s":%s,"busy_pct":%s,"niced_pct":%s}\n' \
    "$step" "$waited" "$quiet" "$load" "$running other benchmark or test processes" \
    "$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')" \
    "$(awk -v b="$((busy1 - busy0))" -v t="$((total1 - total0))" -v n="$(nproc)" 'BEGIN { printf "%.1f", 100 * n * b / t }')" \
    "$(awk -v b="$((nice1 - nice0))" -v t="$((total1 - total0))" -v n="$(nproc)" 'BEGIN { printf "%.1f", 100 * n * b / t }')" >> "$results/machine.jsonl"
}
wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }
measure() { # step command args...: the step on a server of its own
  local name=$1; shift
  wanted "$name" || return 0
  start_server "$name" "$(fresh_data "$name")"
  step_start "$name"
  "${bench[@]}" "$1" --url "$url" --accounts "$template/accounts.tsv" --server-pid "$server_pid" --label "$name" \
    --out "$results/$name.json" "${@:2}"
  step_end
  stop_server
  rm -rf "$results/data-$name"
}

# --- the runs -------------------------------------------------------------------------------------------------------
measure hold hold --steps "$hold_steps" --settle "$settle"
fixed=(--posts "$posts" --interval-ms "$interval" --warmup-posts "$warmup_posts")
measure latency-hashtag deliver --hashtag "$subscribers" --user 0 "${fixed[@]}"
measure latency-user deliver --hashtag 0 --user "$subscribers" "${fixed[@]}"
measure latency-mix deliver --hashtag "$half" --user "$((subscribers - half))" "${fixed[@]}"
flat=(--seconds "$seconds" --warmup-seconds "$warmup_seconds" --in-flight "$in_flight" --warmup-posts "$warmup_posts")
measure throughput-hashtag deliver --hashtag "$subscribers" --user 0 "${flat[@]}"
measure throughput-user deliver --hashtag 0 --user "$subscribers" "${flat[@]}"

# --- report -----------------------------------------------------------------------------------------------------------
{
  echo "### Streaming — server at commit $rev${server_args:+ with ${server_args[*]}}, $(date -u +%Y-%m-%d)"
  echo
  "${bench[@]}" report --results "$results"
} | tee "$results/report.md"
log "results: $results"

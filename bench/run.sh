#!/usr/bin/env bash
# The core API benchmark in one command: builds Release, generates the dataset once (cached), starts the server
# on a fresh copy of it, runs every scenario with the open-loop load runner and prints a markdown table.
#
#   bench/run.sh [sqlite|postgres]
#
# Settings (environment):
#   PINHOLE_BENCH_DIR   cache and results            (/tmp/pinhole-bench)
#   BENCH_ACCOUNTS / BENCH_FOLLOWS / BENCH_POSTS / BENCH_SEED   dataset shape (10000 / 200000 / 300000 / 1)
#   BENCH_RATE          fixed rate for health, home, tag (500 req/s)
#   BENCH_POST_RATE     fixed rate for posting       (300 statuses/s)
#   BENCH_DURATION      seconds measured per run     (30)
#   BENCH_WARMUP        seconds of warm-up per run, same load, not measured (15: the JIT's tiering and
#                       profile-guided recompilation take about that long to settle on two cores)
#   BENCH_REPEAT        how many times the fixed-rate home, tag and post runs are measured (3)
#   BENCH_CONNECTIONS   connection pool of the open-loop runs (64)
#   BENCH_WORKERS       concurrent requests of the max-throughput runs (16)
#   BENCH_QUIET_WAIT    seconds to wait for an idle machine before each run (60)
#   BENCH_RETRIES       measure a run again, up to this many times, when other processes disturbed it (2)
#   BENCH_WRK           1: also measure /health with wrk (1)
#   BENCH_EXPLAIN       1: also write the timeline queries' plans next to the results (1)
#   BENCH_ONLY          run only these labels, e.g. "home-rate tag-rate" (all)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

provider=${1:-sqlite}
case "$provider" in sqlite|postgres) ;; *) echo "usage: bench/run.sh [sqlite|postgres]" >&2; exit 2 ;; esac

cache=${PINHOLE_BENCH_DIR:-/tmp/pinhole-bench}
accounts=${BENCH_ACCOUNTS:-10000}; follows=${BENCH_FOLLOWS:-200000}; posts=${BENCH_POSTS:-300000}; seed=${BENCH_SEED:-1}
rate=${BENCH_RATE:-500}; post_rate=${BENCH_POST_RATE:-300}
duration=${BENCH_DURATION:-30}; warmup=${BENCH_WARMUP:-15}; repeat=${BENCH_REPEAT:-3}
connections=${BENCH_CONNECTIONS:-64}; workers=${BENCH_WORKERS:-16}; quiet=${BENCH_QUIET_WAIT:-60}; retries=${BENCH_RETRIES:-2}
only=${BENCH_ONLY:-}
mkdir -p "$cache"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$cache/results-$provider-$stamp.jsonl"
report="$cache/report-$provider-$stamp.md"

log() { echo "[run] $*" >&2; }

free_port() {
  local port
  while true; do
    port=$(( 20000 + RANDOM % 20000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# --- build -----------------------------------------------------------------------------------------------------
log "building Release"
dotnet build -c Release src/Pinhole.Server -nologo -v q -clp:ErrorsOnly
dotnet build -c Release bench/Pinhole.Bench -nologo -v q -clp:ErrorsOnly
bench=(dotnet "$root/bench/Pinhole.Bench/bin/Release/net10.0/Pinhole.Bench.dll")
server_dll="$root/src/Pinhole.Server/bin/Release/net10.0/Pinhole.Server.dll"
# The server's code is what src/ held at build time: name the last commit that changed it, and say if it was dirty.
commit="$(git log -1 --format=%h -- src) (last change to src/; HEAD $(git rev-parse --short HEAD))"
if ! git diff --quiet HEAD -- src; then commit="$commit + uncommitted changes in src/"; fi

# --- PostgreSQL, when asked for: a throwaway cluster on a free port (the recipe in STACK.md) ----------------------
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(runuser -u postgres --)
pg_port=""; pg_data=""
pg_start() { # data directory
  pg_data=$1; pg_port=$(free_port)
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$(dirname "$pg_data")"
  "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$pg_data" -l "$(dirname "$pg_data")/postgres.log" -w start -o \
    "-p $pg_port -k $(dirname "$pg_data") -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
}
pg_stop() { [ -n "$pg_data" ] && "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$pg_data" -m fast stop >/dev/null 2>&1 || true; pg_data=""; }
pg_connection() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=pinhole"; }

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_stop
}
trap cleanup EXIT

# --- the dataset: generated once per shape, copied fresh for every run (posting changes it) ----------------------
shape="a$accounts-f$follows-p$posts-s$seed"
pristine="$cache/$provider-$shape"
run_dir="$cache/run-$provider"
if [ ! -f "$pristine/.complete" ]; then
  log "generating the dataset into $pristine"
  rm -rf "$pristine"; mkdir -p "$pristine"
  if [ "$provider" = sqlite ]; then
    "${bench[@]}" generate --provider sqlite --data-dir "$pristine" --accounts "$accounts" --follows "$follows" --posts "$posts" --seed "$seed"
  else
    [ -n "$pgbin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql-15)" >&2; exit 1; }
    mkdir -p "$pristine/cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pristine/cluster"
    "${as_postgres[@]}" "$pgbin/initdb" -D "$pristine/cluster/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    pg_start "$pristine/cluster/data"
    "${as_postgres[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres pinhole
    "${bench[@]}" generate --provider postgres --connection "$(pg_connection)" --out "$pristine" \
      --accounts "$accounts" --follows "$follows" --posts "$posts" --seed "$seed"
    pg_stop
  fi
  touch "$pristine/.complete"
fi
log "copying the dataset to $run_dir"
rm -rf "$run_dir"; cp -a "$pristine" "$run_dir"
tokens="$run_dir/tokens.tsv"

# SQLite's file is the data directory's pinhole.db; with PostgreSQL the data directory holds only media.
server_args=(--Pinhole:DataDir="$run_dir" --Pinhole:RateLimits:Enabled=false)
if [ "$provider" = sqlite ]; then
  explain_target=(--provider sqlite --data-dir "$run_dir")
else
  pg_start "$run_dir/cluster/data"
  server_args+=(--Pinhole:Database:Provider=Postgres --ConnectionStrings:Postgres="$(pg_connection)")
  explain_target=(--provider postgres --connection "$(pg_connection)")
fi

if [ "${BENCH_EXPLAIN:-1}" = 1 ]; then
  log "query plans -> $cache/explain-$provider-$stamp.md"
  "${bench[@]}" explain "${explain_target[@]}" > "$cache/explain-$provider-$stamp.md"
fi

# --- the server, from the Release build --------------------------------------------------------------------------
port=$(free_port)
url="http://127.0.0.1:$port"
log "starting the server at $url"
server_log="$cache/server-$provider-$stamp.log"
# Warnings only, except start and stop, so the log tells a clean shutdown (someone's SIGTERM) from a crash.
(cd src/Pinhole.Server && exec env Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.Hosting.Lifetime=Information \
  ASPNETCORE_ENVIRONMENT=Production dotnet "$server_dll" --urls "$url" "${server_args[@]}") > "$server_log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  [ "$(curl -s "$url/health" 2>/dev/null)" = Healthy ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$server_log" >&2; exit 1; }
  sleep 0.5
done
[ "$(curl -s "$url/health")" = Healthy ] || { echo "the server did not become healthy" >&2; exit 1; }

# --- the runs -----------------------------------------------------------------------------------------------------
run() { # name, load options...
  local name=$1; shift
  if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then return; fi
  local status=0
  local db_pid=()
  [ -n "$pg_data" ] && db_pid=(--db-pid "$(head -n 1 "$pg_data/postmaster.pid")")
  "${bench[@]}" load --url "$url" --server-pid "$server_pid" "${db_pid[@]}" --results "$results" --tokens "$tokens" \
    --duration "$duration" --warmup "$warmup" --connections "$connections" --quiet-wait "$quiet" --retries "$retries" "$@" || status=$?
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" 2>/dev/null && code=0 || code=$?
    server_pid=""
    echo "[run] the server died during '$name' (exit status $code; 139 = SIGSEGV, 143 = SIGTERM, 137 = SIGKILL); its log:" >&2
    tail -n 30 "$server_log" >&2
    exit 1
  fi
  return $status
}
# The runs the targets are judged on are repeated: their tails vary from one 30-second window to the next.
repeated() { # name, label, load options...
  local name=$1 label=$2; shift 2
  for i in $(seq 1 "$repeat"); do
    local suffix=""; [ "$repeat" -gt 1 ] && suffix=" ($i/$repeat)"
    run "$name" --label "$label$suffix" "$@"
  done
}
run health-max  --scenario health --max --workers "$workers" --label "health, max"
run health-rate --scenario health --rate "$rate" --label "health @ $rate/s"
repeated home-rate "home @ $rate/s" --scenario home --rate "$rate"
repeated tag-rate "tag #pyongyang @ $rate/s" --scenario tag --rate "$rate"
run home-max    --scenario home --max --workers "$workers" --label "home, max"
run tag-max     --scenario tag --max --workers "$workers" --label "tag #pyongyang, max"
# Posting last: it adds tens of thousands of statuses, which the read runs should not see.
repeated post-rate "post @ $post_rate/s" --scenario post --rate "$post_rate"
run post-max    --scenario post --max --workers "$workers" --label "post, max"

wrk_line=""
if [ "${BENCH_WRK:-1}" = 1 ] && command -v wrk >/dev/null; then
  log "wrk -t2 -c16 -d10s $url/health"
  wrk_out=$(wrk -t2 -c16 -d10s "$url/health")
  echo "$wrk_out" >&2
  wrk_line="wrk -t2 -c16 -d10s /health (closed loop, its own CPU competing): $(echo "$wrk_out" | awk '/Requests\/sec/ {print $2}') req/s, mean latency $(echo "$wrk_out" | awk '/Latency/ {print $2; exit}')"
fi

hwm=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$server_pid/status")
rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$server_pid/status")
{
  echo "### $provider — server at commit $commit, $(date -u +%Y-%m-%d)"
  echo
  echo "Dataset: $accounts accounts, $follows follows, $posts posts (seed $seed); $duration s per run after $warmup s of warm-up"
  echo "at the same load;"
  echo "open-loop runs use a pool of $connections connections, max-throughput runs $workers workers. CPU: 100% = one core."
  echo
  "${bench[@]}" report --results "$results"
  echo
  echo "Server memory over the whole session: peak RSS (VmHWM) $hwm MB, RSS at the end $rss MB."
  [ -n "$wrk_line" ] && echo "$wrk_line."
} | tee "$report"
log "results: $results; report: $report"

#!/usr/bin/env bash
# The API benchmark in one command: builds Release, generates the dataset once (cached), starts the server on a
# fresh copy of it, runs every scenario with the open-loop load runner and prints a markdown table.
#
#   bench/run.sh [sqlite|postgres] [core|social]
#
# core: timelines and posting on the core dataset. social: the same dataset plus blocks, mutes, notifications,
# favourites and followed tags (generate --social, cached apart), and the home, tag, notifications, search and
# trends scenarios.
#
# Settings (environment):
#   PINHOLE_BENCH_DIR   cache and results            (/tmp/pinhole-bench)
#   BENCH_ACCOUNTS / BENCH_FOLLOWS / BENCH_POSTS / BENCH_SEED   dataset shape (10000 / 200000 / 300000 / 1)
#   BENCH_GENERATE_ARGS extra generator options, e.g. "--tag-followers 0" (the social dataset without followed
#                       tags); the dataset is cached apart, under a name that includes them (none)
#   BENCH_RATE          fixed rate for health, home, tag, trends (500 req/s)
#   BENCH_POST_RATE     fixed rate for posting       (300 statuses/s)
#   BENCH_NOTIFICATIONS_RATE, BENCH_SEARCH_RATE, BENCH_SEARCH_ACCOUNTS_RATE
#                       fixed rates of the social scenarios (300, 20, 300 req/s)
#   BENCH_TRENDS_REFRESH  the server's Pinhole:Trends:RefreshSeconds in social runs (10: a refresh every 10 s
#                       instead of the default 300, so each 30-second trends run pays for three)
#   BENCH_MAX_AGE_HOURS regenerate a cached dataset older than this (12): its posts end when it was made, and home
#                       (two-day window first) and trends (the last day) read relative to now
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
#   BENCH_EXPLAIN_ARGS  extra options for explain, e.g. "--home-sweep" (every account's home query timed) (none)
#   BENCH_ONLY          run only these labels, e.g. "home-rate tag-rate" (all)
#   BENCH_REV           build the server from this commit (e.g. HEAD), exported with git archive into the cache,
#                       instead of from the working tree: uncommitted work in src/ stays out of the numbers; the
#                       bench is built against that commit's src/Pinhole.Data too (its migrations make the dataset)
#                       (unset)
#   BENCH_SERVER_ARGS   extra arguments for the server, e.g. "--Pinhole:Trends:RefreshSeconds=300" (none)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

provider=${1:-sqlite}
dataset=${2:-core}
usage="usage: bench/run.sh [sqlite|postgres] [core|social]"
case "$provider" in sqlite|postgres) ;; *) echo "$usage" >&2; exit 2 ;; esac
case "$dataset" in core|social) ;; *) echo "$usage" >&2; exit 2 ;; esac

cache=${PINHOLE_BENCH_DIR:-/tmp/pinhole-bench}
accounts=${BENCH_ACCOUNTS:-10000}; follows=${BENCH_FOLLOWS:-200000}; posts=${BENCH_POSTS:-300000}; seed=${BENCH_SEED:-1}
rate=${BENCH_RATE:-500}; post_rate=${BENCH_POST_RATE:-300}
notifications_rate=${BENCH_NOTIFICATIONS_RATE:-300}; search_rate=${BENCH_SEARCH_RATE:-20}; search_accounts_rate=${BENCH_SEARCH_ACCOUNTS_RATE:-300}
trends_refresh=${BENCH_TRENDS_REFRESH:-10}; max_age_hours=${BENCH_MAX_AGE_HOURS:-12}
duration=${BENCH_DURATION:-30}; warmup=${BENCH_WARMUP:-15}; repeat=${BENCH_REPEAT:-3}
connections=${BENCH_CONNECTIONS:-64}; workers=${BENCH_WORKERS:-16}; quiet=${BENCH_QUIET_WAIT:-60}; retries=${BENCH_RETRIES:-2}
only=${BENCH_ONLY:-}
mkdir -p "$cache"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="$provider"; [ "$dataset" = social ] && name="$provider-social"
results="$cache/results-$name-$stamp.jsonl"
report="$cache/report-$name-$stamp.md"

log() { echo "[run] $*" >&2; }

free_port() {
  local port
  while true; do
    port=$(( 20000 + RANDOM % 20000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# --- build -----------------------------------------------------------------------------------------------------
server_root="$root"
if [ -n "${BENCH_REV:-}" ]; then
  rev=$(git rev-parse --short "$BENCH_REV^{commit}")
  server_root="$cache/src-$rev"
  if [ ! -f "$server_root/.complete" ]; then
    log "exporting the server's source at $rev into $server_root"
    rm -rf "$server_root"; mkdir -p "$server_root"
    git archive "$rev" Directory.Build.props Directory.Packages.props global.json .editorconfig src | tar -x -C "$server_root"
    touch "$server_root/.complete"
  fi
  # The bench links src/Pinhole.Data: its generator applies that project's migrations and its explain command
  # opens the database through it. Built beside the export, from a copy of bench/, it takes that commit's schema,
  # so the dataset is the one the server at BENCH_REV expects (and the working tree's src/ need not even compile).
  rm -rf "$server_root/bench"; mkdir -p "$server_root/bench"
  tar -C "$root" --exclude=bin --exclude=obj -cf - bench/Pinhole.Bench | tar -C "$server_root" -xf -
fi
log "building Release"
dotnet build -c Release "$server_root/src/Pinhole.Server" -nologo -v q -clp:ErrorsOnly
dotnet build -c Release "$server_root/bench/Pinhole.Bench" -nologo -v q -clp:ErrorsOnly
bench=(dotnet "$server_root/bench/Pinhole.Bench/bin/Release/net10.0/Pinhole.Bench.dll")
server_dll="$server_root/src/Pinhole.Server/bin/Release/net10.0/Pinhole.Server.dll"
# The server's code is what src/ held at build time: name the last commit that changed it, and say if it was dirty.
if [ -n "${BENCH_REV:-}" ]; then
  commit="$(git log -1 --format=%h "$rev" -- src) (last change to src/ at $rev, built from git archive)"
else
  commit="$(git log -1 --format=%h -- src) (last change to src/; HEAD $(git rev-parse --short HEAD))"
  if ! git diff --quiet HEAD -- src; then commit="$commit + uncommitted changes in src/"; fi
fi

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

# --- the dataset: generated once per shape and schema, copied fresh for every run (posting changes it) -----------
# The schema is the server's migrations: a new migration makes a new dataset (and the generator fills new columns).
schema=$(cat "$server_root"/src/Pinhole.Data/Migrations/*/*.sql | sha1sum | cut -c1-8)
shape="a$accounts-f$follows-p$posts-s$seed"
generate_args=(--accounts "$accounts" --follows "$follows" --posts "$posts" --seed "$seed")
if [ "$dataset" = social ]; then shape="$shape-social"; generate_args+=(--social); fi
if [ -n "${BENCH_GENERATE_ARGS:-}" ]; then
  # shellcheck disable=SC2206 # split on purpose: several arguments in one setting
  generate_args+=(${BENCH_GENERATE_ARGS})
  shape="$shape-$(echo "$BENCH_GENERATE_ARGS" | tr -d ' -')"
fi
pristine="$cache/$provider-$shape-m$schema"
run_dir="$cache/run-$name"
if [ -f "$pristine/.complete" ] && [ -n "$(find "$pristine/.complete" -mmin +$((max_age_hours * 60)))" ]; then
  log "the cached dataset in $pristine is older than $max_age_hours hours: generating it again"
  rm -f "$pristine/.complete"
fi
if [ ! -f "$pristine/.complete" ]; then
  log "generating the dataset into $pristine"
  rm -rf "$pristine"; mkdir -p "$pristine"
  if [ "$provider" = sqlite ]; then
    "${bench[@]}" generate --provider sqlite --data-dir "$pristine" "${generate_args[@]}"
  else
    [ -n "$pgbin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql-15)" >&2; exit 1; }
    mkdir -p "$pristine/cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pristine/cluster"
    "${as_postgres[@]}" "$pgbin/initdb" -D "$pristine/cluster/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    pg_start "$pristine/cluster/data"
    "${as_postgres[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres pinhole
    "${bench[@]}" generate --provider postgres --connection "$(pg_connection)" --out "$pristine" "${generate_args[@]}"
    pg_stop
  fi
  touch "$pristine/.complete"
fi
log "copying the dataset to $run_dir"
rm -rf "$run_dir"; cp -a "$pristine" "$run_dir"
tokens="$run_dir/tokens.tsv"

# SQLite's file is the data directory's pinhole.db; with PostgreSQL the data directory holds only media.
server_args=(--Pinhole:DataDir="$run_dir" --Pinhole:RateLimits:Enabled=false)
[ "$dataset" = social ] && server_args+=(--Pinhole:Trends:RefreshSeconds="$trends_refresh")
# shellcheck disable=SC2206 # split on purpose: several arguments in one setting
[ -n "${BENCH_SERVER_ARGS:-}" ] && server_args+=(${BENCH_SERVER_ARGS})
if [ "$provider" = sqlite ]; then
  explain_target=(--provider sqlite --data-dir "$run_dir")
else
  pg_start "$run_dir/cluster/data"
  server_args+=(--Pinhole:Database:Provider=Postgres --ConnectionStrings:Postgres="$(pg_connection)")
  explain_target=(--provider postgres --connection "$(pg_connection)")
fi

if [ "${BENCH_EXPLAIN:-1}" = 1 ]; then
  log "query plans -> $cache/explain-$name-$stamp.md"
  # shellcheck disable=SC2086 # split on purpose: several arguments in one setting
  "${bench[@]}" explain "${explain_target[@]}" ${BENCH_EXPLAIN_ARGS:-} > "$cache/explain-$name-$stamp.md"
fi

# --- the server, from the Release build --------------------------------------------------------------------------
port=$(free_port)
url="http://127.0.0.1:$port"
log "starting the server at $url"
server_log="$cache/server-$name-$stamp.log"
# Warnings only, except start and stop, so the log tells a clean shutdown (someone's SIGTERM) from a crash.
(cd "$server_root/src/Pinhole.Server" && exec env Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.Hosting.Lifetime=Information \
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
if [ "$dataset" = core ]; then
  # Posting last: it adds tens of thousands of statuses, which the read runs should not see.
  repeated post-rate "post @ $post_rate/s" --scenario post --rate "$post_rate"
  run post-max    --scenario post --max --workers "$workers" --label "post, max"
else
  repeated notifications-rate "notifications @ $notifications_rate/s" --scenario notifications --rate "$notifications_rate"
  run notifications-max --scenario notifications --max --workers "$workers" --label "notifications, max"
  repeated search-rate "search statuses @ $search_rate/s" --scenario search --rate "$search_rate"
  run search-max --scenario search --max --workers "$workers" --label "search statuses, max"
  repeated search-accounts-rate "search accounts @ $search_accounts_rate/s" --scenario search-accounts --rate "$search_accounts_rate"
  run search-accounts-max --scenario search-accounts --max --workers "$workers" --label "search accounts, max"
  repeated trends-tags-rate "trends/tags @ $rate/s" --scenario trends-tags --rate "$rate"
  repeated trends-statuses-rate "trends/statuses @ $rate/s" --scenario trends-statuses --rate "$rate"
  run trends-tags-max --scenario trends-tags --max --workers "$workers" --label "trends/tags, max"
  run trends-statuses-max --scenario trends-statuses --max --workers "$workers" --label "trends/statuses, max"
fi

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
  echo "### $provider, $dataset dataset — server at commit $commit, $(date -u +%Y-%m-%d)"
  echo
  echo "Dataset: $accounts accounts, $follows follows, $posts posts (seed $seed)$([ "$dataset" = social ] && echo ", plus the social additions")$([ -n "${BENCH_GENERATE_ARGS:-}" ] && echo " (generate $BENCH_GENERATE_ARGS)")," \
    "generated $(date -u -r "$pristine/.complete" '+%Y-%m-%d %H:%M UTC'); $duration s per run after $warmup s of warm-up"
  echo "at the same load;"
  [ "$dataset" = social ] && echo "trends recomputed at most every $trends_refresh s (Pinhole:Trends:RefreshSeconds);"
  echo "open-loop runs use a pool of $connections connections, max-throughput runs $workers workers. CPU: 100% = one core."
  echo
  "${bench[@]}" report --results "$results"
  echo
  echo "Server memory over the whole session: peak RSS (VmHWM) $hwm MB, RSS at the end $rss MB."
  if [ -n "$wrk_line" ]; then echo "$wrk_line."; fi
} | tee "$report"
log "results: $results; report: $report"

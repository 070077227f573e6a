#!/usr/bin/env bash
# The upload benchmark (issue 5) in one command: builds Release, makes the inputs once (cached), starts the server
# on a fresh data directory, then
#   1. over loopback, curl uploads a 200 MB video with tus (one PATCH; 8 MB chunks), with POST /api/v2/media, and to
#      trivial sinks that discard the body (the ceiling), measuring throughput, the server's CPU and its memory, one
#      upload at a time and four at once; and a 120 MB video, the largest size POST /api/v2/media takes, both ways;
#   2. through an impaired link (a proxy: 1 Mbit/s, 300 ms round trip, a drop every 2 MiB), an 8 MB video with tus
#      (resuming from the server's offset) against a one-shot POST /api/v2/media (starting over at every drop).
# Prints markdown tables (bench/uploads/REPORT.md explains them) and leaves every run's raw numbers in results.jsonl.
#
#   bench/uploads/run.sh
#
# Settings (environment):
#   PINHOLE_UPLOAD_BENCH_DIR  inputs and results                          (/tmp/pinhole-upload-bench)
#   BENCH_RUNS            measured runs of each loopback upload, after one unmeasured (3)
#   BENCH_CHUNK_MB        tus chunk size for the chunked loopback run (8)
#   BENCH_IMPAIRED_RUNS   runs of each upload through the impaired link (1)
#   BENCH_GIVE_UP         POSTs the one-shot upload makes before giving up (5)
#   BENCH_QUIET_WAIT      seconds in all to wait, polling every 30 s, for a quiet machine before each round and
#                         each impaired-link upload (1200)
#   BENCH_QUIET_LOAD      the 1-minute load average below which the machine counts as quiet (1.0)
#   BENCH_ONLY            "loopback" or "impaired" to run only that part (both)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

cache=${PINHOLE_UPLOAD_BENCH_DIR:-/tmp/pinhole-upload-bench}
runs=${BENCH_RUNS:-3}; chunk_mb=${BENCH_CHUNK_MB:-8}
impaired_runs=${BENCH_IMPAIRED_RUNS:-1}; give_up=${BENCH_GIVE_UP:-5}
quiet_wait=${BENCH_QUIET_WAIT:-1200}; quiet_load=${BENCH_QUIET_LOAD:-1.0}; only=${BENCH_ONLY:-}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$cache/results-$stamp"
inputs="$cache/inputs"
mkdir -p "$results" "$inputs"
out="$results/results.jsonl"

log() { echo "[uploads] $(date -u +%H:%M:%S) $*" >&2; }
for tool in curl ffmpeg ffprobe hyperfine jq /usr/bin/time dotnet python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
wants() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# --- build ---------------------------------------------------------------------------------------------------------
log "building Release"
dotnet build -c Release src/Pinhole.Server -nologo -v q -clp:ErrorsOnly >&2
dotnet build -c Release bench/uploads/Pinhole.UploadBench -nologo -v q -clp:ErrorsOnly >&2
# The server runs from a copy: a build of src/ by someone else mid-run must not swap its assemblies underneath it.
cp -a src/Pinhole.Server/bin/Release/net10.0 "$results/server"
bench=(dotnet "$root/bench/uploads/Pinhole.UploadBench/bin/Release/net10.0/Pinhole.UploadBench.dll")
commit="$(git log -1 --format=%h -- src) (last change to src/; HEAD $(git rev-parse --short HEAD))"
if ! git diff --quiet HEAD -- src; then commit="$commit + uncommitted changes in src/"; fi

# --- inputs, made once: deterministic (seeded noise), so a rerun uploads the same bytes -----------------------------
# Each is a real video, so a finished upload becomes media as a phone's would: ffprobe at the end of the upload, then
# processing in the background. Noise makes the H.264 stream large (about 30 MB per second of 720p).
recipe=1
if [ ! -f "$inputs/.complete-$recipe" ]; then
  log "making the inputs in $inputs"
  noisy() { # out seconds
    ffmpeg -hide_banner -loglevel error -y \
      -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=40:allf=t:all_seed=1" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
      -t "$2" -c:v libx264 -preset superfast -crf 2 -pix_fmt yuv420p -threads 2 -c:a aac -b:a 128k -shortest "$1"
  }
  # About 200 MB: under the 200 MiB (209,715,200-byte) video limit.
  noisy "$inputs/video-200mb.mp4" 6.45
  # About 120 MB: under the 128 MiB a multipart form may carry (ASP.NET Core's default), so POST /api/v2/media takes it.
  noisy "$inputs/video-120mb.mp4" 3.9
  # An ordinary phone-like clip for the slow link: 8 s of 720p at about 8 Mbit/s.
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t:all_seed=2" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t 8 -c:v libx264 -preset veryfast -b:v 7800k -maxrate 8M -bufsize 8M -pix_fmt yuv420p -threads 2 -c:a aac -b:a 128k -shortest \
    "$inputs/video-8mb.mp4"
  touch "$inputs/.complete-$recipe"
fi
big="$inputs/video-200mb.mp4"; mid="$inputs/video-120mb.mp4"; small="$inputs/video-8mb.mp4"
# curl reads the files from the page cache, as every run does after the first.
cat "$big" "$mid" "$small" > /dev/null

# --- processes -------------------------------------------------------------------------------------------------------
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$results/data" "$results/work" "$results/sink-files"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # url
  for _ in $(seq 1 120); do curl -fso /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "nothing answered at $1" >&2; exit 1
}

port=$(free_port)
log "starting the server on port $port (data in $results/data)"
Logging__LogLevel__Default=Warning dotnet "$results/server/Pinhole.Server.dll" --urls "http://127.0.0.1:$port" \
  --Pinhole:DataDir="$results/data" --Pinhole:RateLimits:Enabled=false > "$results/server.log" 2>&1 &
server_pid=$!; pids+=("$server_pid")
server="http://127.0.0.1:$port"
wait_for "$server/health"
"${bench[@]}" account --url "$server" --username "bench$(date +%s)" --token-file "$results/token"
rss() { awk '/^VmRSS/ { printf "%.0f MB", $2 * 1024 / 1e6 }' "/proc/$server_pid/status"; }
rss_start=$(rss)

start_sink() { # variable-for-url variable-for-pid args...
  local url_var=$1 pid_var=$2; shift 2
  local p; p=$(free_port)
  "${bench[@]}" sink --port "$p" "$@" > "$results/sink-$p.log" 2>&1 &
  pids+=("$!"); printf -v "$pid_var" %s "$!"; printf -v "$url_var" %s "http://127.0.0.1:$p"
  wait_for "http://127.0.0.1:$p/health"
}

# --- a quiet machine ---------------------------------------------------------------------------------------------------
waited=0
quiet() { # step
  local load
  while :; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v q="$quiet_load" 'BEGIN { exit !(l < q) }'; then break; fi
    if [ "$waited" -ge "$quiet_wait" ]; then log "load $load before $1: waited ${waited}s in all, going on anyway"; return; fi
    log "load $load before $1: waiting (${waited}s of ${quiet_wait}s so far)"
    sleep 30; waited=$((waited + 30))
  done
  log "load $load before $1"
}

# --- 1. loopback -------------------------------------------------------------------------------------------------------
# The methods take turns: one run of each, then the next round, so a busy spell on the shared machine falls on all of
# them alike rather than on whichever was measured then. A first round warms each up (JIT, connections) unmeasured.
loop() { # round label method file extra...
  local round=$1 label=$2 method=$3 file=$4; shift 4
  if [ "$round" = 0 ]; then set -- --runs 0 --warmups 1 "$@"; else set -- --runs 1 --warmups 0 --first-run "$round" "$@"; fi
  "${bench[@]}" loopback --label "$label" --method "$method" --file "$file" --out "$out" --work "$results/work" "$@" >/dev/null
}
if wants loopback; then
  mkdir -p "$results/sink-files"
  start_sink raw_url raw_pid --kind raw
  start_sink kestrel_url kestrel_pid --kind kestrel
  start_sink file_url file_pid --kind kestrel --to-dir "$results/sink-files"
  start_sink fsync_url fsync_pid --kind kestrel --to-dir "$results/sink-files" --fsync-every-mb 4
  as_server=(--url "$server" --pid "$server_pid" --token-file "$results/token")
  for round in $(seq 0 "$runs"); do
    quiet "loopback round $round of $runs (0: warm-up)"
    loop "$round" "200 MB: sink, raw socket" sink "$big" --url "$raw_url" --pid "$raw_pid"
    loop "$round" "200 MB: sink, Kestrel, discards" sink "$big" --url "$kestrel_url" --pid "$kestrel_pid"
    loop "$round" "200 MB: sink, Kestrel, to a file" sink "$big" --url "$file_url" --pid "$file_pid"
    loop "$round" "200 MB: sink, Kestrel, to a file, fsync every 4 MB" sink "$big" --url "$fsync_url" --pid "$fsync_pid"
    loop "$round" "200 MB: tus, one PATCH" tus "$big" "${as_server[@]}"
    loop "$round" "200 MB: tus, ${chunk_mb} MB chunks" tus-chunks "$big" "${as_server[@]}" --chunk-mb "$chunk_mb"
    loop "$round" "200 MB: POST /api/v2/media" v2 "$big" "${as_server[@]}"
    loop "$round" "120 MB: sink, Kestrel, discards" sink "$mid" --url "$kestrel_url" --pid "$kestrel_pid"
    loop "$round" "120 MB: tus, one PATCH" tus "$mid" "${as_server[@]}"
    loop "$round" "120 MB: POST /api/v2/media" v2 "$mid" "${as_server[@]}"
    loop "$round" "4 × 200 MB at once: sink, Kestrel, discards" sink "$big" --url "$kestrel_url" --pid "$kestrel_pid" --parallel 4
    loop "$round" "4 × 200 MB at once: tus, one PATCH each" tus "$big" "${as_server[@]}" --parallel 4
  done
fi

# --- 2. the impaired link ----------------------------------------------------------------------------------------------
impaired() { # label method extra...
  local label=$1 method=$2; shift 2
  quiet "$label"
  "${bench[@]}" impaired --label "$label" --method "$method" --url "$server" --token-file "$results/token" --file "$small" \
    --out "$out" --runs "$impaired_runs" --kbit 1000 --rtt-ms 300 "$@" >/dev/null
}
if wants impaired; then
  impaired "tus, one PATCH, no drops" tus --cut-every-mb 0
  impaired "POST /api/v2/media, no drops" oneshot --cut-every-mb 0
  impaired "tus, one PATCH (resumes)" tus --cut-every-mb 2
  impaired "tus, 1 MB chunks (resumes)" tus --cut-every-mb 2 --chunk-mb 1
  impaired "POST /api/v2/media (starts over)" oneshot --cut-every-mb 2 --give-up-attempts "$give_up"
fi

# --- what the end of an upload costs: the ffprobe the server runs on a finished video (VideoCommands.Probe) ----------
if wants loopback; then
  quiet "ffprobe timing"
  hyperfine --style basic --warmup 2 --runs 10 --export-json "$results/ffprobe.json" \
    "ffprobe -v error -protocol_whitelist file -print_format json -show_format -show_streams file:$big" > "$results/ffprobe.txt"
fi
rss_end=$(rss)

# --- report ------------------------------------------------------------------------------------------------------------
{
  echo "Server at commit $commit, measured $(date -u +%Y-%m-%d) with bench/uploads/run.sh; results in $results."
  echo "Files: $(stat -c '%n %s bytes' "$big" "$mid" "$small" | sed "s|$inputs/||" | paste -sd';' | sed 's/;/; /g')."
  echo "Server resident set: $rss_start after start-up and sign-up, $rss_end at the end."
  if [ -f "$results/ffprobe.json" ]; then
    echo "ffprobe on the 200 MB file, as the server runs it: $(jq -r '.results[0] | "\(.mean * 1000 | floor) ms mean (\(.min * 1000 | floor)–\(.max * 1000 | floor)), \(.user * 1000 | floor) ms user + \(.system * 1000 | floor) ms system CPU"' "$results/ffprobe.json")."
  fi
  echo
  "${bench[@]}" report --results "$out" --ceiling "200 MB: sink, Kestrel, discards" \
    --tus "200 MB: tus, one PATCH;200 MB: tus, ${chunk_mb} MB chunks" \
    --memory-one "200 MB: tus, one PATCH" --memory-four "4 × 200 MB at once: tus, one PATCH each"
} | tee "$results/report.md"

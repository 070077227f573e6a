#!/usr/bin/env bash
# The page-weight benchmark (issue 7's budgets) in one command: builds Release, makes 20 photos once (cached), starts
# the server on a fresh data directory (SQLite), then Pinhole.WebBench posts the photos as a new account and measures
# in headless Chromium (from its network log): the home page on a first visit, a later page with the cache warm, and
# the home feed of the 20 photo posts in data-saver mode. Prints a markdown table.
#
#   bench/web/run.sh
#
# Settings (environment):
#   PINHOLE_WEB_BENCH_DIR  photos and results   (/tmp/pinhole-web-bench)
#   PINHOLE_CHROMIUM       the browser          (/usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
cache=${PINHOLE_WEB_BENCH_DIR:-/tmp/pinhole-web-bench}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$cache/results-$stamp"
photos="$cache/photos"
mkdir -p "$results" "$photos"
log() { echo "[web] $(date -u +%H:%M:%S) $*" >&2; }
for tool in vips curl dotnet; do command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }; done

log "building Release"
dotnet build -c Release src/Pinhole.Server -nologo -v q -clp:ErrorsOnly >&2
dotnet build -c Release bench/web/Pinhole.WebBench -nologo -v q -clp:ErrorsOnly >&2
# The server runs from a copy: a build of src/ by someone else mid-run must not swap its assemblies underneath it.
cp -a src/Pinhole.Server/bin/Release/net10.0 "$results/server"
# With the pages' files: the server reads its wwwroot from its content root, given below.
cp -a src/Pinhole.Server/wwwroot "$results/server/wwwroot"
commit="$(git log -1 --format=%h -- src) (last change to src/; HEAD $(git rev-parse --short HEAD))"
if ! git diff --quiet HEAD -- src; then commit="$commit + uncommitted changes in src/"; fi

# --- photos, made once: one landscape with a photo's texture (noise octaves falling off as 1/f, sky over foliage,
# sensor grain; fixed seeds), 20 different 1600x1200 windows of it saved as a phone would (quality 92) -----------------
recipe=1
if [ ! -f "$photos/.complete-$recipe" ]; then
  log "making the photos in $photos"
  rm -rf "$photos"; mkdir -p "$photos/work"
  (
    cd "$photos/work"
    W=4000; H=3000
    octave() { # out seed k amplitude
      vips gaussnoise n.v $(( W / $3 + 4 )) $(( H / $3 + 4 )) --sigma 1 --mean 0 --seed "$2"
      vips resize n.v u.v "$3" --kernel cubic
      vips crop u.v c.v $(( $3 * 3 / 2 )) $(( $3 * 3 / 2 )) $W $H
      vips linear c.v "$1" "$4" 0
    }
    layer() { # out seed "k amplitude"...
      local out=$1 seed=$2 i=0; shift 2
      for spec in "$@"; do
        set -- $spec; i=$((i + 1))
        octave o.v $((seed * 10 + i)) "$1" "$2"
        if [ $i = 1 ]; then mv o.v acc.v; else vips add acc.v o.v acc2.v; mv acc2.v acc.v; fi
      done
      mv acc.v "$out"
    }
    layer lum.v 1 "512 45" "128 30" "32 22" "8 16" "2 12"
    layer cr.v 2 "512 25" "64 10"
    layer cb.v 3 "512 25" "64 10"
    layer mask.v 4 "512 60" "128 35" "32 18" "8 9" "2 5"
    vips bandjoin "lum.v lum.v lum.v" grey.v
    vips bandjoin "cr.v cb.v cb.v" chroma0.v
    vips linear chroma0.v chroma.v "1 -0.5 1" "0 0 0"
    vips add grey.v chroma.v tex.v
    vips linear tex.v sky.v "0.3 0.3 0.3" "110 150 210"
    vips linear tex.v ground.v "1 1 1" "100 95 55"
    vips relational_const mask.v where.v moreeq 15
    vips ifthenelse where.v sky.v ground.v scene.v
    vips gaussnoise g.v $W $H --sigma 2.5 --mean 0 --seed 5
    vips bandjoin "g.v g.v g.v" grain.v
    vips add scene.v grain.v noisy.v
    vips cast noisy.v u8.v uchar
    vips copy u8.v srgb.v --interpretation srgb
    for i in $(seq 0 19); do
      vips crop srgb.v w.v $(( i % 5 * 600 )) $(( i / 5 * 450 )) 1600 1200
      vips jpegsave w.v "../photo-$(printf %02d "$i").jpg" --Q 92 --subsample-mode on --optimize-coding
    done
  )
  rm -rf "$photos/work"
  touch "$photos/.complete-$recipe"
fi

# --- server ----------------------------------------------------------------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "starting the server on port $port (data in $results/data)"
Logging__LogLevel__Default=Warning dotnet "$results/server/Pinhole.Server.dll" --urls "http://127.0.0.1:$port" --contentRoot "$results/server" \
  --Pinhole:DataDir="$results/data" --Pinhole:RateLimits:Enabled=false > "$results/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

log "measuring (server at $commit)"
status=0
dotnet bench/web/Pinhole.WebBench/bin/Release/net10.0/Pinhole.WebBench.dll --url "http://127.0.0.1:$port" --photos "$photos" \
  --chromium "${PINHOLE_CHROMIUM:-/usr/bin/chromium}" | tee "$results/table.md" || status=$?
echo "" ; echo "Server: $commit. Results in $results." >&2
exit $status

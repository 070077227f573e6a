#!/usr/bin/env bash
# The media benchmark (issue 4) in one command: builds Release, makes the inputs once (cached), then measures, side
# by side in one run, Pinhole's photo pipeline against vipsthumbnail and ImageMagick's convert making the same
# renditions, and its video pipeline against the very ffmpeg commands it runs, run by hand. Prints markdown tables
# with every target read as met or missed.
#
#   bench/media/run.sh
#
# Settings (environment):
#   PINHOLE_MEDIA_BENCH_DIR  inputs, scripts and results   (/tmp/pinhole-media-bench)
#   BENCH_PHOTO_RUNS      measured runs per photo approach (20; convert, being slower, BENCH_CONVERT_RUNS: 10)
#   BENCH_VIDEO_RUNS      measured runs per video job or command (5), after one unmeasured
#   BENCH_MEMORY_RUNS     fresh processes measuring one photo's peak memory (5)
#   BENCH_THROUGHPUT_SECONDS, BENCH_THROUGHPUT_WARMUP   the sustained photo run (30 s after 5 s), 2 photos in flight
#   BENCH_FLOOR_PHOTOS    photos the vipsthumbnail scripts make, 2 at a time, for their throughput (40)
#   BENCH_EFFORT_SWEEP    1: also time the pipeline's JPEG and WebP renditions apart, at every WebP effort, and with
#                         the original capped at 2000 pixels (alone, and with WebP effort 0, also sustained) (1)
#   BENCH_QUIET_WAIT      seconds to wait for a quiet machine before the steps, all steps together (2400)
#   BENCH_QUIET_LOAD      the 1-minute load average below which the machine counts as quiet (0.5)
#   BENCH_ONLY            run only these steps, e.g. "photo-pinhole photo-convert" (all)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

cache=${PINHOLE_MEDIA_BENCH_DIR:-/tmp/pinhole-media-bench}
photo_runs=${BENCH_PHOTO_RUNS:-20}; convert_runs=${BENCH_CONVERT_RUNS:-10}; video_runs=${BENCH_VIDEO_RUNS:-5}
memory_runs=${BENCH_MEMORY_RUNS:-5}; floor_photos=${BENCH_FLOOR_PHOTOS:-40}
throughput_seconds=${BENCH_THROUGHPUT_SECONDS:-30}; throughput_warmup=${BENCH_THROUGHPUT_WARMUP:-5}
quiet_wait=${BENCH_QUIET_WAIT:-2400}; quiet_load=${BENCH_QUIET_LOAD:-0.5}; only=${BENCH_ONLY:-}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$cache/results-$stamp"
inputs="$cache/inputs"
scripts="$results/scripts"
mkdir -p "$results" "$scripts"

log() { echo "[media] $*" >&2; }
for tool in vips vipsthumbnail exiftool ffmpeg ffprobe hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (see docs in bench/media/REPORT.md)" >&2; exit 1; }
done
# ImageMagick's own binary: a convert earlier on PATH may be a wrapper script whose start-up would be billed to it.
convert=/usr/bin/convert
[ -x "$convert" ] || convert=$(command -v convert)

# --- build ---------------------------------------------------------------------------------------------------------
log "building Release"
dotnet build -c Release bench/media/Pinhole.MediaBench -nologo -v q -clp:ErrorsOnly >&2
bench=(dotnet "$root/bench/media/Pinhole.MediaBench/bin/Release/net10.0/Pinhole.MediaBench.dll")
commit="$(git log -1 --format=%h -- src/Pinhole.Media) (last change to src/Pinhole.Media; HEAD $(git rev-parse --short HEAD))"
if ! git diff --quiet HEAD -- src/Pinhole.Media; then commit="$commit + uncommitted changes in src/Pinhole.Media"; fi

# --- inputs, made once: deterministic (fixed seeds), so a rerun measures the same bytes ------------------------------
# The version names the recipe: change it with the recipe, and the inputs are made again.
recipe=2
if [ ! -f "$inputs/.complete-$recipe" ]; then
  log "making the inputs in $inputs"
  rm -rf "$inputs"; mkdir -p "$inputs/work"
  (
    cd "$inputs/work"
    W=4000; H=3000
    # Gaussian noise on a grid k pixels apart, smoothly enlarged: one octave of a natural-looking texture.
    octave() { # out seed k amplitude
      vips gaussnoise n.v $(( W / $3 + 4 )) $(( H / $3 + 4 )) --sigma 1 --mean 0 --seed "$2"
      vips resize n.v u.v "$3" --kernel cubic
      vips crop u.v c.v $(( $3 * 3 / 2 )) $(( $3 * 3 / 2 )) $W $H
      vips linear c.v "$1" "$4" 0
    }
    # Octaves summed with amplitudes falling with size: roughly the 1/f spectrum of a photographed scene, so the
    # JPEG costs what a photo's does (a flat colour or plain noise would not).
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
    # Foliage against sky: a ragged-edged mask picks a smooth blue or a detailed green-brown texture.
    vips linear tex.v sky.v "0.3 0.3 0.3" "110 150 210"
    vips linear tex.v ground.v "1 1 1" "100 95 55"
    vips relational_const mask.v where.v moreeq 15
    vips ifthenelse where.v sky.v ground.v scene.v
    # Sensor noise.
    vips gaussnoise g.v $W $H --sigma 2.5 --mean 0 --seed 5
    vips bandjoin "g.v g.v g.v" grain.v
    vips add scene.v grain.v noisy.v
    vips cast noisy.v u8.v uchar
    vips copy u8.v srgb.v --interpretation srgb
    # As a phone saves it: quality 92, 4:2:0, optimised Huffman tables, then a phone's EXIF with GPS.
    vips jpegsave srgb.v ../photo.jpg --Q 92 --subsample-mode on --optimize-coding
  )
  exiftool -q -overwrite_original -Make=Google -Model="Pixel 7" -Software="HDR+ 1.0.540104767zd" -Orientation#=1 \
    -DateTimeOriginal="2026:10:03 16:42:11" -CreateDate="2026:10:03 16:42:11" -ExposureTime=1/640 -FNumber=1.85 -ISO=45 \
    -FocalLength=6.81 -FocalLengthIn35mmFormat=24 -GPSLatitude=39.0194 -GPSLatitudeRef=N -GPSLongitude=125.7381 \
    -GPSLongitudeRef=E -GPSAltitude=38 "$inputs/photo.jpg"
  # Warm-up photo for the memory runs (JIT and libvips start-up), and a tiny one for the CLI tools' idle footprint.
  vipsthumbnail "$inputs/photo.jpg" -s 400 -o "$inputs/small.jpg[Q=92]"
  vipsthumbnail "$inputs/photo.jpg" -s 16 -o "$inputs/tiny.jpg[Q=92]"
  # A phone panning across the same scene, handheld wobble and sensor noise, with sound (a tone over pink noise),
  # encoded as phones do: H.264 High, about 17 Mbit/s, a keyframe a second, no B-frames, AAC 192k, location tag.
  scene=(-loop 1 -framerate 30 -i "$inputs/photo.jpg"
    -f lavfi -i "sine=frequency=440:sample_rate=48000,aformat=channel_layouts=stereo"
    -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:sample_rate=48000:seed=7")
  pan="[0:v]crop=1920:1080:x='200+120*t':y='900+40*sin(2*t)',noise=alls=6:allf=t"
  ffmpeg -hide_banner -loglevel error -y "${scene[@]}" \
    -filter_complex "$pan,format=yuv420p[v];[1:a][2:a]amix=inputs=2:duration=first[a]" -map "[v]" -map "[a]" -t 15 \
    -c:v libx264 -preset medium -profile:v high -pix_fmt yuv420p -b:v 17M -maxrate 20M -bufsize 20M -g 30 -bf 0 \
    -c:a aac -b:a 192k -ar 48000 -ac 2 -metadata location="+39.0194+125.7381/" -metadata creation_time=2026-10-03T16:45:00Z \
    "$inputs/phone-1080p.mp4"
  # What the 720p rendition would be already (H.264 High, 2.5 Mbit/s, AAC-LC): the pipeline copies it.
  ffmpeg -hide_banner -loglevel error -y "${scene[@]}" \
    -filter_complex "$pan,scale=1280:720,format=yuv420p[v];[1:a][2:a]amix=inputs=2:duration=first[a]" -map "[v]" -map "[a]" -t 15 \
    -c:v libx264 -preset medium -profile:v high -pix_fmt yuv420p -b:v 2500k -maxrate 3000k -bufsize 6000k -g 30 -bf 0 \
    -c:a aac -b:a 128k -ar 48000 -ac 2 "$inputs/compliant-720p.mp4"
  # The same video stream with MP3 sound, which the pipeline does not copy: its job is the re-encode of that video.
  ffmpeg -hide_banner -loglevel error -y -i "$inputs/compliant-720p.mp4" -map 0 -c:v copy -c:a libmp3lame -b:a 128k \
    "$inputs/twin-720p-mp3.mp4"
  rm -rf "$inputs/work"
  touch "$inputs/.complete-$recipe"
fi
photo="$inputs/photo.jpg"

# --- quiet machine, and what each step saw --------------------------------------------------------------------------
# Another engineer's benchmark runs from /tmp/pinhole-bench; test suites show in the load average. Quiet: none of
# theirs running, and the 1-minute load average under the threshold, or, since that average trails our own last
# step by a minute or two, the whole machine under a tenth of a core over the last 10 seconds. The waiting is one
# budget for the whole run: once it is spent on a busy machine, the remaining steps are measured without waiting,
# and the report says how busy the machine was during each.
others() { { pgrep -f '/tmp/pinhole-bench/' || true; } | wc -l; }
busy_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat; }
recent_busy() { # percent of one core the whole machine used over the next 10 seconds
  local b0 t0 b1 t1
  read -r b0 t0 < <(busy_ticks); sleep 10; read -r b1 t1 < <(busy_ticks)
  awk -v b="$((b1 - b0))" -v t="$((t1 - t0))" -v n="$(nproc)" 'BEGIN { printf "%.0f", 100 * n * b / t }'
}
budget=$quiet_wait
step_start() { # step
  step=$1 waited=0
  while true; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    running=$(others)
    if [ "$running" -eq 0 ]; then
      if awk -v l="$load" -v q="$quiet_load" 'BEGIN { exit !(l < q) }'; then quiet=true; break; fi
      if [ "$(recent_busy)" -lt 10 ]; then quiet=true; waited=$((waited + 10)); break; fi
    fi
    if [ "$waited" -ge "$budget" ]; then quiet=false; break; fi
    [ "$waited" -eq 0 ] && log "$step: waiting for a quiet machine (load $load, $running /tmp/pinhole-bench processes)"
    sleep 30; waited=$((waited + 30))
  done
  budget=$(( budget > waited ? budget - waited : 0 ))
  [ "$quiet" = true ] || log "$step: NOT QUIET after ${waited}s (load $load, $running /tmp/pinhole-bench processes); measuring anyway"
  log "$step"
  started=$(date +%s.%N); read -r busy0 total0 < <(busy_ticks)
}
step_end() {
  local ended busy1 total1
  ended=$(date +%s.%N); read -r busy1 total1 < <(busy_ticks)
  # busy_pct: the whole machine, as a share of one core (100% per core), over the step.
  printf '{"step":"%s","waited_s":%d,"quiet":%s,"load1":%s,"others":"%s","wall_s":%s,"busy_pct":%s}\n' \
    "$step" "$waited" "$quiet" "$load" "$running /tmp/pinhole-bench processes" \
    "$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')" \
    "$(awk -v b="$((busy1 - busy0))" -v t="$((total1 - total0))" -v n="$(nproc)" 'BEGIN { printf "%.1f", 100 * n * b / t }')" >> "$results/machine.jsonl"
}
wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }
hyper() { # step runs command...: hyperfine's medians, and the peak RSS of one more run under /usr/bin/time
  local name=$1 runs=$2; shift 2
  hyperfine --shell=none --style basic --runs "$runs" --warmup 1 --export-json "$results/$name.json" "$*" >&2
  /usr/bin/time -v "$@" > /dev/null 2> "$results/$name.time"
}

# --- the CLI baselines: the server's twelve renditions, made by vipsthumbnail and by convert --------------------------
# Same sizes, crops, formats, qualities and options as ServerRenditions: JPEG with optimised Huffman tables, WebP at
# effort 4, metadata stripped, squares cut from the centre (the default focus point).
cat > "$scripts/vipsthumbnail.sh" <<'EOF'
#!/bin/sh
# One vipsthumbnail per rendition, each from the upload (shrink-on-load every time).
set -e
in=$1; out=$2
vipsthumbnail "$in" -s 2048 -o "$out/original.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$in" -s 2048 -o "$out/original.webp[Q=82,effort=4,strip]"
vipsthumbnail "$in" -s 1080 -o "$out/1080.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$in" -s 1080 -o "$out/1080.webp[Q=82,effort=4,strip]"
vipsthumbnail "$in" -s 640 -o "$out/640.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$in" -s 640 -o "$out/640.webp[Q=82,effort=4,strip]"
vipsthumbnail "$in" -s 320 -o "$out/320.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$in" -s 320 -o "$out/320.webp[Q=82,effort=4,strip]"
vipsthumbnail "$in" -s 640 -m centre -o "$out/square-640.jpg[Q=82,optimize_coding,strip]"
vipsthumbnail "$in" -s 640 -m centre -o "$out/square-640.webp[Q=80,effort=4,strip]"
vipsthumbnail "$in" -s 320 -m centre -o "$out/square-320.jpg[Q=82,optimize_coding,strip]"
vipsthumbnail "$in" -s 320 -m centre -o "$out/square-320.webp[Q=80,effort=4,strip]"
EOF
cat > "$scripts/vipsthumbnail-cascade.sh" <<'EOF'
#!/bin/sh
# The upload decoded once, to 2048 pixels in libvips' own uncompressed format; every rendition made from that.
set -e
in=$1; out=$2
vipsthumbnail "$in" -s 2048 -o "$out/base.v"
vipsthumbnail "$out/base.v" -s 2048 -o "$out/original.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$out/base.v" -s 2048 -o "$out/original.webp[Q=82,effort=4,strip]"
vipsthumbnail "$out/base.v" -s 1080 -o "$out/1080.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$out/base.v" -s 1080 -o "$out/1080.webp[Q=82,effort=4,strip]"
vipsthumbnail "$out/base.v" -s 640 -o "$out/640.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$out/base.v" -s 640 -o "$out/640.webp[Q=82,effort=4,strip]"
vipsthumbnail "$out/base.v" -s 320 -o "$out/320.jpg[Q=85,optimize_coding,strip]"
vipsthumbnail "$out/base.v" -s 320 -o "$out/320.webp[Q=82,effort=4,strip]"
vipsthumbnail "$out/base.v" -s 640 -m centre -o "$out/square-640.jpg[Q=82,optimize_coding,strip]"
vipsthumbnail "$out/base.v" -s 640 -m centre -o "$out/square-640.webp[Q=80,effort=4,strip]"
vipsthumbnail "$out/base.v" -s 320 -m centre -o "$out/square-320.jpg[Q=82,optimize_coding,strip]"
vipsthumbnail "$out/base.v" -s 320 -m centre -o "$out/square-320.webp[Q=80,effort=4,strip]"
EOF
cat > "$scripts/convert.sh" <<EOF
#!/bin/sh
# One ImageMagick process, one full decode, each size resized from the one before (as the pipeline does); squares
# from the smallest level that covers them.
set -e
in=\$1; out=\$2
exec $convert "\$in" -auto-orient -strip -define jpeg:optimize-coding=true -define webp:method=4 \\
  -resize '2048x2048>' -quality 85 -write "\$out/original.jpg" -quality 82 -write "\$out/original.webp" \\
  -resize '1080x1080>' -quality 85 -write "\$out/1080.jpg" -quality 82 -write "\$out/1080.webp" \\
  \\( +clone -resize '640x640^' -gravity center -extent 640x640 -quality 82 -write "\$out/square-640.jpg" \\
     -quality 80 -write "\$out/square-640.webp" +delete \\) \\
  -resize '640x640>' -quality 85 -write "\$out/640.jpg" -quality 82 -write "\$out/640.webp" \\
  \\( +clone -resize '320x320^' -gravity center -extent 320x320 -quality 82 -write "\$out/square-320.jpg" \\
     -quality 80 -write "\$out/square-320.webp" +delete \\) \\
  -resize '320x320>' -quality 85 -write "\$out/320.jpg" -quality 82 "\$out/320.webp"
EOF
cli_out="$results/cli-out"
mkdir -p "$cli_out"/{vipsthumbnail,vipsthumbnail-cascade,convert,floor}

# --- photo ----------------------------------------------------------------------------------------------------------
if wanted photo-pinhole; then
  step_start photo-pinhole
  "${bench[@]}" photo --input "$photo" --out "$results/photo-pinhole.json" --runs "$photo_runs" --warmup 5 --save "$cli_out/pinhole"
  step_end
fi
for tool in vipsthumbnail vipsthumbnail-cascade convert; do
  if wanted "photo-$tool"; then
    runs=$photo_runs; [ "$tool" = convert ] && runs=$convert_runs
    step_start "photo-$tool"
    hyper "photo-$tool" "$runs" sh "$scripts/$tool.sh" "$photo" "$cli_out/$tool"
    step_end
  fi
done
if wanted photo-idle; then
  # What each CLI tool costs for a 16-pixel photo: its start-up, in time (each script starts 12 or 13 processes, or
  # one) and in memory, to set against its peak on the real photo.
  step_start photo-idle
  hyper idle-vipsthumbnail "$photo_runs" vipsthumbnail "$inputs/tiny.jpg" -s 8 -o "$cli_out/idle.jpg"
  hyper idle-convert "$photo_runs" "$convert" "$inputs/tiny.jpg" -resize 8x8 "$cli_out/idle.webp"
  step_end
fi
if wanted photo-pinhole-memory; then
  step_start photo-pinhole-memory
  for i in $(seq 1 "$memory_runs"); do
    "${bench[@]}" photo-memory --input "$photo" --warmup-input "$inputs/small.jpg" --out "$results/photo-pinhole-memory-$i.json"
  done
  step_end
fi
if wanted photo-pinhole-throughput; then
  step_start photo-pinhole-throughput
  "${bench[@]}" photo-throughput --input "$photo" --warmup-input "$inputs/small.jpg" --in-flight 2 \
    --seconds "$throughput_seconds" --warmup "$throughput_warmup" --out "$results/photo-pinhole-throughput.json"
  step_end
fi
for tool in vipsthumbnail vipsthumbnail-cascade; do
  if wanted "photo-$tool-throughput"; then
    # The floor's own throughput: the same script, two photos at a time, each into its own directory.
    step_start "photo-$tool-throughput"
    rm -rf "$cli_out/floor"; mkdir -p $(seq -f "$cli_out/floor/%g" 1 "$floor_photos")
    t0=$(date +%s.%N)
    seq 1 "$floor_photos" | xargs -P 2 -I{} sh "$scripts/$tool.sh" "$photo" "$cli_out/floor/{}"
    t1=$(date +%s.%N)
    printf '{"photos":%d,"seconds":%s}\n' "$floor_photos" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
      > "$results/photo-$tool-throughput.json"
    step_end
  fi
done
if wanted photo-pinhole-breakdown && [ "${BENCH_EFFORT_SWEEP:-1}" = 1 ]; then
  # Where the time goes: the JPEG and the WebP renditions apart, and the whole set at each WebP effort.
  step_start photo-pinhole-breakdown
  for specs in server-jpeg server-webp; do
    "${bench[@]}" photo --input "$photo" --out "$results/photo-pinhole-$specs.json" --runs 10 --warmup 3 --specs "$specs"
  done
  for effort in 0 1 2 3 4 5 6; do
    "${bench[@]}" photo --input "$photo" --out "$results/photo-pinhole-effort-$effort.json" --runs 10 --warmup 3 --webp-effort "$effort"
  done
  # The original capped at half the upload's long edge (2000, a server setting) lets libjpeg decode at half scale;
  # at 2048 it must decode every pixel and resize.
  "${bench[@]}" photo --input "$photo" --out "$results/photo-pinhole-original-2000.json" --runs 10 --warmup 3 --original-max-edge 2000
  "${bench[@]}" photo --input "$photo" --out "$results/photo-pinhole-tuned.json" --runs 10 --warmup 3 --original-max-edge 2000 --webp-effort 0
  step_end
fi
if wanted photo-pinhole-throughput-tuned && [ "${BENCH_EFFORT_SWEEP:-1}" = 1 ]; then
  step_start photo-pinhole-throughput-tuned
  "${bench[@]}" photo-throughput --input "$photo" --warmup-input "$inputs/small.jpg" --in-flight 2 --original-max-edge 2000 \
    --webp-effort 0 --seconds "$throughput_seconds" --warmup "$throughput_warmup" --out "$results/photo-pinhole-throughput-tuned.json"
  step_end
fi

# --- video: the exact commands, recorded from the pipeline itself ----------------------------------------------------
# Not measured: each job is run once through recording wrappers. "reencode" is the MP3 twin's job (the pipeline
# re-encodes it) with the compliant clip put back as its input: what the job would run if it did not copy.
if [ -z "$only" ] || [[ "$only" == *video-* || "$only" == *poster-* ]]; then
  log "recording the video commands"
  "${bench[@]}" video-capture --input "$inputs/phone-1080p.mp4" --work "$results/byhand/phone" --scripts "$scripts/phone"
  "${bench[@]}" video-capture --input "$inputs/compliant-720p.mp4" --work "$results/byhand/compliant" --scripts "$scripts/compliant"
  "${bench[@]}" video-capture --input "$inputs/twin-720p-mp3.mp4" --replay-input "$inputs/compliant-720p.mp4" \
    --work "$results/byhand/reencode" --scripts "$scripts/reencode"
fi

for clip in phone:phone-1080p compliant:compliant-720p twin:twin-720p-mp3; do
  name=${clip%%:*}; file=${clip#*:}
  if wanted "video-pinhole-$name"; then
    step_start "video-pinhole-$name"
    "${bench[@]}" video --input "$inputs/$file.mp4" --work "$results/pinhole/$name" --runs "$video_runs" --warmup 1 \
      --out "$results/video-pinhole-$name.json"
    step_end
  fi
done
for part in phone:job phone:encode compliant:job compliant:encode compliant:copy reencode:job reencode:encode reencode:encode-720p; do
  set_name=${part%%:*}; script=${part#*:}
  if wanted "video-byhand-$set_name-$script"; then
    step_start "video-byhand-$set_name-$script"
    hyper "video-byhand-$set_name-$script" "$video_runs" sh "$scripts/$set_name/$script.sh"
    step_end
  fi
done
if wanted poster-pinhole; then
  # The poster's libvips half, which no ffmpeg command does: the frame the phone job's poster.sh wrote, encoded as
  # the pipeline encodes it (JPEG and WebP of the same size, and a BlurHash).
  sh "$scripts/phone/poster.sh"
  step_start poster-pinhole
  "${bench[@]}" photo --input "$results/byhand/phone/out/poster.png" --specs poster --out "$results/poster-pinhole.json" --runs 20 --warmup 5
  step_end
fi

# --- report -----------------------------------------------------------------------------------------------------------
{
  echo "### Media processing — src/Pinhole.Media at commit $commit, $(date -u +%Y-%m-%d)"
  echo
  "${bench[@]}" report --results "$results"
} | tee "$results/report.md"
log "results: $results"

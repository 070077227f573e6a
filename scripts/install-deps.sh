#!/usr/bin/env bash
# Installs the Debian packages Pinhole needs, only those missing.
#   scripts/install-deps.sh run    what the server needs (libvips, ffmpeg with ffprobe)
#   scripts/install-deps.sh test   plus what the test suite drives (libvips' CLI, exiftool, PostgreSQL, Node.js
#                                  and npm for tus-js-client, Chromium for the web app's browser tests)
set -euo pipefail

packages=(libvips42 ffmpeg libsqlite3-0 libicu72)
if [ "${1:-run}" = "test" ]; then
  packages+=(libvips-tools libimage-exiftool-perl postgresql nodejs chromium)
  # A nodejs from NodeSource carries its own npm and conflicts with Debian's npm package.
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]} ..." >&2
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

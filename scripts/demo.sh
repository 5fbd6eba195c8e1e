#!/bin/sh
# Builds Sou, starts soud on its defaults (if not already running), indexes seeds/ and
# runs a sample query. Run from anywhere: scripts/demo.sh
set -eu
cd "$(dirname "$0")/.."

SOCK="${SOU_SOCKET:-${TMPDIR:-/tmp}/sou-$(id -u).sock}"
SOCK="$(printf '%s' "$SOCK" | sed 's://*:/:g')"
export SOU_SOCKET="$SOCK"

# zlib headers (zlib1g-dev) are the one system dependency; install them when missing.
if [ ! -f /usr/include/zlib.h ] && ! pkg-config --exists zlib 2>/dev/null; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "==> installing zlib1g-dev (zlib headers)"
        SUDO=""
        if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq zlib1g-dev
    else
        echo "Sou needs the zlib headers (zlib1g-dev / zlib-devel); install them and run again." >&2
        exit 1
    fi
fi

echo "==> building (release)"
swift build -c release --product soud
swift build -c release --product sou
BIN="$(swift build -c release --show-bin-path)"

if "$BIN/sou" ping >/dev/null 2>&1; then
    echo "==> soud already answering on $SOCK"
else
    echo "==> starting soud (data: ./sou-data, socket: $SOCK, log: ./soud.log)"
    nohup "$BIN/soud" --data-dir ./sou-data --socket "$SOCK" >>soud.log 2>&1 &
    echo $! > soud.pid
    i=0
    until "$BIN/sou" ping >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -gt 300 ]; then echo "soud did not come up; see soud.log" >&2; exit 3; fi
        sleep 0.1
    done
fi

echo "==> sou index seeds"
"$BIN/sou" index seeds

echo "==> sou search 大同"
"$BIN/sou" search 大同 --limit 5

echo
echo "soud keeps running in the background. Try:  $BIN/sou search '教育 OR 大同'"
if [ -f soud.pid ]; then
    echo "Stop it with:  kill \$(cat soud.pid)    (graceful; or: kill -TERM <pid>)"
else
    echo "Stop it with:  kill -TERM <pid of soud>"
fi

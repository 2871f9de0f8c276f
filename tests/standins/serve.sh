#!/usr/bin/env bash
# Serve a stand-in build (OUTDIR of build.sh) over HTTP for a test run.
#   serve.sh start OUTDIR ADDRESS PORT   start in the background, wait until it answers, print the base URL
#   serve.sh stop OUTDIR ADDRESS PORT    stop the server started for that address and port
# The apt repository's base URL is http://ADDRESS:PORT/repo, the AMS zips are under http://ADDRESS:PORT/ams/.
set -euo pipefail

action=${1:?usage: serve.sh start|stop OUTDIR ADDRESS PORT}
out=${2:?OUTDIR}
address=${3:?ADDRESS}
port=${4:?PORT}
python=${PYTHON:-python3}
pid_file="$out/.serve-$address-$port.pid"

case "$action" in
  start)
    if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      echo "http://$address:$port/repo"
      exit 0
    fi
    "$python" -m http.server --bind "$address" --directory "$out" "$port" >"$out/.serve-$address-$port.log" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 50); do
      if "$python" -c "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 0.2)" "$address" "$port" 2>/dev/null; then
        echo "http://$address:$port/repo"
        exit 0
      fi
      kill -0 "$(cat "$pid_file")" 2>/dev/null || break
      sleep 0.1
    done
    echo "serve.sh: the server did not come up; see $out/.serve-$address-$port.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$pid_file" ]; then
      kill "$(cat "$pid_file")" 2>/dev/null || true
      rm -f "$pid_file"
    fi
    ;;
  *)
    echo "usage: serve.sh start|stop OUTDIR ADDRESS PORT" >&2
    exit 2
    ;;
esac

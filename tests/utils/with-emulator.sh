#!/usr/bin/env bash
# Run a command with the emulator serving on a free loopback port, then stop it.
#   tests/utils/with-emulator.sh [--profile NAME] -- COMMAND...
# The command sees ALICLOUD_ENDPOINT_URL, EMULATOR_ADMIN_URL, the test access key pair and a region, and the
# emulator's request log at EMULATOR_LOG. State and log live in a temporary directory removed afterwards.
set -euo pipefail
profile=fast
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [--profile NAME] -- COMMAND..." >&2; exit 2 ;;
  esac
done
top=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-$top/.venv/bin/python}
work=$(mktemp -d)
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$top" && exec "$python" -m emulator serve --port "$port" --state "$work/state.json" --profile "$profile" \
  --log "$work/requests.jsonl") > "$work/server.out" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  if "$python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/_emulator/health', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$server" 2>/dev/null || { cat "$work/server.out" >&2; exit 1; }
  sleep 0.1
done
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy
export ALICLOUD_ENDPOINT_URL=http://127.0.0.1:$port EMULATOR_ADMIN_URL=http://127.0.0.1:$port/_emulator
export ALIBABA_CLOUD_ACCESS_KEY_ID=testAccessKeyId ALIBABA_CLOUD_ACCESS_KEY_SECRET=testAccessKeySecret
export ALIBABA_CLOUD_REGION_ID=${ALIBABA_CLOUD_REGION_ID:-cn-hangzhou} EMULATOR_LOG=$work/requests.jsonl
"$@"

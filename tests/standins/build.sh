#!/usr/bin/env bash
# Build the stand-ins (TEST DOUBLES for mongod and Ant Media Server Enterprise) into OUTDIR:
#   OUTDIR/repo/   apt repository laid out like repo.mongodb.org, signed with generated test keys,
#                  public keys at repo/static/pgp/server-<series>.asc -- serve it as the base URL
#   OUTDIR/ams/    ant-media-server-enterprise-standin-<version>.zip and install_ant-media-server.sh
#   OUTDIR/gnupg/  the generated signing keys (kept across builds so installed keyrings stay valid)
# Idempotent: does nothing when the inputs have not changed since the last successful build.
# Needs dpkg-deb, gpg and gpgconf (Debian packages dpkg, gnupg); Python 3 standard library only.
set -euo pipefail

out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}

for tool in dpkg-deb gpg gpgconf; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install dpkg gnupg)" >&2; exit 1; }
done

mkdir -p "$out"
stamp="$out/.inputs.sha256"
digest=$(cd "$here" && find builder mongod ams -type f ! -path '*/__pycache__/*' -print0 | sort -z \
         | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] && [ -d "$out/repo" ] && [ -d "$out/ams" ]; then
  echo "standins: up to date in $out"
  exit 0
fi
rm -f "$stamp"
PYTHONPATH="$here" "$python" -m builder "$out"
echo "$digest" > "$stamp"

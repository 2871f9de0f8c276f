#!/usr/bin/env bash
# start.sh of the Ant Media Server Enterprise STAND-IN (TEST DOUBLE, not Ant Media Server).
# Runs the server in the foreground (the container entrypoint form). Options honoured, as the vendor's:
#   -m cluster|standalone  -h DB_URL  -u user  -p password   (same edits as change_server_mode.sh, no restart)
#   -l licence key   -g useGlobalIp (true|false)   -c cpu limit %   -e memory limit %
# Accepted and ignored (nothing in the stand-in uses them): -s -r -a -n -w -k -j -t

if [ -z "$RED5_HOME" ]; then
  cd "$(dirname "$0")" || exit 1
  RED5_HOME=$(pwd)
  export RED5_HOME
fi
export ANTMEDIA_HOME=${ANTMEDIA_HOME:-$RED5_HOME}
source "$RED5_HOME/conf/functions.sh"

set_server_property() { # key value
  if grep -q "^$1=" "$RED5_HOME/conf/red5.properties"; then
    sed -i "/^$1=/c\\$1=$2" "$RED5_HOME/conf/red5.properties"
  else
    echo "$1=$2" >> "$RED5_HOME/conf/red5.properties"
  fi
}

SERVER_MODE="" DB_URL="" DB_USERNAME="" DB_PASSWORD=""
while getopts g:s:r:m:h:u:p:l:a:n:w:k:j:c:e:t option; do
  case "${option}" in
    m) SERVER_MODE=${OPTARG};;
    h) DB_URL=${OPTARG};;
    u) DB_USERNAME=${OPTARG};;
    p) DB_PASSWORD=${OPTARG};;
    l) set_server_property server.licence_key "${OPTARG}";;
    g) set_server_property useGlobalIp "${OPTARG}";;
    c) set_server_property server.cpu_limit "${OPTARG}";;
    e) set_server_property server.memory_limit_percentage "${OPTARG}";;
    *) ;;
  esac
done

if [ -n "$SERVER_MODE" ]; then
  change_server_mode "$SERVER_MODE" "$DB_URL" "$DB_USERNAME" "$DB_PASSWORD" || exit 1
fi

exec python3 -I "$RED5_HOME/lib/standin/ams-standin"

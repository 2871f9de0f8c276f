#!/usr/bin/env bash
# change_server_mode.sh of the Ant Media Server Enterprise STAND-IN (TEST DOUBLE, not Ant Media Server).
#   change_server_mode.sh cluster "mongodb://[user:password@]host[:port][/?options]"
#   change_server_mode.sh standalone [DB_URL]
# Edits conf/jee-container.xml, conf/red5.properties and every webapps/*/WEB-INF/red5-web.properties
# (see conf/functions.sh), forces useGlobalIp=false, rewrites /etc/hosts, then restarts the antmedia
# service (stop, then start). From version 3.0 on it asks "Are you sure ...? (y/n)" for a database
# argument that is not a mongodb://, mongodb+srv:// or redis:// URL, 127.0.0.1, localhost or a file,
# and cancels (exit 1) on anything but y -- which is what happens without a terminal.

AMS_VERSION="@AMS_VERSION@"

usage() {
  echo "Usage:"
  echo "$0 cluster \"mongodb://[username:password@]host1[:port1][,...hostN[:portN]][/[defaultauthdb][?options]]\""
  echo "$0 cluster \"redis://[username:password@]host1:port1\""
  echo "$0 standalone"
  echo "$0 standalone {DB_CONNECTION_URL}"
}

confirm_unusual_url() { # url -- the 3.x validation prompt
  local url=$1 confirmation
  if [[ ! $url =~ ^(mongodb://|mongodb\+srv://|redis://) ]] && [ "$url" != "127.0.0.1" ] && [ "$url" != "localhost" ] && [ ! -f "$url" ]; then
    echo "WARNING: DB connection doesn't start with mongodb://, mongodb+srv://, redis:// and is not a file."
    echo "Are you sure this is correct? (y/n)"
    read -r confirmation
    if [ "$confirmation" != "y" ] && [ "$confirmation" != "Y" ]; then
      echo "Operation cancelled."
      exit 1
    fi
  fi
}

restart_service() {
  # "restart does not work if the daemon is not running", so stop then start, as the vendor does
  if command -v systemctl >/dev/null 2>&1; then
    systemctl stop antmedia
    systemctl start antmedia
  else
    service antmedia stop
    service antmedia start
  fi
}

cd "$(dirname "$0")" || exit 1
source ./conf/functions.sh
home=${ANTMEDIA_HOME:-/usr/local/antmedia}

if [ "$1" != "cluster" ] && [ "$1" != "standalone" ]; then
  echo "ERROR: Invalid or missing mode '$1'. Only 'cluster' or 'standalone' are allowed."
  usage
  exit 1
fi
if [ "${AMS_VERSION%%.*}" -ge 3 ] && [ -n "$2" ]; then
  confirm_unusual_url "$2"
fi
change_server_mode "$1" "$2" "$3" "$4" || { usage; exit 1; }
sed -i 's/useGlobalIp=.*/useGlobalIp=false/' "$home/conf/red5.properties"
echo "Ant Media Server is restarting in $1 mode."
restart_service

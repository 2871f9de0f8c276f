# shellcheck shell=bash
# conf/functions.sh of the Ant Media Server Enterprise STAND-IN (TEST DOUBLE, not Ant Media Server).
# change_server_mode makes the same edits as the vendor's function, including its database-type guess:
# in cluster mode only a bare IPv4 (no port), "localhost" or anything starting with "mongo" counts as
# MongoDB; everything else (a hostname, "10.0.0.5:27017") is taken for Redis, as in AMS.
#
# Stand-in extensions for tests outside a real install (defaults are the vendor's fixed paths):
#   ANTMEDIA_HOME            install directory (default /usr/local/antmedia)
#   AMS_STANDIN_HOSTS_FILE   hosts file rewritten with "<local IPv4s> <hostname>" (default /etc/hosts)

is_mongodb_url() { # url allow_port
  local port_suffix=""
  [ "$2" = "allow_port" ] && port_suffix='(:[0-9]{1,5})?'
  [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+${port_suffix}$ || $1 =~ ^localhost${port_suffix}$ || $1 =~ ^mongo.*$ ]]
}

database_type() { # mode url
  if [ "$1" = "standalone" ] && [ -z "$2" ]; then
    echo mapdb
  elif [ "$1" = "cluster" ] && is_mongodb_url "$2"; then
    echo mongodb
  elif [ "$1" = "standalone" ] && is_mongodb_url "$2" allow_port; then
    echo mongodb
  else
    echo redisdb  # redis://..., or anything else, which AMS treats as a Redis configuration file
  fi
}

toggle_cluster_beans() { # mode jee-container.xml
  if [ "$1" = "cluster" ]; then
    sed -i -E -e 's/(<!-- cluster start -->|<!-- cluster start)/<!-- cluster start -->/g' \
              -e 's/(<!-- cluster end -->|cluster end -->)/<!-- cluster end -->/g' "$2"
  else
    sed -i -E -e 's/(<!-- cluster start -->|<!-- cluster start)/<!-- cluster start/g' \
              -e 's/(<!-- cluster end -->|cluster end -->)/cluster end -->/g' "$2"
  fi
}

set_property() { # key value file -- replaces existing lines only; `c\` keeps any "&" in the value literal
  sed -i "/$1=/c\\$1=$2" "$3"
}

rewrite_hosts_file() {
  local hosts_file=${AMS_STANDIN_HOSTS_FILE:-/etc/hosts}
  local host_name addresses new_file
  host_name=$(cat /proc/sys/kernel/hostname)
  if command -v ip >/dev/null 2>&1; then
    addresses=$(ip -4 addr | awk '/inet / && !/127\.0\.0\.1/ && !/docker0/ {sub(/\/.*/, "", $2); print $2}' | xargs)
  else
    addresses=$(hostname -I 2>/dev/null | xargs)
  fi
  new_file=$(mktemp)
  grep -v -F "$host_name" "$hosts_file" > "$new_file" || true
  echo "$addresses $host_name" | tee -a "$new_file"
  cp -f "$new_file" "$hosts_file"  # cp, not mv: /etc/hosts is a bind mount in containers
  rm -f "$new_file"
}

change_server_mode() { # mode url [user password]
  local home=${ANTMEDIA_HOME:-/usr/local/antmedia}
  local mode=$1 db_url=$2 db_user=$3 db_password=$4 db_type app
  if [ "$mode" = "cluster" ] && [ -z "$db_url" ]; then
    echo "No DB URL specified. Missing parameter"
    return 1
  fi
  db_type=$(database_type "$mode" "$db_url")
  echo "Mode: $mode"
  echo "DB type is $db_type"
  toggle_cluster_beans "$mode" "$home/conf/jee-container.xml"
  set_property clusterdb.host "$db_url" "$home/conf/red5.properties"
  set_property clusterdb.user "$db_user" "$home/conf/red5.properties"
  set_property clusterdb.password "$db_password" "$home/conf/red5.properties"
  for app in "$home"/webapps/*/; do
    set_property db.type "$db_type" "$app/WEB-INF/red5-web.properties"
    set_property db.host "$db_url" "$app/WEB-INF/red5-web.properties"
    set_property db.user "$db_user" "$app/WEB-INF/red5-web.properties"
    set_property db.password "$db_password" "$app/WEB-INF/red5-web.properties"
  done
  rewrite_hosts_file
}

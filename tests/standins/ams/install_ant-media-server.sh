#!/usr/bin/env bash
# install_ant-media-server.sh for the Ant Media Server Enterprise STAND-IN (TEST DOUBLE for
# lowlatency.alicloud role tests, not Ant Media's installer and not Ant Media Server).
#
# Options, as the vendor's script takes them (getopts 'i:s:r:d:l:hu'):
#   -i ZIP         the AMS zip to install (mandatory here)
#   -r true|false  restore settings from the previous install (default false)
#   -s true|false  install and start the antmedia service (default true)
#   -h             help
#   -l, -u, -d     refused: they download from antmedia.io/GitHub or prompt, which the stand-in does not do
# The old positional form `script ZIP [true]` is accepted too.
#
# Steps, as the vendor's: check the OS, install the runtime packages (python3 + python3-pymongo instead of
# Java), unzip, move an existing /usr/local/antmedia aside to /usr/local/antmedia-backup-<date> (so a
# second run is not idempotent, as with the vendor's), create the antmedia user, /var/log/antmedia and the
# log symlink, install /etc/systemd/system/antmedia.service (daemon-reload, enable), restore settings with
# -r true, then stop and start the service with -s true.

AMS_BASE=/usr/local/antmedia
BACKUP_DIR="/usr/local/antmedia-backup-$(date +"%Y-%m-%d_%H-%M-%S")"
SAVE_SETTINGS=false
INSTALL_SERVICE=true
ZIP_FILE=
PACKAGES="python3 python3-pymongo unzip"

usage() {
  echo "Usage: $0 -i ant-media-server-zip-file [-r true|false] [-s true|false]"
  echo "  -i  Ant Media Server zip file. Mandatory"
  echo "  -r  restore settings from the previous installation (true/false, default false)"
  echo "  -s  install as a service (true/false, default true)"
}

fail() {
  echo "There is a problem in installing the ant media server: $1"
  exit 1
}

check_os() {
  [ -f /etc/os-release ] || fail "no /etc/os-release"
  . /etc/os-release
  case "$ID:$VERSION_ID" in
    ubuntu:20.04|ubuntu:22.04|ubuntu:24.04|debian:11|debian:12) ;;
    *) echo "We are supporting Ubuntu 20.04, Ubuntu 22.04, Ubuntu 24.04, Debian 11 and Debian 12 (stand-in)."; exit 1;;
  esac
}

install_packages() {
  local missing=()
  for package in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt-get update -qq || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" || fail "apt-get install ${missing[*]}"
}

installed_version() {
  unzip -p "$AMS_BASE/ant-media-server.jar" META-INF/MANIFEST.MF | grep "Implementation-Version" | cut -d' ' -f2 | tr -d '\r'
}

unpack() {
  local work
  work=$(mktemp -d)
  unzip -q "$ZIP_FILE" -d "$work" || fail "unzip $ZIP_FILE"
  [ -d "$work/ant-media-server" ] || fail "$ZIP_FILE has no ant-media-server/ directory"
  if [ -d "$AMS_BASE" ]; then
    mv "$AMS_BASE" "$BACKUP_DIR" || fail "backup to $BACKUP_DIR"
  fi
  mv "$work/ant-media-server" "$AMS_BASE" || fail "move to $AMS_BASE"
  rmdir "$work"
}

create_user_and_logs() {
  getent passwd antmedia >/dev/null || useradd -d "$AMS_BASE/" -s /bin/false -r antmedia || fail "useradd antmedia"
  mkdir -p /var/log/antmedia
  ln -sfn /var/log/antmedia "$AMS_BASE/log"
  chown -R antmedia:antmedia "$AMS_BASE/" /var/log/antmedia
}

install_service() {
  cp "$AMS_BASE/antmedia.service" /etc/systemd/system/antmedia.service || fail "copy antmedia.service"
  systemctl daemon-reload || fail "systemctl daemon-reload"
  systemctl enable antmedia || fail "enable antmedia"
  if [ -d /etc/sudoers.d ]; then
    echo "antmedia ALL=(ALL) NOPASSWD: /bin/bash enable_ssl.sh*" > /etc/sudoers.d/antmedia
    chmod 0440 /etc/sudoers.d/antmedia
  fi
}

restore_settings() {
  local app
  [ -d "$BACKUP_DIR" ] || { echo "No previous installation to restore settings from."; return 0; }
  for app in "$BACKUP_DIR"/webapps/*/; do
    app=$(basename "$app")
    if [ -f "$BACKUP_DIR/webapps/$app/WEB-INF/red5-web.properties" ] && [ -d "$AMS_BASE/webapps/$app/WEB-INF" ]; then
      cp -p "$BACKUP_DIR/webapps/$app/WEB-INF/red5-web.properties" "$AMS_BASE/webapps/$app/WEB-INF/red5-web.properties"
    fi
  done
  cp -p "$BACKUP_DIR/conf/red5.properties" "$BACKUP_DIR/conf/jee-container.xml" "$AMS_BASE/conf/"
  find "$BACKUP_DIR/" -maxdepth 1 -type f -name "*.db" -exec cp -p {} "$AMS_BASE/" \;
  chown -R antmedia:antmedia "$AMS_BASE/"
  echo "Settings are restored."
}

restart_service() {
  systemctl stop antmedia
  systemctl start antmedia || fail "start antmedia"
}

while getopts 'i:s:r:d:l:hu' option; do
  case "${option}" in
    i) ZIP_FILE=${OPTARG};;
    s) INSTALL_SERVICE=${OPTARG};;
    r) SAVE_SETTINGS=${OPTARG};;
    h) usage; exit 0;;
    l|u|d) echo "Option -$option is not supported by the stand-in installer (it needs antmedia.io, GitHub or a terminal)."; exit 1;;
    *) usage; exit 1;;
  esac
done
if [ -z "$ZIP_FILE" ] && [ -n "$1" ] && [ "${1:0:1}" != "-" ]; then
  echo "Using old syntax to match the parameters. It's deprecated. Learn the new way by typing $0 -h"
  ZIP_FILE=$1
  [ -n "$2" ] && SAVE_SETTINGS=$2
fi
[ -n "$ZIP_FILE" ] || { echo "Please give the Ant Media Server zip file as parameter"; usage; exit 1; }
[ -f "$ZIP_FILE" ] || fail "$ZIP_FILE not found"

check_os
install_packages
unpack
echo "Installing Ant Media Server $(installed_version)"
create_user_and_logs
[ "$INSTALL_SERVICE" = "true" ] && install_service
[ "$SAVE_SETTINGS" = "true" ] && restore_settings
if [ "$INSTALL_SERVICE" = "true" ]; then
  restart_service
  echo "Ant Media Server is installed and started."
else
  echo "Ant Media Server is installed. Run start.sh in $AMS_BASE to start it; no service was installed."
fi

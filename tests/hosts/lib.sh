# shellcheck shell=bash disable=SC2034  # sourced: the scripts that source it use these variables
# Shared settings for the test-host scripts (sourced, not run).
# Paths default to the checkout's git-ignored .cache; the Makefile passes the same ones in.

HOSTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$HOSTS_DIR/../.." && pwd)
CACHE=${CACHE:-$REPO_DIR/.cache}
HOSTS_CACHE=$CACHE/hosts
IMAGE_NAME=localhost/lowlatency-debian12-systemd
# Every podman call reads this project-owned file instead of /etc/containers/containers.conf.
export CONTAINERS_CONF=${CONTAINERS_CONF:-$HOSTS_CACHE/containers.conf}
# Hosts and networks this project starts carry this label, so `list` and `down` touch nothing else.
HOSTS_LABEL=lowlatency.test-host=1

say() { echo "hosts: $*" >&2; }
die() { say "$*"; exit 1; }

# The limits podman may ask for: root here lacks CAP_SYS_RESOURCE, so nothing above the hard limits works,
# and conmon runs with nproc 32768 whatever the shell allows.
ulimit_nofile() { ulimit -Hn; }
ulimit_nproc() { local hard; hard=$(ulimit -Hu); if [[ $hard == unlimited || $hard -gt 32768 ]]; then echo 32768; else echo "$hard"; fi; }

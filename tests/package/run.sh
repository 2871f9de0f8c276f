#!/usr/bin/env bash
# A stranger's path, as the README gives it: build the collection, install the tarball into an empty collections
# path (nothing of this checkout is importable), copy the example inventory, fill in what a user fills in, and run the
# installed playbooks by name against the emulator: infra and cluster (site.yml without mongodb.yml and verify.yml,
# which need real hosts) and teardown. Also checks what the tarball ships.
# Run through `make package-test` (tests/utils/with-emulator.sh provides the emulator and its access key).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package: $*" >&2; for log in "$work"/*.log; do [[ -f $log ]] && { echo "== $log"; tail -n 30 "$log"; }; done; exit 1; }

# 1. Build, and look at what the tarball ships.
(cd "$top" && ansible-galaxy collection build --force --output-path "$work/dist" >/dev/null)
tarball=$(ls "$work"/dist/lowlatency-alicloud-*.tar.gz)
tar -tzf "$tarball" | sed 's|^\./||; s|/$||' | sort > "$work/contents"
for needed in MANIFEST.json meta/runtime.yml README.md requirements.txt plugins/modules/vpc.py \
    plugins/inventory/ecs.py roles/mongodb/tasks/main.yml roles/ams_node/tasks/main.yml playbooks/site.yml \
    playbooks/roles/deployment/defaults/main.yml inventories/example/group_vars/all.yml docs/architecture.md; do
  grep -qxF "$needed" "$work/contents" || fail "the tarball lacks $needed"
done
# Developers' material and the emulator's test secrets stay out (galaxy.yml build_ignore).
if grep -E '^(inventories/local|emulator|tests|collections|mk|build|\.cache|\.venv|\.ci|docs/status\.md|docs/e2e-timings\.md|roles/[^/]+/molecule)(/|$)' \
    "$work/contents" > "$work/unwanted"; then
  fail "the tarball ships what it must not: $(head -n 5 "$work/unwanted" | tr '\n' ' ')"
fi

# 2. Install into an empty collections path, as `ansible-galaxy collection install <tarball>` does for a user.
export ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_LOCALHOST_WARNING=false
ansible-galaxy collection install "$tarball" -p "$work/collections" > "$work/install.log" 2>&1 || fail "install failed"
installed=$work/collections/ansible_collections/lowlatency/alicloud
[[ -f $installed/plugins/modules/vpc.py && ! -L $installed ]] || fail "the collection is not installed from the tarball"

# 3. The user's inventory: a copy of the example with their settings (here: the emulator's) and their secrets.
cp -r "$installed/inventories/example" "$work/inventory"
ssh-keygen -q -t ed25519 -N '' -C package-admin -f "$work/admin"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=live.example.com" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat > "$work/inventory/group_vars/local.yml" <<YAML
---
deployment_name: pkg-test
deployment_endpoint_url: ${ALICLOUD_ENDPOINT_URL}
deployment_access_key_id: ${ALIBABA_CLOUD_ACCESS_KEY_ID}
deployment_admin_public_key: "{{ lookup('ansible.builtin.file', '$work/admin.pub') }}"
deployment_certificate_file: $work/cert.pem
deployment_private_key_file: $work/key.pem
deployment_ams_image_id: m-bp1ams2113ent2204u  # the emulator's marketplace AMS image in cn-hangzhou
deployment_wait_timeout: 300
YAML
# The secrets, as the README's vault file (not encrypted here), outside the inventory directory.
cat > "$work/vault.yml" <<YAML
---
vault_deployment_access_key_secret: ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}
vault_deployment_mongodb_admin_password: package-admin-password
vault_deployment_mongodb_password: package-ams-password
YAML
# group_vars/local.yml applies to group "local": put localhost in it, as a user's own inventory would.
cat > "$work/inventory/local-group.yml" <<YAML
---
local:
  hosts:
    localhost:
YAML

playbook() {  # playbook LOG NAME: ansible-playbook lowlatency.alicloud.NAME with the user's inventory
  ansible-playbook -i "$work/inventory" -e "@$work/vault.yml" "lowlatency.alicloud.$2" > "$work/$1" 2>&1
}
changed() { sed -n 's/^localhost *: .*changed=\([0-9]*\).*/\1/p' "$work/$1"; }

# 4. Every playbook the README names parses from the installed collection.
for name in site infra mongodb cluster verify scale teardown; do
  ansible-playbook -i "$work/inventory" -e "@$work/vault.yml" "lowlatency.alicloud.$name" --syntax-check > "$work/syntax-$name.log" 2>&1 \
    || fail "lowlatency.alicloud.$name does not parse from the installed collection"
done

# 5. Deploy and tear down (the playbooks integration target checks re-runs, refusals and leftovers in depth).
playbook infra.log infra || fail "lowlatency.alicloud.infra failed"
playbook cluster.log cluster || fail "lowlatency.alicloud.cluster failed"
[[ $(changed cluster.log) -gt 0 ]] || fail "cluster changed nothing on its first run"
playbook teardown.log teardown || fail "lowlatency.alicloud.teardown failed"
[[ $(changed teardown.log) -gt 0 ]] || fail "teardown removed nothing"
left=$("$top/tests/utils/emulator-leftovers.sh")
[[ -z $left ]] || fail "teardown left resources in the emulator: $left"
echo "package: built $(basename "$tarball") ($(wc -l < "$work/contents") entries), installed it into an empty path, deployed with its playbooks and tore down"

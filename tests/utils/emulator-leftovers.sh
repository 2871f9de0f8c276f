#!/usr/bin/env bash
# Print the resources in the emulator's state (EMULATOR_ADMIN_URL), as "kind:id,id ...", leaving out its bookkeeping
# (core.*, such as the asynchronous jobs' history ListAsynJobs reads) and the account's own DNS domain example.com,
# which Alidns seeds on first use. Prints nothing when nothing is left.
set -euo pipefail
curl -sf "$EMULATOR_ADMIN_URL/state" | python3 -c '
import json, sys
resources = json.load(sys.stdin)["resources"]
seeded = {"alidns.seeded": {"account"}, "alidns.domain": {"example.com"}}
left = ((kind, sorted(set(found) - seeded.get(kind, set()))) for kind, found in sorted(resources.items())
        if not kind.startswith("core."))
print(" ".join("%s:%s" % (kind, ",".join(ids)) for kind, ids in left if ids))'

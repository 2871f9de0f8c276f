#!/usr/bin/env bash
# Print the variables integration targets use to reach the emulator (see mk/integration.mk).
set -eu
cat <<YAML
---
alicloud_connection:
  endpoint_url: "${ALICLOUD_ENDPOINT_URL}"
  access_key_id: "${ALIBABA_CLOUD_ACCESS_KEY_ID}"
  access_key_secret: "${ALIBABA_CLOUD_ACCESS_KEY_SECRET}"
  region: "${ALIBABA_CLOUD_REGION_ID}"
emulator_admin_url: "${EMULATOR_ADMIN_URL}"
YAML

# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module of the collection.
    DOCUMENTATION = r'''
options:
  access_key_id:
    description:
      - Alibaba Cloud AccessKey ID.
      - If not set, the environment variable E(ALIBABA_CLOUD_ACCESS_KEY_ID) is used, then E(ALICLOUD_ACCESS_KEY).
      - When no access key is set anywhere, the SDK default credential chain is used
        (credentials file, Alibaba Cloud CLI profile, ECS instance RAM role).
    type: str
    aliases: [access_key]
  access_key_secret:
    description:
      - Alibaba Cloud AccessKey secret. Never logged.
      - If not set, E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) is used, then E(ALICLOUD_SECRET_KEY).
      - Set it together with O(access_key_id).
    type: str
    aliases: [secret_key]
  security_token:
    description:
      - STS security token for temporary credentials. Never logged.
      - If not set, E(ALIBABA_CLOUD_SECURITY_TOKEN) is used, then E(ALICLOUD_SECURITY_TOKEN).
    type: str
  region:
    description:
      - Region to manage, for example V(cn-hangzhou).
      - If not set, E(ALIBABA_CLOUD_REGION_ID) is used, then E(ALICLOUD_REGION). One of them is required.
    type: str
    aliases: [region_id]
  endpoint_url:
    description:
      - Send every API call to this endpoint instead of the product's regional endpoint, as V(http(s\)://host[:port]).
      - Use it to point the modules at the bundled emulator, for example V(http://127.0.0.1:8765).
      - When the host is not an C(aliyuncs.com) name, the region travels in the C(x-emulator-region) header,
        because many API calls carry no region parameter and the real cloud reads it from the host name.
      - If not set, E(ALICLOUD_ENDPOINT_URL) is used.
    type: str
  profile:
    description:
      - Name of the Alibaba Cloud CLI profile (C(~/.aliyun/config.json)) to take credentials from when no access
        key is given.
      - If not set, E(ALIBABA_CLOUD_PROFILE) is used, then E(ALICLOUD_PROFILE).
    type: str
  api_retry_timeout:
    description:
      - How many seconds one API call may keep being retried on throttling, transient server errors and
        C(resource busy) codes, with exponential backoff and full jitter. V(0) never retries.
      - An endpoint that refuses connections or cannot be resolved is retried for at most 5 seconds of this budget,
        so a wrong O(endpoint_url) fails fast.
      - If not set, E(ALICLOUD_API_RETRY_TIMEOUT) is used, then 120.
    type: int
requirements:
  - python >= 3.9
  - alibabacloud-credentials
  - alibabacloud-tea-openapi
notes:
  - "Modules run where the API is reachable, normally on the controller (C(delegate_to: localhost) or a play on localhost)."
  - Every API call is retried with exponential backoff and full jitter on throttling, transient server errors and
    C(resource busy) codes, for at most O(api_retry_timeout) seconds (two minutes unless set).
  - API calls go through the Tea OpenAPI core (C(alibabacloud-tea-openapi)); the product SDK package a module lists
    in its requirements supplies the product's endpoint map when O(endpoint_url) is not set.
'''

    TAGS = r'''
options:
  tags:
    description:
      - Tags as a dictionary of key/value pairs.
      - If not set (V(null)), existing tags are left alone.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not listed in O(tags). With O(tags={}) all tags are removed.
      - Has no effect when O(tags) is not set.
    type: bool
    default: true
'''

    WAIT = r'''
options:
  wait:
    description:
      - Wait until the resource reaches its target state before returning.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait when O(wait=true).
    type: int
    default: 600
'''

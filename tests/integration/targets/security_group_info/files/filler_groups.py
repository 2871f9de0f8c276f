#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create or delete plain security groups named <prefix><n> in a VPC, through the unmodified ECS SDK.

Fixtures for the paging test: one process makes the 51 groups in a second or two, where one module run per group
takes minutes. The module under test only reads them.
    filler_groups.py create|delete VPC_ID PREFIX COUNT   (connection from ALICLOUD_ENDPOINT_URL, ALIBABA_CLOUD_*)
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import time
from urllib.parse import urlparse

from alibabacloud_ecs20140526 import models
from alibabacloud_ecs20140526.client import Client
from alibabacloud_tea_openapi.utils_models import Config


def client(region):
    endpoint = urlparse(os.environ['ALICLOUD_ENDPOINT_URL'])
    return Client(Config(access_key_id=os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'],
                         access_key_secret=os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'], region_id=region,
                         endpoint=endpoint.netloc, protocol=endpoint.scheme))


def retried(call, *args):
    """The fixtures must not fail under the emulator's faulty profile: a faulted call changed nothing."""
    for attempt in range(20):
        try:
            return call(*args)
        except Exception as error:  # the SDK's exception classes differ by version; all carry a code
            code = getattr(error, 'code', '') or ''
            if attempt == 19 or not ('Throttling' in code or code in ('ServiceUnavailable', 'InternalError')):
                raise
            time.sleep(0.2)


def main(action, vpc_id, prefix, count):
    region = os.environ['ALIBABA_CLOUD_REGION_ID']
    ecs = client(region)
    names = ['%s%d' % (prefix, n) for n in range(int(count))]
    if action == 'create':
        for name in names:
            retried(ecs.create_security_group, models.CreateSecurityGroupRequest(
                region_id=region, vpc_id=vpc_id, security_group_name=name))
        return
    for name in names:
        found = retried(ecs.describe_security_groups, models.DescribeSecurityGroupsRequest(
            region_id=region, vpc_id=vpc_id, security_group_name=name)).body.security_groups.security_group
        for group in found:
            retried(ecs.delete_security_group, models.DeleteSecurityGroupRequest(
                region_id=region, security_group_id=group.security_group_id))


if __name__ == '__main__':
    main(*sys.argv[1:])

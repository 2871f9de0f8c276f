#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test fixture, not part of the collection: create or delete many VPCs or vSwitches in one task.

The info targets need more resources than fit in one result page (50). Creating them one module run at a time
takes minutes, so this makes the same API calls (through the collection's client, against the emulator) from a
single process. Resources are named PREFIX-NN; state=absent deletes every one whose name starts with PREFIX-.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule


def names(prefix, count):
    return ['%s-%02d' % (prefix, index) for index in range(count)]


def create_vpcs(module, client, prefix, count):
    ids = []
    for name in names(prefix, count):
        created = client.call('CreateVpc', {'RegionId': module.region, 'VpcName': name, 'CidrBlock': '10.0.0.0/16',
                                            'Tag': [{'Key': 'fixture', 'Value': prefix}]}, idempotent=True)
        ids.append(created['VpcId'])
    return ids


def create_vswitches(module, client, prefix, count):
    vpc = client.call('DescribeVpcs', {'RegionId': module.region, 'VpcId': module.params['vpc_id']})['Vpcs']['Vpc'][0]
    blocks = ipaddress.ip_network(vpc['CidrBlock']).subnets(new_prefix=28)
    ids = []
    for name, block in zip(names(prefix, count), blocks):
        created = client.call('CreateVSwitch', {
            'RegionId': module.region, 'VpcId': vpc['VpcId'], 'ZoneId': module.params['zone_id'],
            'CidrBlock': str(block), 'VSwitchName': name, 'Tag': [{'Key': 'fixture', 'Value': prefix}],
        }, idempotent=True, retry_codes=('IncorrectVSwitchStatus',))
        ids.append(created['VSwitchId'])
    return ids


def delete_all(module, client, kind, prefix):
    if kind == 'vpc':
        found = client.paginate('DescribeVpcs', {'RegionId': module.region}, ('Vpcs', 'Vpc'))
        doomed = [item['VpcId'] for item in found if item['VpcName'].startswith(prefix + '-')]
        for vpc_id in doomed:
            client.call('DeleteVpc', {'RegionId': module.region, 'VpcId': vpc_id})
        return doomed
    found = client.paginate('DescribeVSwitches', {'RegionId': module.region, 'VpcId': module.params['vpc_id']},
                            ('VSwitches', 'VSwitch'))
    doomed = [item['VSwitchId'] for item in found if item['VSwitchName'].startswith(prefix + '-')]
    for vswitch_id in doomed:
        client.call('DeleteVSwitch', {'RegionId': module.region, 'VSwitchId': vswitch_id},
                    retry_codes=('OperationDenied.OtherSubnetProcessing', 'IncorrectVSwitchStatus'))
    return doomed


def main():
    module = AlicloudModule(argument_spec=dict(
        kind=dict(type='str', required=True, choices=['vpc', 'vswitch']),
        prefix=dict(type='str', required=True),
        count=dict(type='int', default=0),
        vpc_id=dict(type='str'),
        zone_id=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ))
    params = module.params
    client = module.client('vpc')
    if params['state'] == 'absent':
        deleted = delete_all(module, client, params['kind'], params['prefix'])
        module.exit_json(changed=bool(deleted), ids=deleted)
    create = create_vpcs if params['kind'] == 'vpc' else create_vswitches
    module.exit_json(changed=True, ids=create(module, client, params['prefix'], params['count']))


if __name__ == '__main__':
    main()

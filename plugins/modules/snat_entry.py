#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: snat_entry
short_description: Create, update or delete an SNAT entry of an Alibaba Cloud NAT gateway
version_added: 0.1.0
description:
  - Manages the SNAT entry that carries the traffic of a vSwitch, or of a CIDR block, out through EIPs bound to a
    NAT gateway (M(lowlatency.alicloud.nat_gateway), M(lowlatency.alicloud.eip)).
  - The entry is identified by its gateway and its source, O(source_vswitch_id) or O(source_cidr); a gateway has at
    most one entry per source.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  nat_gateway_id:
    description:
      - The NAT gateway whose SNAT table holds the entry.
    type: str
    required: true
  source_vswitch_id:
    description:
      - Every host of this vSwitch goes out through the entry. Exactly one of O(source_vswitch_id) and
        O(source_cidr).
    type: str
  source_cidr:
    description:
      - The hosts of this CIDR block (a host as V(10.0.1.5/32)) go out through the entry.
    type: str
  snat_ips:
    description:
      - Public addresses of EIPs bound to the gateway that the traffic leaves from. Required to create the entry.
    type: list
    elements: str
  name:
    description:
      - Name of the entry, 2-128 characters. Not changed when not set.
    type: str
  state:
    description:
      - V(present) creates or updates the entry, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.wait
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: The database vSwitch reaches the internet through the egress EIP
  lowlatency.alicloud.snat_entry:
    nat_gateway_id: "{{ nat.nat_gateway.nat_gateway_id }}"
    source_vswitch_id: "{{ db_vswitch.vswitch.vswitch_id }}"
    snat_ips: ["{{ egress.eip.ip_address }}"]
    name: db-egress
'''

RETURN = r'''
snat_entry:
  description: The entry as DescribeSnatTableEntries describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    snat_entry_id:
      description: Entry id.
      type: str
      sample: snat-bp1vcgcf8tm0plqcgtx1f
    snat_table_id:
      description: The gateway's SNAT table.
      type: str
    snat_ip:
      description: The SNAT addresses, comma-separated as the API returns them.
      type: str
    source_vswitch_id:
      description: The source vSwitch, or empty for a CIDR entry.
      type: str
    source_cidr:
      description: The source CIDR block (a vSwitch entry shows the vSwitch's).
      type: str
    status:
      description: V(Available) once ready.
      type: str
'''

import ipaddress

from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import nat_gateway
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


def entries(module, client, table_id, **query):
    query.update(RegionId=module.region, SnatTableId=table_id)
    found = client.paginate('DescribeSnatTableEntries', query, ('SnatTableEntries', 'SnatTableEntry'))
    return [snake_dict(item) for item in found]


def find_entry(module, client, table_id):
    params = module.params
    if params['source_vswitch_id']:
        found = [e for e in entries(module, client, table_id, SourceVSwitchId=params['source_vswitch_id'])
                 if e['source_vswitch_id'] == params['source_vswitch_id']]
    else:
        found = [e for e in entries(module, client, table_id, SourceCIDR=params['source_cidr'])
                 if not e['source_vswitch_id'] and e['source_cidr'] == params['source_cidr']]
    return found[0] if found else None


def wait_for(module, client, table_id, entry_id, gone=False):
    def fetch():
        found = entries(module, client, table_id, SnatEntryId=entry_id)
        return found[0] if found else None

    if gone:
        return module.wait(fetch, lambda entry: entry is None, 'SNAT entry %s to be deleted' % entry_id)
    return module.wait(fetch, lambda entry: entry is not None and entry['status'] == 'Available',
                       'SNAT entry %s to be Available' % entry_id)


def ips_of(entry):
    return sorted(ip for ip in (entry.get('snat_ip') or '').split(',') if ip)


def comparable(entry):
    return dict(name=entry.get('snat_entry_name'), snat_ips=ips_of(entry),
                source_vswitch_id=entry.get('source_vswitch_id'), source_cidr=entry.get('source_cidr'))


def create(module, client, table_id):
    params = module.params
    if not params['snat_ips']:
        module.fail_json(msg='Creating an SNAT entry needs snat_ips.')
    desired = dict(snat_table_id=table_id, snat_entry_name=params['name'] or '', snat_ip=','.join(params['snat_ips']),
                   source_vswitch_id=params['source_vswitch_id'] or '', source_cidr=params['source_cidr'] or '',
                   status='Pending')
    if module.check_mode:
        return desired
    created = client.call('CreateSnatEntry', {
        'RegionId': module.region, 'SnatTableId': table_id, 'SourceVSwitchId': params['source_vswitch_id'],
        'SourceCIDR': params['source_cidr'], 'SnatIp': ','.join(params['snat_ips']), 'SnatEntryName': params['name'],
    }, idempotent=True)
    if not params['wait']:
        return dict(desired, snat_entry_id=created['SnatEntryId'])
    return wait_for(module, client, table_id, created['SnatEntryId'])


def update(module, client, table_id, entry):
    params = module.params
    changes = {}
    if params['snat_ips'] and sorted(params['snat_ips']) != ips_of(entry):
        changes['SnatIp'] = ','.join(params['snat_ips'])
    if params['name'] is not None and params['name'] != entry['snat_entry_name']:
        changes['SnatEntryName'] = params['name']
    if not changes:
        return False, entry
    after = dict(entry, snat_ip=changes.get('SnatIp', entry['snat_ip']),
                 snat_entry_name=changes.get('SnatEntryName', entry['snat_entry_name']))
    if module.check_mode:
        return True, after
    if entry['status'] != 'Available':
        wait_for(module, client, table_id, entry['snat_entry_id'])
    client.call('ModifySnatEntry', dict(changes, RegionId=module.region, SnatTableId=table_id,
                                        SnatEntryId=entry['snat_entry_id']))
    if not params['wait']:
        return True, after
    return True, wait_for(module, client, table_id, entry['snat_entry_id'])


def delete(module, client, table_id, entry):
    if module.check_mode:
        return
    if entry['status'] == 'Pending':
        wait_for(module, client, table_id, entry['snat_entry_id'])
    if entry['status'] != 'Deleting':
        client.call('DeleteSnatEntry', {'RegionId': module.region, 'SnatTableId': table_id,
                                        'SnatEntryId': entry['snat_entry_id']})
    if module.params['wait']:
        wait_for(module, client, table_id, entry['snat_entry_id'], gone=True)


def check_input(params):
    if not params['nat_gateway_id']:
        raise ValueError('nat_gateway_id must not be empty.')
    if bool(params['source_vswitch_id']) == bool(params['source_cidr']):
        raise ValueError('Give exactly one of source_vswitch_id and source_cidr.')
    if params['source_cidr']:
        try:
            cidr = ipaddress.IPv4Network(params['source_cidr'], strict=True)
        except ValueError as error:
            raise ValueError('source_cidr %s is not an IPv4 CIDR block: %s' % (params['source_cidr'], error))
        params['source_cidr'] = str(cidr)
    for address in params['snat_ips'] or []:
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            raise ValueError('snat_ips: %r is not an IPv4 address.' % address)
    if params['name'] is not None and not 2 <= len(params['name']) <= 128:
        raise ValueError('name must be 2-128 characters long.')


def main():
    argument_spec = dict(
        nat_gateway_id=dict(type='str', required=True),
        source_vswitch_id=dict(type='str'),
        source_cidr=dict(type='str'),
        snat_ips=dict(type='list', elements='str'),
        name=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, supports_check_mode=True)
    module.check(check_input, module.params)
    client = module.client('vpc')
    try:
        gateway = nat_gateway(module, client, module.params['nat_gateway_id'])
        if gateway is None:
            if module.params['state'] == 'absent':
                module.exit_json(changed=False, snat_entry={}, diff=dict(before={}, after={}))
            module.fail_json(msg='NAT gateway %s does not exist in %s.' % (module.params['nat_gateway_id'],
                                                                           module.region))
        table_id = gateway['snat_table_ids'][0]
        current = find_entry(module, client, table_id)
    except ApiError as error:
        module.fail_api(error)
    module.converge('snat_entry', current, lambda: create(module, client, table_id),
                    lambda entry: update(module, client, table_id, entry),
                    lambda entry: delete(module, client, table_id, entry), comparable)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: nat_gateway
short_description: Create, update or delete an enhanced Internet NAT gateway in an Alibaba Cloud VPC
version_added: 0.1.0
description:
  - Manages a pay-as-you-go enhanced Internet NAT gateway (billed per LCU), through which hosts without a public
    address reach the internet (bind an EIP with M(lowlatency.alicloud.eip) and add an SNAT entry with
    M(lowlatency.alicloud.snat_entry)).
  - The gateway is found by O(nat_gateway_id) when given, else by O(name) within O(vpc_id). Two gateways with that
    name in the VPC are an error, never a guess.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the NAT gateway; its identity within the VPC when O(nat_gateway_id) is not given.
    type: str
  nat_gateway_id:
    description:
      - Id of an existing NAT gateway to manage. With O(state=present) it must exist; the module never creates one in
        its place. With O(state=absent) an id that no longer exists is not an error.
    type: str
    aliases: [id]
  vpc_id:
    description:
      - VPC of the gateway. Required unless O(nat_gateway_id) is given.
    type: str
  vswitch_id:
    description:
      - vSwitch of the VPC the gateway takes its private address from. Required to create one; cannot change.
    type: str
  description:
    description:
      - Description. Not changed when not set.
    type: str
  force:
    description:
      - With O(state=absent), let the cloud delete the gateway's SNAT entries and unbind its EIPs. Without it the
        deletion fails, with the cloud's reason, while the gateway has either.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the gateway, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - lowlatency.alicloud.auth.wait
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: A NAT gateway for the private hosts' egress
  lowlatency.alicloud.nat_gateway:
    name: ams-egress
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    vswitch_id: "{{ vswitch_a.vswitch.vswitch_id }}"
    tags:
      app: ams
  register: nat

- name: Delete it with whatever entries and EIPs it still has
  lowlatency.alicloud.nat_gateway:
    name: ams-egress
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    force: true
    state: absent
'''

RETURN = r'''
nat_gateway:
  description: The NAT gateway as DescribeNatGateways describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    nat_gateway_id:
      description: NAT gateway id.
      type: str
      sample: ngw-bp1uewa15k4iy5770ya89
    name:
      description: Name.
      type: str
    vpc_id:
      description: VPC id.
      type: str
    status:
      description: V(Available) once ready.
      type: str
    snat_table_ids:
      description: The gateway's SNAT table (one).
      type: list
      elements: str
    ip_lists:
      description: The EIPs bound to the gateway.
      type: list
      elements: dict
    nat_gateway_private_info:
      description: Its vSwitch (C(vswitch_id)) and private address.
      type: dict
    tags:
      description: Tags as a dictionary.
      type: dict
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import describe_nat_gateways
from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import nat_gateway
from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import wait_for_nat_gateway
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import attribute_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags


NAT_GATEWAY = Kind('NAT gateway', 'NAT gateways', 'nat_gateway_id', 'nat_gateway_id', 'name')


def find_gateway(module, client):
    vpc_id = module.params['vpc_id']
    return module.find(NAT_GATEWAY, lambda gateway_id: nat_gateway(module, client, gateway_id),
                       lambda name: describe_nat_gateways(module, client, VpcId=vpc_id, Name=name),
                       ' in VPC %s' % vpc_id)


def comparable(gateway):
    result = dict((key, gateway.get(key)) for key in ('name', 'description', 'vpc_id', 'tags'))
    result['vswitch_id'] = (gateway.get('nat_gateway_private_info') or {}).get('vswitch_id')
    return result


def create(module, client):
    params = module.params
    if params['nat_gateway_id']:
        module.fail_json(msg='NAT gateway %s does not exist in %s; leave out nat_gateway_id to create one.'
                         % (params['nat_gateway_id'], module.region))
    if not params['vswitch_id']:
        module.fail_json(msg='Creating a NAT gateway needs vswitch_id.')
    vswitches = client.call('DescribeVSwitches', {'RegionId': module.region, 'VpcId': params['vpc_id'],
                                                  'VSwitchId': params['vswitch_id']})['VSwitches']['VSwitch']
    if not vswitches:
        module.fail_json(msg='vSwitch %s is not a vSwitch of VPC %s in %s.'
                         % (params['vswitch_id'], params['vpc_id'], module.region))
    desired = dict(name=params['name'], description=params['description'] or '', vpc_id=params['vpc_id'],
                   tags=merged_tags({}, params['tags']), status='Creating',
                   nat_gateway_private_info=dict(vswitch_id=params['vswitch_id']))
    if module.check_mode:
        return desired
    created = client.call('CreateNatGateway', {
        'RegionId': module.region, 'VpcId': params['vpc_id'], 'VSwitchId': params['vswitch_id'],
        'NatType': 'Enhanced', 'NetworkType': 'internet', 'InternetChargeType': 'PayByLcu',
        'Name': params['name'], 'Description': params['description'], 'Tag': dict_to_tags(params['tags']) or None,
    }, idempotent=True)
    if not params['wait']:
        return dict(desired, nat_gateway_id=created['NatGatewayId'],
                    snat_table_ids=created['SnatTableIds']['SnatTableId'])
    return wait_for_nat_gateway(module, client, created['NatGatewayId'])


def update(module, client, gateway):
    params = module.params
    current_vswitch = gateway['nat_gateway_private_info']['vswitch_id']
    if params['vswitch_id'] and params['vswitch_id'] != current_vswitch:
        module.fail_json(msg='NAT gateway %s is in vSwitch %s; it cannot move to %s: create a new gateway instead.'
                         % (gateway['nat_gateway_id'], current_vswitch, params['vswitch_id']))
    attributes, after = attribute_changes(gateway, {'Name': ('name', params['name']),
                                                    'Description': ('description', params['description'])})
    to_set, to_remove = compare_tags(gateway['tags'], params['tags'], params['purge_tags'])
    if not (attributes or to_set or to_remove):
        return False, gateway
    after['tags'] = merged_tags(gateway['tags'], params['tags'], params['purge_tags'])
    if module.check_mode:
        return True, after
    if attributes:
        client.call('ModifyNatGatewayAttribute', dict(attributes, RegionId=module.region,
                                                      NatGatewayId=gateway['nat_gateway_id']))
    apply_tags(client, 'NATGATEWAY', gateway['nat_gateway_id'], to_set, to_remove, untag_action='UnTagResources',
               region=module.region)
    return True, nat_gateway(module, client, gateway['nat_gateway_id']) or after


def delete(module, client, gateway):
    if module.check_mode:
        return
    if gateway['status'] == 'Creating':
        wait_for_nat_gateway(module, client, gateway['nat_gateway_id'])
    if gateway['status'] != 'Deleting':
        module.delete_unless_in_use(
            client, 'DeleteNatGateway', {'RegionId': module.region, 'NatGatewayId': gateway['nat_gateway_id'],
                                         'Force': module.params['force']},
            'NAT gateway %s still has SNAT entries or EIPs; delete them first, or set force' % gateway['nat_gateway_id'])
    if module.params['wait']:
        wait_for_nat_gateway(module, client, gateway['nat_gateway_id'], gone=True)


def main():
    argument_spec = dict(
        name=dict(type='str'),
        nat_gateway_id=dict(type='str', aliases=['id']),
        vpc_id=dict(type='str'),
        vswitch_id=dict(type='str'),
        description=dict(type='str'),
        force=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, supports_check_mode=True, kinds=[NAT_GATEWAY])
    params = module.params
    if not (params['nat_gateway_id'] or params['name'] and params['vpc_id']):
        module.fail_json(msg='Give nat_gateway_id, or a name and vpc_id, to identify the NAT gateway.')
    client = module.client('vpc')
    current = find_gateway(module, client)
    module.converge('nat_gateway', current, lambda: create(module, client),
                    lambda gateway: update(module, client, gateway), lambda gateway: delete(module, client, gateway),
                    comparable)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vswitch
short_description: Create, update or delete a vSwitch (subnet) in an Alibaba Cloud VPC
version_added: 0.1.0
description:
  - Manages a vSwitch, the per-zone subnet that instances, scaling groups and the load balancer attach to.
  - The vSwitch is found by O(vswitch_id) when given, else by O(name) within O(vpc_id). Two vSwitches with that
    name in the VPC are an error, never a guess.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the vSwitch; its identity within the VPC when O(vswitch_id) is not given.
    type: str
    aliases: [vswitch_name]
  vswitch_id:
    description:
      - Id of an existing vSwitch to manage.
      - With O(state=present) a vSwitch with this id must exist; the module never creates one in its place.
      - With O(state=absent) an id that no longer exists is not an error.
    type: str
    aliases: [id]
  vpc_id:
    description:
      - VPC the vSwitch belongs to. Required unless O(vswitch_id) is given.
    type: str
  zone_id:
    description:
      - Zone of the vSwitch, for example V(cn-hangzhou-h). Required to create one; cannot change afterwards.
    type: str
  cidr_block:
    description:
      - IPv4 CIDR block inside the VPC's, for example V(10.20.1.0/24). Required to create one; cannot change
        afterwards.
    type: str
  description:
    description:
      - Description. Not changed when not set.
    type: str
  state:
    description:
      - V(present) creates or updates the vSwitch, V(absent) deletes it.
      - Deleting fails, with the cloud's reason, while instances or other resources still use it.
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
- name: One vSwitch per zone
  lowlatency.alicloud.vswitch:
    name: "ams-{{ item.zone }}"
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    zone_id: "{{ item.zone }}"
    cidr_block: "{{ item.cidr }}"
    tags:
      app: ams
  loop:
    - {zone: cn-hangzhou-h, cidr: 10.20.1.0/24}
    - {zone: cn-hangzhou-i, cidr: 10.20.2.0/24}
'''

RETURN = r'''
vswitch:
  description: The vSwitch as the API describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    vswitch_id:
      description: vSwitch id.
      type: str
      sample: vsw-bp1s5fnvk4gn2tws03624
    vswitch_name:
      description: Name.
      type: str
    vpc_id:
      description: VPC id.
      type: str
    zone_id:
      description: Zone.
      type: str
      sample: cn-hangzhou-h
    cidr_block:
      description: IPv4 CIDR block.
      type: str
      sample: 10.20.1.0/24
    status:
      description: V(Available) once ready.
      type: str
    available_ip_address_count:
      description: Free addresses left.
      type: int
    tags:
      description: Tags as a dictionary.
      type: dict
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.network import cidr_within
from ansible_collections.lowlatency.alicloud.plugins.module_utils.network import parse_cidr
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import attribute_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


VSWITCH = Kind('vSwitch', 'vSwitches', 'vswitch_id', 'vswitch_id', 'vswitch_name')


def describe(module, client, **query):
    query['RegionId'] = module.region
    return [snake_dict(item) for item in client.paginate('DescribeVSwitches', query, ('VSwitches', 'VSwitch'))]


def find_vswitch(module, client):
    def by_name(name):
        try:
            return describe(module, client, VpcId=module.params['vpc_id'], VSwitchName=name)
        except ApiError as error:
            # A VPC that does not exist holds no vSwitch: nothing to delete, and create() says the VPC is missing.
            if error.code != 'Forbidden.VpcNotFound':
                raise
            return []

    return module.find(VSWITCH, lambda vswitch_id: (describe(module, client, VSwitchId=vswitch_id) or [None])[0],
                       by_name, where=' in VPC %s' % module.params['vpc_id'])


def wait_for(module, client, vswitch_id, gone=False):
    def fetch():
        found = describe(module, client, VSwitchId=vswitch_id)
        return found[0] if found else None

    if gone:
        return module.wait(fetch, lambda vsw: vsw is None, 'vSwitch %s to be deleted' % vswitch_id)
    return module.wait(fetch, lambda vsw: vsw is not None and vsw['status'] == 'Available',
                       'vSwitch %s to be Available' % vswitch_id)


def comparable(vswitch):
    return dict((key, vswitch.get(key)) for key in ('vswitch_name', 'zone_id', 'cidr_block', 'description', 'tags'))


def create(module, client):
    params = module.params
    module.refuse_twin(VSWITCH)
    missing = [name for name in ('name', 'vpc_id', 'zone_id', 'cidr_block') if not params[name]]
    if missing:
        module.fail_json(msg='Creating a vSwitch needs %s.' % ', '.join(missing))
    vpcs = client.call('DescribeVpcs', {'RegionId': module.region, 'VpcId': params['vpc_id']})['Vpcs']['Vpc']
    if not vpcs:
        module.fail_json(msg='VPC %s does not exist in %s.' % (params['vpc_id'], module.region))
    if not cidr_within(params['cidr_block'], vpcs[0]['CidrBlock']):
        module.fail_json(msg='cidr_block %s is not inside the CIDR %s of VPC %s.'
                         % (params['cidr_block'], vpcs[0]['CidrBlock'], params['vpc_id']))
    desired = dict(vswitch_name=params['name'], vpc_id=params['vpc_id'], zone_id=params['zone_id'],
                   cidr_block=params['cidr_block'], description=params['description'] or '',
                   tags=merged_tags({}, params['tags']))
    if module.check_mode:
        return dict(desired, status='Pending')
    created = client.call('CreateVSwitch', {
        'RegionId': module.region, 'VpcId': params['vpc_id'], 'ZoneId': params['zone_id'],
        'CidrBlock': params['cidr_block'], 'VSwitchName': params['name'], 'Description': params['description'],
        'Tag': dict_to_tags(params['tags']),
    }, idempotent=True)
    if not params['wait']:
        return dict(desired, vswitch_id=created['VSwitchId'], status='Pending')
    return wait_for(module, client, created['VSwitchId'])


def update(module, client, vswitch):
    """Bring an existing vSwitch in line; return (changed, the vSwitch as it now is or would be)."""
    params = module.params
    for immutable in ('zone_id', 'cidr_block'):
        if params[immutable] and params[immutable] != vswitch[immutable]:
            module.fail_json(msg='vSwitch %s has %s %s; it cannot change to %s: create a new vSwitch instead.'
                             % (vswitch['vswitch_id'], immutable, vswitch[immutable], params[immutable]))
    attributes, after = attribute_changes(vswitch, {'VSwitchName': ('vswitch_name', params['name']),
                                                    'Description': ('description', params['description'])})
    to_set, to_remove = compare_tags(vswitch['tags'], params['tags'], params['purge_tags'])
    if not (attributes or to_set or to_remove):
        return False, vswitch
    after['tags'] = merged_tags(vswitch['tags'], params['tags'], params['purge_tags'])
    if module.check_mode:
        return True, after
    if attributes:
        client.call('ModifyVSwitchAttribute', dict(attributes, RegionId=module.region,
                                                   VSwitchId=vswitch['vswitch_id']))
    apply_tags(client, 'VSWITCH', vswitch['vswitch_id'], to_set, to_remove, untag_action='UnTagResources',
               region=module.region)
    return True, find_vswitch(module, client) or after


def delete(module, client, vswitch):
    if module.check_mode:
        return
    # The VPC refuses to delete a vSwitch while a sibling is still being created or deleted: retry that.
    module.delete_unless_in_use(client, 'DeleteVSwitch', {'RegionId': module.region, 'VSwitchId': vswitch['vswitch_id']},
                                'vSwitch %s is still in use; delete its instances, scaling groups and load balancers '
                                'first' % vswitch['vswitch_id'], retry_codes=('OperationDenied.OtherSubnetProcessing',))
    if module.params['wait']:
        wait_for(module, client, vswitch['vswitch_id'], gone=True)


def main():
    argument_spec = dict(
        name=dict(type='str', aliases=['vswitch_name']),
        vswitch_id=dict(type='str', aliases=['id']),
        vpc_id=dict(type='str'),
        zone_id=dict(type='str'),
        cidr_block=dict(type='str'),
        description=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, supports_check_mode=True, kinds=[VSWITCH])
    if not module.params['vswitch_id'] and not (module.params['name'] and module.params['vpc_id']):
        module.fail_json(msg='Give vswitch_id, or name and vpc_id, to identify the vSwitch.')
    if module.params['cidr_block']:
        module.check(parse_cidr, module.params['cidr_block'])
    client = module.client('vpc')
    current = find_vswitch(module, client)
    module.converge('vswitch', current, lambda: create(module, client), lambda vswitch: update(module, client, vswitch),
                    lambda vswitch: delete(module, client, vswitch), comparable)


if __name__ == '__main__':
    main()

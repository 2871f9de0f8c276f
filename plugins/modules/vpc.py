#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vpc
short_description: Create, update or delete an Alibaba Cloud VPC
version_added: 0.1.0
description:
  - Manages a virtual private cloud (VPC), the network every other resource of the cluster lives in.
  - The VPC is found by O(vpc_id) when given, else by O(name) in the region. Two VPCs with that name are an error,
    never a guess.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the VPC; its identity when O(vpc_id) is not given.
      - Required to create a VPC.
    type: str
    aliases: [vpc_name]
  vpc_id:
    description:
      - Id of an existing VPC to manage.
      - With O(state=present) a VPC with this id must exist; the module never creates one in its place.
      - With O(state=absent) an id that no longer exists is not an error.
    type: str
    aliases: [id]
  cidr_block:
    description:
      - IPv4 CIDR block, for example V(10.0.0.0/16). Required to create a VPC.
      - The CIDR of an existing VPC cannot be changed by this module; a different value fails.
    type: str
  description:
    description:
      - Description of the VPC. Not changed when not set.
    type: str
  state:
    description:
      - V(present) creates or updates the VPC, V(absent) deletes it.
      - Deleting fails, with the cloud's reason, while vSwitches or other resources still use the VPC.
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
- name: The cluster's VPC
  lowlatency.alicloud.vpc:
    name: ams-cluster
    cidr_block: 10.20.0.0/16
    description: Ant Media Server cluster
    tags:
      app: ams
  register: cluster_vpc

- name: Remove it (its vSwitches first)
  lowlatency.alicloud.vpc:
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    state: absent
'''

RETURN = r'''
vpc:
  description: The VPC as the API describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    vpc_id:
      description: VPC id.
      type: str
      sample: vpc-bp1qpo0kug3a20qqe9q8x
    vpc_name:
      description: Name.
      type: str
      sample: ams-cluster
    cidr_block:
      description: IPv4 CIDR block.
      type: str
      sample: 10.20.0.0/16
    status:
      description: V(Available) once ready.
      type: str
      sample: Available
    description:
      description: Description.
      type: str
    vswitch_ids:
      description: Ids of the VPC's vSwitches.
      type: list
      elements: str
    vrouter_id:
      description: Id of the VPC's router.
      type: str
    tags:
      description: Tags as a dictionary.
      type: dict
      sample: {app: ams}
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.network import parse_cidr
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import attribute_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


VPC = Kind('VPC', 'VPCs', 'vpc_id', 'VpcId', 'VpcName')


def describe(module, client, **query):
    return client.paginate('DescribeVpcs', dict(query, RegionId=module.region), ('Vpcs', 'Vpc'))


def find_vpc(module, client):
    """The one VPC with this id, or with this name in the region; None when there is none."""
    found = module.find(VPC, lambda vpc_id: (describe(module, client, VpcId=vpc_id) or [None])[0],
                        lambda name: describe(module, client, VpcName=name), where=' in %s' % module.region)
    return snake_dict(found) if found else None


def wait_for(module, client, vpc_id, gone=False):
    def fetch():
        found = describe(module, client, VpcId=vpc_id)
        return snake_dict(found[0]) if found else None

    if gone:
        return module.wait(fetch, lambda vpc: vpc is None, 'VPC %s to be deleted' % vpc_id)
    return module.wait(fetch, lambda vpc: vpc is not None and vpc['status'] == 'Available',
                       'VPC %s to be Available' % vpc_id)


def comparable(vpc):
    return dict((key, vpc.get(key)) for key in ('vpc_name', 'cidr_block', 'description', 'tags'))


def create(module, client):
    params = module.params
    module.refuse_twin(VPC)
    if not params['name'] or not params['cidr_block']:
        module.fail_json(msg='Creating a VPC needs name and cidr_block.')
    desired = dict(vpc_name=params['name'], cidr_block=params['cidr_block'],
                   description=params['description'] or '', tags=merged_tags({}, params['tags']))
    if module.check_mode:
        return dict(desired, status='Pending')
    created = client.call('CreateVpc', {
        'RegionId': module.region, 'VpcName': params['name'], 'CidrBlock': params['cidr_block'],
        'Description': params['description'], 'Tag': dict_to_tags(params['tags']),
    }, idempotent=True)
    if not params['wait']:
        return dict(desired, vpc_id=created['VpcId'], status='Pending')
    return wait_for(module, client, created['VpcId'])


def update(module, client, vpc):
    """Bring an existing VPC in line; return (changed, the VPC as it now is or would be in check mode)."""
    params = module.params
    if params['cidr_block'] and params['cidr_block'] != vpc['cidr_block']:
        module.fail_json(msg='VPC %s has CIDR %s; changing it to %s is not supported: create a new VPC instead.'
                         % (vpc['vpc_id'], vpc['cidr_block'], params['cidr_block']))
    attributes, after = attribute_changes(vpc, {'VpcName': ('vpc_name', params['name']),
                                                'Description': ('description', params['description'])})
    to_set, to_remove = compare_tags(vpc['tags'], params['tags'], params['purge_tags'])
    if not (attributes or to_set or to_remove):
        return False, vpc
    after['tags'] = merged_tags(vpc['tags'], params['tags'], params['purge_tags'])
    if module.check_mode:
        return True, after
    if attributes:
        client.call('ModifyVpcAttribute', dict(attributes, RegionId=module.region, VpcId=vpc['vpc_id']))
    apply_tags(client, 'VPC', vpc['vpc_id'], to_set, to_remove, untag_action='UnTagResources', region=module.region)
    return True, find_vpc(module, client) or after


def delete(module, client, vpc):
    if module.check_mode:
        return
    module.delete_unless_in_use(client, 'DeleteVpc', {'RegionId': module.region, 'VpcId': vpc['vpc_id']},
                                'VPC %s is still in use; delete its vSwitches, security groups and instances first'
                                % vpc['vpc_id'])
    if module.params['wait']:
        wait_for(module, client, vpc['vpc_id'], gone=True)


def main():
    argument_spec = dict(
        name=dict(type='str', aliases=['vpc_name']),
        vpc_id=dict(type='str', aliases=['id']),
        cidr_block=dict(type='str'),
        description=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, required_one_of=[['name', 'vpc_id']],
                            supports_check_mode=True, kinds=[VPC])
    if module.params['cidr_block']:
        module.check(parse_cidr, module.params['cidr_block'])
    client = module.client('vpc')
    current = find_vpc(module, client)
    module.converge('vpc', current, lambda: create(module, client), lambda vpc: update(module, client, vpc),
                    lambda vpc: delete(module, client, vpc), comparable)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: security_group_info
short_description: Look up Alibaba Cloud security groups
version_added: 0.1.0
description:
  - Lists the security groups of a region that match every filter given, over all result pages.
  - With O(include_rules=true), each group also carries its inbound and outbound rules (one more API call per
    group).
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  security_group_ids:
    description:
      - Only these security groups.
    type: list
    elements: str
    aliases: [ids]
  name:
    description:
      - Only security groups with exactly this name.
    type: str
  vpc_id:
    description:
      - Only security groups of this VPC.
    type: str
  tags:
    description:
      - Only security groups carrying all of these tags.
    type: dict
  include_rules:
    description:
      - Add each group's rules under RV(security_groups[].rules) and RV(security_groups[].rules_egress).
    type: bool
    default: false
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-ecs20140526
'''

EXAMPLES = r'''
- name: The cluster's security groups with their rules
  lowlatency.alicloud.security_group_info:
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    tags:
      app: ams
    include_rules: true
  register: found

- name: Who may reach MongoDB
  ansible.builtin.debug:
    msg: "{{ (found.security_groups | selectattr('security_group_name', 'equalto', 'ams-mongodb') | first).rules }}"
'''

RETURN = r'''
security_groups:
  description: Matching security groups in snake_case, as the M(lowlatency.alicloud.security_group) module returns
    them (without rules unless O(include_rules=true)), oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    security_group_id:
      description: Security group id.
      type: str
      sample: sg-bp1fg655nh68xyz9i3bz
    security_group_name:
      description: Name.
      type: str
    vpc_id:
      description: VPC id.
      type: str
    description:
      description: Description.
      type: str
    tags:
      description: Tags as a dictionary.
      type: dict
    rules:
      description: Inbound rules (protocol, ports, cidr_ip or group_id, policy, priority, description, rule_id).
      type: list
      elements: dict
      returned: when O(include_rules=true)
    rules_egress:
      description: Outbound rules, in the same form.
      type: list
      elements: dict
      returned: when O(include_rules=true)
'''

import json

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.security_rules import split_permissions
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

# DescribeSecurityGroups takes at most 100 ids, as a JSON array string.
IDS_PER_CALL = 100


def describe(module, client):
    params = module.params
    query = {'RegionId': module.region, 'VpcId': params['vpc_id'], 'SecurityGroupName': params['name'],
             'Tag': dict_to_tags(params['tags']) or None}
    ids = params['security_group_ids']
    batches = [json.dumps(ids[start:start + IDS_PER_CALL]) for start in range(0, len(ids), IDS_PER_CALL)] \
        if ids else [None]
    found = []
    for batch in batches:
        found.extend(client.paginate('DescribeSecurityGroups', dict(query, SecurityGroupIds=batch),
                                     ('SecurityGroups', 'SecurityGroup')))
    if params['name'] is not None:  # the name filter is not documented as exact: make it so
        found = [group for group in found if group['SecurityGroupName'] == params['name']]
    return [snake_dict(group) for group in found]


def main():
    module = AlicloudModule(
        argument_spec=dict(
            security_group_ids=dict(type='list', elements='str', aliases=['ids']),
            name=dict(type='str'),
            vpc_id=dict(type='str'),
            tags=dict(type='dict'),
            include_rules=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    client = module.client('ecs')
    try:
        groups = describe(module, client)
        if module.params['include_rules']:
            for group in groups:
                permissions = client.paginate('DescribeSecurityGroupAttribute', {
                    'RegionId': module.region, 'SecurityGroupId': group['security_group_id'], 'Direction': 'all',
                    'MaxResults': 1000}, ('Permissions', 'Permission'))
                group['rules'], group['rules_egress'] = split_permissions(permissions)
    except ApiError as error:
        module.fail_api(error)
    module.exit_json(changed=False, security_groups=groups)


if __name__ == '__main__':
    main()

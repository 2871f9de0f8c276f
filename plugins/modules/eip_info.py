#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: eip_info
short_description: Look up Alibaba Cloud elastic IP addresses (EIPs)
version_added: 0.1.0
description:
  - Lists the EIPs of a region that match every filter given, over all result pages.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  allocation_ids:
    description:
      - Only these EIPs (at most 50).
    type: list
    elements: str
    aliases: [ids]
  ip_addresses:
    description:
      - Only the EIPs with these addresses (at most 50).
    type: list
    elements: str
  name:
    description:
      - Only EIPs with exactly this name.
    type: str
  associated_instance_id:
    description:
      - Only the EIP bound to this ECS instance or NAT gateway.
    type: str
  status:
    description:
      - Only EIPs in this state.
    type: str
    choices: [Associating, Unassociating, InUse, Available, Releasing]
  tags:
    description:
      - Only EIPs carrying all of these tags.
    type: dict
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: The EIP of the database host
  lowlatency.alicloud.eip_info:
    associated_instance_id: "{{ mongodb_instance_id }}"
  register: found

- name: Its address
  ansible.builtin.debug:
    msg: "{{ found.eips[0].ip_address }}"
'''

RETURN = r'''
eips:
  description: Matching EIPs in snake_case, as the M(lowlatency.alicloud.eip) module returns them.
  returned: always
  type: list
  elements: dict
  sample: [{allocation_id: eip-bp1rfkdzangw82aj2skaw, ip_address: 47.98.10.20, name: ams-egress, status: InUse,
            instance_type: Nat, instance_id: ngw-bp1uewa15k4iy5770ya89, tags: {app: ams}}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import describe_eips
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags


def main():
    module = AlicloudModule(
        argument_spec=dict(
            allocation_ids=dict(type='list', elements='str', aliases=['ids']),
            ip_addresses=dict(type='list', elements='str'),
            name=dict(type='str'),
            associated_instance_id=dict(type='str'),
            status=dict(type='str', choices=['Associating', 'Unassociating', 'InUse', 'Available', 'Releasing']),
            tags=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = dict(AllocationId=','.join(params['allocation_ids'] or []) or None,
                 EipAddress=','.join(params['ip_addresses'] or []) or None, EipName=params['name'],
                 AssociatedInstanceId=params['associated_instance_id'], Status=params['status'],
                 Tag=dict_to_tags(params['tags']) or None)
    try:
        found = describe_eips(module, module.client('vpc'), **query)
    except ApiError as error:
        module.fail_api(error)
    if params['name'] is not None:  # the API may match names loosely
        found = [eip for eip in found if eip['name'] == params['name']]
    module.exit_json(changed=False, eips=found)


if __name__ == '__main__':
    main()

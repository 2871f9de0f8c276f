#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vpc_info
short_description: Look up Alibaba Cloud VPCs
version_added: 0.1.0
description:
  - Lists the VPCs of a region that match every filter given, over all result pages.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  vpc_ids:
    description:
      - Only these VPCs.
    type: list
    elements: str
    aliases: [ids]
  name:
    description:
      - Only VPCs with exactly this name.
    type: str
  tags:
    description:
      - Only VPCs carrying all of these tags.
    type: dict
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: The cluster's VPCs
  lowlatency.alicloud.vpc_info:
    tags:
      app: ams
  register: found

- name: Their ids
  ansible.builtin.debug:
    msg: "{{ found.vpcs | map(attribute='vpc_id') | list }}"
'''

RETURN = r'''
vpcs:
  description: Matching VPCs in snake_case, as the M(lowlatency.alicloud.vpc) module returns them.
  returned: always
  type: list
  elements: dict
  sample: [{vpc_id: vpc-bp1qpo0kug3a20qqe9q8x, vpc_name: ams-cluster, cidr_block: 10.20.0.0/16, status: Available,
            tags: {app: ams}}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

IDS_PER_CALL = 20  # DescribeVpcs takes up to 20 comma-separated ids


def main():
    module = AlicloudModule(
        argument_spec=dict(
            vpc_ids=dict(type='list', elements='str', aliases=['ids']),
            name=dict(type='str'),
            tags=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = {'RegionId': module.region, 'VpcName': params['name'], 'Tag': dict_to_tags(params['tags']) or None}
    ids = params['vpc_ids']
    id_batches = [ids[i:i + IDS_PER_CALL] for i in range(0, len(ids), IDS_PER_CALL)] if ids else [None]
    client = module.client('vpc')
    vpcs = []
    try:
        for batch in id_batches:
            batch_query = dict(query, VpcId=','.join(batch) if batch else None)
            vpcs.extend(snake_dict(vpc) for vpc in client.paginate('DescribeVpcs', batch_query, ('Vpcs', 'Vpc')))
    except ApiError as error:
        module.fail_api(error)
    module.exit_json(changed=False, vpcs=vpcs)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: vswitch_info
short_description: Look up vSwitches in Alibaba Cloud VPCs
version_added: 0.1.0
description:
  - Lists the vSwitches of a region that match every filter given, over all result pages.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  vswitch_ids:
    description:
      - Only these vSwitches.
    type: list
    elements: str
    aliases: [ids]
  vpc_id:
    description:
      - Only vSwitches of this VPC. A VPC that does not exist has none.
    type: str
  zone_id:
    description:
      - Only vSwitches in this zone.
    type: str
  name:
    description:
      - Only vSwitches with exactly this name.
    type: str
  tags:
    description:
      - Only vSwitches carrying all of these tags.
    type: dict
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: The cluster's vSwitches, one per zone
  lowlatency.alicloud.vswitch_info:
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
  register: found

- name: Their ids in zone order
  ansible.builtin.debug:
    msg: "{{ found.vswitches | sort(attribute='zone_id') | map(attribute='vswitch_id') | list }}"
'''

RETURN = r'''
vswitches:
  description: Matching vSwitches in snake_case, as the M(lowlatency.alicloud.vswitch) module returns them.
  returned: always
  type: list
  elements: dict
  sample: [{vswitch_id: vsw-bp1s5fnvk4gn2tws03624, vpc_id: vpc-bp1qpo0kug3a20qqe9q8x, zone_id: cn-hangzhou-h,
            cidr_block: 10.20.1.0/24, status: Available, tags: {app: ams}}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


def main():
    module = AlicloudModule(
        argument_spec=dict(
            vswitch_ids=dict(type='list', elements='str', aliases=['ids']),
            vpc_id=dict(type='str'),
            zone_id=dict(type='str'),
            name=dict(type='str'),
            tags=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = {'RegionId': module.region, 'VpcId': params['vpc_id'], 'ZoneId': params['zone_id'],
             'VSwitchName': params['name'], 'Tag': dict_to_tags(params['tags']) or None}
    client = module.client('vpc')
    vswitches = []
    try:
        # DescribeVSwitches filters by one id at a time.
        for vswitch_id in params['vswitch_ids'] or [None]:
            found = client.paginate('DescribeVSwitches', dict(query, VSwitchId=vswitch_id), ('VSwitches', 'VSwitch'))
            vswitches.extend(snake_dict(vswitch) for vswitch in found)
    except ApiError as error:
        # The API refuses a VpcId it does not know; for a lookup that simply means no vSwitch matches.
        if error.code != 'Forbidden.VpcNotFound':
            module.fail_api(error)
        vswitches = []
    module.exit_json(changed=False, vswitches=vswitches)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: nat_gateway_info
short_description: Look up Alibaba Cloud NAT gateways
version_added: 0.1.0
description:
  - Lists the NAT gateways of a region that match every filter given, over all result pages.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  nat_gateway_ids:
    description:
      - Only these NAT gateways.
    type: list
    elements: str
    aliases: [ids]
  vpc_id:
    description:
      - Only the NAT gateways of this VPC.
    type: str
  name:
    description:
      - Only NAT gateways with exactly this name.
    type: str
  tags:
    description:
      - Only NAT gateways carrying all of these tags.
    type: dict
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: The NAT gateways of the cluster's VPC
  lowlatency.alicloud.nat_gateway_info:
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
  register: found
'''

RETURN = r'''
nat_gateways:
  description: Matching NAT gateways in snake_case, as the M(lowlatency.alicloud.nat_gateway) module returns them.
  returned: always
  type: list
  elements: dict
  sample: [{nat_gateway_id: ngw-bp1uewa15k4iy5770ya89, name: ams-egress, vpc_id: vpc-bp1qpo0kug3a20qqe9q8x,
            status: Available, snat_table_ids: [stb-bp190wu8io1vgevbj2zxm], tags: {app: ams}}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import describe_nat_gateways
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags


def main():
    module = AlicloudModule(
        argument_spec=dict(
            nat_gateway_ids=dict(type='list', elements='str', aliases=['ids']),
            vpc_id=dict(type='str'),
            name=dict(type='str'),
            tags=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = dict(VpcId=params['vpc_id'], Name=params['name'], Tag=dict_to_tags(params['tags']) or None)
    client = module.client('vpc')
    gateways = []
    try:
        # DescribeNatGateways filters by one id at a time.
        for gateway_id in params['nat_gateway_ids'] or [None]:
            gateways.extend(describe_nat_gateways(module, client, NatGatewayId=gateway_id, **query))
    except ApiError as error:
        module.fail_api(error)
    if params['name'] is not None:  # the API may match names loosely
        gateways = [gateway for gateway in gateways if gateway['name'] == params['name']]
    module.exit_json(changed=False, nat_gateways=gateways)


if __name__ == '__main__':
    main()

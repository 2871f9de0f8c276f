#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ecs_instance_info
short_description: Look up Alibaba Cloud ECS instances
version_added: 0.1.0
description:
  - Lists the ECS instances of a region that match every filter given, over all result pages.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  instance_ids:
    description:
      - Only these instances.
    type: list
    elements: str
    aliases: [ids]
  name:
    description:
      - Only instances with this name. V(*) is a wildcard (V(ams-*)); otherwise the name must match exactly.
    type: str
    aliases: [instance_name]
  vpc_id:
    description:
      - Only instances in this VPC.
    type: str
  vswitch_id:
    description:
      - Only instances in this vSwitch.
    type: str
  status:
    description:
      - Only instances in this state.
    type: str
    choices: [Pending, Starting, Running, Stopping, Stopped]
  tags:
    description:
      - Only instances carrying all of these tags. A tag with an empty value matches any value of that key.
    type: dict
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-ecs20140526
'''

EXAMPLES = r'''
- name: The running AMS nodes of the cluster's VPC
  lowlatency.alicloud.ecs_instance_info:
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    status: Running
    tags:
      app: ams
  register: nodes

- name: Their private addresses
  ansible.builtin.debug:
    msg: "{{ nodes.instances | map(attribute='private_ip') | list }}"
'''

RETURN = r'''
instances:
  description: Matching instances in snake_case, oldest first, as the M(lowlatency.alicloud.ecs_instance) module
    returns them (with C(private_ip), C(public_ip), C(vpc_id) and C(vswitch_id) lifted to the top).
  returned: always
  type: list
  elements: dict
  sample: [{instance_id: i-bp67acfmxazb4ph6lmbw, instance_name: ams-mongodb, status: Running,
            private_ip: 10.20.1.4, public_ip: '', vpc_id: vpc-bp1qpo0kug3a20qqe9q8x, tags: {app: ams}}]
'''

import json

from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import instance_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

IDS_PER_CALL = 100  # DescribeInstances takes up to 100 ids as a JSON array


def main():
    module = AlicloudModule(
        argument_spec=dict(
            instance_ids=dict(type='list', elements='str', aliases=['ids']),
            name=dict(type='str', aliases=['instance_name']),
            vpc_id=dict(type='str'),
            vswitch_id=dict(type='str'),
            status=dict(type='str', choices=['Pending', 'Starting', 'Running', 'Stopping', 'Stopped']),
            tags=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = {'RegionId': module.region, 'InstanceName': params['name'], 'VpcId': params['vpc_id'],
             'VSwitchId': params['vswitch_id'], 'Status': params['status'],
             'Tag': dict_to_tags(params['tags']) or None}
    ids = params['instance_ids']
    id_batches = [ids[i:i + IDS_PER_CALL] for i in range(0, len(ids), IDS_PER_CALL)] if ids else [None]
    client = module.client('ecs')
    instances = []
    try:
        for batch in id_batches:
            batch_query = dict(query, InstanceIds=json.dumps(batch) if batch else None)
            found = client.paginate('DescribeInstances', batch_query, ('Instances', 'Instance'))
            instances.extend(instance_view(snake_dict(instance)) for instance in found)
    except ApiError as error:
        module.fail_api(error)
    module.exit_json(changed=False, instances=instances)


if __name__ == '__main__':
    main()

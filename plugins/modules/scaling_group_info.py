#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: scaling_group_info
short_description: Look up Auto Scaling (ESS) groups, their instances and attached ALB server groups
version_added: 0.1.0
description:
  - Lists the scaling groups of a region that match every filter given, over all result pages, each with its
    instances and their lifecycle states and the ALB server groups attached to it.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  scaling_group_ids:
    description:
      - Only these groups. Ids that do not exist are left out of the result.
    type: list
    elements: str
    aliases: [ids]
  names:
    description:
      - Only groups with one of these names.
    type: list
    elements: str
    aliases: [name]
  tags:
    description:
      - Only groups carrying all of these tags.
    type: dict
  instances:
    description:
      - Whether to list each group's instances (one more API read per group).
    type: bool
    default: true
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-ess20220222
'''

EXAMPLES = r'''
- name: The AMS groups and their nodes
  lowlatency.alicloud.scaling_group_info:
    names: [ams-origin, ams-edge]
  register: groups

- name: The in-service edge nodes
  ansible.builtin.debug:
    msg: >-
      {{ (groups.scaling_groups | selectattr('scaling_group_name', '==', 'ams-edge') | first).instances
         | selectattr('lifecycle_state', '==', 'InService') | map(attribute='instance_id') | list }}
'''

RETURN = r'''
scaling_groups:
  description:
    - Matching groups in snake_case, as the M(lowlatency.alicloud.scaling_group) module returns them, oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    scaling_group_id:
      description: Group id.
      type: str
    scaling_group_name:
      description: Name.
      type: str
    lifecycle_state:
      description: V(Active), V(Inactive) or V(Deleting).
      type: str
    alb_server_groups:
      description: Attached ALB server groups.
      type: list
      elements: dict
      sample: [{alb_server_group_id: sgp-8ilqs4axp6ugro1ssp, port: 5080, weight: 100}]
    tags:
      description: Tags as a dictionary.
      type: dict
    propagated_tags:
      description: Keys of the tags put on new instances.
      type: list
      elements: str
    launch_template_overrides:
      description: Instance types that stand in for the launch template's, in priority order.
      type: list
      elements: dict
      sample: [{instance_type: ecs.c7.xlarge}, {instance_type: ecs.g7.xlarge}]
    instances:
      description:
        - The group's instances with their lifecycle state (V(Pending), V(InService), V(Removing), ...) and health.
      returned: when O(instances=true)
      type: list
      elements: dict
      sample: [{instance_id: i-bp1e1cdw7vl2eq2kcsd8, lifecycle_state: InService, health_status: Healthy,
                zone_id: cn-hangzhou-h, private_ip_address: 10.20.1.7, launch_template_version: '3'}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import group_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


def main():
    module = AlicloudModule(
        argument_spec=dict(
            scaling_group_ids=dict(type='list', elements='str', aliases=['ids']),
            names=dict(type='list', elements='str', aliases=['name']),
            tags=dict(type='dict'),
            instances=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    ess = module.client('ess')
    query = {'RegionId': module.region, 'ScalingGroupIds': params['scaling_group_ids'] or None,
             'ScalingGroupNames': params['names'] or None, 'Tags': dict_to_tags(params['tags']) or None}
    try:
        groups = [group_view(item) for item in ess.paginate('DescribeScalingGroups', query, ('ScalingGroups',))]
        for group in groups if params['instances'] else []:
            group['instances'] = [snake_dict(instance) for instance in ess.paginate('DescribeScalingInstances', {
                'RegionId': module.region, 'ScalingGroupId': group['scaling_group_id']}, ('ScalingInstances',), 100)]
    except ApiError as error:
        module.fail_api(error)
    module.exit_json(changed=False, scaling_groups=groups)


if __name__ == '__main__':
    main()

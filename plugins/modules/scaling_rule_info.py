#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: scaling_rule_info
short_description: Look up the scaling rules of Auto Scaling (ESS) groups
version_added: 0.1.0
description:
  - Lists the scaling rules of a region that match every filter given, over all result pages.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  scaling_group_id:
    description:
      - Only rules of this group.
    type: str
  scaling_rule_ids:
    description:
      - Only these rules.
    type: list
    elements: str
    aliases: [ids]
  names:
    description:
      - Only rules with one of these names.
    type: list
    elements: str
    aliases: [name]
  rule_type:
    description:
      - Only rules of this type.
    type: str
    choices: [target_tracking, simple, step, predictive]
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-ess20220222
'''

EXAMPLES = r'''
- name: The rules of the edge group
  lowlatency.alicloud.scaling_rule_info:
    scaling_group_id: "{{ edge.scaling_group.scaling_group_id }}"
  register: edge_rules
'''

RETURN = r'''
scaling_rules:
  description: Matching rules in snake_case, as the M(lowlatency.alicloud.scaling_rule) module returns them.
  returned: always
  type: list
  elements: dict
  sample: [{scaling_rule_id: asr-bp1dvirgwkoowxk7bn0c, scaling_rule_name: edge-cpu,
            scaling_rule_type: TargetTrackingScalingRule, metric_name: CpuUtilization, target_value: 60.0,
            estimated_instance_warmup: 300, disable_scale_in: false}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

RULE_TYPES = dict(target_tracking='TargetTrackingScalingRule', simple='SimpleScalingRule', step='StepScalingRule',
                  predictive='PredictiveScalingRule')


def main():
    module = AlicloudModule(
        argument_spec=dict(
            scaling_group_id=dict(type='str'),
            scaling_rule_ids=dict(type='list', elements='str', aliases=['ids']),
            names=dict(type='list', elements='str', aliases=['name']),
            rule_type=dict(type='str', choices=sorted(RULE_TYPES)),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = {'RegionId': module.region, 'ScalingGroupId': params['scaling_group_id'],
             'ScalingRuleIds': params['scaling_rule_ids'] or None, 'ScalingRuleNames': params['names'] or None,
             'ScalingRuleType': RULE_TYPES.get(params['rule_type'])}
    try:
        rules = [snake_dict(rule) for rule in module.client('ess').paginate('DescribeScalingRules', query,
                                                                            ('ScalingRules',))]
    except ApiError as error:
        # The API refuses a group id it does not know; for a lookup that simply means no rule matches.
        if error.code != 'InvalidScalingGroupId.NotFound':
            module.fail_api(error)
        rules = []
    module.exit_json(changed=False, scaling_rules=rules)


if __name__ == '__main__':
    main()

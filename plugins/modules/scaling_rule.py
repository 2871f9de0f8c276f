#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: scaling_rule
short_description: Create, update or delete a scaling rule of an Auto Scaling (ESS) group
version_added: 0.1.0
description:
  - Manages one scaling rule of a scaling group, the "Enable Autoscaling" step of the AMS cluster set-up as code.
  - A V(target_tracking) rule keeps a metric of the group (by default the average CPU utilisation) near a target
    value by adding and removing instances. A V(simple) rule changes the capacity by a fixed amount when executed
    (by an alarm task or a schedule).
  - The rule is found by O(name) within its group; an existing rule is changed in place, keeping its id and ARI.
  - A rule cannot change its O(rule_type); delete it first to make one of the other type under the same name.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the rule, its identity within the group.
      - 2 to 64 characters, starting with a letter or digit, then letters, digits, V(_), V(-) or V(.).
    type: str
    required: true
    aliases: [scaling_rule_name]
  scaling_group_id:
    description:
      - Id of the group the rule belongs to.
      - One of O(scaling_group_id) and O(scaling_group_name) is required.
    type: str
  scaling_group_name:
    description:
      - Name of the group the rule belongs to, looked up in the region.
    type: str
  rule_type:
    description:
      - V(target_tracking) or V(simple).
    type: str
    choices: [target_tracking, simple]
    default: target_tracking
  metric_name:
    description:
      - Metric a V(target_tracking) rule tracks, averaged over the group's instances.
      - Defaults to V(CpuUtilization) for a V(target_tracking) rule. A group has at most one target tracking rule per
        metric.
    type: str
    choices: [CpuUtilization, CpuUtilizationAgent, MemoryUtilization, IntranetTx, IntranetRx, VpcInternetTx,
              VpcInternetRx, LoadBalancerRealServerAverageQps]
  target_value:
    description:
      - Value of the metric a V(target_tracking) rule keeps the group at; more than 0, at most three decimals.
      - Defaults to V(60) for a V(target_tracking) rule. Ant Media's own templates scale at 60 % CPU, below the
        75 % at which an AMS node refuses new streams.
    type: float
  estimated_instance_warmup:
    description:
      - Seconds a new instance of a V(target_tracking) rule is left to warm up before its metrics count, 0 to 86400.
        The cloud's default is 300.
    type: int
  disable_scale_in:
    description:
      - Whether a V(target_tracking) rule only scales out. The cloud's default is V(false).
      - Scaling in ends the streams on the removed AMS nodes; consider V(true) for the origin group.
    type: bool
  adjustment_type:
    description:
      - How a V(simple) rule changes the capacity. Required for a V(simple) rule.
      - V(QuantityChangeInCapacity) adds O(adjustment_value) instances (negative removes),
        V(PercentChangeInCapacity) adds that percentage, V(TotalCapacity) sets the capacity to it.
    type: str
    choices: [QuantityChangeInCapacity, PercentChangeInCapacity, TotalCapacity]
  adjustment_value:
    description:
      - Amount of a V(simple) rule's change. Required for a V(simple) rule.
      - -1000 to 1000 instances, -100 to 10000 percent, or a total capacity of 0 to 2000.
    type: int
  cooldown:
    description:
      - Seconds after a V(simple) rule's activity during which alarms do not execute it again, 0 to 86400. When not
        set the group's default cooldown applies.
    type: int
  state:
    description:
      - V(present) creates or updates the rule, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
notes:
  - An option that is not set keeps the rule's current value, except O(metric_name) and O(target_value), whose
    defaults apply to a V(target_tracking) rule.
  - On a run that changes nothing the module reads the group's rules once (and the group once when it is given by
    O(scaling_group_name)).
requirements:
  - alibabacloud-ess20220222
'''

EXAMPLES = r'''
- name: Scale the edge group on CPU, as the AMS tutorial's "Enable Autoscaling" step does
  lowlatency.alicloud.scaling_rule:
    name: edge-cpu
    scaling_group_id: "{{ edge.scaling_group.scaling_group_id }}"
    rule_type: target_tracking
    metric_name: CpuUtilization
    target_value: 60
    estimated_instance_warmup: 300

- name: Never scale the origin group in automatically
  lowlatency.alicloud.scaling_rule:
    name: origin-cpu
    scaling_group_name: ams-origin
    target_value: 60
    disable_scale_in: true

- name: One more edge node, for a scheduled task or an alarm
  lowlatency.alicloud.scaling_rule:
    name: edge-add-one
    scaling_group_name: ams-edge
    rule_type: simple
    adjustment_type: QuantityChangeInCapacity
    adjustment_value: 1
    cooldown: 300
'''

RETURN = r'''
scaling_rule:
  description: The rule as the API describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    scaling_rule_id:
      description: Rule id. Empty in check mode before the rule exists.
      type: str
      sample: asr-bp1dvirgwkoowxk7bn0c
    scaling_rule_ari:
      description: Rule ARI, what alarm and scheduled tasks execute.
      type: str
      sample: ari:acs:ess:cn-hangzhou:1234567890123456:scalingrule/asr-bp1dvirgwkoowxk7bn0c
    scaling_rule_name:
      description: Name.
      type: str
    scaling_rule_type:
      description: V(TargetTrackingScalingRule) or V(SimpleScalingRule).
      type: str
    scaling_group_id:
      description: Group id.
      type: str
    metric_name:
      description: Tracked metric (target tracking).
      type: str
    target_value:
      description: Target value (target tracking).
      type: float
    estimated_instance_warmup:
      description: Warm-up seconds (target tracking).
      type: int
    disable_scale_in:
      description: Whether scale-in is disabled (target tracking).
      type: bool
    adjustment_type:
      description: Adjustment type (simple).
      type: str
    adjustment_value:
      description: Adjustment value (simple).
      type: int
    cooldown:
      description: Cooldown seconds (simple).
      type: int
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import create_once
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import RULE_TYPES
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import rule_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import rule_wanted
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import to_snake

# What the diff shows: the rule's identity and every field the module manages.
COMPARED = ('scaling_rule_name', 'scaling_rule_type', 'metric_name', 'target_value', 'estimated_instance_warmup',
            'disable_scale_in', 'adjustment_type', 'adjustment_value', 'cooldown')


def comparable(rule):
    return dict((key, rule.get(key)) for key in COMPARED if rule.get(key) is not None)


SCALING_GROUP = Kind('Scaling group', 'scaling groups', 'scaling_group_id', 'ScalingGroupId', 'ScalingGroupName',
                     name_option='scaling_group_name')
SCALING_RULE = Kind('Scaling rule', 'scaling rules', None, 'ScalingRuleId', 'ScalingRuleName')


def find_group_id(module, ess):
    """The group's id; None when the group does not exist."""
    def describe(**query):
        return ess.paginate('DescribeScalingGroups', dict(query, RegionId=module.region), ('ScalingGroups',))

    found = module.find(SCALING_GROUP, lambda group_id: (describe(ScalingGroupIds=[group_id]) or [None])[0],
                        lambda name: describe(ScalingGroupName=name), where=' in %s' % module.region)
    return found['ScalingGroupId'] if found else None


def group_rules(module, ess, group_id):
    """Every rule of the group (wire names): one read, as a group holds at most 50 rules."""
    try:
        return ess.paginate('DescribeScalingRules', {'RegionId': module.region, 'ScalingGroupId': group_id},
                            ('ScalingRules',))
    except ApiError as error:
        if error.code != 'InvalidScalingGroupId.NotFound':  # a group that does not exist has no rules
            raise
        return []


def check_metric_free(module, rules, wanted, rule_id=None):
    """A group takes one target tracking rule per metric; say which rule holds it rather than let the API refuse."""
    if wanted['ScalingRuleType'] != RULE_TYPES['target_tracking']:
        return
    for rule in rules:
        if rule['ScalingRuleId'] != rule_id and rule['ScalingRuleType'] == wanted['ScalingRuleType'] \
                and rule.get('MetricName') == wanted['MetricName']:
            module.fail_json(msg='Rule %s (%s) of the group already tracks %s; a group has one target tracking rule '
                                 'per metric.' % (rule['ScalingRuleName'], rule['ScalingRuleId'], wanted['MetricName']))


def predicted(rule, fields):
    after = dict(rule)
    after.update((to_snake(name), value) for name, value in fields.items())
    return after


def create(module, ess, group_id, rules, wanted):
    params = module.params
    if group_id is None:
        module.fail_json(msg='Scaling group %s does not exist in %s.' % (
            params['scaling_group_id'] or params['scaling_group_name'], module.region))
    check_metric_free(module, rules, wanted)
    if module.check_mode:
        return predicted(dict(scaling_rule_id='', scaling_rule_ari='', scaling_rule_name=params['name'],
                              scaling_group_id=group_id), wanted)
    # CreateScalingRule takes no ClientToken: after a lost answer, the group's rule of this name is the answer.
    created = create_once(lambda: ess.call('CreateScalingRule', dict(wanted, RegionId=module.region,
                                                                     ScalingGroupId=group_id,
                                                                     ScalingRuleName=params['name'])),
                          lambda: next((rule for rule in group_rules(module, ess, group_id)
                                        if rule['ScalingRuleName'] == params['name']), None))
    return after_create(lambda: read_back(module, ess, created['ScalingRuleId']), read=True)


def read_back(module, ess, rule_id):
    found = ess.call('DescribeScalingRules', {'RegionId': module.region, 'ScalingRuleIds': [rule_id]})
    return snake_dict(found['ScalingRules'][0]) if found['ScalingRules'] else None


def update(module, ess, rules, raw, wanted):
    """Change the rule in place; return (changed, the rule as it now is or would be)."""
    rule = snake_dict(raw)
    if raw['ScalingRuleType'] != wanted['ScalingRuleType']:
        module.fail_json(msg='Rule %s is a %s rule and cannot become a %s rule; delete it (state: absent) first, or '
                             'give the new rule another name.' % (raw['ScalingRuleName'], raw['ScalingRuleType'],
                                                                  wanted['ScalingRuleType']))
    changes = rule_changes(raw, wanted)
    if not changes:
        return False, rule
    check_metric_free(module, rules, wanted, raw['ScalingRuleId'])
    if module.check_mode:
        return True, predicted(rule, changes)
    ess.call('ModifyScalingRule', dict(changes, ScalingRuleId=raw['ScalingRuleId']))
    return True, read_back(module, ess, raw['ScalingRuleId']) or predicted(rule, changes)


def delete(module, ess, rule):
    if not module.check_mode:
        ess.call('DeleteScalingRule', {'RegionId': module.region, 'ScalingRuleId': rule['scaling_rule_id']})


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type='str', required=True, aliases=['scaling_rule_name']),
            scaling_group_id=dict(type='str'),
            scaling_group_name=dict(type='str'),
            rule_type=dict(type='str', default='target_tracking', choices=sorted(RULE_TYPES)),
            metric_name=dict(type='str', choices=['CpuUtilization', 'CpuUtilizationAgent', 'MemoryUtilization',
                                                  'IntranetTx', 'IntranetRx', 'VpcInternetTx', 'VpcInternetRx',
                                                  'LoadBalancerRealServerAverageQps']),
            target_value=dict(type='float'),
            estimated_instance_warmup=dict(type='int'),
            disable_scale_in=dict(type='bool'),
            adjustment_type=dict(type='str', choices=['QuantityChangeInCapacity', 'PercentChangeInCapacity',
                                                      'TotalCapacity']),
            adjustment_value=dict(type='int'),
            cooldown=dict(type='int'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_one_of=[['scaling_group_id', 'scaling_group_name']],
        mutually_exclusive=[['scaling_group_id', 'scaling_group_name']],
        supports_check_mode=True,
        kinds=[SCALING_GROUP, SCALING_RULE],
    )
    params = module.params
    module.check(check_name, params['name'], 'name')
    wanted = module.check(rule_wanted, params) if params['state'] == 'present' else None
    ess = module.client('ess')
    try:
        # Given by id, the group is known without a read: its rules are listed (an unknown group has none).
        group_id = params['scaling_group_id'] or find_group_id(module, ess)
        rules = group_rules(module, ess, group_id) if group_id else []
        raw = module.find(SCALING_RULE, None, lambda name: rules, where=' in scaling group %s' % group_id)
        if raw is None and params['state'] == 'present' and params['scaling_group_id']:
            group_id = find_group_id(module, ess)  # creating: make sure the group exists, for a clear message
    except ApiError as error:
        module.fail_api(error)
    module.converge('scaling_rule', snake_dict(raw) if raw else None,
                    lambda: create(module, ess, group_id, rules, wanted),
                    lambda rule: update(module, ess, rules, raw, wanted),
                    lambda rule: delete(module, ess, rule), comparable)


if __name__ == '__main__':
    main()

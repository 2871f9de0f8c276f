# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import attachment_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import capacity_reached
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_attachments
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_capacity
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_instance_types
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_vswitch_ids
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import group_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import looks_like_template_id
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import normalise_template_version
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import override_types
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import propagated_after
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import rule_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import rule_wanted
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import sorted_attachments
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import tag_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import tag_flags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import wire_overrides


@pytest.mark.parametrize('sizes', [(0, 0, None), (0, 4, 0), (1, 4, 4), (2000, 2000, 2000), (None, 5, 3)])
def test_capacity_accepted(sizes):
    check_capacity(*sizes)


@pytest.mark.parametrize('sizes, message', [
    ((3, 2, None), 'min_size 3 is greater than max_size 2'),
    ((0, 2, 3), 'desired_capacity 3 is above max_size 2'),
    ((2, 4, 1), 'desired_capacity 1 is below min_size 2'),
    ((0, 2001, None), 'max_size must be between 0 and 2000, not 2001'),
    ((-1, 2, None), 'min_size must be between 0 and 2000, not -1'),
])
def test_capacity_refused(sizes, message):
    with pytest.raises(ValueError) as error:
        check_capacity(*sizes)
    assert str(error.value) == message


@pytest.mark.parametrize('value, expected', [
    ('Default', 'Default'), ('default', 'Default'), ('LATEST', 'Latest'), ('3', '3'), (3, '3'), ('007', '7'),
    (None, None),
])
def test_template_version_normalised(value, expected):
    assert normalise_template_version(value) == expected


@pytest.mark.parametrize('value', ['0', '-1', 'newest', '1.5', ''])
def test_template_version_refused(value):
    with pytest.raises(ValueError, match='launch_template_version'):
        normalise_template_version(value)


def test_template_ids_are_told_from_names():
    assert looks_like_template_id('lt-bp1g5h4mh8kg1y0jlqzw')
    assert not looks_like_template_id('lt-origin')
    assert not looks_like_template_id('ams-edge')
    assert not looks_like_template_id(None)


@pytest.mark.parametrize('name', ['ams-edge', 'a1', '1group', 'ams.edge_2', u'\u4f38\u7f29\u7ec4'])
def test_names_accepted(name):
    assert check_name(name, 'name') == name


@pytest.mark.parametrize('name', ['a', '-ams', 'ams edge', 'x' * 65, '_ams'])
def test_names_refused(name):
    with pytest.raises(ValueError, match='is not valid'):
        check_name(name, 'name')


def test_vswitch_ids_checked():
    check_vswitch_ids(None)
    check_vswitch_ids(['vsw-1', 'vsw-2'])
    with pytest.raises(ValueError, match='at least one'):
        check_vswitch_ids([])
    with pytest.raises(ValueError, match='at most 8'):
        check_vswitch_ids(['vsw-%d' % i for i in range(9)])
    with pytest.raises(ValueError, match='lists vsw-1 more than once'):
        check_vswitch_ids(['vsw-1', 'vsw-2', 'vsw-1'])


@pytest.mark.parametrize('value', [None, [], ['ecs.c7.large'], ['ecs.g7.%d' % i for i in range(10)]])
def test_instance_types_accepted(value):
    check_instance_types(value)


@pytest.mark.parametrize('value, message', [
    (['ecs.c7.large', ''], 'instance_types must not contain an empty name'),
    ([' '], 'instance_types must not contain an empty name'),
    (['ecs.g7.%d' % i for i in range(11)], 'A scaling group takes at most 10 instance_types, not 11'),
    (['ecs.c7.large', 'ecs.g7.large', 'ecs.c7.large', 'ecs.g7.large'],
     'instance_types lists ecs.c7.large, ecs.g7.large more than once'),
])
def test_instance_types_refused(value, message):
    with pytest.raises(ValueError) as error:
        check_instance_types(value)
    assert str(error.value) == message


def test_overrides_keep_their_order_both_ways():
    types = ['ecs.g7.large', 'ecs.c7.large']
    assert wire_overrides(types) == [{'InstanceType': 'ecs.g7.large'}, {'InstanceType': 'ecs.c7.large'}]
    described = group_view({'LaunchTemplateOverrides': [{'InstanceType': t, 'WeightedCapacity': 1} for t in types]})
    assert override_types(described) == types
    assert override_types(group_view({'LaunchTemplateOverrides': []})) == []
    assert override_types({}) == []


def entry(group_id, port, weight=100):
    return dict(server_group_id=group_id, port=port, weight=weight)


def attached(group_id, port, weight=100):
    return dict(alb_server_group_id=group_id, port=port, weight=weight)


def test_attachments_checked():
    check_attachments([entry('sgp-1', 5080), entry('sgp-1', 5443), entry('sgp-2', 5080, 0)])
    with pytest.raises(ValueError, match='sgp-1 on port 5080 more than once'):
        check_attachments([entry('sgp-1', 5080), entry('sgp-1', 5080, 50)])
    with pytest.raises(ValueError, match='weight 101 of sgp-1'):
        check_attachments([entry('sgp-1', 5080, 101)])
    with pytest.raises(ValueError, match='port 0 of sgp-1'):
        check_attachments([entry('sgp-1', 0)])


def test_attachment_changes():
    current = [attached('sgp-1', 5080), attached('sgp-2', 5080, 50), attached('sgp-3', 80)]
    wanted = [entry('sgp-2', 5080, 80), entry('sgp-1', 5080), entry('sgp-4', 5080)]
    to_detach, to_attach = attachment_changes(current, wanted)
    # A new weight is a detach and an attach; sgp-1 stays; sgp-3 goes; sgp-4 comes.
    assert to_detach == [attached('sgp-2', 5080, 50), attached('sgp-3', 80)]
    assert to_attach == [attached('sgp-2', 5080, 80), attached('sgp-4', 5080)]
    assert attachment_changes(current, [entry('sgp-3', 80), entry('sgp-2', 5080, 50), entry('sgp-1', 5080)]) == (
        [], [])
    assert attachment_changes(current, []) == (current, [])


def test_sorted_attachments_compare_regardless_of_order_and_spelling():
    assert sorted_attachments([entry('sgp-2', 80), attached('sgp-1', 5080)]) == [
        attached('sgp-1', 5080), attached('sgp-2', 80)]


def test_tag_changes_follow_values_and_propagation():
    current, propagated = {'app': 'ams', 'role': 'edge', 'old': 'x'}, ['app']
    # Flags left alone: only values count.
    assert tag_changes(current, propagated, {'app': 'ams', 'role': 'origin'}) == ({'role': 'origin'}, ['old'])
    # Every tag should propagate: role is set again for its flag.
    assert tag_changes(current, propagated, {'app': 'ams', 'role': 'edge'}, True, purge=False) == (
        {'role': 'edge'}, [])
    # None should: app is set again.
    assert tag_changes(current, propagated, {'app': 'ams'}, False) == ({'app': 'ams'}, ['old', 'role'])
    assert tag_changes(current, propagated, None, True) == ({}, [])


def test_tag_flags_and_propagation_after():
    assert tag_flags({'app': 'x', 'new': 'y'}, ['app']) == {'app': True, 'new': False}
    assert tag_flags({'app': 'x'}, ['app'], False) == {'app': False}
    assert propagated_after(['app', 'old'], {'new': 'y'}, ['old'], True) == ['app', 'new']
    assert propagated_after(['app', 'old'], {'app': 'z'}, [], False) == ['old']
    assert propagated_after(['app'], {'new': 'y'}, [], None) == ['app']


def test_group_view_keeps_tags_and_their_propagation():
    view = group_view({'ScalingGroupId': 'asg-1', 'MultiAZPolicy': 'BALANCE', 'VSwitchIds': ['vsw-1'],
                       'AlbServerGroups': [{'AlbServerGroupId': 'sgp-1', 'Port': 5080, 'Weight': 100}],
                       'Tags': [{'TagKey': 'app', 'TagValue': 'ams', 'Propagate': True},
                                {'TagKey': 'env', 'TagValue': 'test', 'Propagate': False}]})
    assert view == {'scaling_group_id': 'asg-1', 'multi_az_policy': 'BALANCE', 'vswitch_ids': ['vsw-1'],
                    'alb_server_groups': [{'alb_server_group_id': 'sgp-1', 'port': 5080, 'weight': 100}],
                    'tags': {'app': 'ams', 'env': 'test'}, 'propagated_tags': ['app']}


def group(**fields):
    base = dict(min_size=0, max_size=5, total_capacity=0, active_capacity=0, pending_capacity=0, removing_capacity=0)
    base.update(fields)
    return base


@pytest.mark.parametrize('fields, reached', [
    (dict(desired_capacity=2, total_capacity=2, active_capacity=2), True),
    (dict(desired_capacity=3, total_capacity=2, active_capacity=2), False),
    (dict(desired_capacity=2, total_capacity=3, active_capacity=2, pending_capacity=1), False),
    (dict(desired_capacity=1, total_capacity=3, active_capacity=1, removing_capacity=2), False),
    (dict(desired_capacity=0), True),
    (dict(min_size=1), False),
    (dict(min_size=1, total_capacity=2, active_capacity=2), True),
])
def test_capacity_reached(fields, reached):
    assert capacity_reached(group(**fields)) is reached


def rule_params(**given):
    params = dict(rule_type='target_tracking', metric_name=None, target_value=None, estimated_instance_warmup=None,
                  disable_scale_in=None, adjustment_type=None, adjustment_value=None, cooldown=None)
    params.update(given)
    return params


def test_target_tracking_defaults_to_cpu_at_60():
    assert rule_wanted(rule_params()) == {'ScalingRuleType': 'TargetTrackingScalingRule',
                                          'MetricName': 'CpuUtilization', 'TargetValue': 60.0}
    assert rule_wanted(rule_params(metric_name='MemoryUtilization', target_value=70, estimated_instance_warmup=120,
                                   disable_scale_in=False)) == {
        'ScalingRuleType': 'TargetTrackingScalingRule', 'MetricName': 'MemoryUtilization', 'TargetValue': 70.0,
        'EstimatedInstanceWarmup': 120, 'DisableScaleIn': False}


def test_simple_rule_fields():
    assert rule_wanted(rule_params(rule_type='simple', adjustment_type='TotalCapacity', adjustment_value=0)) == {
        'ScalingRuleType': 'SimpleScalingRule', 'AdjustmentType': 'TotalCapacity', 'AdjustmentValue': 0}


@pytest.mark.parametrize('given, message', [
    (dict(rule_type='simple', adjustment_type='TotalCapacity'), 'A simple rule needs adjustment_value'),
    (dict(rule_type='simple'), 'A simple rule needs adjustment_type and adjustment_value'),
    (dict(rule_type='simple', adjustment_type='PercentChangeInCapacity', adjustment_value=-101),
     'adjustment_value must be between -100 and 10000 for PercentChangeInCapacity, not -101'),
    (dict(rule_type='simple', adjustment_type='TotalCapacity', adjustment_value=1, target_value=50),
     'target_value only applies to target_tracking rules, and this rule_type is simple'),
    (dict(adjustment_type='TotalCapacity', cooldown=1),
     'adjustment_type, cooldown only apply to simple rules, and this rule_type is target_tracking'),
    (dict(target_value=-5), 'target_value must be greater than 0 with at most three decimals, not -5.0'),
    (dict(target_value=33.3333), 'target_value must be greater than 0 with at most three decimals, not 33.3333'),
    (dict(estimated_instance_warmup=86401), 'estimated_instance_warmup must be between 0 and 86400 seconds, not 86401'),
])
def test_rule_options_refused(given, message):
    with pytest.raises(ValueError) as error:
        rule_wanted(rule_params(**given))
    assert str(error.value) == message


def test_rule_changes_only_what_differs():
    current = {'ScalingRuleType': 'TargetTrackingScalingRule', 'MetricName': 'CpuUtilization', 'TargetValue': 60.0,
               'EstimatedInstanceWarmup': 300, 'DisableScaleIn': False}
    same = {'ScalingRuleType': 'TargetTrackingScalingRule', 'MetricName': 'CpuUtilization', 'TargetValue': 60.0}
    assert rule_changes(current, same) == {}
    assert rule_changes(dict(current, TargetValue=55.5), dict(same, TargetValue=55.5)) == {}
    assert rule_changes(current, dict(same, TargetValue=70.0, DisableScaleIn=True)) == {
        'TargetValue': 70.0, 'DisableScaleIn': True}

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.inventory.ecs import builtin_groups
from ansible_collections.lowlatency.alicloud.plugins.inventory.ecs import choose_hostname
from ansible_collections.lowlatency.alicloud.plugins.inventory.ecs import host_record
from ansible_collections.lowlatency.alicloud.plugins.inventory.ecs import safe_group_name

RECORD = dict(instance_id='i-bp1aaa', instance_name='ams-edge', private_ip='10.0.1.5', public_ip='')


@pytest.mark.parametrize('preferences, taken, expected', [
    (['instance_id'], set(), 'i-bp1aaa'),
    (['instance_name', 'instance_id'], set(), 'ams-edge'),
    # empty values are skipped: no public address, so the private one
    (['public_ip', 'private_ip'], set(), '10.0.1.5'),
    # a name another host already has falls through to the next preference
    (['instance_name', 'private_ip'], {'ams-edge'}, '10.0.1.5'),
    # nothing usable left: the instance id, which is unique
    (['instance_name', 'public_ip'], {'ams-edge'}, 'i-bp1aaa'),
    ([], set(), 'i-bp1aaa'),
])
def test_choose_hostname(preferences, taken, expected):
    assert choose_hostname(RECORD, preferences, taken) == expected


@pytest.mark.parametrize('name, expected', [
    ('scaling_group_ams-edge', 'scaling_group_ams_edge'),
    ('role_edge.v2 beta', 'role_edge_v2_beta'),
    ('role_origin', 'role_origin'),
])
def test_safe_group_name(name, expected):
    assert safe_group_name(name) == expected


@pytest.mark.parametrize('tags, group_name, by_role, expected', [
    ({'role': 'origin'}, None, True, ['role_origin', 'origin']),
    ({'role': 'mongodb'}, 'ams-db', True, ['scaling_group_ams_db', 'role_mongodb', 'mongodb']),
    # roles outside origin/edge/mongodb get only the prefixed group, so they cannot collide with 'all' and friends
    ({'role': 'all'}, None, True, ['role_all']),
    ({'role': 'edge'}, 'ams-edge', False, ['scaling_group_ams_edge']),
    ({}, None, True, []),
])
def test_builtin_groups(tags, group_name, by_role, expected):
    record = dict(RECORD, instance_tags=tags)
    if group_name:
        record['scaling_group_name'] = group_name
    assert builtin_groups(record, by_role) == expected


def describe_instances_item(tags, public=()):
    """One DescribeInstances item in the API's shape (wrapped arrays, TagKey/TagValue)."""
    return {
        'InstanceId': 'i-bp1aaa', 'InstanceName': 'ams-edge', 'Status': 'Running', 'ZoneId': 'cn-hangzhou-h',
        'InstanceType': 'ecs.c7.xlarge', 'ImageId': 'ubuntu_22_04_x64_20G_alibase_20240819.vhd',
        'VpcAttributes': {'VpcId': 'vpc-bp1', 'VSwitchId': 'vsw-bp1',
                          'PrivateIpAddress': {'IpAddress': ['10.0.1.5']}},
        'PublicIpAddress': {'IpAddress': list(public)},
        'SecurityGroupIds': {'SecurityGroupId': ['sg-bp1', 'sg-bp2']},
        'Tags': {'Tag': [{'TagKey': key, 'TagValue': value} for key, value in tags.items()]},
    }


def test_host_record_of_a_scaling_group_member():
    item = describe_instances_item({'role': 'edge', 'acs:autoscaling:scalingGroupId': 'asg-bp1x'}, ['47.1.2.3'])
    record = host_record(item, 'cn-hangzhou', {'asg-bp1x': 'ams-edge'})
    assert record == dict(
        instance_id='i-bp1aaa', instance_name='ams-edge', private_ip='10.0.1.5', public_ip='47.1.2.3',
        region='cn-hangzhou', zone_id='cn-hangzhou-h', vpc_id='vpc-bp1', vswitch_id='vsw-bp1',
        security_group_ids=['sg-bp1', 'sg-bp2'], instance_type='ecs.c7.xlarge',
        image_id='ubuntu_22_04_x64_20G_alibase_20240819.vhd', status='Running',
        instance_tags={'role': 'edge', 'acs:autoscaling:scalingGroupId': 'asg-bp1x'},
        scaling_group_id='asg-bp1x', scaling_group_name='ams-edge')


def test_host_record_outside_any_group_has_no_scaling_group_variables():
    record = host_record(describe_instances_item({}), 'cn-shanghai', {})
    assert record['public_ip'] == '' and record['instance_tags'] == {} and record['region'] == 'cn-shanghai'
    assert 'scaling_group_id' not in record and 'scaling_group_name' not in record


def test_host_record_of_an_unknown_group_is_named_by_its_id():
    item = describe_instances_item({'acs:autoscaling:scalingGroupId': 'asg-gone'})
    assert host_record(item, 'cn-hangzhou', {})['scaling_group_name'] == 'asg-gone'

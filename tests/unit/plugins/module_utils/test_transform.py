# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import attribute_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import client_token
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import tags_to_dict
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import to_snake


@pytest.mark.parametrize('wire, snake', [
    ('VpcId', 'vpc_id'), ('DNSName', 'dns_name'), ('VSwitchIds', 'vswitch_ids'), ('VSwitchId', 'vswitch_id'),
    ('VRouterId', 'vrouter_id'), ('CidrBlock', 'cidr_block'), ('InternetMaxBandwidthOut', 'internet_max_bandwidth_out'),
    ('LoadBalancerId', 'load_balancer_id'), ('RequestId', 'request_id'), ('IPv6CidrBlock', 'ipv6_cidr_block'),
    ('MultiAZPolicy', 'multi_az_policy'), ('TTL', 'ttl'), ('RR', 'rr'), ('status', 'status'),
])
def test_to_snake(wire, snake):
    assert to_snake(wire) == snake


def test_snake_dict_unwraps_item_wrappers_and_keeps_tag_keys():
    body = {'Vpcs': {'Vpc': [{'VpcId': 'vpc-1', 'VSwitchIds': {'VSwitchId': ['vsw-1', 'vsw-2']},
                              'Tags': {'Tag': [{'Key': 'Owner', 'Value': 'Ops'}, {'Key': 'CamelKey', 'Value': ''}]}}]},
            'TotalCount': 1}
    assert snake_dict(body) == {'vpcs': [{'vpc_id': 'vpc-1', 'vswitch_ids': ['vsw-1', 'vsw-2'],
                                          'tags': {'Owner': 'Ops', 'CamelKey': ''}}], 'total_count': 1}


def test_snake_dict_leaves_plain_arrays_and_structs_alone():
    body = {'LoadBalancers': [{'ZoneMappings': [{'ZoneId': 'z'}], 'DeletionProtectionConfig': {'Enabled': True}}]}
    assert snake_dict(body) == {'load_balancers': [{'zone_mappings': [{'zone_id': 'z'}],
                                                    'deletion_protection_config': {'enabled': True}}]}


@pytest.mark.parametrize('tags', [
    [{'Key': 'a', 'Value': '1'}],
    [{'TagKey': 'a', 'TagValue': '1'}],
    {'Tag': [{'TagKey': 'a', 'TagValue': '1'}]},
    {'Tag': [{'Key': 'a', 'Value': '1'}]},
])
def test_tags_to_dict_reads_every_product_shape(tags):
    assert tags_to_dict(tags) == {'a': '1'}


def test_dict_to_tags_is_sorted_and_named_for_the_request():
    assert dict_to_tags({'b': '2', 'a': '1'}) == [{'Key': 'a', 'Value': '1'}, {'Key': 'b', 'Value': '2'}]
    assert dict_to_tags({'a': '1'}, 'TagKey', 'TagValue') == [{'TagKey': 'a', 'TagValue': '1'}]


def test_client_token_is_stable_within_a_task_and_differs_across_tasks():
    params = {'VpcName': 'x', 'CidrBlock': '10.0.0.0/16'}
    first = client_token('CreateVpc', params, 'nonce-1')
    assert first == client_token('CreateVpc', dict(reversed(list(params.items()))), 'nonce-1')
    assert first != client_token('CreateVpc', params, 'nonce-2')
    assert first != client_token('CreateVSwitch', params, 'nonce-1')
    assert len(first) <= 64 and first.isalnum()


@pytest.mark.parametrize('current, desired, purge, expected', [
    ({'a': '1'}, None, True, ({}, [])),
    ({'a': '1', 'b': '2'}, {}, True, ({}, ['a', 'b'])),
    ({'a': '1', 'b': '2'}, {}, False, ({}, [])),
    ({'a': '1'}, {'a': '2', 'c': 3}, True, ({'a': '2', 'c': '3'}, [])),
    ({'a': '1', 'b': '2'}, {'a': '1'}, True, ({}, ['b'])),
    ({}, {'a': None}, True, ({'a': ''}, [])),
])
def test_compare_tags(current, desired, purge, expected):
    assert compare_tags(current, desired, purge) == expected


def test_merged_tags_predicts_the_result():
    assert merged_tags({'a': '1', 'b': '2'}, {'a': '9', 'c': '3'}, purge=True) == {'a': '9', 'c': '3'}
    assert merged_tags({'a': '1', 'b': '2'}, {'a': '9'}, purge=False) == {'a': '9', 'b': '2'}


def test_a_struct_with_one_list_member_is_not_a_wrapper():
    action = {'ForwardGroupConfig': {'ServerGroupTuples': [{'ServerGroupId': 'sgp-1'}]}}
    assert snake_dict(action) == {'forward_group_config': {'server_group_tuples': [{'server_group_id': 'sgp-1'}]}}
    wrapped = {'PublicIpAddress': {'IpAddress': ['47.1.2.3']}, 'DomainRecords': {'Record': []}}
    assert snake_dict(wrapped) == {'public_ip_address': ['47.1.2.3'], 'domain_records': []}


def test_attribute_changes_sends_only_what_differs_and_predicts_the_result():
    current = {'vpc_name': 'a', 'description': 'old', 'cidr_block': '10.0.0.0/16'}
    to_send, after = attribute_changes(current, {'VpcName': ('vpc_name', 'a'), 'Description': ('description', 'new'),
                                                 'CidrBlock': ('cidr_block', None)})
    assert to_send == {'Description': 'new'}
    assert after == {'vpc_name': 'a', 'description': 'new', 'cidr_block': '10.0.0.0/16'}

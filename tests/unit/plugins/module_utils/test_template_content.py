# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import check_content_options
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_from_data
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_request
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import desired_content
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import matching_version
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import versions_to_prune

SCRIPT = '#!/bin/bash\necho "mongodb://ams:secret@10.0.0.5/admin" > /etc/ams\n'
SCRIPT_B64 = base64.b64encode(SCRIPT.encode('utf-8')).decode('ascii')

# A LaunchTemplateData as DescribeLaunchTemplateVersions returns it (wire names, wrapped lists).
DATA = {
    'ImageId': 'ubuntu_22_04_x64_20G_alibase_20240819.vhd', 'InstanceType': 'ecs.c7.large',
    'SecurityGroupIds': {'SecurityGroupId': ['sg-b', 'sg-a']}, 'VSwitchId': 'vsw-1', 'VpcId': 'vpc-1',
    'KeyPairName': 'admin', 'InternetMaxBandwidthOut': 100, 'InternetChargeType': 'PayByTraffic',
    'SystemDisk': {'Category': 'cloud_essd', 'Size': 50, 'Iops': 0, 'DeleteWithInstance': True},
    'UserData': SCRIPT_B64, 'InstanceName': 'ams-edge', 'HostName': '',
    'Tags': {'InstanceTag': [{'Key': 'role', 'Value': 'edge'}, {'Key': 'app', 'Value': 'ams'}]},
}

CONTENT = {
    'image_id': 'ubuntu_22_04_x64_20G_alibase_20240819.vhd', 'instance_type': 'ecs.c7.large',
    'security_group_ids': ['sg-a', 'sg-b'], 'vswitch_id': 'vsw-1', 'key_pair_name': 'admin',
    'internet_max_bandwidth_out': 100, 'system_disk': {'category': 'cloud_essd', 'size': 50},
    'user_data': SCRIPT_B64, 'instance_name': 'ams-edge', 'instance_tags': {'app': 'ams', 'role': 'edge'},
}

NO_OPTIONS = dict((name, None) for name in (
    'image_id', 'instance_type', 'security_group_ids', 'vswitch_id', 'key_pair_name', 'internet_max_bandwidth_out',
    'system_disk', 'user_data', 'instance_name', 'instance_tags'))


def options(**values):
    return dict(NO_OPTIONS, **values)


def test_content_from_data_keeps_managed_fields_in_canonical_form():
    assert content_from_data(DATA) == CONTENT


def test_content_from_data_reads_a_single_security_group_and_drops_empty_values():
    data = {'SecurityGroupId': 'sg-1', 'InternetMaxBandwidthOut': 0, 'KeyPairName': '', 'UserData': '',
            'SystemDisk': {'Category': '', 'Size': 0}, 'Tags': {'InstanceTag': []}}
    assert content_from_data(data) == {'security_group_ids': ['sg-1']}
    assert content_from_data(None) == {}


def test_the_system_disk_defaults_the_api_fills_in_read_as_unset():
    # DescribeLaunchTemplateVersions answers a version created without a system disk with the launch defaults.
    filled = {'SecurityGroupIds': {'SecurityGroupId': ['sg-1']}, 'InternetChargeType': 'PayByTraffic',
              'SystemDisk': {'Category': 'cloud_efficiency', 'Size': 40, 'DeleteWithInstance': True, 'Iops': 0}}
    assert content_from_data(filled) == {'security_group_ids': ['sg-1']}
    current = content_from_data(filled)
    assert desired_content(options(system_disk={'category': 'cloud_efficiency', 'size': 40}), current) == current
    assert desired_content(options(system_disk={'size': 60}), current) == dict(current, system_disk={'size': 60})


def test_user_data_is_compared_by_what_it_decodes_to():
    unpadded_with_breaks = SCRIPT_B64[:20] + '\n' + SCRIPT_B64[20:]
    assert content_from_data(dict(DATA, UserData=unpadded_with_breaks)) == CONTENT
    assert desired_content(options(user_data=SCRIPT), {}) == {'user_data': SCRIPT_B64}


def test_unset_options_keep_the_current_content():
    assert desired_content(options(), CONTENT) == CONTENT


def test_set_options_replace_and_empty_ones_remove():
    wanted = desired_content(options(image_id='img-2', key_pair_name='', instance_tags={}, security_group_ids=[],
                                     internet_max_bandwidth_out=0, user_data=''), CONTENT)
    expected = dict(CONTENT, image_id='img-2')
    for removed in ('key_pair_name', 'instance_tags', 'security_group_ids', 'internet_max_bandwidth_out', 'user_data'):
        del expected[removed]
    assert wanted == expected


def test_security_groups_are_a_set_and_instance_tags_are_replaced_whole():
    wanted = desired_content(options(security_group_ids=['sg-b', 'sg-a'], instance_tags={'tier': 1}), CONTENT)
    assert wanted['security_group_ids'] == ['sg-a', 'sg-b']
    assert wanted['instance_tags'] == {'tier': '1'}
    assert dict(wanted, instance_tags=CONTENT['instance_tags']) == CONTENT


def test_system_disk_is_merged_key_by_key():
    assert desired_content(options(system_disk={'category': None, 'size': 80}), CONTENT)['system_disk'] == \
        {'category': 'cloud_essd', 'size': 80}
    assert desired_content(options(system_disk={'category': 'cloud_auto', 'size': None}), {})['system_disk'] == \
        {'category': 'cloud_auto'}


def test_content_request_uses_the_create_wire_names():
    assert content_request(CONTENT) == {
        'ImageId': 'ubuntu_22_04_x64_20G_alibase_20240819.vhd', 'InstanceType': 'ecs.c7.large',
        'SecurityGroupIds': ['sg-a', 'sg-b'], 'VSwitchId': 'vsw-1', 'KeyPairName': 'admin',
        'InternetMaxBandwidthOut': 100, 'SystemDisk': {'Category': 'cloud_essd', 'Size': 50},
        'UserData': SCRIPT_B64, 'InstanceName': 'ams-edge',
        'Tag': [{'Key': 'app', 'Value': 'ams'}, {'Key': 'role', 'Value': 'edge'}],
    }
    assert content_request({}) == {}


def test_a_request_read_back_gives_the_same_content():
    request = content_request(CONTENT)
    data = dict(request, SecurityGroupIds={'SecurityGroupId': request['SecurityGroupIds']},
                Tags={'InstanceTag': request.pop('Tag')})
    assert content_from_data(data) == CONTENT


def test_view_shows_every_option_and_only_a_digest_of_the_user_data():
    view = content_view(CONTENT)
    assert view['user_data_sha256'] == hashlib.sha256(SCRIPT.encode('utf-8')).hexdigest()
    assert 'user_data' not in view
    assert 'secret' not in repr(view) and SCRIPT_B64 not in repr(view)
    assert content_view({}) == {
        'image_id': '', 'instance_type': '', 'security_group_ids': [], 'vswitch_id': '', 'key_pair_name': '',
        'internet_max_bandwidth_out': 0, 'system_disk': {}, 'user_data_sha256': '', 'instance_name': '',
        'instance_tags': {}}


@pytest.mark.parametrize('values, fragment', [
    (dict(internet_max_bandwidth_out=101), 'internet_max_bandwidth_out (Mbit/s) must be between 0 and 100, got 101'),
    (dict(internet_max_bandwidth_out=-1), 'between 0 and 100, got -1'),
    (dict(system_disk={'category': None, 'size': 19}), 'system_disk.size (GiB) must be between 20 and 2048, got 19'),
    (dict(system_disk={'category': None, 'size': 2049}), 'got 2049'),
    (dict(user_data='x' * (32 * 1024 + 1)), 'user_data is 32769 bytes'),
    (dict(security_group_ids=['sg-1', 'sg-2', 'sg-1']), 'security_group_ids lists sg-1 more than once'),
    (dict(security_group_ids=['sg-%d' % n for n in range(6)]), 'at most 5 security groups, got 6'),
    (dict(instance_tags=dict(('k%d' % n, 'v') for n in range(21))), 'instance_tags: at most 20 tags, got 21'),
    (dict(instance_tags={'aliyun-x': 'v'}), "key 'aliyun-x' is not valid"),
    (dict(instance_tags={'ACS:x': 'v'}), "key 'ACS:x' is not valid"),
    (dict(instance_tags={'': 'v'}), "key '' is not valid"),
])
def test_bad_options_are_refused_with_the_reason(values, fragment):
    with pytest.raises(ValueError) as raised:
        check_content_options(options(**values))
    assert fragment in str(raised.value)


def test_good_options_pass():
    check_content_options(options(internet_max_bandwidth_out=0, system_disk={'category': 'cloud', 'size': 20},
                                  user_data='x' * (32 * 1024), security_group_ids=['sg-%d' % n for n in range(5)],
                                  instance_tags={'app': 'ams'}))
    check_content_options(options(system_disk={'category': None, 'size': 2048}, internet_max_bandwidth_out=100))


def test_matching_version_prefers_the_default_then_the_newest():
    versions = {1: {'a': 1}, 2: {'a': 2}, 3: {'a': 1}, 4: {'a': 3}}
    assert matching_version(versions, {'a': 3}, 4) == 4
    assert matching_version(versions, {'a': 1}, 4) == 3
    assert matching_version(versions, {'a': 1}, 1) == 1
    assert matching_version(versions, {'a': 9}, 4) is None


@pytest.mark.parametrize('numbers, protected, keep, expected', [
    ([1, 2, 3, 4, 5], {5}, 3, [1, 2]),
    ([1, 2, 3, 4, 5], {2}, 2, [1, 3, 4]),
    ([2, 5, 6], {6}, 1, [2, 5]),
    ([2, 5, 6], {2, 6}, 1, [5]),
    ([6, 7, 8], {8}, 2, [6]),
    ([1, 2], {2}, 5, []),
    ([1], {1}, 1, []),
])
def test_versions_to_prune_keep_the_protected_and_the_newest(numbers, protected, keep, expected):
    assert versions_to_prune(numbers, protected, keep) == expected

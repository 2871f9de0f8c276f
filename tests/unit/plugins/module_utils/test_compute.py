# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import architecture_fits
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import encode_user_data
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import instance_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import key_fingerprint
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import newest_image
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import power_change
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import settled_status

# Public keys made with ssh-keygen; the fingerprints are what `ssh-keygen -l -E md5 -f KEY.pub` printed for them.
RSA_KEY = (
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCNuXt3bC1a+gPFxpHKoR6qFf7czzZ+K2awlpbqzUuTOI236GBRxGMoVJsOknRvSnldNZHH'
    'xgbkTA9UXuVs++r6t7nQwv4vXT88ghBpjCbLQ3RTTyIPAHzB00z4R1d8ePonic2gQgC9Op7/8/HUDsfhHcMwZa+TwUiGfaTBE4EHTSSxW4B4'
    'Jh6zcd9Hd6im+SnNPF3nDTRVrHxtl+9nPL6zU/oxcUuuA3+bQG9XM7By758s1SOtl5yLQtq+1PnTwgIL36M5JfWWzFsNXw/VWneMJc2AK+CL'
    'G7kScgD89w9ObbeyADrVMTgvtISbR4k69UXgPqNE2w5mvrwe3/Hd6Dxp ams-test-rsa')
ED25519_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBRYE6Y+eg3+xgFPTbx2u+Oy2/gXxHdP0cmy76PpsHpu ams-test-ed25519'
ECDSA_KEY = ('ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHe/choBWuzIYSkDAg+ayE+cP27SU'
             '+MQNQV1UPvVp19WIM6Zkc1SL15Mm8pMMKMG2HCv7CdYDL5PFhPidZHeEf0= ams-test-ecdsa')


@pytest.mark.parametrize('public_key, expected', [
    (RSA_KEY, '6f:ee:eb:9d:5e:50:ae:48:35:17:8f:06:b5:6d:af:ca'),
    (ED25519_KEY, '69:6d:f2:1d:f7:c4:8e:bd:3e:b0:f8:88:77:e6:c4:97'),
    (ECDSA_KEY, '04:fd:9e:91:3e:22:88:6f:73:fc:54:0d:3e:5b:bb:a6'),
])
def test_fingerprints_match_ssh_keygen(public_key, expected):
    assert key_fingerprint(public_key) == expected


def test_fingerprint_ignores_comment_and_surrounding_whitespace():
    bare = ' '.join(ED25519_KEY.split()[:2])
    assert key_fingerprint('\n  ' + bare + '  \n') == key_fingerprint(ED25519_KEY)


@pytest.mark.parametrize('public_key, fragment', [
    ('', 'one OpenSSH public key line'),
    (None, 'one OpenSSH public key line'),
    ('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n', 'not a private key'),
    ('ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIBRYE6Y+', 'one OpenSSH public key line'),
    ('ssh-ed25519 not*base64', 'not valid base64'),
    # An ed25519 blob declared as RSA: the blob's own type disagrees.
    ('ssh-rsa ' + ED25519_KEY.split()[1], 'does not hold a ssh-rsa key'),
])
def test_malformed_public_keys_are_refused_with_the_reason(public_key, fragment):
    with pytest.raises(ValueError) as raised:
        key_fingerprint(public_key)
    assert fragment in str(raised.value)


@pytest.mark.parametrize('name', ['mongodb-1', 'ams:origin.1', 'Key_pair', 'ab', 'a' * 128, u'密钥-1'])
def test_valid_names(name):
    assert check_name(name, 'name') == name


@pytest.mark.parametrize('name', ['a', 'a' * 129, '1mongo', '-mongo', 'mongo db', 'ams-*', 'http://x', '', None,
                                  'mongo/1'])
def test_invalid_names_are_refused(name):
    with pytest.raises(ValueError) as raised:
        check_name(name, 'key pair name')
    assert 'key pair name %r is not valid' % (name,) in str(raised.value)


def test_user_data_is_utf8_in_base64():
    script = u'#!/bin/sh\necho "h\u00e9llo" > /etc/motd\n'
    encoded = encode_user_data(script)
    assert base64.b64decode(encoded).decode('utf-8') == script
    assert encode_user_data('') == ''


def test_user_data_limit_is_32_kib_before_encoding():
    assert encode_user_data('x' * 32768)
    with pytest.raises(ValueError) as raised:
        encode_user_data('x' * 32769)
    assert 'user_data is 32769 bytes' in str(raised.value)


def test_newest_image_by_creation_time_then_id():
    images = [
        {'ImageId': 'ubuntu_22_04_x64_20G_alibase_20240101.vhd', 'CreationTime': '2024-01-01T06:00:00Z'},
        {'ImageId': 'ubuntu_22_04_x64_20G_alibase_20240819.vhd', 'CreationTime': '2024-08-19T06:00:00Z'},
        {'ImageId': 'ubuntu_22_04_x64_20G_alibase_20240601.vhd', 'CreationTime': '2024-06-01T06:00:00Z'},
    ]
    assert newest_image(images)['ImageId'] == 'ubuntu_22_04_x64_20G_alibase_20240819.vhd'
    same_time = [{'ImageId': 'b', 'CreationTime': 'T'}, {'ImageId': 'c', 'CreationTime': 'T'},
                 {'ImageId': 'a', 'CreationTime': 'T'}]
    assert newest_image(same_time)['ImageId'] == 'c'
    assert newest_image([]) is None


@pytest.mark.parametrize('cpu, image, fits', [
    ('X86', 'x86_64', True), ('X86', 'i386', True), ('ARM', 'arm64', True),
    ('X86', 'arm64', False), ('ARM', 'x86_64', False), ('RISC', 'x86_64', False),
])
def test_architecture_fits(cpu, image, fits):
    assert architecture_fits(cpu, image) is fits


def test_instance_view_lifts_addresses_and_network():
    instance = {'instance_id': 'i-1', 'vpc_attributes': {'vpc_id': 'vpc-1', 'vswitch_id': 'vsw-1',
                                                         'private_ip_address': ['10.0.1.4']},
                'public_ip_address': ['47.96.1.2'], 'eip_address': {'ip_address': ''}}
    view = instance_view(instance)
    assert (view['vpc_id'], view['vswitch_id'], view['private_ip'], view['public_ip']) == \
        ('vpc-1', 'vsw-1', '10.0.1.4', '47.96.1.2')
    assert view['instance_id'] == 'i-1' and 'private_ip' not in instance


def test_instance_view_without_public_address_uses_the_eip_or_nothing():
    base = {'vpc_attributes': {'private_ip_address': []}, 'public_ip_address': []}
    assert instance_view(base)['public_ip'] == '' and instance_view(base)['private_ip'] == ''
    with_eip = dict(base, eip_address={'ip_address': '8.8.4.4'})
    assert instance_view(with_eip)['public_ip'] == '8.8.4.4'


@pytest.mark.parametrize('status, state, change', [
    ('Running', 'running', None), ('Starting', 'running', None), ('Pending', 'running', None),
    ('Stopped', 'running', 'start'), ('Stopping', 'running', 'start'),
    ('Stopped', 'stopped', None), ('Stopping', 'stopped', None),
    ('Running', 'stopped', 'stop'), ('Starting', 'stopped', 'stop'), ('Pending', 'stopped', 'stop'),
    ('Running', 'present', None), ('Stopped', 'present', None), ('Pending', 'present', None),
])
def test_power_change(status, state, change):
    assert power_change(status, state) == change


@pytest.mark.parametrize('status, state, settled', [
    ('Pending', 'present', 'Running'), ('Starting', 'present', 'Running'), ('Stopping', 'present', 'Stopped'),
    ('Running', 'present', 'Running'), ('Stopped', 'present', 'Stopped'),
    ('Stopped', 'running', 'Running'), ('Running', 'stopped', 'Stopped'),
])
def test_settled_status(status, state, settled):
    assert settled_status(status, state) == settled


def test_user_data_limit_counts_bytes_not_characters():
    with pytest.raises(ValueError):
        encode_user_data(u'\u00e9' * (16 * 1024 + 1))  # two bytes each in UTF-8
    assert base64.b64decode(encode_user_data(u'\u00e9')) == u'\u00e9'.encode('utf-8')

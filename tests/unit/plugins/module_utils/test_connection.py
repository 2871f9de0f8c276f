# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import ConfigurationError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import resolve_connection
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import secrets_of

NEW = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new-id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'new-secret',
       'ALIBABA_CLOUD_REGION_ID': 'cn-shanghai'}
OLD = {'ALICLOUD_ACCESS_KEY': 'old-id', 'ALICLOUD_SECRET_KEY': 'old-secret', 'ALICLOUD_REGION': 'ap-southeast-1'}


def test_options_win_over_every_environment_variable():
    params = {'access_key_id': 'opt-id', 'access_key_secret': 'opt-secret', 'region': 'cn-beijing'}
    settings = resolve_connection(params, dict(NEW, **OLD))
    assert (settings['access_key_id'], settings['access_key_secret'], settings['region']) == \
        ('opt-id', 'opt-secret', 'cn-beijing')


def test_sdk_variable_names_win_over_the_older_alicloud_names():
    settings = resolve_connection({}, dict(NEW, **OLD))
    assert (settings['access_key_id'], settings['access_key_secret'], settings['region']) == \
        ('new-id', 'new-secret', 'cn-shanghai')


def test_older_alicloud_names_are_used_when_alone():
    settings = resolve_connection({'access_key_id': None}, OLD)
    assert (settings['access_key_id'], settings['access_key_secret'], settings['region']) == \
        ('old-id', 'old-secret', 'ap-southeast-1')


def test_no_access_key_anywhere_leaves_it_to_the_sdk_default_chain():
    settings = resolve_connection({'region': 'cn-hangzhou', 'profile': 'ops'}, {})
    assert settings['access_key_id'] is None and settings['access_key_secret'] is None
    assert settings['profile'] == 'ops'


@pytest.mark.parametrize('params, missing', [
    ({'access_key_id': 'id'}, 'access_key_secret'),
    ({'access_key_secret': 'secret'}, 'access_key_id'),
])
def test_half_a_key_pair_names_what_to_set(params, missing):
    with pytest.raises(ConfigurationError) as raised:
        resolve_connection(dict(params, region='cn-hangzhou'), {})
    assert missing in str(raised.value) and 'ALIBABA_CLOUD_' in str(raised.value)


def test_security_token_without_a_key_pair_is_refused():
    with pytest.raises(ConfigurationError, match='security_token needs an access key pair'):
        resolve_connection({'security_token': 'tok', 'region': 'cn-hangzhou'}, {})


def test_missing_region_names_the_option_and_variables():
    with pytest.raises(ConfigurationError) as raised:
        resolve_connection({}, {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'a', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'b'})
    assert 'region' in str(raised.value) and 'ALICLOUD_REGION' in str(raised.value)


def test_emulator_endpoint_is_split_for_the_sdk_and_marked_emulated():
    settings = resolve_connection({'region': 'cn-hangzhou'}, {'ALICLOUD_ENDPOINT_URL': 'http://127.0.0.1:8765'})
    assert (settings['endpoint'], settings['protocol']) == ('127.0.0.1:8765', 'http')
    assert settings['emulated'] and settings['loopback']


def test_real_cloud_endpoint_override_is_not_emulated():
    settings = resolve_connection({'region': 'cn-hangzhou', 'endpoint_url': 'vpc-vpc.cn-hangzhou.aliyuncs.com'}, {})
    assert (settings['endpoint'], settings['protocol']) == ('vpc-vpc.cn-hangzhou.aliyuncs.com', 'https')
    assert not settings['emulated'] and not settings['loopback']


def test_no_override_uses_the_regional_endpoints():
    settings = resolve_connection({'region': 'cn-hangzhou'}, {})
    assert settings['endpoint'] is None and not settings['emulated']


@pytest.mark.parametrize('url', ['ftp://host', 'http://host:1/path', 'http://', 'http://h?x=1'])
def test_malformed_endpoint_url_is_refused(url):
    with pytest.raises(ConfigurationError, match='endpoint_url'):
        resolve_connection({'region': 'cn-hangzhou', 'endpoint_url': url}, {})


def test_secrets_of_lists_secret_and_token_only():
    settings = resolve_connection({'region': 'r', 'access_key_id': 'id', 'access_key_secret': 's',
                                   'security_token': 't'}, {})
    assert sorted(secrets_of(settings)) == ['s', 't']


def test_the_retry_budget_is_two_minutes_unless_the_option_or_the_environment_sets_it():
    base = {'region': 'cn-hangzhou'}
    assert resolve_connection(base, {})['api_retry_timeout'] == 120
    assert resolve_connection(base, {'ALICLOUD_API_RETRY_TIMEOUT': '30'})['api_retry_timeout'] == 30
    assert resolve_connection(dict(base, api_retry_timeout=0), {'ALICLOUD_API_RETRY_TIMEOUT': '30'})[
        'api_retry_timeout'] == 0


@pytest.mark.parametrize('value', ['soon', '-1'])
def test_a_retry_budget_that_is_not_whole_seconds_is_refused(value):
    with pytest.raises(ConfigurationError, match='ALICLOUD_API_RETRY_TIMEOUT'):
        resolve_connection({'region': 'cn-hangzhou'}, {'ALICLOUD_API_RETRY_TIMEOUT': value})

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils import sdk
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import resolve_connection


def paged_api(items, page_param):
    calls = []

    def call(action, params):
        calls.append(dict(params))
        if page_param == 'token':
            start = int(params.get('NextToken') or 0)
            size = params['MaxResults']
            nxt = start + size if start + size < len(items) else None
            return {'LoadBalancers': items[start:start + size], 'NextToken': str(nxt) if nxt else ''}
        start = (params['PageNumber'] - 1) * params['PageSize']
        return {'Vpcs': {'Vpc': items[start:start + params['PageSize']]}, 'TotalCount': len(items)}
    return call, calls


def test_page_number_pagination_collects_every_page():
    call, calls = paged_api(list(range(5)), 'page')
    assert sdk.collect_pages(call, 'DescribeVpcs', {'RegionId': 'r'}, ('Vpcs', 'Vpc'), page_size=2) == [0, 1, 2, 3, 4]
    assert [c['PageNumber'] for c in calls] == [1, 2, 3]
    assert all(c['RegionId'] == 'r' and c['PageSize'] == 2 for c in calls)


def test_next_token_pagination_follows_the_token():
    call, calls = paged_api(list(range(7)), 'token')
    assert sdk.collect_pages(call, 'ListLoadBalancers', {'MaxResults': 3}, ('LoadBalancers',)) == list(range(7))
    assert [c.get('NextToken') for c in calls] == [None, '3', '6']
    assert all('PageNumber' not in c for c in calls)


def test_pagination_without_total_stops_at_a_short_page():
    pages = {1: [1, 2], 2: [3]}
    calls = []

    def call(action, params):
        calls.append(params['PageNumber'])
        return {'Items': pages.get(params['PageNumber'], [])}
    assert sdk.collect_pages(call, 'DescribeX', {}, ('Items',), page_size=2) == [1, 2, 3]
    assert calls == [1, 2]


def test_emulated_endpoint_sends_the_region_header():
    settings = resolve_connection({'region': 'cn-shanghai', 'access_key_id': 'a', 'access_key_secret': 'b',
                                   'endpoint_url': 'http://127.0.0.1:8765'}, {})
    config = sdk.build_config(settings)
    assert (config.endpoint, config.protocol, config.region_id) == ('127.0.0.1:8765', 'http', 'cn-shanghai')
    assert config.global_parameters.headers == {sdk.EMULATOR_REGION_HEADER: 'cn-shanghai'}


def test_real_cloud_gets_no_extra_header_and_no_endpoint():
    settings = resolve_connection({'region': 'cn-shanghai', 'access_key_id': 'a', 'access_key_secret': 'b'}, {})
    config = sdk.build_config(settings)
    assert config.global_parameters is None and config.endpoint is None
    assert (config.access_key_id, config.access_key_secret) == ('a', 'b')


def test_without_keys_the_default_credential_chain_is_handed_to_the_sdk():
    config = sdk.build_config(resolve_connection({'region': 'cn-hangzhou'}, {}))
    assert config.access_key_id is None
    assert type(config.credential).__module__ == 'alibabacloud_credentials.client'


def test_a_missing_sdk_names_the_package_to_install(monkeypatch):
    monkeypatch.setitem(sdk.PRODUCTS, 'nope', ('2020-01-01', 'no_such_sdk_package', 'no-such-sdk-package'))
    with pytest.raises(sdk.MissingSDK) as raised:
        sdk.product_endpoint('nope', 'cn-hangzhou')
    assert 'pip install no-such-sdk-package' in str(raised.value)


def emulated_client(**extra):
    settings = resolve_connection(dict({'region': 'cn-shanghai', 'access_key_id': 'a', 'access_key_secret': 'b',
                                        'endpoint_url': 'http://127.0.0.1:8765'}, **extra), {})
    return sdk.ApiClient('vpc', settings, 'nonce')


def test_a_call_is_one_rpc_request_of_the_product_version_with_every_parameter_in_the_query(monkeypatch):
    client = emulated_client()
    sent = []
    monkeypatch.setattr(client._client, 'call_api',
                        lambda params, request, runtime: sent.append((params, request)) or {'body': {'Vpcs': {}}})
    assert client.call('DescribeVpcs', {'RegionId': 'cn-shanghai', 'VpcName': None,
                                        'Tag': [{'Key': 'app', 'Value': 'ams'}]}) == {'Vpcs': {}}
    params, request = sent[0]
    assert (params.action, params.version, params.method, params.style) == ('DescribeVpcs', '2016-04-28', 'POST', 'RPC')
    assert request.query == {'RegionId': 'cn-shanghai', 'Tag.1.Key': 'app', 'Tag.1.Value': 'ams'}
    assert request.body is None


def test_a_body_that_is_not_an_object_is_an_api_error(monkeypatch):
    client = emulated_client()
    monkeypatch.setattr(client._client, 'call_api', lambda params, request, runtime: {'body': 'oops'})
    with pytest.raises(sdk.ApiError, match='InvalidResponse'):
        client.call('DescribeVpcs', {})


def test_the_retry_budget_comes_from_the_settings(monkeypatch):
    assert emulated_client()._retry_timeout == 120
    assert emulated_client(api_retry_timeout=7)._retry_timeout == 7


def test_a_refused_connection_fails_within_seconds_even_with_a_long_budget():
    settings = resolve_connection({'region': 'cn-shanghai', 'access_key_id': 'a', 'access_key_secret': 'b',
                                   'endpoint_url': 'http://127.0.0.1:1', 'api_retry_timeout': 600}, {})
    started = time.monotonic()
    with pytest.raises(sdk.ApiError) as raised:
        sdk.ApiClient('vpc', settings, 'nonce').call('DescribeVpcs', {'RegionId': 'cn-shanghai'})
    assert raised.value.code == 'ConnectionError' and 'refused' in raised.value.message
    assert time.monotonic() - started < 8


def test_sdk_errors_become_api_errors_with_the_raw_message():
    from alibabacloud_tea_openapi.exceptions import ClientException
    error = ClientException(code='DependencyViolation.VSwitch', status_code=400, request_id='REQ-1',
                            message='code: 400, Specified VPC has vswitches. request id: REQ-1',
                            data={'Message': 'Specified VPC has vswitches.', 'statusCode': 400})
    api_error = sdk._as_api_error('DeleteVpc', error)
    assert (api_error.code, api_error.message, api_error.request_id, api_error.status) == \
        ('DependencyViolation.VSwitch', 'Specified VPC has vswitches.', 'REQ-1', 400)
    assert str(api_error) == 'DeleteVpc failed: DependencyViolation.VSwitch: Specified VPC has vswitches.'

# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils import alb
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import WaitFailed
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import wait_until

ZONE_H = {'zone_id': 'cn-hangzhou-h', 'vswitch_id': 'vsw-h'}
ZONE_I = {'zone_id': 'cn-hangzhou-i', 'vswitch_id': 'vsw-i'}


@pytest.mark.parametrize('name', ['ams', 'ams-entrance', 'ams_origin.2 test', '1st', u'\u8d1f\u8f7d', 'a' * 128])
def test_names_the_api_accepts_pass(name):
    alb.check_name(name, 'name')


@pytest.mark.parametrize('name', ['a', '-ams', '_ams', '.ams', 'ams/origin', 'ams:80', 'a' * 129, ''])
def test_names_the_api_refuses_are_refused(name):
    with pytest.raises(ValueError) as raised:
        alb.check_name(name, 'name')
    assert 'must be 2 to 128 characters long' in str(raised.value)


def test_no_name_is_not_checked():
    alb.check_name(None, 'name')


def test_two_zones_pass():
    alb.check_zone_mappings([ZONE_H, ZONE_I])


@pytest.mark.parametrize('mappings, fragment', [
    ([ZONE_H], 'at least two zones (each with its vSwitch); got 1'),
    ([], 'got 0'),
    (None, 'got 0'),
    ([ZONE_H, dict(ZONE_H, vswitch_id='vsw-other')], 'names zone cn-hangzhou-h more than once'),
])
def test_fewer_than_two_distinct_zones_are_refused(mappings, fragment):
    with pytest.raises(ValueError) as raised:
        alb.check_zone_mappings(mappings)
    assert fragment in str(raised.value)


@pytest.mark.parametrize('value, low, high', [(1, 1, 65535), (65535, 1, 65535), (0, 0, 10), (None, 1, 2)])
def test_values_in_range_pass(value, low, high):
    alb.check_range(value, low, high, 'port')


@pytest.mark.parametrize('value', [0, 65536, -1])
def test_values_out_of_range_name_the_option_and_the_bounds(value):
    with pytest.raises(ValueError) as raised:
        alb.check_range(value, 1, 65535, 'port')
    assert str(raised.value) == 'port must be between 1 and 65535, got %d.' % value


@pytest.mark.parametrize('health_check, message', [
    (dict(path='health'), "health_check.path must start with / and be at most 80 characters long, got 'health'."),
    (dict(path='/' + 'a' * 80), 'health_check.path must start with /'),
    (dict(codes=['http_2xx', 'http_200']), 'health_check.codes may hold only'),
    (dict(interval=51), 'health_check.interval must be between 1 and 50, got 51.'),
    (dict(timeout=0), 'health_check.timeout must be between 1 and 300, got 0.'),
    (dict(healthy_threshold=1), 'health_check.healthy_threshold must be between 2 and 10, got 1.'),
    (dict(unhealthy_threshold=11), 'health_check.unhealthy_threshold must be between 2 and 10, got 11.'),
    (dict(port=65536), 'health_check.port must be between 0 and 65535, got 65536.'),
])
def test_bad_health_checks_are_refused(health_check, message):
    with pytest.raises(ValueError) as raised:
        alb.check_health_check(health_check)
    assert str(raised.value).startswith(message)


def test_a_sound_health_check_passes():
    alb.check_health_check(dict(enabled=True, path='/health', codes=['http_2xx', 'http_3xx'], port=0, interval=50,
                                timeout=300, healthy_threshold=2, unhealthy_threshold=10))
    alb.check_health_check(None)


def test_server_cookies_need_a_cookie_name():
    with pytest.raises(ValueError) as raised:
        alb.check_sticky_session(dict(enabled=True, type='Server'))
    assert 'sticky_session.cookie is required' in str(raised.value)
    alb.check_sticky_session(dict(enabled=True, type='Server', cookie='SESSION'))
    alb.check_sticky_session(dict(enabled=False, type='Server'))
    with pytest.raises(ValueError):
        alb.check_sticky_session(dict(cookie_timeout=86401))


def test_servers_are_listed_once_with_ports_and_weights_in_range():
    alb.check_servers([dict(server_id='i-1', port=80, weight=100), dict(server_id='i-1', port=81, weight=None)])
    for servers, message in (
            ([dict(server_id='i-1', port=80), dict(server_id='i-1', port=80)], 'servers lists i-1 port 80 twice.'),
            ([dict(server_id='i-1', port=0)], 'servers[].port must be between 1 and 65535, got 0.'),
            ([dict(server_id='i-1', port=80, weight=101)], 'servers[].weight must be between 0 and 100, got 101.')):
        with pytest.raises(ValueError) as raised:
            alb.check_servers(servers)
        assert str(raised.value) == message


def listener(**options):
    params = dict(state='present', port=443, protocol='HTTPS', certificate_id='123-cn-hangzhou',
                  additional_certificate_ids=None, http2_enabled=None, security_policy_id=None, idle_timeout=None,
                  request_timeout=None, description=None)
    params.update(options)
    return params


def test_a_sound_listener_passes():
    alb.check_listener(listener())
    alb.check_listener(listener(protocol='HTTP', certificate_id=None, port=80, idle_timeout=600, description='ok'))
    # Deleting needs no certificate.
    alb.check_listener(listener(state='absent', certificate_id=None))


@pytest.mark.parametrize('options, message', [
    (dict(certificate_id=None), 'An HTTPS listener needs certificate_id'),
    (dict(protocol='HTTP'), 'Only HTTPS listeners take certificate_id.'),
    (dict(protocol='HTTP', certificate_id=None, http2_enabled=True, security_policy_id='tls_cipher_policy_1_2'),
     'Only HTTPS listeners take http2_enabled, security_policy_id.'),
    (dict(port=0), 'port must be between 1 and 65535, got 0.'),
    (dict(port=65536), 'port must be between 1 and 65535, got 65536.'),
    (dict(request_timeout=601), 'request_timeout must be between 1 and 600, got 601.'),
    (dict(description='x'), 'description must be 2 to 256 characters long.'),
])
def test_bad_listeners_are_refused(options, message):
    with pytest.raises(ValueError) as raised:
        alb.check_listener(listener(**options))
    assert str(raised.value).startswith(message)


def test_suboptions_become_wire_fields_leaving_out_unset_ones():
    wire = alb.to_wire(dict(enabled=True, path='/health', codes=['http_2xx'], port=None), alb.HEALTH_CHECK_FIELDS)
    assert wire == {'HealthCheckEnabled': True, 'HealthCheckPath': '/health', 'HealthCheckCodes': ['http_2xx']}
    assert alb.to_wire(None, alb.HEALTH_CHECK_FIELDS) == {}
    assert alb.to_wire(dict(slb_id_enabled=True), alb.X_FORWARDED_FOR_FIELDS) == {'XForwardedForSLBIdEnabled': True}


def test_config_changes_compare_against_the_snake_case_description():
    current = snake_dict({'HealthCheckEnabled': True, 'HealthCheckPath': '/', 'HealthCheckInterval': 2,
                          'HealthCheckCodes': ['http_3xx', 'http_2xx'], 'HealthCheckConnectPort': 0})
    wanted = {'HealthCheckPath': '/', 'HealthCheckCodes': ['http_2xx', 'http_3xx'], 'HealthCheckInterval': 5}
    # Code lists are sets: the same codes in another order are no change.
    assert alb.config_changes(current, wanted) == {'HealthCheckInterval': 5}
    assert alb.config_changes(current, {}) == {}
    assert alb.config_changes(None, {'HealthCheckPath': '/'}) == {'HealthCheckPath': '/'}
    after = alb.apply_config(current, {'HealthCheckInterval': 5})
    assert after['health_check_interval'] == 5 and after['health_check_path'] == '/'
    assert current['health_check_interval'] == 2


def test_x_forwarded_for_fields_match_what_the_api_describes():
    described = snake_dict({'XForwardedForSLBIdEnabled': False, 'XForwardedForClientSrcPortEnabled': False,
                            'XForwardedForProtoEnabled': True, 'XForwardedForProcessingMode': 'append'})
    wanted = alb.to_wire(dict(slb_id_enabled=False, client_src_port_enabled=False, proto_enabled=True,
                              processing_mode='append'), alb.X_FORWARDED_FOR_FIELDS)
    assert alb.config_changes(described, wanted) == {}


def test_forward_actions_round_trip_through_the_description():
    actions = alb.forward_to('sgp-origin')
    assert actions == [{'Type': 'ForwardGroup',
                        'ForwardGroupConfig': {'ServerGroupTuples': [{'ServerGroupId': 'sgp-origin'}]}}]
    assert alb.forwarded_groups({'default_actions': snake_dict(actions)}) == ['sgp-origin']
    assert alb.forwarded_groups({}) == []


def test_zone_pairs_ignore_order_and_extra_fields():
    described = [dict(ZONE_I, status='Active', load_balancer_addresses=[]), ZONE_H]
    assert alb.zone_pairs(described) == alb.zone_pairs([ZONE_H, ZONE_I]) == [
        ('cn-hangzhou-h', 'vsw-h'), ('cn-hangzhou-i', 'vsw-i')]


def test_membership_changes_by_server_and_port():
    current = [dict(server_id='10.0.0.1', port=80, weight=100, status='Available'),
               dict(server_id='10.0.0.2', port=80, weight=100, status='Available')]
    wanted = [dict(server_id='10.0.0.1', port=80, weight=50), dict(server_id='10.0.0.1', port=8080, weight=100)]
    to_add, to_remove = alb.membership_changes(current, wanted)
    assert to_add == [wanted[1]]
    assert to_remove == [current[1]]
    assert alb.membership_changes(current, current) == ([], [])
    assert alb.membership_changes(current, []) == ([], current)


def test_not_found_is_the_resource_code_or_a_404():
    assert alb.is_not_found(ApiError('GetLoadBalancerAttribute', 'ResourceNotFound.LoadBalancer', 'gone'))
    assert alb.is_not_found(ApiError('GetListenerAttribute', 'Other', 'gone', status=404))
    assert not alb.is_not_found(ApiError('GetLoadBalancerAttribute', 'IncorrectStatus.LoadBalancer', 'busy', None, 400))


class FakeClient(object):
    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.calls = []

    def call(self, action, params):
        self.calls.append((action, params))
        status = self.statuses.pop(0)
        if status is None:  # the job is not listed yet
            return {'Jobs': []}
        return {'Jobs': [{'Id': 'job-1', 'Status': status, 'ErrorCode': 'ResourceNotFound.ServerGroup' if status ==
                          'Failed' else '', 'ErrorMessage': 'The specified resource sgp-1 is not found.'}]}


class FakeModule(object):
    def wait(self, fetch, predicate, description, timeout=None, failed=None):
        return wait_until(fetch, predicate, 60, description, failed=failed, sleep=lambda seconds: None)


def test_waiting_for_a_job_polls_list_asyn_jobs_until_it_succeeded():
    client = FakeClient([None, 'Processing', 'Processing', 'Succeeded'])
    job = alb.wait_for_job(FakeModule(), client, 'job-1', 'listener', 'lsn-1')
    assert job['Status'] == 'Succeeded'
    assert len(client.calls) == 4
    assert client.calls[0] == ('ListAsynJobs', {'JobIds': ['job-1'], 'ResourceType': 'listener',
                                                'ResourceIds': ['lsn-1']})


def test_a_failed_job_stops_the_wait_with_the_cloud_s_reason():
    client = FakeClient(['Processing', 'Failed', 'Succeeded'])
    with pytest.raises(WaitFailed) as raised:
        alb.wait_for_job(FakeModule(), client, 'job-1', 'listener', 'lsn-1')
    assert 'ResourceNotFound.ServerGroup' in str(raised.value)
    assert 'listener job job-1 on lsn-1' in str(raised.value)
    assert len(client.calls) == 2


def test_job_failure_is_none_until_the_job_failed():
    assert alb.job_failure(None) is None
    assert alb.job_failure({'Status': 'Processing'}) is None
    assert alb.job_failure({'Status': 'Succeeded'}) is None
    assert 'ended Failed: Code text' in alb.job_failure({'Id': 'j', 'Status': 'Failed', 'ErrorCode': 'Code',
                                                         'ErrorMessage': 'text'})

"""Fault and latency profiles: each knob, set at runtime through the admin API and observed through the SDK."""

import time

import pytest

from alibabacloud_tea_openapi.exceptions import ServerException, ThrottlingException

from emulator.tests.conftest import sdk_error
from emulator.tests.helpers import M, REGION, create_vpc, create_vswitch, delete_vpc, vpc_attribute, vpcs, vswitches


def _outcomes(call, times):
    """Error code (or 'ok') of each of ``times`` calls."""
    results = []
    for _ in range(times):
        try:
            call()
            results.append('ok')
        except Exception as error:  # the SDK raises several exception classes; all carry .code
            results.append(error.code)
    return results


def test_throttling_refuses_calls_before_they_change_anything(vpc, admin):
    admin.set_profile(throttling={'rate': 1.0})
    error = sdk_error(create_vpc, vpc)
    assert (error.code, error.status_code) == ('Throttling.User', 400)
    assert error.data['Message'] == 'Request was denied due to user flow control.'
    admin.set_profile('fast')
    assert vpcs(vpc).total_count == 0
    entry = admin.log()[-2]
    assert (entry['action'], entry['fault'], entry['error_code']) == ('CreateVpc', 'throttling', 'Throttling.User')


def test_throttling_with_retry_after_raises_the_sdk_throttling_exception(vpc, admin):
    admin.set_profile(throttling={'rate': 1.0, 'retry_after_ms': 1500})
    error = sdk_error(vpcs, vpc)
    assert isinstance(error, ThrottlingException) and error.retry_after == 1500


def test_throttling_rate_is_a_fraction_of_calls_and_the_seed_makes_it_repeatable(vpc, admin):
    admin.set_profile(throttling={'rate': 0.3}, seed=1234)
    first = _outcomes(lambda: vpcs(vpc), 200)
    admin.set_profile(throttling={'rate': 0.3}, seed=1234)
    second = _outcomes(lambda: vpcs(vpc), 200)
    assert first == second
    assert 40 <= first.count('Throttling.User') <= 80  # 30% of 200, give or take
    assert set(first) == {'ok', 'Throttling.User'}


def test_throttling_can_target_some_actions(vpc, admin):
    admin.set_profile(throttling={'rate': 1.0, 'actions': ['CreateVpc']})
    assert vpcs(vpc).total_count == 0
    assert sdk_error(create_vpc, vpc).code == 'Throttling.User'


def test_transient_server_errors(vpc, admin):
    admin.set_profile(transient={'rate': 1.0, 'codes': ['ServiceUnavailable']})
    error = sdk_error(create_vpc, vpc)
    assert isinstance(error, ServerException)
    assert (error.code, error.status_code) == ('ServiceUnavailable', 503)
    admin.set_profile(transient={'rate': 1.0, 'codes': ['InternalError']})
    error = sdk_error(create_vpc, vpc)
    assert (error.code, error.status_code) == ('InternalError', 500)
    admin.set_profile('fast')
    assert vpcs(vpc).total_count == 0


def test_the_faulty_profile_throttles_and_fails_some_calls(vpc, admin):
    profile = admin.set_profile('faulty')
    assert (profile['throttling']['rate'], profile['transient']['rate'], profile['seed']) == (0.3, 0.1, 42)
    outcomes = _outcomes(lambda: vpcs(vpc), 300)
    assert 60 <= outcomes.count('Throttling.User') <= 120
    transient = outcomes.count('ServiceUnavailable') + outcomes.count('InternalError')
    assert 5 <= transient <= 45
    assert outcomes.count('ok') >= 150


def test_latency_per_action(vpc, admin):
    admin.set_profile(latency={'default': 0.0, 'actions': {'CreateVpc': 0.3}})
    started = time.monotonic()
    vpcs(vpc)
    quick = time.monotonic() - started
    started = time.monotonic()
    create_vpc(vpc)
    slow = time.monotonic() - started
    assert slow >= 0.3 > quick


def test_asynchronous_delay_keeps_a_new_vpc_pending(vpc, admin):
    admin.set_profile(delays={'vpc.vpc_pending': 0.4})
    vpc_id = create_vpc(vpc).vpc_id
    assert vpc_attribute(vpc, vpc_id).status == 'Pending'
    error = sdk_error(create_vswitch, vpc, vpc_id, '10.0.0.0/24')
    assert error.code == 'IncorrectVpcStatus'
    assert sdk_error(delete_vpc, vpc, vpc_id).code == 'IncorrectVpcStatus'
    time.sleep(0.45)
    assert vpc_attribute(vpc, vpc_id).status == 'Available'
    assert create_vswitch(vpc, vpc_id, '10.0.0.0/24').v_switch_id


def test_advancing_the_clock_completes_transitions_without_waiting(vpc, admin):
    admin.set_profile('realistic')
    assert admin.profile()['delays']['vpc.vpc_pending'] == 3.0
    admin.set_profile(base='realistic', latency={'default': 0.0})
    vpc_id = create_vpc(vpc).vpc_id
    admin.advance_clock(1.5)  # the realistic profile also hides new resources for a second
    assert vpc_attribute(vpc, vpc_id).status == 'Pending'
    admin.advance_clock(2)
    assert vpc_attribute(vpc, vpc_id).status == 'Available'


def test_vswitches_of_one_vpc_are_created_one_at_a_time(vpc, admin):
    vpc_id = create_vpc(vpc).vpc_id
    admin.set_profile(delays={'vpc.vswitch_pending': 30})
    first = create_vswitch(vpc, vpc_id, '10.0.0.0/24').v_switch_id
    error = sdk_error(create_vswitch, vpc, vpc_id, '10.0.1.0/24')
    assert error.code == 'IncorrectVSwitchStatus'
    admin.advance_clock(31)
    assert create_vswitch(vpc, vpc_id, '10.0.1.0/24').v_switch_id != first


def test_deletion_takes_the_deleting_delay(vpc, admin):
    vpc_id = create_vpc(vpc).vpc_id
    admin.set_profile(delays={'vpc.vpc_deleting': 30})
    delete_vpc(vpc, vpc_id)
    assert vpc_attribute(vpc, vpc_id).status == 'Deleting'
    assert sdk_error(delete_vpc, vpc, vpc_id).code == 'IncorrectVpcStatus'
    admin.advance_clock(31)
    assert sdk_error(vpc_attribute, vpc, vpc_id).code == 'InvalidVpcId.NotFound'


def test_eventual_consistency_hides_new_resources_for_a_while(vpc, admin):
    admin.set_profile(consistency={'default': 0.0, 'kinds': {'vpc.vpc': 0.4}})
    vpc_id = create_vpc(vpc).vpc_id
    assert vpcs(vpc).total_count == 0
    assert sdk_error(vpc_attribute, vpc, vpc_id).code == 'InvalidVpcId.NotFound'
    time.sleep(0.45)
    assert [v.vpc_id for v in vpcs(vpc).vpcs.vpc] == [vpc_id]


def test_profile_errors_are_reported(admin, emulator_server):
    import urllib.error
    import urllib.request
    request = urllib.request.Request(emulator_server.url + '/_emulator/profile', data=b'{"name": "slowest"}',
                                     method='PUT')
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError('an unknown profile was accepted')
    except urllib.error.HTTPError as error:
        assert error.code == 400 and 'unknown profile' in error.read().decode()
    assert admin.profile()['name'] == 'fast'


def test_request_ids_differ_per_call_even_when_faulted(vpc, admin):
    admin.set_profile(throttling={'rate': 1.0})
    first, second = sdk_error(vpcs, vpc), sdk_error(vpcs, vpc)
    assert first.request_id != second.request_id
    request = M.DescribeVpcsRequest(region_id=REGION)
    assert sdk_error(vpc.describe_vpcs, request).code == 'Throttling.User'


# A lost response: the write is applied, then its answer never arrives.

def test_a_lost_response_closes_the_connection_after_the_write_stands(vpc, admin):
    admin.set_profile(lost_response={'rate': 1.0})
    error = sdk_error(create_vpc, vpc, name='lost')
    assert 'RemoteDisconnected' in repr(error) or 'closed' in str(error).lower()
    admin.set_profile('fast')
    found = vpcs(vpc).vpcs.vpc
    assert [v.vpc_name for v in found] == ['lost']  # the write stood
    entry = [e for e in admin.log() if e['action'] == 'CreateVpc'][-1]
    assert (entry['status'], entry['fault'], entry['mutating']) == (200, 'lost_response', True)


def test_a_lost_create_retried_with_its_client_token_answers_the_first_resource(vpc, admin):
    admin.set_profile(lost_response={'rate': 1.0, 'actions': ['CreateVpc']})
    sdk_error(create_vpc, vpc, client_token='lost-once')
    admin.set_profile('fast')
    again = create_vpc(vpc, client_token='lost-once')
    assert vpcs(vpc).total_count == 1
    assert again.vpc_id == vpcs(vpc).vpcs.vpc[0].vpc_id


def test_reads_and_refused_writes_never_lose_their_response(vpc, admin):
    created = create_vpc(vpc)
    admin.set_profile(lost_response={'rate': 1.0})
    assert vpcs(vpc).total_count == 1 and vpc_attribute(vpc, created.vpc_id).vpc_id == created.vpc_id
    assert sdk_error(delete_vpc, vpc, 'vpc-doesnotexist0000000').code == 'InvalidVpcId.NotFound'


def test_lost_response_rates_per_action(vpc, admin):
    created = create_vpc(vpc)
    admin.set_profile(lost_response={'actions': {'CreateVSwitch': 1.0}})
    sdk_error(create_vswitch, vpc, created.vpc_id, '10.0.1.0/24')
    assert create_vpc(vpc, cidr='10.1.0.0/16', name='kept').vpc_id  # CreateVpc: rate 0, answered
    assert vswitches(vpc).total_count == 1


def test_a_held_response_arrives_late(vpc, admin):
    admin.set_profile(lost_response={'rate': 1.0, 'mode': 'hold', 'hold_s': 0.6})
    started = time.monotonic()
    created = create_vpc(vpc)
    assert time.monotonic() - started >= 0.6
    assert vpc_attribute(vpc, created.vpc_id).vpc_id == created.vpc_id


def test_an_unknown_lost_response_mode_is_refused(admin):
    with pytest.raises(Exception) as raised:
        admin.set_profile(lost_response={'rate': 1.0, 'mode': 'vanish'})
    assert 'lost_response.mode' in str(raised.value)

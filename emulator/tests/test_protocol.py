"""The wire protocol: both signature schemes, routing, parameter checking, regions, responses and errors."""

import re

import pytest
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from emulator.tests.conftest import raw_call, sdk_error
from emulator.tests.helpers import M, REGION, create_vpc, create_vswitch, vpcs


@pytest.fixture(params=['v3', 'v1'])
def signature(request):
    """Config options of the two signature schemes: V3 (default) and version 1 (signature_algorithm='v2')."""
    return {} if request.param == 'v3' else {'signature_algorithm': 'v2'}


def test_both_signature_schemes_work_end_to_end(emulator_server, signature):
    client = emulator_server.client('vpc', **signature)
    created = create_vpc(client, '10.0.0.0/16', 'signed', tag=[M.CreateVpcRequestTag(key='k', value='v')])
    found = vpcs(client, vpc_id=created.vpc_id).vpcs.vpc
    assert [(v.vpc_name, [(t.key, t.value) for t in v.tags.tag]) for v in found] == [('signed', [('k', 'v')])]
    entry = emulator_server.admin.log()[-1]
    assert entry['signature'] == ('v1' if signature else 'v3')
    assert entry['access_key_id'] == 'testAccessKeyId'


def test_wrong_secret_is_refused_and_changes_nothing(emulator_server, signature, admin, vpc):
    before = admin.marker()
    client = emulator_server.client('vpc', access_key_secret='not-the-secret', **signature)
    error = sdk_error(create_vpc, client)
    assert (error.code, error.status_code) == ('SignatureDoesNotMatch', 400)
    prefix = 'Specified signature is not matched with our calculation. server string to sign is:'
    assert error.data['Message'].startswith(prefix)
    server_string = error.data['Message'][len(prefix):]
    # aliyun-python-sdk-core compares message.split(':')[1] with its own string to sign.
    assert error.data['Message'].split(':')[1] == server_string
    if signature:  # version 1: METHOD&%2F&<the encoded sorted parameters>, the client's own parameters among them
        assert server_string.startswith('POST&%2F&') and 'AccessKeyId%3DtestAccessKeyId' in server_string
        assert 'Action%3DCreateVpc' in server_string and 'Signature%3D' not in server_string
    else:  # V3: the algorithm, then the hex SHA-256 of the canonical request
        assert re.match(r'^ACS3-HMAC-SHA256\n[0-9a-f]{64}$', server_string)
    assert error.request_id and error.data['HostId'] == 'vpc.aliyuncs.com'
    assert vpcs(vpc).total_count == 0
    counts = admin.counts(since=before)
    assert (counts['mutating'], counts['mutating_succeeded'], counts['error_codes']) == \
        (1, 0, {'SignatureDoesNotMatch': 1})


def test_unknown_access_key_is_refused_and_changes_nothing(emulator_server, signature, vpc):
    client = emulator_server.client('vpc', access_key_id='nobody', **signature)
    error = sdk_error(create_vpc, client)
    assert (error.code, error.status_code) == ('InvalidAccessKeyId.NotFound', 404)
    assert vpcs(vpc).total_count == 0


def test_configured_access_keys_replace_the_default(tmp_path, monkeypatch):
    from emulator.testing import EmulatorServer
    server = EmulatorServer(tmp_path / 'state.json', access_keys={'ops': 'ops-secret'}).start()
    try:
        assert create_vpc(server.client('vpc', access_key_id='ops', access_key_secret='ops-secret')).vpc_id
        error = sdk_error(create_vpc, server.client('vpc'))
        assert error.code == 'InvalidAccessKeyId.NotFound'
    finally:
        server.stop()


def test_unknown_action_and_version(emulator_server):
    error = sdk_error(raw_call, emulator_server.config(), 'DescribeNothing', {'RegionId': REGION})
    assert (error.code, error.status_code) == ('InvalidAction.NotFound', 404)
    assert error.data['Message'] == 'Specified api is not found, please check your url and method.'
    error = sdk_error(raw_call, emulator_server.config(), 'DescribeVpcs', {'RegionId': REGION}, '1999-01-01')
    assert (error.code, error.status_code) == ('InvalidVersion', 400)


def test_missing_required_parameter(vpc, emulator_server):
    error = sdk_error(vpc.describe_vpcs, M.DescribeVpcsRequest())
    assert (error.code, error.status_code) == ('MissingRegionId', 400)
    assert error.data['Message'] == 'RegionId is mandatory for this action.'
    error = sdk_error(vpc.create_vswitch, M.CreateVSwitchRequest(region_id=REGION, zone_id='cn-hangzhou-h',
                                                                 cidr_block='10.0.0.0/24'))
    assert error.code == 'MissingVpcId'
    error = sdk_error(raw_call, emulator_server.config(), 'DescribeVpcs', {'RegionId': ''})
    assert error.code == 'MissingRegionId'  # an empty value is no value


def test_parameter_types_are_checked(emulator_server):
    config = emulator_server.config()
    error = sdk_error(raw_call, config, 'DescribeVpcs', {'RegionId': REGION, 'PageSize': 'ten'})
    assert (error.code, error.status_code) == ('InvalidPageSize', 400)
    error = sdk_error(raw_call, config, 'CreateVpc', {'RegionId': REGION, 'DryRun': 'maybe'})
    assert error.code == 'InvalidDryRun'
    for word in ('true', 'TRUE', 'True'):
        error = sdk_error(raw_call, config, 'CreateVpc', {'RegionId': REGION, 'DryRun': word})
        assert error.code == 'DryRunOperation'
    assert raw_call(config, 'CreateVpc', {'RegionId': REGION, 'DryRun': 'FALSE'})['VpcId'].startswith('vpc-')


def test_unknown_parameters_are_ignored_and_logged(emulator_server, admin):
    body = raw_call(emulator_server.config(), 'DescribeVpcs', {'RegionId': REGION, 'Colour': 'blue',
                                                               'Tag.1.Key': 'a', 'Tag.1.Shade': 'x'})
    assert body['TotalCount'] == 0
    assert admin.log()[-1]['ignored'] == ['Colour', 'Tag.1.Shade']


def test_lists_and_structs_are_rebuilt_from_flat_parameters(emulator_server, vpc):
    query = {'RegionId': REGION, 'CidrBlock': '10.0.0.0/16', 'Tag.2.Key': 'second', 'Tag.2.Value': '2',
             'Tag.1.Key': 'first', 'Tag.1.Value': '1'}
    vpc_id = raw_call(emulator_server.config(), 'CreateVpc', query)['VpcId']
    found = vpcs(vpc, vpc_id=vpc_id).vpcs.vpc[0]
    assert [(t.key, t.value) for t in found.tags.tag] == [('first', '1'), ('second', '2')]


def test_parameters_in_a_form_body_count_and_are_signed(emulator_server, vpc, signature):
    params = Params(action='CreateVpc', version='2016-04-28', protocol='HTTP', pathname='/', method='POST',
                    auth_type='AK', style='RPC', req_body_type='formData', body_type='json')
    request = OpenApiRequest(query={'RegionId': REGION}, body={'VpcName': 'from-the-body', 'CidrBlock': '10.8.0.0/16'})
    body = OpenApiClient(emulator_server.config(**signature)).call_api(params, request, RuntimeOptions())['body']
    found = vpcs(vpc, vpc_id=body['VpcId']).vpcs.vpc[0]
    assert (found.vpc_name, found.cidr_block) == ('from-the-body', '10.8.0.0/16')


def test_region_comes_from_region_id_then_header_then_default(emulator_server, vpc):
    parent = create_vpc(vpc, '10.0.0.0/16', region='cn-shanghai').vpc_id
    vswitch = create_vswitch(vpc, parent, '10.0.0.0/24', zone='cn-shanghai-b', region='cn-shanghai').v_switch_id
    request = M.DescribeVSwitchAttributesRequest(v_switch_id=vswitch)  # no RegionId
    by_header = emulator_server.client('vpc', region='cn-shanghai', region_header=True)
    assert by_header.describe_vswitch_attributes(request).body.zone_id == 'cn-shanghai-b'
    error = sdk_error(vpc.describe_vswitch_attributes, request)  # no header: the default region, cn-hangzhou
    assert error.code == 'InvalidVSwitchId.NotFound'
    # RegionId wins over the header
    in_hangzhou = M.DescribeVSwitchAttributesRequest(v_switch_id=vswitch, region_id='cn-hangzhou')
    assert sdk_error(by_header.describe_vswitch_attributes, in_hangzhou).code == 'InvalidVSwitchId.NotFound'
    unknown = emulator_server.client('vpc', region='xx-nowhere-1', region_header=True)
    assert sdk_error(unknown.describe_vswitch_attributes, request).code == 'InvalidRegionId.NotFound'


def test_error_body_and_success_body_shapes(emulator_server, vpc):
    created = create_vpc(vpc)
    assert len(created.request_id) == 36 and created.request_id == created.request_id.upper()
    error = sdk_error(vpc.describe_vpc_attribute, M.DescribeVpcAttributeRequest(region_id=REGION, vpc_id='vpc-x'))
    assert set(error.data) >= {'Code', 'Message', 'RequestId', 'HostId'}
    assert error.request_id == error.data['RequestId']


def _record_sent_requests(monkeypatch):
    """The DaraRequests the SDK sends (its own transport, still doing the sending)."""
    from darabonba.core import DaraCore
    sent = []
    original = DaraCore.do_action

    def recording(request, runtime_option=None):
        sent.append(request)
        return original(request, runtime_option)

    monkeypatch.setattr(DaraCore, 'do_action', staticmethod(recording))
    return sent, original


def test_a_replayed_request_is_refused(vpc, monkeypatch):
    sent, send = _record_sent_requests(monkeypatch)
    create_vpc(vpc)
    replay = send(sent[-1], {})
    assert replay.status_code == 400
    assert b'SignatureNonceUsed' in replay.body
    assert vpcs(vpc).total_count == 1


def test_an_old_timestamp_is_refused(vpc, monkeypatch):
    import time
    sent, send = _record_sent_requests(monkeypatch)
    vpcs(vpc)
    old = sent[-1]
    old.headers['x-acs-date'] = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 20 * 60))
    old.headers['x-acs-signature-nonce'] = 'another-nonce'
    response = send(old, {})
    assert response.status_code == 400
    assert b'InvalidTimeStamp.Expired' in response.body

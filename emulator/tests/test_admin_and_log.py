"""The admin API (plain HTTP) and the request log: counts, markers, masking, mutating flags."""

import json
import urllib.error
import urllib.request

from emulator.tests.conftest import raw_call, sdk_error
from emulator.tests.helpers import REGION, create_vpc, delete_vpc, vpcs


def test_health_and_action_catalog(admin):
    health = admin.health()
    assert health['status'] == 'ok' and health['profile'] == 'fast'
    assert health['products']['vpc'] == '2016-04-28'
    actions = admin.call('GET', 'actions')['actions']
    by_name = dict((a['action'], a['mutating']) for a in actions if a['product'] == 'vpc')
    assert by_name['CreateVpc'] is True and by_name['UnTagResources'] is True
    assert by_name['DescribeVpcs'] is False and by_name['ListTagResources'] is False


def test_counts_since_a_marker(vpc, admin):
    create_vpc(vpc)
    marker = admin.marker()
    vpc_id = create_vpc(vpc, '10.1.0.0/16').vpc_id
    vpcs(vpc)
    vpcs(vpc)
    sdk_error(create_vpc, vpc, 'bad-cidr')
    delete_vpc(vpc, vpc_id)
    counts = admin.counts(since=marker)
    assert counts['actions'] == {'CreateVpc': 2, 'DescribeVpcs': 2, 'DeleteVpc': 1}
    assert counts['by_product'] == {'vpc': counts['actions']}
    assert (counts['total'], counts['errors'], counts['mutating'], counts['mutating_succeeded']) == (5, 1, 3, 2)
    assert counts['error_codes'] == {'InvalidCidrBlock.Malformed': 1}
    assert admin.counts()['actions']['CreateVpc'] == 3


def test_invalid_input_makes_no_successful_mutating_call(vpc, admin):
    """The assertion benchmarks and module tests make: a rejected request changed nothing."""
    marker = admin.marker()
    sdk_error(create_vpc, vpc, '10.0.0.0/33')
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    assert vpcs(vpc).total_count == 0


def test_secrets_are_masked_in_the_log_and_its_file(emulator_server, admin, tmp_path):
    secrets = {'Password': 'hunter2', 'AccessKeySecret': 'ak-secret', 'SecurityToken': 'sts-token',
               'UserData': 'IyEvYmluL3No', 'PrivateKey': '-----BEGIN', 'Key': 'pem-key', 'Tag.1.Key': 'visible'}
    raw_call(emulator_server.config(), 'DescribeVpcs', dict(secrets, RegionId=REGION, ClientToken='ct-1'))
    entry = admin.log()[-1]
    parameters = entry['parameters']
    masked = ('Password', 'AccessKeySecret', 'SecurityToken', 'UserData', 'PrivateKey', 'Key')
    assert all(parameters[name] == '******' for name in masked)
    assert parameters['Tag.1.Key'] == 'visible' and parameters['ClientToken'] == 'ct-1'
    written = (tmp_path / 'requests.jsonl').read_text()
    assert not any(value in written for value in ('hunter2', 'ak-secret', 'sts-token', 'IyEvYmluL3No', 'pem-key'))


def test_log_entries_have_the_documented_fields(vpc, admin):
    marker = admin.marker()
    create_vpc(vpc)
    (entry,) = admin.log(since=marker)
    assert set(entry) >= {'seq', 'time', 'request_id', 'product', 'version', 'action', 'region', 'signature',
                          'access_key_id', 'parameters', 'ignored', 'status', 'error_code', 'fault', 'mutating',
                          'duration_ms'}
    assert entry['seq'] == marker + 1 and entry['time'].endswith('Z')


def test_admin_rejects_unknown_routes_and_bad_json(emulator_server):
    for method, route, body in (('GET', 'nothing', None), ('DELETE', 'profile', None), ('PUT', 'profile', b'{')):
        request = urllib.request.Request(emulator_server.url + '/_emulator/' + route, data=body, method=method)
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError('%s %s was accepted' % (method, route))
        except urllib.error.HTTPError as error:
            assert error.code in (400, 404)
            assert 'error' in json.loads(error.read())


def test_state_dump_shows_resources(vpc, admin):
    vpc_id = create_vpc(vpc).vpc_id
    state = admin.state()
    assert state['resources']['vpc.vpc'][vpc_id]['_region'] == REGION

"""State survives a restart of the real command (python -m emulator serve); reset clears it."""

import json
import os
import subprocess
import sys

import pytest

from emulator.testing import REPOSITORY, EmulatorProcess
from emulator.tests.conftest import sdk_error
from emulator.tests.helpers import M, REGION, create_vpc, create_vswitch, vpc_attribute, vpcs, vswitches


@pytest.fixture
def process(tmp_path, monkeypatch):
    for variable in ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'):
        monkeypatch.delenv(variable, raising=False)
    server = EmulatorProcess(tmp_path / 'state.json', log_path=tmp_path / 'requests.jsonl').start()
    yield server
    server.stop()


def _emulator_command(*args):
    environment = dict(os.environ, PYTHONPATH=REPOSITORY)
    return subprocess.run([sys.executable, '-m', 'emulator'] + list(args), cwd=REPOSITORY, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_resources_survive_a_restart(process, tmp_path):
    client = process.client('vpc')
    vpc_id = create_vpc(client, '10.0.0.0/16', 'kept', tag=[M.CreateVpcRequestTag(key='k', value='v')],
                        client_token='kept-token').vpc_id
    vswitch_id = create_vswitch(client, vpc_id, '10.0.3.0/24', name='kept-vsw').v_switch_id
    state = json.loads((tmp_path / 'state.json').read_text())
    assert vpc_id in state['resources']['vpc.vpc']

    process.restart()
    client = process.client('vpc')
    found = vpc_attribute(client, vpc_id)
    assert (found.vpc_name, found.status, [(t.key, t.value) for t in found.tags.tag]) == \
        ('kept', 'Available', [('k', 'v')])
    assert [v.v_switch_id for v in vswitches(client, vpc_id=vpc_id).v_switches.v_switch] == [vswitch_id]
    # the ClientToken record survives too: the retried create returns the first VPC
    again = create_vpc(client, '10.0.0.0/16', 'kept', tag=[M.CreateVpcRequestTag(key='k', value='v')],
                       client_token='kept-token')
    assert again.vpc_id == vpc_id and vpcs(client).total_count == 1


def test_pending_transitions_survive_a_restart(process):
    client = process.client('vpc')
    process.admin.set_profile(delays={'vpc.vpc_pending': 60})
    vpc_id = create_vpc(client).vpc_id
    process.restart()
    client = process.client('vpc')
    assert vpc_attribute(client, vpc_id).status == 'Pending'
    process.admin.advance_clock(61)  # the clock offset is state too
    assert vpc_attribute(client, vpc_id).status == 'Available'


def test_reset_command_clears_the_state_file_and_refuses_while_served(process, tmp_path):
    client = process.client('vpc')
    create_vpc(client)
    refused = _emulator_command('reset', '--state', str(tmp_path / 'state.json'))
    assert refused.returncode == 2 and 'in use' in refused.stderr
    process.stop()
    done = _emulator_command('reset', '--state', str(tmp_path / 'state.json'))
    assert done.returncode == 0, done.stderr
    process.start()
    assert vpcs(process.client('vpc')).total_count == 0


def test_admin_reset_clears_a_running_emulator(process):
    client = process.client('vpc')
    vpc_id = create_vpc(client).vpc_id
    assert process.admin.reset() == {'reset': True}
    assert vpcs(client).total_count == 0
    assert sdk_error(vpc_attribute, client, vpc_id).code == 'InvalidVpcId.NotFound'


def test_request_log_file_is_json_lines(process, tmp_path):
    client = process.client('vpc')
    create_vpc(client)
    client.describe_vpcs(M.DescribeVpcsRequest(region_id=REGION))
    process.stop()
    lines = (tmp_path / 'requests.jsonl').read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [(e['action'], e['mutating'], e['status']) for e in entries] == \
        [('CreateVpc', True, 200), ('DescribeVpcs', False, 200)]
    assert all(e['product'] == 'vpc' and e['version'] == '2016-04-28' and e['region'] == REGION for e in entries)


def test_serve_refuses_a_state_file_in_use(process, tmp_path):
    second = EmulatorProcess(tmp_path / 'state.json')
    with pytest.raises(RuntimeError, match='in use'):
        second.start(timeout=10)


def test_serve_with_a_custom_profile_file_and_access_key(tmp_path, monkeypatch):
    for variable in ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'):
        monkeypatch.delenv(variable, raising=False)
    profile = tmp_path / 'profile.json'
    profile.write_text(json.dumps({'name': 'mine', 'throttling': {'rate': 1.0, 'actions': ['CreateVpc']}}))
    server = EmulatorProcess(tmp_path / 'state.json', profile=str(profile),
                             extra_args=['--access-key', 'AK1:S1']).start()
    try:
        assert server.admin.health()['profile'] == 'mine'
        client = server.client('vpc', access_key_id='AK1', access_key_secret='S1')
        assert vpcs(client).total_count == 0
        assert sdk_error(create_vpc, client).code == 'Throttling.User'
    finally:
        server.stop()

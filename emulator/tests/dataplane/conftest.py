"""The data plane's tests: a real `python -m emulator serve --data-plane podman`, real podman hosts, unmodified SDKs.

They need root, podman, the test-host image (make hosts-setup) and the AMS stand-in (make standins-build), and take
minutes, so `make emulator-test` leaves them out: they are collected only when EMULATOR_DATAPLANE_TESTS=1, which
`make dataplane-test` sets.
"""

import json
import os
import socket
import subprocess
import time
import urllib.request

import pytest

from emulator.dataplane import podman
from emulator.testing import PROXY_VARIABLES, EmulatorProcess, sdk_models

if os.environ.get('EMULATOR_DATAPLANE_TESTS') != '1':
    collect_ignore_glob = ['test_*.py']

V = sdk_models('vpc')
E = sdk_models('ecs')
REGION = 'cn-hangzhou'
IMAGE = 'debian_12_6_x64_20G_alibase_20240819.vhd'
QUOTAS = {'vpc.vpcs_per_region': 50}  # each test makes its own VPC (a profile a test sets keeps them)


def wait_for(what, probe, timeout=90, interval=0.3):
    """The first true value ``probe()`` returns; fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError('%s: not within %ss (last: %r)' % (what, timeout, value))
        time.sleep(interval)


def free_block(size=100):
    """An offset such that ports 80+offset and 443+offset are free now (listeners land there)."""
    for offset in range(20000, 40000, 997):
        try:
            for port in (80, 443):
                with socket.socket() as probe:
                    probe.bind(('127.0.0.1', port + offset))
            return offset
        except OSError:
            continue
    raise AssertionError('no free ports for the listeners')


@pytest.fixture(scope='session')
def plane(tmp_path_factory):
    """The emulator with its podman data plane, for the whole session (each test makes its own VPC)."""
    for variable in PROXY_VARIABLES:
        os.environ.pop(variable, None)
    directory = tmp_path_factory.mktemp('dataplane')
    offset = free_block()
    server = EmulatorProcess(directory / 'state.json', log_path=directory / 'requests.jsonl',
                             extra_args=['--data-plane', 'podman', '--listener-port-offset', str(offset)])
    server.listener_offset = offset
    server.start(timeout=60)
    server.admin.set_profile(quotas=QUOTAS)
    yield server
    # the data plane removes everything at shutdown; give it the time several containers take
    server.process.terminate()
    server.process.wait(timeout=120)
    left = [name for name, owner in podman.owned('container') + podman.owned('network')
            if owner == str(server.process.pid)]
    assert left == [], 'the emulator left %s behind' % left


@pytest.fixture
def ecs(plane):
    return plane.client('ecs')


@pytest.fixture
def vpc(plane):
    return plane.client('vpc')


def dataplane_view(plane):
    with urllib.request.urlopen(plane.url + '/_emulator/dataplane', timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def network(vpc, ecs):
    """A VPC with a vSwitch (its own /24, so tests do not share podman networks) and a security group."""
    index = network.count = getattr(network, 'count', 0) + 1
    cidr = '192.168.%d.0/24' % (200 + index)
    vpc_id = vpc.create_vpc(V.CreateVpcRequest(region_id=REGION, cidr_block='192.168.0.0/16')).body.vpc_id
    vswitch_id = vpc.create_vswitch(V.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, zone_id='cn-hangzhou-h',
                                                           cidr_block=cidr)).body.v_switch_id
    group_id = ecs.create_security_group(E.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)).body \
        .security_group_id
    return {'vpc_id': vpc_id, 'vswitch_id': vswitch_id, 'cidr': cidr, 'security_group_id': group_id}


@pytest.fixture(scope='session')
def key_pair(tmp_path_factory):
    """(private key path, public key line) of a new ed25519 key."""
    directory = tmp_path_factory.mktemp('key')
    path = directory / 'id_ed25519'
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(path)], check=True)
    return str(path), (directory / 'id_ed25519.pub').read_text().strip()


def instances(ecs, **filters):
    request = E.DescribeInstancesRequest(region_id=REGION, page_size=100, **filters)
    return ecs.describe_instances(request).body.instances.instance


def status_of(ecs, instance_id):
    found = instances(ecs, instance_ids=json.dumps([instance_id]))
    return found[0].status if found else None


def container_address(name, network_name):
    done = podman.podman('container', 'inspect', '-f',
                         '{{(index .NetworkSettings.Networks "%s").IPAddress}}' % network_name, name, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def ssh(key_path, address, command):
    return subprocess.run(['ssh', '-i', key_path, '-o', 'StrictHostKeyChecking=no',
                           '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes',
                           '-o', 'ConnectTimeout=5',
                           'root@%s' % address, command], capture_output=True, text=True, timeout=60)

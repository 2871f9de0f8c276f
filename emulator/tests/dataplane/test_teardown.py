"""Nothing the data plane makes outlives it: reset removes it at once, dataplane-clean what a killed emulator left."""

import os
import signal
import subprocess
import sys

from emulator.dataplane import podman
from emulator.testing import REPOSITORY, EmulatorProcess
from emulator.tests.dataplane.conftest import E, REGION, V, dataplane_view, status_of, wait_for
from emulator.tests.dataplane.test_instances import GREETING, run_instance


def made_by(pid):
    return sorted(name for name, owner in podman.owned('container') + podman.owned('network') if owner == str(pid))


def launch(server, cidr):
    vpc, ecs = server.client('vpc'), server.client('ecs')
    vpc_id = vpc.create_vpc(V.CreateVpcRequest(region_id=REGION, cidr_block='172.16.0.0/12')).body.vpc_id
    vswitch_id = vpc.create_vswitch(V.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, zone_id='cn-hangzhou-h',
                                                           cidr_block=cidr)).body.v_switch_id
    group_id = ecs.create_security_group(E.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)).body \
        .security_group_id
    instance_id = run_instance(ecs, {'vswitch_id': vswitch_id, 'security_group_id': group_id}, GREETING)
    wait_for('Running', lambda: status_of(ecs, instance_id) == 'Running')
    return instance_id, vswitch_id


def test_reset_removes_every_container_network_and_proxy(plane):
    instance_id, vswitch_id = launch(plane, '172.16.1.0/24')
    assert {'llemu-' + instance_id, 'llemu-' + vswitch_id} <= set(made_by(plane.process.pid))
    plane.admin.reset()
    assert made_by(plane.process.pid) == []  # at once: reset returns when they are gone
    view = dataplane_view(plane)
    assert (view['instances'], view['listeners'], view['health']) == ({}, {}, {})


def test_dataplane_clean_removes_what_a_killed_emulator_left(tmp_path):
    crashed = EmulatorProcess(None, extra_args=['--data-plane', 'podman', '--listener-port-offset', '0']).start(60)
    try:
        instance_id, vswitch_id = launch(crashed, '172.16.2.0/24')
        pid = crashed.process.pid
        os.kill(pid, signal.SIGKILL)
        crashed.process.wait(10)
        assert made_by(pid) == sorted(['llemu-' + instance_id, 'llemu-' + vswitch_id])
        table = 'llemu_dp_%d' % pid
        assert table in subprocess.run(['nft', 'list', 'tables'], capture_output=True, text=True).stdout
        done = subprocess.run([sys.executable, '-m', 'emulator', 'dataplane-clean'], cwd=REPOSITORY,
                              capture_output=True, text=True, timeout=120, check=True)
        assert 'llemu-' + instance_id in done.stdout
        assert made_by(pid) == []
        assert table not in subprocess.run(['nft', 'list', 'tables'], capture_output=True, text=True).stdout
    finally:
        podman.clean(pid=crashed.process.pid)

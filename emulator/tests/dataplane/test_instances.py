"""ECS instances backed by podman hosts: address, user data once, console output, key pair, stop/start, delete."""

import base64

from emulator.dataplane import network as world, podman
from emulator.tests.dataplane.conftest import (E, IMAGE, QUOTAS, REGION, container_address, dataplane_view, ssh,
                                               status_of, wait_for)

GREETING = '''#!/bin/sh
echo "hello from user data on $(hostname)"
echo ran >> /root/user-data-ran
'''
FAILING = '''#!/bin/sh
echo "about to fail"
exit 3
'''


def run_instance(ecs, network, user_data, key_pair_name=None, name='dataplane-test', bandwidth=0):
    request = E.RunInstancesRequest(
        region_id=REGION, image_id=IMAGE, instance_type='ecs.g7.large', v_switch_id=network['vswitch_id'],
        security_group_id=network['security_group_id'], instance_name=name, host_name=name,
        key_pair_name=key_pair_name, user_data=base64.b64encode(user_data.encode()).decode(),
        internet_max_bandwidth_out=bandwidth)
    return ecs.run_instances(request).body.instance_id_sets.instance_id_set[0]


def console(ecs, instance_id, remove_symbols=True):
    body = ecs.get_instance_console_output(E.GetInstanceConsoleOutputRequest(
        region_id=REGION, instance_id=instance_id, remove_symbols=remove_symbols)).body
    assert body.instance_id == instance_id
    return base64.b64decode(body.console_output).decode()


def container_state(instance_id):
    done = podman.podman('container', 'inspect', '-f', '{{.State.Status}}', 'llemu-' + instance_id, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def private_address(ecs, instance_id):
    body = ecs.describe_instance_attribute(E.DescribeInstanceAttributeRequest(instance_id=instance_id)).body
    return body.vpc_attributes.private_ip_address.ip_address[0]


def test_an_instance_is_a_host_at_its_private_address_with_its_key_and_user_data(plane, ecs, network, key_pair):
    key_path, public_key = key_pair
    ecs.import_key_pair(E.ImportKeyPairRequest(region_id=REGION, key_pair_name='dataplane-key',
                                               public_key_body=public_key))
    ecs.authorize_security_group(E.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id=network['security_group_id'], permissions=[
            E.AuthorizeSecurityGroupRequestPermissions(ip_protocol='tcp', port_range='22/22',
                                                       source_cidr_ip=world.CONTROLLER + '/32')]))
    instance_id = run_instance(ecs, network, GREETING, key_pair_name='dataplane-key', bandwidth=1)
    # Running only once the host runs: no earlier than the container.
    assert status_of(ecs, instance_id) in ('Pending', 'Starting')
    wait_for('Running', lambda: status_of(ecs, instance_id) == 'Running')
    assert container_state(instance_id) == 'running'
    address = private_address(ecs, instance_id)
    assert address.startswith(network['cidr'].rsplit('.', 1)[0] + '.')
    assert container_address('llemu-' + instance_id, 'llemu-' + network['vswitch_id']) == address
    assert dataplane_view(plane)['instances'][instance_id]['address'] == address
    public = ecs.describe_instance_attribute(E.DescribeInstanceAttributeRequest(instance_id=instance_id)).body \
        .public_ip_address.ip_address[0]

    text = wait_for('user data output in the console', lambda: 'finished with exit code' in console(ecs, instance_id)
                    and console(ecs, instance_id))
    assert 'hello from user data on dataplane-test' in text
    assert 'finished with exit code 0' in text

    # The key pair lets root in over ssh at the public address (the group opens 22 to the controller); the user
    # data ran once, as root.
    done = wait_for('ssh', lambda: ssh(key_path, public, 'cat /root/user-data-ran; id -u; '
                                       'cat /var/log/cloud-init-output.log').stdout)
    lines = done.splitlines()
    assert lines[:2] == ['ran', '0']
    assert 'hello from user data on dataplane-test' in done

    # Stop stops the host (Stopped only once it has), Start starts it again; the user data does not run again.
    ecs.stop_instance(E.StopInstanceRequest(instance_id=instance_id))
    wait_for('Stopped', lambda: status_of(ecs, instance_id) == 'Stopped')
    assert container_state(instance_id) == 'exited'
    ecs.start_instance(E.StartInstanceRequest(instance_id=instance_id))
    wait_for('Running again', lambda: status_of(ecs, instance_id) == 'Running')
    assert container_state(instance_id) == 'running'
    again = wait_for('ssh after start', lambda: ssh(key_path, public, 'cat /root/user-data-ran').stdout)
    assert again.splitlines() == ['ran']

    ecs.delete_instance(E.DeleteInstanceRequest(instance_id=instance_id, force=True))
    wait_for('container removed', lambda: container_state(instance_id) is None)
    wait_for('instance gone', lambda: status_of(ecs, instance_id) is None)


def test_a_failing_user_data_script_shows_its_exit_code(plane, ecs, network):
    instance_id = run_instance(ecs, network, FAILING, name='failing-host')
    text = wait_for('console output', lambda: 'finished with exit code' in console(ecs, instance_id)
                    and console(ecs, instance_id))
    assert status_of(ecs, instance_id) == 'Running'  # a failed script does not stop an instance
    assert 'about to fail' in text
    assert 'finished with exit code 3' in text
    log = podman.exec_in('llemu-' + instance_id, 'cat', '/var/log/cloud-init-output.log').stdout
    assert 'about to fail' in log and 'exit code 3' in log
    view = dataplane_view(plane)['instances'][instance_id]
    assert view['user_data_exit_code'] == 3
    ecs.delete_instances(E.DeleteInstancesRequest(region_id=REGION, instance_id=[instance_id], force=True))
    wait_for('container removed', lambda: container_state(instance_id) is None)


def test_without_the_data_plane_the_console_is_empty_and_instances_run_at_once(emulator_server):
    """The hooks change nothing when the data plane is off (the default)."""
    from emulator.tests.helpers import create_vpc, create_vswitch
    vpc, ecs = emulator_server.client('vpc'), emulator_server.client('ecs')
    vpc_id = create_vpc(vpc, '10.0.0.0/16').vpc_id
    vswitch_id = create_vswitch(vpc, vpc_id, '10.0.1.0/24').v_switch_id
    group_id = ecs.create_security_group(E.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)).body \
        .security_group_id
    network = {'vswitch_id': vswitch_id, 'security_group_id': group_id}
    instance_id = run_instance(ecs, network, GREETING)
    assert status_of(ecs, instance_id) == 'Running'
    assert console(ecs, instance_id) == ''
    assert emulator_server.admin.call('GET', 'dataplane') == {'enabled': False}
    assert container_state(instance_id) is None


def test_the_marketplace_image_boots_hosts_with_ams_installed_and_enabled(plane, ecs, network):
    """The AMS image is built once (cached by a hash of its inputs) from the stand-in; each host is a new node."""
    image_id = next(i.image_id for i in ecs.describe_images(E.DescribeImagesRequest(
        region_id=REGION, image_owner_alias='marketplace')).body.images.image if 'Ant Media' in i.image_name)
    request = E.RunInstancesRequest(
        region_id=REGION, image_id=image_id, instance_type='ecs.g7.large', v_switch_id=network['vswitch_id'],
        security_group_id=network['security_group_id'], amount=2)
    created = ecs.run_instances(request).body.instance_id_sets.instance_id_set
    wait_for('Running', lambda: all(status_of(ecs, i) == 'Running' for i in created), timeout=180)
    node_ids = set()
    for instance_id in created:
        name = 'llemu-' + instance_id
        assert dataplane_view(plane)['instances'][instance_id]['image'].startswith(
            'localhost/lowlatency-ams-marketplace:')
        assert podman.exec_in(name, 'systemctl', 'is-enabled', 'antmedia').stdout.strip() == 'enabled'
        wait_for('antmedia active', lambda: podman.exec_in(name, 'systemctl', 'is-active', 'antmedia',
                                                           check=False).stdout.strip() == 'active')
        # Per-node state is made on each host, not carried by the image: AMS writes conf/instanceId only when it
        # joins a cluster; the ssh host keys and machine-id are the host's own.
        assert podman.exec_in(name, 'test', '-e', '/usr/local/antmedia/conf/instanceId', check=False).returncode == 1
        node_ids.add(podman.exec_in(name, 'sh', '-c', 'cat /etc/machine-id /etc/ssh/ssh_host_ed25519_key.pub').stdout)
    assert len(node_ids) == 2
    ecs.delete_instances(E.DeleteInstancesRequest(region_id=REGION, instance_id=created, force=True))
    wait_for('containers removed', lambda: all(container_state(i) is None for i in created))


def test_a_host_ready_before_the_boot_delay_ends_lets_the_instance_run_on_time(plane, ecs, network):
    """With a profile delay, the host boots while the instance is Pending; Running then comes with the delay."""
    plane.admin.set_profile(delays={'ecs.instance_pending': 600.0}, quotas=QUOTAS)
    try:
        instance_id = run_instance(ecs, network, '', name='slow-boot')
        wait_for('host running', lambda: dataplane_view(plane)['instances'].get(instance_id, {}).get('state')
                 == 'running')
        assert status_of(ecs, instance_id) == 'Pending'
        plane.admin.advance_clock(601)
        assert status_of(ecs, instance_id) == 'Running'  # nothing held: the host was there first
    finally:
        plane.admin.set_profile(quotas=QUOTAS)
    ecs.delete_instance(E.DeleteInstanceRequest(instance_id=instance_id, force=True))
    wait_for('container removed', lambda: container_state(instance_id) is None)

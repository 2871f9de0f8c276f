"""The strict world: the controller reaches hosts only at public addresses, hosts reach the internet only through
one, security groups are enforced in every host (rules, source groups, inner access, enterprise groups)."""

import base64
import functools
import http.server
import socket
import threading
import urllib.request

import pytest

from emulator.dataplane import network as world, podman
from emulator.tests.dataplane.conftest import E, IMAGE, REGION, V, instances, ssh, status_of, wait_for



def boot(ecs, network_, group_ids, bandwidth=0, ports=(), key_pair_name=None, name='strict'):
    """A running instance (listening on ``ports``): (instance id, private address, public address or '')."""
    user_data = '#!/bin/sh\n' + ''.join('systemd-run --unit listen%d python3 -m http.server %d\n' % (port, port)
                                         for port in ports)
    request = E.RunInstancesRequest(
        region_id=REGION, image_id=IMAGE, instance_type='ecs.g7.large', v_switch_id=network_['vswitch_id'],
        security_group_ids=list(group_ids), instance_name=name, host_name=name, key_pair_name=key_pair_name,
        internet_max_bandwidth_out=bandwidth, user_data=base64.b64encode(user_data.encode()).decode())
    instance_id = ecs.run_instances(request).body.instance_id_sets.instance_id_set[0]
    wait_for('Running', lambda: status_of(ecs, instance_id) == 'Running')
    found = instances(ecs, instance_ids='["%s"]' % instance_id)[0]
    public = found.public_ip_address.ip_address
    for port in ports:
        wait_for('port %d listening' % port, lambda: reaches_from(instance_id, '127.0.0.1', port))
    return instance_id, found.vpc_attributes.private_ip_address.ip_address[0], public[0] if public else ''


OPEN = 'import socket; socket.create_connection(("%s", %d), timeout=3).close()'


def reaches_from(instance_id, address, port):
    """Whether the host opens a TCP connection to address:port."""
    return podman.exec_in('llemu-' + instance_id, 'python3', '-c', OPEN % (address, port), check=False).returncode == 0


def reaches(address, port):
    """Whether this machine (the controller) opens a TCP connection to address:port."""
    try:
        socket.create_connection((address, port), timeout=3).close()
        return True
    except OSError:
        return False


def serves(address, port):
    """Whether the host's web server (python3 -m http.server, in /) answers at address:port from this machine. This
    machine's own way to the internet may accept any connection to an address the data plane does not map, so a
    connection that opens proves nothing there: the answer does."""
    try:
        with urllib.request.urlopen('http://%s:%d/' % (address, port), timeout=3) as response:
            return 'Directory listing' in response.read().decode(errors='replace')
    except (OSError, ValueError):
        return False


def group(ecs, network_, *rules, group_type='normal'):
    group_id = ecs.create_security_group(E.CreateSecurityGroupRequest(
        region_id=REGION, vpc_id=network_['vpc_id'], security_group_type=group_type)).body.security_group_id
    if rules:
        allow(ecs, group_id, *rules)
    return group_id


def allow(ecs, group_id, *rules):
    ecs.authorize_security_group(E.AuthorizeSecurityGroupRequest(region_id=REGION, security_group_id=group_id, permissions=[
        E.AuthorizeSecurityGroupRequestPermissions(ip_protocol='tcp', **rule) for rule in rules]))


def revoke(ecs, group_id, *rules):
    ecs.revoke_security_group(E.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group_id, permissions=[
        E.RevokeSecurityGroupRequestPermissions(ip_protocol='tcp', **rule) for rule in rules]))


def inner_access(ecs, group_id, policy):
    ecs.modify_security_group_policy(E.ModifySecurityGroupPolicyRequest(
        region_id=REGION, security_group_id=group_id, inner_access_policy=policy))


@pytest.fixture
def services(tmp_path):
    """An "internet" web server on world.SERVICES that records the client addresses it saw."""
    (tmp_path / 'repo').write_text('packages\n')
    seen = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            seen.append(self.client_address[0])

    server = http.server.ThreadingHTTPServer((world.SERVICES, 0),
                                             functools.partial(Handler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def fetches(instance_id, port):
    done = podman.exec_in('llemu-' + instance_id, 'python3', '-c',
                          'import urllib.request; print(urllib.request.urlopen("http://%s:%d/repo", timeout=4).read()'
                          '.decode().strip())' % (world.SERVICES, port), check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def test_the_controller_reaches_a_host_at_its_public_address_only_through_its_group(plane, ecs, network, key_pair):
    key_path, public_key = key_pair
    ecs.import_key_pair(E.ImportKeyPairRequest(region_id=REGION, key_pair_name='strict-key', public_key_body=public_key))
    admin_group = group(ecs, network, dict(port_range='22/22', source_cidr_ip=network_admin_cidr()))
    instance_id, private, public = boot(ecs, network, [admin_group], bandwidth=5, ports=(27017,),
                                        key_pair_name='strict-key')
    assert public and not public.startswith('192.168.')

    # Not at the private address, which is not routable from the internet; at the public one, from the
    # controller's internet address.
    assert ssh(key_path, private, 'true').returncode != 0
    done = wait_for('ssh at the public address', lambda: ssh(key_path, public, 'echo $SSH_CLIENT').stdout)
    assert done.split()[0] == world.CONTROLLER
    assert not reaches(private, 27017)

    # 27017 is listening on the host, but the group does not open it; a rule opens it, revoking it closes it again.
    assert reaches_from(instance_id, '127.0.0.1', 27017)
    assert not reaches(public, 27017)
    allow(ecs, admin_group, dict(port_range='27017/27017', source_cidr_ip='0.0.0.0/0'))
    wait_for('27017 open', lambda: reaches(public, 27017), timeout=10)
    revoke(ecs, admin_group, dict(port_range='27017/27017', source_cidr_ip='0.0.0.0/0'))
    wait_for('27017 closed', lambda: not reaches(public, 27017), timeout=10)

    # A drop rule of higher priority wins over the accept.
    allow(ecs, admin_group, dict(port_range='22/22', source_cidr_ip='0.0.0.0/0', policy='drop', priority='1'))
    wait_for('ssh dropped', lambda: not reaches(public, 22), timeout=10)


def network_admin_cidr():
    return world.CONTROLLER + '/32'


def test_a_host_reaches_the_internet_only_through_a_public_address(plane, ecs, network, services):
    port, seen = services
    open_group = group(ecs, network)
    with_public, _, public = boot(ecs, network, [open_group], bandwidth=1, name='outbound')
    without, _, none = boot(ecs, network, [open_group], name='private')
    assert none == ''
    assert fetches(with_public, port) == 'packages'
    assert seen == [public]  # the internet sees the host's public address
    assert fetches(without, port) is None
    assert not reaches_from(without, world.CONTROLLER, 22)
    assert seen == [public]


def test_groups_inner_access_and_source_groups(plane, ecs, network):
    ams = group(ecs, network)
    database = group(ecs, network)
    allow(ecs, database, dict(port_range='27017/27017', source_group_id=ams))
    stranger_group = group(ecs, network)
    node_a, address_a, _ = boot(ecs, network, [ams], ports=(5000,), name='node-a')
    node_b, _, _ = boot(ecs, network, [ams], name='node-b')
    mongo, mongo_address, _ = boot(ecs, network, [database], ports=(27017,), name='mongo')
    stranger, _, _ = boot(ecs, network, [stranger_group], name='stranger')

    # Members of a basic group reach each other (inner access Accept); others do not.
    assert reaches_from(node_b, address_a, 5000)
    assert not reaches_from(stranger, address_a, 5000)
    # 27017 from the AMS group only.
    assert reaches_from(node_a, mongo_address, 27017)
    assert not reaches_from(stranger, mongo_address, 27017)

    # Drop isolates the members; Accept joins them again.
    inner_access(ecs, ams, 'Drop')
    wait_for('members isolated', lambda: not reaches_from(node_b, address_a, 5000), timeout=10)
    assert reaches_from(node_a, mongo_address, 27017)  # rules naming the group still hold
    inner_access(ecs, ams, 'Accept')
    wait_for('members joined', lambda: reaches_from(node_b, address_a, 5000), timeout=10)


def test_enterprise_groups_isolate_members_and_deny_outbound(plane, ecs, network, services):
    port, _ = services
    isolated = group(ecs, network, group_type='enterprise')
    one, address_one, _ = boot(ecs, network, [isolated], ports=(5000,), bandwidth=1, name='ent-1')
    two, _, _ = boot(ecs, network, [isolated], name='ent-2')
    assert not reaches_from(two, address_one, 5000)
    assert fetches(one, port) is None  # outbound is denied by default too
    ecs.authorize_security_group_egress(E.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id=isolated, permissions=[E.AuthorizeSecurityGroupEgressRequestPermissions(
            ip_protocol='tcp', port_range='%d/%d' % (port, port), dest_cidr_ip=world.SERVICES + '/32')]))
    wait_for('outbound rule', lambda: fetches(one, port) == 'packages', timeout=10)


def test_an_eip_is_the_hosts_public_address_while_it_is_bound(plane, ecs, vpc, network, services):
    port, seen = services
    open_group = group(ecs, network, dict(port_range='5000/5000', source_cidr_ip='0.0.0.0/0'))
    instance_id, private, none = boot(ecs, network, [open_group], ports=(5000,), name='eip-host')
    assert none == '' and fetches(instance_id, port) is None
    address = vpc.allocate_eip_address(V.AllocateEipAddressRequest(region_id=REGION, bandwidth='5',
                                                                   internet_charge_type='PayByTraffic')).body
    vpc.associate_eip_address(V.AssociateEipAddressRequest(region_id=REGION, allocation_id=address.allocation_id,
                                                           instance_id=instance_id))
    wait_for('reachable at the EIP', lambda: serves(address.eip_address, 5000), timeout=20)
    assert fetches(instance_id, port) == 'packages'
    assert seen[-1] == address.eip_address
    assert not reaches(private, 5000)
    vpc.unassociate_eip_address(V.UnassociateEipAddressRequest(region_id=REGION, allocation_id=address.allocation_id))
    wait_for('unreachable once unbound', lambda: not serves(address.eip_address, 5000), timeout=20)
    assert fetches(instance_id, port) is None


def test_an_snat_entry_lets_its_vswitch_out_and_nobody_in(plane, ecs, vpc, network, services):
    port, seen = services
    open_group = group(ecs, network, dict(port_range='5000/5000', source_cidr_ip='0.0.0.0/0'))
    instance_id, _, _ = boot(ecs, network, [open_group], ports=(5000,), name='snat-host')
    gateway = vpc.create_nat_gateway(V.CreateNatGatewayRequest(
        region_id=REGION, vpc_id=network['vpc_id'], v_switch_id=network['vswitch_id'], nat_type='Enhanced',
        network_type='internet')).body
    address = vpc.allocate_eip_address(V.AllocateEipAddressRequest(region_id=REGION)).body
    wait_for('NAT gateway available', lambda: vpc.describe_nat_gateways(V.DescribeNatGatewaysRequest(
        region_id=REGION, nat_gateway_id=gateway.nat_gateway_id)).body.nat_gateways.nat_gateway[0].status == 'Available')
    vpc.associate_eip_address(V.AssociateEipAddressRequest(region_id=REGION, allocation_id=address.allocation_id,
                                                           instance_id=gateway.nat_gateway_id, instance_type='Nat'))
    assert fetches(instance_id, port) is None
    entry = vpc.create_snat_entry(V.CreateSnatEntryRequest(
        region_id=REGION, snat_table_id=gateway.snat_table_ids.snat_table_id[0], snat_ip=address.eip_address,
        source_vswitch_id=network['vswitch_id'])).body
    wait_for('out through the SNAT entry', lambda: fetches(instance_id, port) == 'packages', timeout=30)
    assert seen[-1] == address.eip_address
    assert not serves(address.eip_address, 5000)  # SNAT carries connections out, never in
    vpc.delete_snat_entry(V.DeleteSnatEntryRequest(region_id=REGION, snat_table_id=gateway.snat_table_ids
                                                   .snat_table_id[0], snat_entry_id=entry.snat_entry_id))
    wait_for('no way out once the entry is gone', lambda: fetches(instance_id, port) is None, timeout=30)

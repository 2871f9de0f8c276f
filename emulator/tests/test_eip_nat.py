"""EIPs, enhanced NAT gateways and SNAT entries (VPC 2016-04-28) through the unmodified SDK: states, refusals,
the shared public address pool, DescribeInstances' EipAddress, tags, persistence and the data plane's readers."""

import ipaddress
import re

import pytest

from emulator.products import vpc_eip_nat
from emulator.testing import EmulatorProcess, sdk_models
from emulator.tests.conftest import sdk_error
from emulator.tests.helpers import M, REGION, create_vpc, create_vswitch, delete_vpc, delete_vswitch, vpcs

E = sdk_models('ecs')
UBUNTU = 'ubuntu_22_04_x64_20G_alibase_20240819.vhd'
SLOW = {'vpc.eip_associating': 50, 'vpc.eip_unassociating': 50, 'vpc.eip_releasing': 50, 'vpc.nat_creating': 50,
        'vpc.nat_deleting': 50, 'vpc.snat_pending': 50, 'vpc.snat_deleting': 50}


@pytest.fixture
def ecs(emulator_server):
    return emulator_server.client('ecs')


@pytest.fixture
def network(vpc):
    vpc_id = create_vpc(vpc, '10.0.0.0/16').vpc_id
    first = create_vswitch(vpc, vpc_id, '10.0.1.0/24', zone='cn-hangzhou-h').v_switch_id
    second = create_vswitch(vpc, vpc_id, '10.0.2.0/24', zone='cn-hangzhou-i').v_switch_id
    return vpc_id, first, second


def error_of(call, *args, **kwargs):
    error = sdk_error(call, *args, **kwargs)
    return error.code, error.status_code


def allocate(client, **extra):
    return client.allocate_eip_address(M.AllocateEipAddressRequest(region_id=REGION, **extra)).body


def eips(client, **filters):
    return client.describe_eip_addresses(M.DescribeEipAddressesRequest(region_id=REGION, page_size=100,
                                                                       **filters)).body


def eip(client, allocation_id):
    found = eips(client, allocation_id=allocation_id).eip_addresses.eip_address
    return found[0] if found else None


def associate(client, allocation_id, instance_id, instance_type=None, **extra):
    return client.associate_eip_address(M.AssociateEipAddressRequest(
        region_id=REGION, allocation_id=allocation_id, instance_id=instance_id, instance_type=instance_type, **extra))


def unassociate(client, allocation_id, **extra):
    return client.unassociate_eip_address(M.UnassociateEipAddressRequest(region_id=REGION,
                                                                         allocation_id=allocation_id, **extra))


def release(client, allocation_id):
    return client.release_eip_address(M.ReleaseEipAddressRequest(region_id=REGION, allocation_id=allocation_id))


def create_nat(client, vpc_id, vswitch_id, **extra):
    request = M.CreateNatGatewayRequest(region_id=REGION, vpc_id=vpc_id, v_switch_id=vswitch_id, nat_type='Enhanced',
                                        network_type='internet', **extra)
    return client.create_nat_gateway(request).body


def nats(client, **filters):
    return client.describe_nat_gateways(M.DescribeNatGatewaysRequest(region_id=REGION, page_size=50, **filters)).body


def nat(client, nat_gateway_id):
    found = nats(client, nat_gateway_id=nat_gateway_id).nat_gateways.nat_gateway
    return found[0] if found else None


def delete_nat(client, nat_gateway_id, **extra):
    return client.delete_nat_gateway(M.DeleteNatGatewayRequest(region_id=REGION, nat_gateway_id=nat_gateway_id,
                                                               **extra))


def create_snat(client, table_id, snat_ip, **extra):
    request = M.CreateSnatEntryRequest(region_id=REGION, snat_table_id=table_id, snat_ip=snat_ip, **extra)
    return client.create_snat_entry(request).body


def snats(client, **filters):
    request = M.DescribeSnatTableEntriesRequest(region_id=REGION, page_size=50, **filters)
    return client.describe_snat_table_entries(request).body.snat_table_entries.snat_table_entry


def delete_snat(client, table_id, entry_id):
    return client.delete_snat_entry(M.DeleteSnatEntryRequest(region_id=REGION, snat_table_id=table_id,
                                                             snat_entry_id=entry_id))


def run(client, vswitch_id, vpc_id, **extra):
    group = client.create_security_group(E.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id)).body
    settings = dict(region_id=REGION, image_id=UBUNTU, instance_type='ecs.g7.large',
                    security_group_id=group.security_group_id, v_switch_id=vswitch_id)
    settings.update(extra)
    return client.run_instances(E.RunInstancesRequest(**settings)).body.instance_id_sets.instance_id_set[0]


def instance(client, instance_id):
    request = E.DescribeInstancesRequest(region_id=REGION, instance_ids='["%s"]' % instance_id)
    found = client.describe_instances(request).body.instances.instance
    return found[0] if found else None


def gateway_with_eip(vpc, network):
    """An Available NAT gateway of the first vSwitch with one InUse EIP: (gateway, eip)."""
    gateway = create_nat(vpc, network[0], network[1], name='egress')
    address = allocate(vpc, name='nat-eip')
    associate(vpc, address.allocation_id, gateway.nat_gateway_id, 'Nat')
    return gateway, address


# EIPs.

def test_eip_lifecycle(vpc, admin):
    admin.set_profile(delays=SLOW)
    created = allocate(vpc, bandwidth='10', internet_charge_type='PayByTraffic', name='web', description='first',
                       tag=[M.AllocateEipAddressRequestTag(key='app', value='ams')], client_token='eip-1')
    assert re.match(r'^eip-bp1[a-z0-9]{18}$', created.allocation_id)
    assert ipaddress.ip_address(created.eip_address) in ipaddress.ip_network('47.96.0.0/12')
    found = eip(vpc, created.allocation_id)
    assert (found.name, found.description, found.bandwidth, found.internet_charge_type, found.status, found.isp,
            found.charge_type, found.instance_id) == \
        ('web', 'first', '10', 'PayByTraffic', 'Available', 'BGP', 'PostPaid', '')
    assert [(t.key, t.value) for t in found.tags.tag] == [('app', 'ams')]
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', found.allocation_time)
    # the same ClientToken returns the first EIP
    again = allocate(vpc, bandwidth='10', internet_charge_type='PayByTraffic', name='web', description='first',
                     tag=[M.AllocateEipAddressRequestTag(key='app', value='ams')], client_token='eip-1')
    assert again.allocation_id == created.allocation_id and eips(vpc).total_count == 1

    vpc.modify_eip_address_attribute(M.ModifyEipAddressAttributeRequest(
        region_id=REGION, allocation_id=created.allocation_id, name='renamed', description='second', bandwidth='20'))
    found = eip(vpc, created.allocation_id)
    assert (found.name, found.description, found.bandwidth, found.eip_bandwidth) == ('renamed', 'second', '20', '20')

    release(vpc, created.allocation_id)
    assert eip(vpc, created.allocation_id).status == 'Releasing'
    assert error_of(release, vpc, created.allocation_id) == ('IncorrectEipStatus', 400)
    admin.advance_clock(50)
    assert eip(vpc, created.allocation_id) is None
    assert error_of(release, vpc, created.allocation_id) == ('InvalidAllocationId.NotFound', 404)


@pytest.mark.parametrize('settings, expected', [
    ({'bandwidth': '0'}, 'InvalidBandwidth.Malformed'),
    ({'bandwidth': '201', 'internet_charge_type': 'PayByTraffic'}, 'InvalidBandwidth.Malformed'),
    ({'bandwidth': 'ten'}, 'InvalidBandwidth.Malformed'),
    ({'internet_charge_type': 'PayByHour'}, 'InvalidParameter'),
    ({'isp': 'Nowhere'}, 'InvalidParameter'),
    ({'name': 'http://x'}, 'InvalidName.Malformed'),
    ({'tag': [M.AllocateEipAddressRequestTag(key='acs:x', value='v')]}, 'InvalidTagKey.Malformed'),
])
def test_allocate_refusals_allocate_nothing(vpc, admin, settings, expected):
    marker = admin.marker()
    assert error_of(allocate, vpc, **settings) == (expected, 400)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0 and eips(vpc).total_count == 0


def test_eip_quota(vpc, admin):
    admin.set_profile(quotas={'vpc.eips_per_region': 2})
    allocate(vpc)
    allocate(vpc)
    assert error_of(allocate, vpc) == ('QuotaExceeded.Eip', 400)


def test_describe_eips_filters_and_pages(vpc, ecs, network):
    first = allocate(vpc, name='alpha', tag=[M.AllocateEipAddressRequestTag(key='tier', value='db')]).allocation_id
    second = allocate(vpc, name='beta').allocation_id
    third = allocate(vpc, name='gamma').allocation_id
    instance_id = run(ecs, network[1], network[0])
    associate(vpc, second, instance_id)

    def ids(**filters):
        return [e.allocation_id for e in eips(vpc, **filters).eip_addresses.eip_address]

    assert ids() == [first, second, third]
    assert ids(eip_name='beta') == [second]
    assert sorted(ids(allocation_id='%s,%s' % (first, third))) == sorted([first, third])
    assert ids(eip_address=eip(vpc, third).ip_address) == [third]
    assert ids(associated_instance_type='EcsInstance', associated_instance_id=instance_id) == [second]
    assert ids(status='InUse') == [second] and ids(status='Available') == [first, third]
    assert ids(tag=[M.DescribeEipAddressesRequestTag(key='tier', value='db')]) == [first]
    paged = vpc.describe_eip_addresses(M.DescribeEipAddressesRequest(region_id=REGION, page_size=2, page_number=2))
    assert (paged.body.total_count, [e.allocation_id for e in paged.body.eip_addresses.eip_address]) == (3, [third])


def test_eip_on_an_instance(vpc, ecs, network, admin):
    admin.set_profile(delays=dict(SLOW, **{'ecs.instance_pending': 50}))
    instance_id = run(ecs, network[1], network[0])
    allocation_id = allocate(vpc, bandwidth='5').allocation_id
    assert error_of(associate, vpc, allocation_id, instance_id) == ('IncorrectInstanceStatus', 400)  # Pending
    admin.advance_clock(50)
    associate(vpc, allocation_id, instance_id)
    found = eip(vpc, allocation_id)
    assert (found.status, found.instance_id, found.instance_type, found.vpc_id) == \
        ('Associating', instance_id, 'EcsInstance', network[0])
    assert found.private_ip_address == instance(ecs, instance_id).vpc_attributes.private_ip_address.ip_address[0]
    assert error_of(unassociate, vpc, allocation_id) == ('IncorrectEipStatus', 400)
    admin.advance_clock(50)
    assert eip(vpc, allocation_id).status == 'InUse'
    shown = instance(ecs, instance_id).eip_address
    assert (shown.allocation_id, shown.ip_address, shown.bandwidth, shown.internet_charge_type,
            shown.is_support_unassociate) == (allocation_id, found.ip_address, 5, 'PayByBandwidth', True)

    other = allocate(vpc).allocation_id
    assert error_of(associate, vpc, other, instance_id) == ('InvalidAssociation.Duplicated', 400)
    assert error_of(release, vpc, allocation_id) == ('IncorrectEipStatus', 400)  # still bound
    assert error_of(unassociate, vpc, allocation_id, instance_id='i-other') == ('InvalidInstanceId.NotFound', 400)
    unassociate(vpc, allocation_id, instance_id=instance_id)
    assert eip(vpc, allocation_id).status == 'Unassociating'
    admin.advance_clock(50)
    found = eip(vpc, allocation_id)
    assert (found.status, found.instance_id, found.instance_type) == ('Available', '', '')
    assert instance(ecs, instance_id).eip_address.allocation_id == ''


def test_association_refusals(vpc, ecs, network, admin):
    allocation_id = allocate(vpc).allocation_id
    with_public_ip = run(ecs, network[1], network[0], internet_max_bandwidth_out=5)
    marker = admin.marker()
    assert error_of(associate, vpc, allocation_id, with_public_ip) == ('EIP_CAN_NOT_ASSOCIATE_WITH_PUBLIC_IP', 400)
    assert error_of(associate, vpc, allocation_id, 'i-bp1nothing') == ('InvalidInstanId.NotFound', 404)
    assert error_of(associate, vpc, allocation_id, 'lb-1', 'SlbInstance') == \
        ('InvalidInstanceType.ValueNotSupported', 400)
    assert error_of(associate, vpc, 'eip-nothing', with_public_ip) == ('InvalidAllocationId.NotFound', 404)
    assert error_of(associate, vpc, allocation_id, 'ngw-nothing', 'Nat') == ('InvalidInstanId.NotFound', 404)
    assert error_of(unassociate, vpc, allocation_id) == ('IncorrectEipStatus', 400)  # not bound
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    assert eip(vpc, allocation_id).status == 'Available'


def test_released_instance_frees_its_eip(vpc, ecs, network):
    instance_id = run(ecs, network[1], network[0])
    allocation_id = allocate(vpc).allocation_id
    associate(vpc, allocation_id, instance_id)
    ecs.delete_instance(E.DeleteInstanceRequest(instance_id=instance_id, force=True))
    found = eip(vpc, allocation_id)
    assert (found.status, found.instance_id) == ('Available', '')
    release(vpc, allocation_id)


def test_eips_and_public_ips_never_share_an_address(vpc, ecs, network):
    addresses = [allocate(vpc).eip_address for _ in range(5)]
    for _ in range(5):
        instance_id = run(ecs, network[1], network[0], internet_max_bandwidth_out=1)
        addresses.append(instance(ecs, instance_id).public_ip_address.ip_address[0])
    assert len(set(addresses)) == 10


# NAT gateways.

def _nat_gateway_ids_of_vpc(client, vpc_id):
    return vpcs(client, vpc_id=vpc_id).vpcs.vpc[0].nat_gateway_ids.nat_gateway_ids


def test_nat_gateway_lifecycle(vpc, network, admin):
    admin.set_profile(delays=SLOW)
    vpc_id, vswitch_id = network[0], network[1]
    created = create_nat(vpc, vpc_id, vswitch_id, name='egress', description='out', client_token='ngw-1',
                         tag=[M.CreateNatGatewayRequestTag(key='app', value='ams')])
    assert re.match(r'^ngw-bp1[a-z0-9]{18}$', created.nat_gateway_id)
    table_id = created.snat_table_ids.snat_table_id[0]
    assert table_id.startswith('stb-') and created.forward_table_ids.forward_table_id[0].startswith('ftb-')
    found = nat(vpc, created.nat_gateway_id)
    assert (found.name, found.description, found.status, found.nat_type, found.network_type, found.vpc_id,
            found.internet_charge_type, found.instance_charge_type, found.eip_bind_mode) == \
        ('egress', 'out', 'Creating', 'Enhanced', 'internet', vpc_id, 'PayByLcu', 'PostPaid', 'MULTI_BINDED')
    private = found.nat_gateway_private_info
    assert private.vswitch_id == vswitch_id and ipaddress.ip_address(private.private_ip_address) in \
        ipaddress.ip_network('10.0.1.0/24')
    assert [(t.tag_key, t.tag_value) for t in found.tags.tag] == [('app', 'ams')]
    assert create_nat(vpc, vpc_id, vswitch_id, name='egress', description='out', client_token='ngw-1',
                      tag=[M.CreateNatGatewayRequestTag(key='app', value='ams')]).nat_gateway_id == \
        created.nat_gateway_id
    # while Creating nothing else is possible
    assert error_of(delete_nat, vpc, created.nat_gateway_id) == ('IncorrectStatus.NatGateway', 400)
    address = allocate(vpc).allocation_id
    assert error_of(associate, vpc, address, created.nat_gateway_id, 'Nat') == ('IncorrectStatus.NatGateway', 400)
    admin.advance_clock(50)
    assert nat(vpc, created.nat_gateway_id).status == 'Available'
    assert [g.nat_gateway_id for g in nats(vpc, vpc_id=vpc_id, name='egress').nat_gateways.nat_gateway] == \
        [created.nat_gateway_id]
    assert nats(vpc, name='other').total_count == 0
    assert _nat_gateway_ids_of_vpc(vpc, vpc_id) == [created.nat_gateway_id]

    vpc.modify_nat_gateway_attribute(M.ModifyNatGatewayAttributeRequest(
        region_id=REGION, nat_gateway_id=created.nat_gateway_id, name='renamed', description='new'))
    assert (nat(vpc, created.nat_gateway_id).name, nat(vpc, created.nat_gateway_id).description) == ('renamed', 'new')

    # the gateway holds its vSwitch (and so its VPC)
    assert error_of(delete_vswitch, vpc, vswitch_id) == ('DependencyViolation.EnhancedNatgw', 400)
    delete_nat(vpc, created.nat_gateway_id)
    assert nat(vpc, created.nat_gateway_id).status == 'Deleting'
    assert _nat_gateway_ids_of_vpc(vpc, vpc_id) == [created.nat_gateway_id]  # until it is gone
    admin.advance_clock(50)
    assert nat(vpc, created.nat_gateway_id) is None
    assert _nat_gateway_ids_of_vpc(vpc, vpc_id) == []
    assert error_of(delete_nat, vpc, created.nat_gateway_id) == ('InvalidNatGatewayId.NotFound', 404)
    delete_vswitch(vpc, vswitch_id)


@pytest.mark.parametrize('settings, expected', [
    ({'nat_type': 'Normal'}, ('InvalidParameter', 400)),
    ({'network_type': 'intranet'}, ('InvalidParameter', 400)),
    ({'internet_charge_type': 'PayByTraffic'}, ('InvalidParameter', 400)),
    ({'v_switch_id': None}, ('MissingVSwitchId', 400)),
    ({'v_switch_id': 'vsw-nothing'}, ('InvalidVSwitchId.NotFound', 404)),
    ({'vpc_id': 'vpc-nothing'}, ('InvalidVpcId.NotFound', 404)),
    ({'name': 'https://x'}, ('InvalidNatGatewayName.MalFormed', 400)),
])
def test_create_nat_gateway_refusals_create_nothing(vpc, network, admin, settings, expected):
    arguments = dict(region_id=REGION, vpc_id=network[0], v_switch_id=network[1], nat_type='Enhanced')
    arguments.update(settings)
    marker = admin.marker()
    assert error_of(vpc.create_nat_gateway, M.CreateNatGatewayRequest(**arguments)) == expected
    assert admin.counts(since=marker)['mutating_succeeded'] == 0 and nats(vpc).total_count == 0


def test_nat_gateway_vswitch_of_another_vpc_is_refused(vpc, network):
    other_vpc = create_vpc(vpc, '192.168.0.0/16', 'other').vpc_id
    assert error_of(create_nat, vpc, other_vpc, network[1]) == ('InvalidParameter', 400)


def test_nat_gateway_with_eips_and_entries_needs_force(vpc, network):
    gateway, address = gateway_with_eip(vpc, network)
    table_id = gateway.snat_table_ids.snat_table_id[0]
    found = nat(vpc, gateway.nat_gateway_id)
    assert [(i.allocation_id, i.ip_address, i.using_status, i.snat_entry_enabled) for i in found.ip_lists.ip_list] == \
        [(address.allocation_id, address.eip_address, 'Idle', False)]
    assert eip(vpc, address.allocation_id).instance_type == 'Nat'
    assert error_of(delete_nat, vpc, gateway.nat_gateway_id) == ('DependencyViolation.EIPS', 400)
    create_snat(vpc, table_id, address.eip_address, source_vswitch_id=network[1])
    assert nat(vpc, gateway.nat_gateway_id).ip_lists.ip_list[0].using_status == 'UsedBySnatTable'
    assert error_of(delete_nat, vpc, gateway.nat_gateway_id) == ('DependencyViolation.SnatEntry', 400)
    delete_nat(vpc, gateway.nat_gateway_id, force=True)
    assert snats(vpc) == []
    assert (eip(vpc, address.allocation_id).status, eip(vpc, address.allocation_id).instance_id) == ('Available', '')


# SNAT entries.

def test_snat_entry_lifecycle(vpc, network, admin):
    gateway, address = gateway_with_eip(vpc, network)
    table_id = gateway.snat_table_ids.snat_table_id[0]
    admin.set_profile(delays=SLOW)
    created = create_snat(vpc, table_id, address.eip_address, source_vswitch_id=network[1], snat_entry_name='db',
                          client_token='snat-1')
    assert created.snat_entry_id.startswith('snat-')
    entry = snats(vpc, snat_table_id=table_id)[0]
    assert (entry.snat_entry_id, entry.snat_entry_name, entry.snat_ip, entry.source_vswitch_id, entry.source_cidr,
            entry.status, entry.nat_gateway_id) == \
        (created.snat_entry_id, 'db', address.eip_address, network[1], '10.0.1.0/24', 'Pending', gateway.nat_gateway_id)
    assert error_of(delete_snat, vpc, table_id, created.snat_entry_id) == ('IncorrectStatus.SnatEntry', 400)
    admin.advance_clock(50)
    assert snats(vpc, snat_entry_id=created.snat_entry_id)[0].status == 'Available'
    assert [s.snat_entry_id for s in snats(vpc, source_vswitch_id=network[1])] == [created.snat_entry_id]
    assert snats(vpc, snat_ip='47.0.0.1') == []
    second = allocate(vpc)
    associate(vpc, second.allocation_id, gateway.nat_gateway_id, 'Nat')
    admin.advance_clock(50)
    vpc.modify_snat_entry(M.ModifySnatEntryRequest(region_id=REGION, snat_table_id=table_id,
                                                   snat_entry_id=created.snat_entry_id, snat_entry_name='db2',
                                                   snat_ip='%s,%s' % (address.eip_address, second.eip_address)))
    entry = snats(vpc, snat_entry_id=created.snat_entry_id)[0]
    assert (entry.snat_entry_name, entry.snat_ip, entry.status) == \
        ('db2', '%s,%s' % (address.eip_address, second.eip_address), 'Pending')
    assert error_of(vpc.modify_snat_entry, M.ModifySnatEntryRequest(
        region_id=REGION, snat_table_id=table_id, snat_entry_id=created.snat_entry_id, snat_entry_name='x')) == \
        ('IncorrectStatus.SnatEntry', 400)
    admin.advance_clock(50)
    assert error_of(vpc.modify_snat_entry, M.ModifySnatEntryRequest(
        region_id=REGION, snat_table_id=table_id, snat_entry_id=created.snat_entry_id, snat_ip='47.0.0.1')) == \
        ('InvalidSnatIp.NotFound', 404)
    cidr = create_snat(vpc, table_id, address.eip_address, source_cidr='10.0.2.7/32')
    assert snats(vpc, snat_entry_id=cidr.snat_entry_id)[0].source_vswitch_id == ''
    # an EIP used by SNAT entries stays bound unless Force, which deletes those entries
    assert error_of(unassociate, vpc, address.allocation_id) == ('DependencyViolation.SnatEntry', 400)
    admin.advance_clock(50)
    delete_snat(vpc, table_id, created.snat_entry_id)
    assert snats(vpc, snat_entry_id=created.snat_entry_id)[0].status == 'Deleting'
    admin.advance_clock(50)
    assert snats(vpc, snat_entry_id=created.snat_entry_id) == []
    assert error_of(delete_snat, vpc, table_id, created.snat_entry_id) == ('InvalidSnatEntryId.NotFound', 404)
    unassociate(vpc, address.allocation_id, force=True)
    assert snats(vpc, snat_table_id=table_id) == []


def test_snat_entry_refusals(vpc, network, admin):
    gateway, address = gateway_with_eip(vpc, network)
    table_id = gateway.snat_table_ids.snat_table_id[0]
    idle = allocate(vpc).eip_address
    other_vswitch = create_vswitch(vpc, create_vpc(vpc, '192.168.0.0/16').vpc_id, '192.168.1.0/24').v_switch_id
    create_snat(vpc, table_id, address.eip_address, source_vswitch_id=network[1])
    create_snat(vpc, table_id, address.eip_address, source_cidr='10.0.2.0/25')
    marker = admin.marker()
    cases = [
        (dict(table_id='stb-nothing', snat_ip=address.eip_address, source_vswitch_id=network[2]),
         ('InvalidSnatTableId.NotFound', 404)),
        (dict(snat_ip=idle, source_vswitch_id=network[2]), ('InvalidSnatIp.NotFound', 404)),
        (dict(snat_ip='not-an-ip', source_vswitch_id=network[2]), ('InvalidSnatIp.Malformed', 400)),
        (dict(snat_ip=address.eip_address, source_vswitch_id=network[1]), ('Forbidden.SourceVSwitchId.Duplicated', 400)),
        (dict(snat_ip=address.eip_address, source_cidr='10.0.2.0/25'), ('Forbidden.SourceVSwitchId.Duplicated', 400)),
        (dict(snat_ip=address.eip_address, source_cidr='10.0.2.1/25'), ('InvalidSourceCIDR.Malformed', 400)),
        (dict(snat_ip=address.eip_address), ('InvalidParameter', 400)),
        (dict(snat_ip=address.eip_address, source_vswitch_id=network[2], source_cidr='10.0.2.0/24'),
         ('InvalidParameter', 400)),
        (dict(snat_ip=address.eip_address, source_vswitch_id=other_vswitch), ('InvalidParameter', 400)),
        (dict(snat_ip=address.eip_address, source_vswitch_id='vsw-nothing'), ('InvalidVSwitchId.NotFound', 404)),
    ]
    for settings, expected in cases:
        settings = dict(settings)
        assert error_of(create_snat, vpc, settings.pop('table_id', table_id), settings.pop('snat_ip'),
                        **settings) == expected, settings
    assert error_of(delete_snat, vpc, 'stb-nothing', 'snat-x') == ('InvalidSnatTableId.NotFound', 404)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0 and len(snats(vpc)) == 2


# Tags, persistence and the data plane's readers.

def test_eip_and_nat_gateway_tags(vpc, network):
    gateway = create_nat(vpc, network[0], network[1]).nat_gateway_id
    allocation_id = allocate(vpc).allocation_id
    for resource_type, resource_id in (('EIP', allocation_id), ('NATGATEWAY', gateway)):
        vpc.tag_resources(M.TagResourcesRequest(region_id=REGION, resource_type=resource_type, resource_id=[resource_id],
                                                tag=[M.TagResourcesRequestTag(key='env', value='test')]))
        listed = vpc.list_tag_resources(M.ListTagResourcesRequest(region_id=REGION, resource_type=resource_type,
                                                                  resource_id=[resource_id])).body
        assert [(r.resource_id, r.resource_type, r.tag_key, r.tag_value) for r in listed.tag_resources.tag_resource] == \
            [(resource_id, resource_type, 'env', 'test')]
        vpc.un_tag_resources(M.UnTagResourcesRequest(region_id=REGION, resource_type=resource_type,
                                                     resource_id=[resource_id], tag_key=['env']))
    assert eip(vpc, allocation_id).tags.tag == [] and nat(vpc, gateway).tags.tag == []


def test_state_survives_a_restart(tmp_path, monkeypatch):
    for variable in ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'):
        monkeypatch.delenv(variable, raising=False)
    process = EmulatorProcess(tmp_path / 'state.json').start()
    try:
        client = process.client('vpc')
        vpc_id = create_vpc(client, '10.0.0.0/16').vpc_id
        vswitch_id = create_vswitch(client, vpc_id, '10.0.1.0/24').v_switch_id
        process.admin.set_profile(delays={'vpc.snat_pending': 60})
        gateway, address = gateway_with_eip(client, (vpc_id, vswitch_id))
        entry = create_snat(client, gateway.snat_table_ids.snat_table_id[0], address.eip_address,
                            source_vswitch_id=vswitch_id).snat_entry_id
        process.restart()
        client = process.client('vpc')
        assert (eip(client, address.allocation_id).status, nat(client, gateway.nat_gateway_id).status) == \
            ('InUse', 'Available')
        assert snats(client, snat_entry_id=entry)[0].status == 'Pending'
        process.admin.advance_clock(61)
        assert snats(client, snat_entry_id=entry)[0].status == 'Available'
        assert error_of(delete_vpc, client, vpc_id) == ('DependencyViolation.VSwitch', 400)
    finally:
        process.stop()


def test_data_plane_readers(emulator_server, vpc, ecs, network, admin):
    vpc_id, first, second = network
    instance_id = run(ecs, second, vpc_id)
    allocation_id = allocate(vpc).allocation_id
    store = emulator_server.emulator.store
    assert vpc_eip_nat.instance_eip(store, instance_id) is None
    admin.set_profile(delays=SLOW)
    associate(vpc, allocation_id, instance_id)
    assert vpc_eip_nat.instance_eip(store, instance_id) is None  # Associating does not carry traffic yet
    admin.advance_clock(50)
    assert vpc_eip_nat.instance_eip(store, instance_id) == eip(vpc, allocation_id).ip_address

    admin.set_profile(delays={})
    gateway, address = gateway_with_eip(vpc, network)
    table_id = gateway.snat_table_ids.snat_table_id[0]
    assert vpc_eip_nat.snat_address(store, first, '10.0.1.9') is None
    create_snat(vpc, table_id, address.eip_address, source_vswitch_id=first)
    assert vpc_eip_nat.snat_address(store, first, '10.0.1.9') == address.eip_address
    assert vpc_eip_nat.snat_address(store, second, '10.0.2.9') is None
    narrow = allocate(vpc)
    associate(vpc, narrow.allocation_id, gateway.nat_gateway_id, 'Nat')
    create_snat(vpc, table_id, '%s,%s' % (narrow.eip_address, address.eip_address), source_cidr='10.0.2.9/32')
    create_snat(vpc, table_id, address.eip_address, source_cidr='10.0.0.0/16')
    assert vpc_eip_nat.snat_address(store, second, '10.0.2.9') == narrow.eip_address  # the most specific entry
    assert vpc_eip_nat.snat_address(store, second, '10.0.2.10') == address.eip_address
    assert vpc_eip_nat.snat_address(store, 'vsw-nothing', '10.0.2.10') is None

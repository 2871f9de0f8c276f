"""ECS 2014-05-26 through the unmodified SDK: zones, security groups and rules, key pairs, instances and their
states, launch templates, images, instance types, tags, pagination, ClientToken, DryRun and dependencies."""

import base64
import ipaddress
import re
import subprocess

import pytest

from emulator.testing import sdk_models
from emulator.tests.conftest import sdk_error
from emulator.tests.helpers import create_vpc, create_vswitch, delete_vpc, delete_vswitch

E = sdk_models('ecs')
V = sdk_models('vpc')
REGION = 'cn-hangzhou'
UBUNTU = 'ubuntu_22_04_x64_20G_alibase_20240819.vhd'
UBUNTU_ARM = 'ubuntu_22_04_arm64_20G_alibase_20240819.vhd'
INSTANCE_ID = re.compile(r'^i-bp1[a-z0-9]{17}$')
GROUP_ID = re.compile(r'^sg-bp1[a-z0-9]{17}$')
TEMPLATE_ID = re.compile(r'^lt-bp1[a-z0-9]{17}$')
SLOW = {'ecs.instance_pending': 100, 'ecs.instance_starting': 100, 'ecs.instance_stopping': 100, 'ecs.instance_releasing': 100}


@pytest.fixture
def ecs(emulator_server):
    return emulator_server.client('ecs')


@pytest.fixture
def network(vpc):
    """(vpc id, vSwitch id in cn-hangzhou-h, vSwitch id in cn-hangzhou-i) of a 10.0.0.0/16 VPC."""
    vpc_id = create_vpc(vpc, '10.0.0.0/16').vpc_id
    first = create_vswitch(vpc, vpc_id, '10.0.1.0/24', zone='cn-hangzhou-h').v_switch_id
    second = create_vswitch(vpc, vpc_id, '10.0.2.0/24', zone='cn-hangzhou-i').v_switch_id
    return vpc_id, first, second


@pytest.fixture
def group(ecs, network):
    return create_group(ecs, network[0])


def create_group(client, vpc_id, name='ams', **extra):
    request = E.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_name=name, **extra)
    return client.create_security_group(request).body.security_group_id


def permission(protocol='tcp', ports='22/22', cidr='10.0.0.0/16', model=E.AuthorizeSecurityGroupRequestPermissions, **extra):
    return model(ip_protocol=protocol, port_range=ports, source_cidr_ip=cidr, **extra)


def authorize(client, group_id, *permissions):
    return client.authorize_security_group(E.AuthorizeSecurityGroupRequest(region_id=REGION, security_group_id=group_id,
                                                                           permissions=list(permissions)))


def rules(client, group_id, **extra):
    request = E.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=group_id, **extra)
    return client.describe_security_group_attribute(request).body.permissions.permission


def rule_keys(client, group_id, **extra):
    return sorted((r.direction, r.ip_protocol, r.port_range, r.source_cidr_ip or r.dest_cidr_ip or r.source_group_id or r.dest_group_id)
                  for r in rules(client, group_id, **extra))


def run(client, vswitch_id, group_id, **extra):
    settings = dict(region_id=REGION, image_id=UBUNTU, instance_type='ecs.g7.large', security_group_id=group_id,
                    v_switch_id=vswitch_id)
    settings.update(extra)
    return client.run_instances(E.RunInstancesRequest(**settings)).body.instance_id_sets.instance_id_set


def instances(client, **filters):
    filters.setdefault('page_size', 100)
    return client.describe_instances(E.DescribeInstancesRequest(region_id=REGION, **filters)).body


def instance(client, instance_id):
    found = instances(client, instance_ids='["%s"]' % instance_id).instances.instance
    return found[0] if found else None


def status(client, instance_id):
    return instance(client, instance_id).status


def stop(client, instance_id, **extra):
    return client.stop_instance(E.StopInstanceRequest(instance_id=instance_id, **extra))


def delete(client, instance_id, **extra):
    return client.delete_instance(E.DeleteInstanceRequest(instance_id=instance_id, **extra))


def error_of(call, *args, **kwargs):
    error = sdk_error(call, *args, **kwargs)
    return error.code, error.status_code


def public_key(directory, kind):
    """(public key line, MD5 fingerprint as ssh-keygen prints it) of a key pair generated now."""
    path = directory / kind
    size = ['-b', '2048'] if kind == 'rsa' else []
    subprocess.run(['ssh-keygen', '-q', '-t', kind, *size, '-N', '', '-C', 'test@emulator', '-f', str(path)], check=True)
    listing = subprocess.run(['ssh-keygen', '-l', '-E', 'md5', '-f', str(path) + '.pub'], check=True, capture_output=True,
                             text=True).stdout
    return (directory / (kind + '.pub')).read_text(), re.search(r'MD5:([0-9a-f:]{47})', listing).group(1)


@pytest.fixture(scope='module')
def keys(tmp_path_factory):
    """{'rsa': (line, fingerprint), 'ed25519': (line, fingerprint)}, generated once per test run."""
    directory = tmp_path_factory.mktemp('keys')
    return dict((kind, public_key(directory, kind)) for kind in ('rsa', 'ed25519'))


def create_template(client, name='origin', **data):
    settings = dict(region_id=REGION, launch_template_name=name, image_id=UBUNTU, instance_type='ecs.c7.xlarge')
    settings.update(data)
    return client.create_launch_template(E.CreateLaunchTemplateRequest(**settings)).body


def versions(client, template_id, **extra):
    request = E.DescribeLaunchTemplateVersionsRequest(region_id=REGION, launch_template_id=template_id, **extra)
    return client.describe_launch_template_versions(request).body.launch_template_version_sets.launch_template_version_set


# Regions and zones.

def test_regions_and_zones(ecs):
    regions = ecs.describe_regions(E.DescribeRegionsRequest(accept_language='en-US')).body.regions.region
    hangzhou = [r for r in regions if r.region_id == REGION][0]
    assert (hangzhou.region_endpoint, hangzhou.status) == ('ecs.cn-hangzhou.aliyuncs.com', 'available')
    zones = ecs.describe_zones(E.DescribeZonesRequest(region_id='cn-shanghai')).body.zones.zone
    assert [z.zone_id for z in zones] == ['cn-shanghai-%s' % letter for letter in 'befglmn']
    assert 'ecs.g7.large' in zones[0].available_instance_types.instance_types
    assert 'cloud_essd' in zones[0].available_resources.resources_info[0].system_disk_categories.supported_system_disk_category
    brief = ecs.describe_zones(E.DescribeZonesRequest(region_id=REGION, verbose=False)).body.zones.zone
    assert brief[0].available_instance_types is None and brief[0].zone_type == 'AvailabilityZone'
    assert error_of(ecs.describe_zones, E.DescribeZonesRequest(region_id='xx-nowhere-1')) == ('InvalidRegionId.NotFound', 404)
    assert error_of(ecs.describe_regions, E.DescribeRegionsRequest(accept_language='xx')) == ('InvalidAcceptLanguage.NotFound', 404)


# Security groups.

def test_security_group_lifecycle(ecs, network):
    vpc_id = network[0]
    group_id = create_group(ecs, vpc_id, 'mongodb', description='database access',
                            tag=[E.CreateSecurityGroupRequestTag(key='app', value='ams')])
    assert GROUP_ID.match(group_id)
    found = ecs.describe_security_groups(E.DescribeSecurityGroupsRequest(region_id=REGION, vpc_id=vpc_id)).body
    assert found.total_count == 1
    listed = found.security_groups.security_group[0]
    assert (listed.security_group_id, listed.security_group_name, listed.description, listed.security_group_type) == \
        (group_id, 'mongodb', 'database access', 'normal')
    assert [(t.tag_key, t.tag_value) for t in listed.tags.tag] == [('app', 'ams')]

    ecs.modify_security_group_attribute(E.ModifySecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group_id, security_group_name='mongo', description='changed'))
    attribute = ecs.describe_security_group_attribute(E.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group_id)).body
    assert (attribute.security_group_name, attribute.description, attribute.vpc_id, attribute.inner_access_policy) == \
        ('mongo', 'changed', vpc_id, 'Accept')
    assert attribute.permissions.permission == []  # a new group has no rule

    ecs.delete_security_group(E.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group_id))
    assert error_of(ecs.describe_security_group_attribute, E.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group_id)) == ('InvalidSecurityGroupId.NotFound', 404)
    assert error_of(ecs.delete_security_group, E.DeleteSecurityGroupRequest(
        region_id=REGION, security_group_id=group_id)) == ('InvalidSecurityGroupId.NotFound', 404)


def test_create_security_group_is_refused(ecs, network, admin):
    marker = admin.marker()
    cases = [(dict(vpc_id='vpc-bp1doesnotexist000'), ('InvalidVpcId.NotFound', 404)),
             (dict(vpc_id=network[0], security_group_name='1starts-with-a-digit'), ('InvalidSecurityGroupName.Malformed', 400)),
             (dict(vpc_id=network[0], description='http://no'), ('InvalidSecurityGroupDiscription.Malformed', 400))]
    for settings, expected in cases:
        assert error_of(ecs.create_security_group, E.CreateSecurityGroupRequest(region_id=REGION, **settings)) == expected
    assert admin.counts(since=marker)['mutating_succeeded'] == 0


def test_describe_security_groups_filters_and_pages(ecs, network):
    ids = [create_group(ecs, network[0], 'group%d' % index) for index in range(5)]

    def describe(**filters):
        return ecs.describe_security_groups(E.DescribeSecurityGroupsRequest(region_id=REGION, **filters)).body

    chosen = describe(security_group_ids='["%s", "%s"]' % (ids[1], ids[3]))
    assert sorted(g.security_group_id for g in chosen.security_groups.security_group) == sorted([ids[1], ids[3]])
    assert [g.security_group_id for g in describe(security_group_name='group2').security_groups.security_group] == [ids[2]]
    pages = [describe(page_number=number, page_size=2) for number in (1, 2, 3)]
    assert [len(p.security_groups.security_group) for p in pages] == [2, 2, 1]
    assert [g.security_group_id for p in pages for g in p.security_groups.security_group] == ids
    seen, token = [], None
    while True:
        page = describe(max_results=2, next_token=token)
        seen += [g.security_group_id for g in page.security_groups.security_group]
        token = page.next_token
        if not token:
            break
    assert seen == ids
    assert error_of(ecs.describe_security_groups, E.DescribeSecurityGroupsRequest(
        region_id=REGION, security_group_ids='not json')) == ('InvalidSecurityGroupIds.Malformed', 400)


def test_rules_are_added_once_and_revoked(ecs, group):
    authorize(ecs, group, permission(ports='27017/27017'), permission(protocol='TCP', ports='22/22', cidr='203.0.113.0/24'))
    authorize(ecs, group, permission(ports='27017/27017', description='same rule, new description'))
    assert rule_keys(ecs, group) == [('ingress', 'TCP', '22/22', '203.0.113.0/24'), ('ingress', 'TCP', '27017/27017', '10.0.0.0/16')]
    found = {r.port_range: r for r in rules(ecs, group)}['27017/27017']
    assert (found.policy, found.priority, found.nic_type, found.description) == ('Accept', '1', 'intranet', '')
    assert found.security_group_rule_id.startswith('sgr-')

    # The deprecated top-level form and the egress direction.
    ecs.authorize_security_group(E.AuthorizeSecurityGroupRequest(region_id=REGION, security_group_id=group, ip_protocol='udp',
                                                                 port_range='50000/60000', source_cidr_ip='0.0.0.0/0'))
    ecs.authorize_security_group_egress(E.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id=group, permissions=[E.AuthorizeSecurityGroupEgressRequestPermissions(
            ip_protocol='all', port_range='-1/-1', dest_cidr_ip='0.0.0.0/0', policy='drop', priority='100')]))
    egress = rules(ecs, group, direction='egress')
    assert [(r.ip_protocol, r.port_range, r.dest_cidr_ip, r.policy, r.priority) for r in egress] == \
        [('ALL', '-1/-1', '0.0.0.0/0', 'Drop', '100')]
    assert len(rules(ecs, group, direction='ingress')) == 3

    ecs.revoke_security_group(E.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, permissions=[
        permission(ports='22/22', cidr='203.0.113.0/24', model=E.RevokeSecurityGroupRequestPermissions)]))
    udp = [r for r in rules(ecs, group) if r.ip_protocol == 'UDP'][0]
    ecs.revoke_security_group(E.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group,
                                                           security_group_rule_id=[udp.security_group_rule_id]))
    # Revoking a rule that is not there succeeds and changes nothing.
    ecs.revoke_security_group(E.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, permissions=[
        permission(ports='8080/8080', model=E.RevokeSecurityGroupRequestPermissions)]))
    ecs.revoke_security_group_egress(E.RevokeSecurityGroupEgressRequest(region_id=REGION, security_group_id=group, permissions=[
        E.RevokeSecurityGroupEgressRequestPermissions(ip_protocol='ALL', port_range='-1/-1', dest_cidr_ip='0.0.0.0/0',
                                                      policy='drop', priority='100')]))
    assert rule_keys(ecs, group) == [('ingress', 'TCP', '27017/27017', '10.0.0.0/16')]


def test_rules_between_groups(ecs, vpc, network, group):
    peer = create_group(ecs, network[0], 'peer')
    authorize(ecs, group, E.AuthorizeSecurityGroupRequestPermissions(ip_protocol='tcp', port_range='5080/5080', source_group_id=peer))
    found = rules(ecs, group)[0]
    assert (found.source_group_id, found.source_group_name, found.source_cidr_ip) == (peer, 'peer', '')
    other_vpc = create_vpc(vpc, '192.168.0.0/16').vpc_id
    stranger = create_group(ecs, other_vpc, 'stranger')
    assert error_of(authorize, ecs, group, E.AuthorizeSecurityGroupRequestPermissions(
        ip_protocol='tcp', port_range='1/65535', source_group_id=stranger)) == ('InvalidSourceGroupId.Mismatch', 400)
    assert error_of(authorize, ecs, group, E.AuthorizeSecurityGroupRequestPermissions(
        ip_protocol='tcp', port_range='1/65535', source_group_id=group)) == ('InvalidParamter.Conflict', 403)
    # A group another group's rule names cannot be deleted.
    assert error_of(ecs.delete_security_group, E.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=peer)) == \
        ('DependencyViolation', 403)
    ecs.revoke_security_group(E.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, security_group_rule_id=[
        found.security_group_rule_id]))
    ecs.delete_security_group(E.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=peer))


def inner_policy(client, group_id):
    return client.describe_security_group_attribute(E.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group_id)).body.inner_access_policy


def test_inner_access_policy(ecs, network, group, admin):
    assert inner_policy(ecs, group) == 'Accept'
    ecs.modify_security_group_policy(E.ModifySecurityGroupPolicyRequest(
        region_id=REGION, security_group_id=group, inner_access_policy='drop'))
    assert inner_policy(ecs, group) == 'Drop'
    enterprise = create_group(ecs, network[0], 'isolated', security_group_type='enterprise')
    assert inner_policy(ecs, enterprise) == 'Drop'
    since = admin.marker()
    assert error_of(ecs.modify_security_group_policy, E.ModifySecurityGroupPolicyRequest(
        region_id=REGION, security_group_id=enterprise, inner_access_policy='Accept')) == ('OperationDenied', 403)
    assert error_of(ecs.modify_security_group_policy, E.ModifySecurityGroupPolicyRequest(
        region_id=REGION, security_group_id=group, inner_access_policy='Open')) == ('InvalidParameter', 400)
    # Enterprise groups authorize addresses, never groups.
    assert error_of(authorize, ecs, enterprise, E.AuthorizeSecurityGroupRequestPermissions(
        ip_protocol='tcp', port_range='22/22', source_group_id=group)) == ('OperationDenied', 403)
    assert (inner_policy(ecs, enterprise), inner_policy(ecs, group), rules(ecs, enterprise)) == ('Drop', 'Drop', [])
    assert admin.counts(since=since)['mutating_succeeded'] == 0


@pytest.mark.parametrize('rule, expected', [
    (dict(ip_protocol='sctp', port_range='1/2', source_cidr_ip='10.0.0.0/8'), ('InvalidIpProtocol.ValueNotSupported', 400)),
    (dict(ip_protocol='tcp', port_range='22', source_cidr_ip='10.0.0.0/8'), ('InvalidIpProtocol.Malformed', 400)),
    (dict(ip_protocol='tcp', port_range='0/22', source_cidr_ip='10.0.0.0/8'), ('InvalidIpProtocol.Malformed', 400)),
    (dict(ip_protocol='tcp', port_range='100/22', source_cidr_ip='10.0.0.0/8'), ('InvalidIpProtocol.Malformed', 400)),
    (dict(ip_protocol='tcp', port_range='-1/-1', source_cidr_ip='10.0.0.0/8'), ('OperationDenied', 400)),
    (dict(ip_protocol='icmp', port_range='22/22', source_cidr_ip='10.0.0.0/8'), ('OperationDenied', 400)),
    (dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.300/8'), ('InvalidSourceCidrIp.Malformed', 400)),
    (dict(ip_protocol='tcp', port_range='22/22'), ('MissingParameter.Source', 400)),
    (dict(ip_protocol='tcp', port_range='22/22', source_group_id='sg-bp1doesnotexist00'), ('InvalidSourceGroupId.NotFound', 404)),
    (dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', priority='101'), ('InvalidPriority.Malformed', 400)),
    (dict(ip_protocol='tcp', port_range='22/22', source_cidr_ip='10.0.0.0/8', policy='allow'), ('InvalidPolicy.Malformed', 400)),
])
def test_invalid_rules_are_refused_and_change_nothing(ecs, group, admin, rule, expected):
    authorize(ecs, group, permission(ports='80/80'))
    marker = admin.marker()
    # The valid first rule is not kept either: one bad rule refuses the whole call.
    assert error_of(authorize, ecs, group, permission(ports='443/443'), E.AuthorizeSecurityGroupRequestPermissions(**rule)) == expected
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    assert rule_keys(ecs, group) == [('ingress', 'TCP', '80/80', '10.0.0.0/16')]


def test_invalid_egress_and_revoke_rules(ecs, group):
    assert error_of(ecs.authorize_security_group_egress, E.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id=group, permissions=[E.AuthorizeSecurityGroupEgressRequestPermissions(
            ip_protocol='tcp', port_range='80/80')])) == ('MissingParameter.Dest', 400)
    assert error_of(ecs.authorize_security_group_egress, E.AuthorizeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id=group, permissions=[E.AuthorizeSecurityGroupEgressRequestPermissions(
            ip_protocol='tcp', port_range='80/80', dest_cidr_ip='nonsense')])) == ('InvalidDestCidrIp.Malformed', 400)
    assert error_of(ecs.revoke_security_group, E.RevokeSecurityGroupRequest(region_id=REGION, security_group_id=group, permissions=[
        permission(ports='80-90', model=E.RevokeSecurityGroupRequestPermissions)])) == ('InvalidIpPortRange.Malformed', 400)
    assert error_of(authorize, ecs, 'sg-bp1doesnotexist00', permission()) == ('InvalidSecurityGroupId.NotFound', 404)


def test_rule_pages_and_limit(ecs, group, admin):
    authorize(ecs, group, *[permission(ports='%d/%d' % (port, port)) for port in range(1000, 1012)])
    first = ecs.describe_security_group_attribute(E.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group, max_results=10)).body
    second = ecs.describe_security_group_attribute(E.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group, max_results=10, next_token=first.next_token)).body
    assert (len(first.permissions.permission), len(second.permissions.permission), second.next_token) == (10, 2, '')
    assert error_of(ecs.describe_security_group_attribute, E.DescribeSecurityGroupAttributeRequest(
        region_id=REGION, security_group_id=group, max_results=5)) == ('InvalidMaxResults', 400)
    admin.set_profile(quotas={'ecs.rules_per_security_group': 13})
    authorize(ecs, group, permission(ports='2000/2000'))
    assert error_of(authorize, ecs, group, permission(ports='2001/2001')) == ('AuthorizationLimitExceed', 403)


def test_security_group_dependencies(ecs, vpc, network, group):
    vpc_id, vswitch_id, _ = network
    instance_id = run(ecs, vswitch_id, group)[0]
    assert error_of(ecs.delete_security_group, E.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group)) == \
        ('DependencyViolation', 403)
    delete(ecs, instance_id, force=True)
    ecs.delete_security_group(E.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group))
    # A VPC that still holds a security group cannot be deleted.
    for vswitch in network[1:]:
        delete_vswitch(vpc, vswitch)
    create_group(ecs, vpc_id, 'left-behind')
    error = sdk_error(delete_vpc, vpc, vpc_id)
    assert (error.code, error.status_code) == ('DependencyViolation.SecurityGroup', 400)


# Key pairs.

def test_key_pair_lifecycle(ecs, keys):
    key, fingerprint = keys['rsa']
    created = ecs.import_key_pair(E.ImportKeyPairRequest(region_id=REGION, key_pair_name='admin', public_key_body=key,
                                                         tag=[E.ImportKeyPairRequestTag(key='owner', value='ops')])).body
    assert (created.key_pair_name, created.key_pair_finger_print) == ('admin', fingerprint)  # what ssh-keygen -E md5 says
    listed = ecs.describe_key_pairs(E.DescribeKeyPairsRequest(region_id=REGION)).body.key_pairs.key_pair
    assert [(k.key_pair_name, k.key_pair_finger_print, k.public_key) for k in listed] == [('admin', fingerprint, None)]
    assert [(t.tag_key, t.tag_value) for t in listed[0].tags.tag] == [('owner', 'ops')]
    with_key = ecs.describe_key_pairs(E.DescribeKeyPairsRequest(region_id=REGION, include_public_key=True)).body
    assert with_key.key_pairs.key_pair[0].public_key == key.strip()

    assert error_of(ecs.import_key_pair, E.ImportKeyPairRequest(region_id=REGION, key_pair_name='admin', public_key_body=key)) == \
        ('KeyPair.AlreadyExist', 400)
    ecs.delete_key_pairs(E.DeleteKeyPairsRequest(region_id=REGION, key_pair_names='["admin", "never-imported"]'))
    assert ecs.describe_key_pairs(E.DescribeKeyPairsRequest(region_id=REGION)).body.total_count == 0


def test_key_pair_filters_and_errors(ecs, keys, admin):
    rsa, _ = keys['rsa']
    ed25519, ed_fingerprint = keys['ed25519']
    for name, key in (('ams-origin', rsa), ('ams-edge', ed25519), ('mongo', rsa)):
        ecs.import_key_pair(E.ImportKeyPairRequest(region_id=REGION, key_pair_name=name, public_key_body=key))

    def names(**filters):
        found = ecs.describe_key_pairs(E.DescribeKeyPairsRequest(region_id=REGION, **filters)).body.key_pairs.key_pair
        return sorted(k.key_pair_name for k in found)

    assert names(key_pair_name='ams-*') == ['ams-edge', 'ams-origin']
    assert names(key_pair_name='*o*') == ['ams-origin', 'mongo']
    assert names(key_pair_name='mongo') == ['mongo']
    assert names(key_pair_finger_print=ed_fingerprint) == ['ams-edge']
    page = ecs.describe_key_pairs(E.DescribeKeyPairsRequest(region_id=REGION, page_size=2, page_number=2)).body
    assert (page.total_count, len(page.key_pairs.key_pair), page.page_number) == (3, 1, 2)

    marker = admin.marker()
    assert error_of(ecs.import_key_pair, E.ImportKeyPairRequest(region_id=REGION, key_pair_name='bad', public_key_body='ssh-rsa AAAA')) \
        == ('InvalidPublicKeyBody.Malformed', 400)
    assert error_of(ecs.import_key_pair, E.ImportKeyPairRequest(region_id=REGION, key_pair_name='-x', public_key_body=rsa)) == \
        ('InvalidKeyPairName.Malformed', 400)
    assert error_of(ecs.delete_key_pairs, E.DeleteKeyPairsRequest(region_id=REGION, key_pair_names='mongo')) == \
        ('InvalidKeyPairNames.ValueNotSupported', 400)
    assert error_of(ecs.describe_key_pairs, E.DescribeKeyPairsRequest(region_id=REGION, page_size=51)) == ('InvalidPageSize', 400)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0


# Instances.

def test_run_instances(ecs, vpc, network, group, keys):
    vpc_id, vswitch_id, _ = network
    key, _ = keys['rsa']
    ecs.import_key_pair(E.ImportKeyPairRequest(region_id=REGION, key_pair_name='admin', public_key_body=key))
    script = b'#!/bin/sh\necho joined > /tmp/cluster\n'
    created = run(ecs, vswitch_id, group, amount=3, instance_name='mongo', host_name='db-${instance_id}', unique_suffix=True,
                  key_pair_name='admin', internet_max_bandwidth_out=10, user_data=base64.b64encode(script).decode(),
                  system_disk=E.RunInstancesRequestSystemDisk(category='cloud_essd', size='40'),
                  tag=[E.RunInstancesRequestTag(key='role', value='mongodb')])
    assert len(created) == 3 and all(INSTANCE_ID.match(i) for i in created)
    found = {i.instance_id: i for i in instances(ecs, vpc_id=vpc_id).instances.instance}
    assert sorted(found) == sorted(created)
    first = found[created[0]]
    assert (first.status, first.zone_id, first.vpc_attributes.vpc_id, first.vpc_attributes.v_switch_id) == \
        ('Running', 'cn-hangzhou-h', vpc_id, vswitch_id)
    assert (first.instance_name, first.host_name, first.key_pair_name, first.instance_type, first.cpu, first.memory) == \
        ('mongo001', 'db%s' % ('-' + created[0] + '001'), 'admin', 'ecs.g7.large', 2, 8192)
    assert first.security_group_ids.security_group_id == [group]
    assert [(t.tag_key, t.tag_value) for t in first.tags.tag] == [('role', 'mongodb')]
    private = [found[i].vpc_attributes.private_ip_address.ip_address[0] for i in created]
    assert len(set(private)) == 3 and all(ipaddress.ip_address(a) in ipaddress.ip_network('10.0.1.0/24') for a in private)
    public = [found[i].public_ip_address.ip_address[0] for i in created]
    assert len(set(public)) == 3
    user_data = ecs.describe_user_data(E.DescribeUserDataRequest(region_id=REGION, instance_id=created[0])).body.user_data
    assert base64.b64decode(user_data) == script
    attribute = ecs.describe_instance_attribute(E.DescribeInstanceAttributeRequest(instance_id=created[1])).body
    assert (attribute.status, attribute.instance_name, attribute.vpc_attributes.private_ip_address.ip_address) == \
        ('Running', 'mongo002', [private[1]])
    # The vSwitch's free addresses account for the instances.
    vswitch = vpc.describe_vswitch_attributes(V.DescribeVSwitchAttributesRequest(region_id=REGION, v_switch_id=vswitch_id)).body
    assert vswitch.available_ip_address_count == 256 - 4 - 3


def test_instances_without_bandwidth_have_no_public_address(ecs, network, group):
    instance_id = run(ecs, network[2], group)[0]
    found = instance(ecs, instance_id)
    assert (found.public_ip_address.ip_address, found.internet_max_bandwidth_out, found.zone_id) == ([], 0, 'cn-hangzhou-i')
    assert found.instance_name == instance_id and found.host_name == 'iZ%sZ' % instance_id[2:]


@pytest.mark.parametrize('settings, expected', [
    (dict(image_id='ubuntu_99_x64.vhd'), ('InvalidImageId.NotFound', 404)),
    (dict(image_id=None), ('MissingParameter', 400)),
    (dict(instance_type='ecs.nonexistent.large'), ('InvalidInstanceType.ValueNotSupported', 400)),
    (dict(image_id=UBUNTU_ARM), ('ImageNotSupportInstanceType', 403)),
    (dict(v_switch_id='vsw-bp1doesnotexist0000'), ('InvalidVSwitchId.NotFound', 404)),
    (dict(v_switch_id=None), ('MissingParameter', 400)),
    (dict(security_group_id='sg-bp1doesnotexist00'), ('InvalidSecurityGroupId.NotFound', 404)),
    (dict(key_pair_name='nobody'), ('InvalidKeyPairName.NotFound', 404)),
    (dict(user_data='not base64!'), ('InvalidUserData.Base64FormatInvalid', 400)),
    (dict(user_data=base64.b64encode(b'x' * (32 * 1024 + 1)).decode()), ('InvalidUserData.SizeExceeded', 400)),
    (dict(internet_max_bandwidth_out=101), ('InvalidInternetMaxBandwidthOut.Malformed', 400)),
    (dict(zone_id='cn-hangzhou-i'), ('InvalidParameter.Mismatch', 400)),
    (dict(amount=101), ('InvalidParam.Amount', 403)),
    (dict(instance_name='a'), ('InvalidInstanceName.Malformed', 400)),
    (dict(host_name='-bad-'), ('InvalidHostName.Malformed', 400)),
    (dict(system_disk=E.RunInstancesRequestSystemDisk(size='10')), ('InvalidSystemDiskSize.ValueNotSupported', 400)),
    (dict(system_disk=E.RunInstancesRequestSystemDisk(category='floppy')), ('InvalidSystemDiskCategory.ValueNotSupported', 400)),
    (dict(private_ip_address='10.0.9.9'), ('InvalidPrivateIpAddress', 400)),
])
def test_run_instances_is_refused_without_creating_anything(ecs, network, group, admin, settings, expected):
    marker = admin.marker()
    assert error_of(run, ecs, network[1], group, **settings) == expected
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    assert instances(ecs).total_count == 0


def test_security_group_of_another_vpc_is_refused(ecs, vpc, network):
    stranger = create_group(ecs, create_vpc(vpc, '192.168.0.0/16').vpc_id)
    assert error_of(run, ecs, network[1], stranger) == ('InvalidParameter.Mismatch', 400)


def test_dry_run_and_client_token(ecs, network, group):
    error = sdk_error(run, ecs, network[1], group, dry_run=True)
    assert (error.code, error.status_code) == ('DryRunOperation', 400)
    assert instances(ecs).total_count == 0
    first = run(ecs, network[1], group, client_token='mongo-host-1')
    again = run(ecs, network[1], group, client_token='mongo-host-1')
    assert first == again and instances(ecs).total_count == 1
    assert error_of(run, ecs, network[1], group, client_token='x' * 65) == ('InvalidClientToken.ValueNotSupported', 400)


def test_private_addresses_run_out(ecs, vpc, network, group):
    small = create_vswitch(vpc, network[0], '10.0.3.0/29', zone='cn-hangzhou-j').v_switch_id  # 8 addresses, 4 reserved
    addresses = set(instance(ecs, i).vpc_attributes.private_ip_address.ip_address[0] for i in run(ecs, small, group, amount=4))
    assert len(addresses) == 4
    assert error_of(run, ecs, small, group) == ('QuotaExceeded.PrivateIpAddress', 400)
    chosen = run(ecs, network[1], group, private_ip_address='10.0.1.77')[0]
    assert instance(ecs, chosen).vpc_attributes.private_ip_address.ip_address == ['10.0.1.77']
    assert error_of(run, ecs, network[1], group, private_ip_address='10.0.1.77') == ('InvalidPrivateIpAddress.Duplicated', 400)


def test_instance_states_follow_the_profile_delays(ecs, network, group, admin):
    admin.set_profile(delays=SLOW)
    instance_id = run(ecs, network[1], group)[0]
    assert status(ecs, instance_id) == 'Pending'
    assert error_of(delete, ecs, instance_id) == ('IncorrectInstanceStatus.Initializing', 403)
    admin.advance_clock(100)
    assert status(ecs, instance_id) == 'Starting'
    assert error_of(stop, ecs, instance_id) == ('IncorrectInstanceStatus', 403)
    admin.advance_clock(100)
    assert status(ecs, instance_id) == 'Running'
    assert instance(ecs, instance_id).start_time

    stop(ecs, instance_id, stopped_mode='StopCharging')
    assert status(ecs, instance_id) == 'Stopping'
    admin.advance_clock(100)
    found = instance(ecs, instance_id)
    assert (found.status, found.stopped_mode) == ('Stopped', 'StopCharging')
    ecs.start_instance(E.StartInstanceRequest(instance_id=instance_id))
    assert status(ecs, instance_id) == 'Starting'
    assert error_of(ecs.start_instance, E.StartInstanceRequest(instance_id=instance_id)) == ('IncorrectInstanceStatus', 403)
    admin.advance_clock(100)
    ecs.reboot_instance(E.RebootInstanceRequest(instance_id=instance_id))
    assert status(ecs, instance_id) == 'Stopping'
    admin.advance_clock(100)
    assert status(ecs, instance_id) == 'Starting'
    admin.advance_clock(100)
    statuses = ecs.describe_instance_status(E.DescribeInstanceStatusRequest(region_id=REGION, instance_id=[instance_id])).body
    assert [(s.instance_id, s.status) for s in statuses.instance_statuses.instance_status] == [(instance_id, 'Running')]

    assert error_of(delete, ecs, instance_id) == ('IncorrectInstanceStatus', 403)  # Running needs Force
    delete(ecs, instance_id, force=True)
    assert status(ecs, instance_id) == 'Stopping'  # still listed while it is released
    admin.advance_clock(100)
    assert instance(ecs, instance_id) is None
    assert error_of(ecs.describe_instance_attribute, E.DescribeInstanceAttributeRequest(instance_id=instance_id)) == \
        ('InvalidInstanceId.NotFound', 404)


def test_released_instances_free_their_address_and_vswitch(ecs, vpc, network, group):
    vswitch_id = network[2]
    instance_id = run(ecs, vswitch_id, group, internet_max_bandwidth_out=1)[0]
    error = sdk_error(delete_vswitch, vpc, vswitch_id)
    assert (error.code, error.status_code) == ('DependencyViolation', 400)
    stop(ecs, instance_id)
    delete(ecs, instance_id)  # a Stopped instance needs no Force
    delete_vswitch(vpc, vswitch_id)
    assert error_of(delete, ecs, instance_id) == ('InvalidInstanceId.NotFound', 404)


def test_describe_instances_filters_and_pages(ecs, network, group):
    web = run(ecs, network[1], group, amount=3, instance_name='web-node', tag=[E.RunInstancesRequestTag(key='tier', value='web')])
    db = run(ecs, network[2], group, instance_name='db-node', tag=[E.RunInstancesRequestTag(key='tier', value='db')])[0]
    stop(ecs, db)

    def ids(**filters):
        return sorted(i.instance_id for i in instances(ecs, **filters).instances.instance)

    assert ids(instance_ids='["%s", "%s"]' % (web[0], db)) == sorted([web[0], db])
    assert ids(v_switch_id=network[2]) == [db]
    assert ids(status='Stopped') == [db]
    assert ids(instance_name='*-node') == sorted(web + [db])
    assert ids(instance_name='web*') == sorted(web)
    assert ids(instance_name='web') == []
    assert ids(tag=[E.DescribeInstancesRequestTag(key='tier', value='web')]) == sorted(web)
    assert ids(tag=[E.DescribeInstancesRequestTag(key='tier')]) == sorted(web + [db])
    assert ids(security_group_id=group) == sorted(web + [db])

    pages = [instances(ecs, page_size=3, page_number=number) for number in (1, 2)]
    assert [len(p.instances.instance) for p in pages] == [3, 1] and pages[0].total_count == 4
    first = ecs.describe_instances(E.DescribeInstancesRequest(region_id=REGION, max_results=1)).body
    assert len(first.instances.instance) == 4 and first.next_token == ''  # MaxResults below 10 counts as 10

    assert error_of(ecs.describe_instances, E.DescribeInstancesRequest(region_id=REGION, status='Sleeping')) == \
        ('InvalidStatus.NotFound', 404)
    assert error_of(ecs.describe_instances, E.DescribeInstancesRequest(region_id=REGION, instance_ids='i-1')) == \
        ('InvalidInstanceIds.Malformed', 400)


def test_describe_instances_next_token(ecs, vpc, network, group):
    bigger = create_vswitch(vpc, network[0], '10.0.16.0/20', zone='cn-hangzhou-k').v_switch_id
    created = run(ecs, bigger, group, amount=25)
    seen, token = [], None
    while True:
        page = ecs.describe_instances(E.DescribeInstancesRequest(region_id=REGION, max_results=10, next_token=token)).body
        seen += [i.instance_id for i in page.instances.instance]
        token = page.next_token
        if not token:
            break
    assert seen == created


def test_modify_instance_attribute(ecs, network, group):
    other = create_group(ecs, network[0], 'other')
    instance_id = run(ecs, network[1], group)[0]
    ecs.modify_instance_attribute(E.ModifyInstanceAttributeRequest(instance_id=instance_id, instance_name='mongo-primary',
                                                                   description='primary', security_group_ids=[other]))
    found = instance(ecs, instance_id)
    assert (found.instance_name, found.description, found.security_group_ids.security_group_id) == ('mongo-primary', 'primary', [other])
    ecs.delete_security_group(E.DeleteSecurityGroupRequest(region_id=REGION, security_group_id=group))  # no longer in use
    new_data = base64.b64encode(b'#!/bin/sh\n').decode()
    assert error_of(ecs.modify_instance_attribute, E.ModifyInstanceAttributeRequest(instance_id=instance_id, user_data=new_data)) == \
        ('IncorrectInstanceStatus', 403)
    stop(ecs, instance_id)
    ecs.modify_instance_attribute(E.ModifyInstanceAttributeRequest(instance_id=instance_id, user_data=new_data))
    assert ecs.describe_user_data(E.DescribeUserDataRequest(region_id=REGION, instance_id=instance_id)).body.user_data == new_data
    assert error_of(ecs.modify_instance_attribute, E.ModifyInstanceAttributeRequest(
        instance_id=instance_id, security_group_ids=['sg-bp1doesnotexist00'])) == ('InvalidSecurityGroupId.NotFound', 404)


def test_batch_start_and_stop(ecs, network, group):
    running, stopped = run(ecs, network[1], group, amount=2)
    stop(ecs, stopped)
    error = sdk_error(ecs.start_instances, E.StartInstancesRequest(region_id=REGION, instance_id=[running, stopped]))
    assert (error.code, error.status_code) == ('IncorrectInstanceStatus', 403)
    assert status(ecs, stopped) == 'Stopped'  # AllTogether: nothing started
    answer = ecs.start_instances(E.StartInstancesRequest(region_id=REGION, instance_id=[running, stopped],
                                                         batch_optimization='SuccessFirst')).body
    results = {r.instance_id: (r.code, r.previous_status) for r in answer.instance_responses.instance_response}
    assert results == {running: ('IncorrectInstanceStatus', 'Running'), stopped: ('200', 'Stopped')}
    ecs.stop_instances(E.StopInstancesRequest(region_id=REGION, instance_id=[running, stopped]))
    assert [status(ecs, i) for i in (running, stopped)] == ['Stopped', 'Stopped']
    ecs.delete_instances(E.DeleteInstancesRequest(region_id=REGION, instance_id=[running, stopped]))
    assert instances(ecs).total_count == 0


# Launch templates.

def test_launch_template_versions(ecs, network, group):
    vswitch_id = network[1]
    created = create_template(ecs, version_description='first', security_group_ids=[group], v_switch_id=vswitch_id,
                              internet_max_bandwidth_out=5, user_data=base64.b64encode(b'join').decode(),
                              system_disk=E.CreateLaunchTemplateRequestSystemDisk(category='cloud_essd', size=40),
                              tag=[E.CreateLaunchTemplateRequestTag(key='role', value='origin')],
                              template_tag=[E.CreateLaunchTemplateRequestTemplateTag(key='stack', value='ams')])
    assert TEMPLATE_ID.match(created.launch_template_id) and created.launch_template_version_number == 1
    template_id = created.launch_template_id
    second = ecs.create_launch_template_version(E.CreateLaunchTemplateVersionRequest(
        region_id=REGION, launch_template_name='origin', image_id=UBUNTU, instance_type='ecs.g7.xlarge', security_group_id=group,
        v_switch_id=vswitch_id, version_description='bigger')).body
    assert (second.launch_template_id, second.launch_template_version_number) == (template_id, 2)

    listed = ecs.describe_launch_templates(E.DescribeLaunchTemplatesRequest(region_id=REGION, template_tag=[
        E.DescribeLaunchTemplatesRequestTemplateTag(key='stack', value='ams')])).body.launch_template_sets.launch_template_set
    assert [(t.launch_template_name, t.default_version_number, t.latest_version_number) for t in listed] == [('origin', 1, 2)]
    first = versions(ecs, template_id, launch_template_version=[1])[0]
    data = first.launch_template_data
    assert (first.default_version, first.version_description, data.instance_type, data.v_switch_id) == \
        (True, 'first', 'ecs.c7.xlarge', vswitch_id)
    assert (data.system_disk.category, data.system_disk.size, data.security_group_ids.security_group_id) == ('cloud_essd', 40, [group])
    assert [(t.key, t.value) for t in data.tags.instance_tag] == [('role', 'origin')]
    assert versions(ecs, template_id, detail_flag=False)[1].launch_template_data is None

    ecs.modify_launch_template_default_version(E.ModifyLaunchTemplateDefaultVersionRequest(
        region_id=REGION, launch_template_id=template_id, default_version_number=2))
    assert [v.version_number for v in versions(ecs, template_id, default_version=True)] == [2]
    ecs.create_launch_template_version(E.CreateLaunchTemplateVersionRequest(region_id=REGION, launch_template_id=template_id,
                                                                            image_id=UBUNTU, instance_type='ecs.r7.large'))
    assert [v.version_number for v in versions(ecs, template_id, min_version=2, max_version=3)] == [2, 3]

    assert error_of(ecs.delete_launch_template_version, E.DeleteLaunchTemplateVersionRequest(
        region_id=REGION, launch_template_id=template_id, delete_version=[2])) == ('InvalidOperation.DeleteDefaultVersion', 403)
    ecs.delete_launch_template_version(E.DeleteLaunchTemplateVersionRequest(region_id=REGION, launch_template_id=template_id,
                                                                            delete_version=[1]))
    assert [v.version_number for v in versions(ecs, template_id)] == [2, 3]
    deleted = ecs.delete_launch_template(E.DeleteLaunchTemplateRequest(region_id=REGION, launch_template_id=template_id)).body
    assert deleted.launch_template_version_numbers.version_numbers == [2, 3]
    assert error_of(versions, ecs, template_id) == ('InvalidLaunchTemplate.NotFound', 404)


def test_launch_template_errors(ecs, admin):
    template_id = create_template(ecs).launch_template_id
    marker = admin.marker()
    assert error_of(create_template, ecs) == ('LaunchTemplateName.Duplicated', 403)
    assert error_of(create_template, ecs, 'other', user_data='%%%') == ('InvalidUserData.Base64FormatInvalid', 400)
    assert error_of(ecs.modify_launch_template_default_version, E.ModifyLaunchTemplateDefaultVersionRequest(
        region_id=REGION, launch_template_id=template_id, default_version_number=9)) == ('InvalidLaunchTemplateVersion.NotFound', 404)
    assert error_of(ecs.create_launch_template_version, E.CreateLaunchTemplateVersionRequest(
        region_id=REGION, launch_template_id='lt-bp1doesnotexist00')) == ('InvalidLaunchTemplate.NotFound', 404)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    admin.set_profile(quotas={'ecs.versions_per_launch_template': 2})
    ecs.create_launch_template_version(E.CreateLaunchTemplateVersionRequest(region_id=REGION, launch_template_id=template_id))
    assert error_of(ecs.create_launch_template_version, E.CreateLaunchTemplateVersionRequest(
        region_id=REGION, launch_template_id=template_id)) == ('LaunchTemplateVersionLimitExceed', 403)


def test_run_instances_from_a_launch_template(ecs, network, group):
    template_id = create_template(ecs, security_group_ids=[group], v_switch_id=network[1], instance_name='origin',
                                  internet_max_bandwidth_out=5, tag=[E.CreateLaunchTemplateRequestTag(key='role', value='origin')]
                                  ).launch_template_id
    ecs.create_launch_template_version(E.CreateLaunchTemplateVersionRequest(
        region_id=REGION, launch_template_id=template_id, image_id=UBUNTU, instance_type='ecs.g7.2xlarge',
        security_group_id=group, v_switch_id=network[2]))
    from_default = instance(ecs, run(ecs, None, None, image_id=None, instance_type=None, launch_template_id=template_id)[0])
    assert (from_default.instance_type, from_default.zone_id, from_default.instance_name) == ('ecs.c7.xlarge', 'cn-hangzhou-h', 'origin')
    assert from_default.public_ip_address.ip_address and [(t.tag_key, t.tag_value) for t in from_default.tags.tag] == [('role', 'origin')]
    from_two = instance(ecs, run(ecs, None, None, image_id=None, instance_type=None, launch_template_name='origin',
                                 launch_template_version=2, instance_name='override')[0])
    assert (from_two.instance_type, from_two.zone_id, from_two.instance_name) == ('ecs.g7.2xlarge', 'cn-hangzhou-i', 'override')
    assert error_of(run, ecs, None, None, launch_template_id=template_id, launch_template_version=7) == \
        ('InvalidLaunchTemplateVersion.NotFound', 404)
    assert error_of(run, ecs, None, None, launch_template_id='lt-bp1doesnotexist00') == ('InvalidLaunchTemplate.NotFound', 404)


# Images and instance types.

def test_image_catalogue(ecs, network, group):
    def images(**filters):
        found = ecs.describe_images(E.DescribeImagesRequest(region_id=REGION, page_size=100, **filters)).body.images.image
        return [i.image_id for i in found]

    default = images()
    assert UBUNTU in default and not any(i.startswith('m-') for i in default)  # no marketplace image unless asked
    marketplace = ecs.describe_images(E.DescribeImagesRequest(region_id=REGION, image_owner_alias='marketplace')).body.images.image
    assert [(i.image_name.startswith('Ant Media Server Enterprise'), i.image_owner_alias, i.ostype) for i in marketplace] == \
        [(True, 'marketplace', 'linux')]
    assert re.match(r'^m-bp1[a-z0-9]+$', marketplace[0].image_id)
    assert sorted(images(image_name='ubuntu_22_04*')) == sorted([UBUNTU, UBUNTU_ARM])
    assert images(image_name='debian_12') == ['debian_12_6_x64_20G_alibase_20240819.vhd']
    assert all('arm64' in i for i in images(architecture='arm64')) and len(images(architecture='arm64')) == 2
    assert images(ostype='windows') == []
    assert UBUNTU_ARM not in images(instance_type='ecs.g7.large')
    assert images(image_id=UBUNTU, usage='instance') == []
    run(ecs, network[1], group)
    assert images(image_id=UBUNTU, usage='instance') == [UBUNTU]
    assert error_of(ecs.describe_images, E.DescribeImagesRequest(region_id=REGION, image_owner_alias='friends')) == \
        ('InvalidImageOwnerAlias.ValueNotSupported', 400)
    assert error_of(ecs.describe_images, E.DescribeImagesRequest(region_id=REGION, architecture='mips')) == ('InvalidArchitecture', 404)


def test_instance_types(ecs):
    def types(**filters):
        found = ecs.describe_instance_types(E.DescribeInstanceTypesRequest(**filters)).body.instance_types.instance_type
        return {t.instance_type_id: (t.cpu_core_count, t.memory_size) for t in found}

    assert types(instance_types=['ecs.g7.large', 'ecs.c7.xlarge']) == {'ecs.g7.large': (2, 8.0), 'ecs.c7.xlarge': (4, 8.0)}
    assert set(types(instance_type_family='ecs.r7')) == {'ecs.r7.large', 'ecs.r7.xlarge'}
    assert set(types(minimum_cpu_core_count=8)) == {'ecs.g7.2xlarge', 'ecs.c7.2xlarge'}
    assert set(types(minimum_memory_size=32.0)) == {'ecs.g7.2xlarge', 'ecs.r7.xlarge'}
    assert set(types(cpu_architecture='ARM')) == {'ecs.g8y.large', 'ecs.g8y.xlarge'}


# Tags.

def test_tags_on_every_resource_type(ecs, network, group, keys):
    key, _ = keys['ed25519']
    ecs.import_key_pair(E.ImportKeyPairRequest(region_id=REGION, key_pair_name='admin', public_key_body=key))
    resources = {'instance': run(ecs, network[1], group)[0], 'securitygroup': group, 'keypair': 'admin',
                 'launchtemplate': create_template(ecs).launch_template_id}
    for resource_type, resource_id in resources.items():
        ecs.tag_resources(E.TagResourcesRequest(region_id=REGION, resource_type=resource_type, resource_id=[resource_id], tag=[
            E.TagResourcesRequestTag(key='env', value='test'), E.TagResourcesRequestTag(key='owner', value='ops')]))
        ecs.untag_resources(E.UntagResourcesRequest(region_id=REGION, resource_type=resource_type, resource_id=[resource_id],
                                                    tag_key=['owner']))
        listed = ecs.list_tag_resources(E.ListTagResourcesRequest(region_id=REGION, resource_type=resource_type,
                                                                  resource_id=[resource_id])).body.tag_resources.tag_resource
        assert [(t.resource_id, t.resource_type, t.tag_key, t.tag_value) for t in listed] == [(resource_id, resource_type, 'env', 'test')]
    tag_filter = [E.DescribeSecurityGroupsRequestTag(key='env', value='test')]
    assert [g.security_group_id for g in ecs.describe_security_groups(E.DescribeSecurityGroupsRequest(
        region_id=REGION, tag=tag_filter)).body.security_groups.security_group] == [group]
    assert [k.key_pair_name for k in ecs.describe_key_pairs(E.DescribeKeyPairsRequest(
        region_id=REGION, tag=[E.DescribeKeyPairsRequestTag(key='env', value='test')])).body.key_pairs.key_pair] == ['admin']
    assert instances(ecs, tag=[E.DescribeInstancesRequestTag(key='env', value='prod')]).total_count == 0
    ecs.untag_resources(E.UntagResourcesRequest(region_id=REGION, resource_type='securitygroup', resource_id=[group], all=True))
    assert ecs.list_tag_resources(E.ListTagResourcesRequest(region_id=REGION, resource_type='securitygroup',
                                                            resource_id=[group])).body.tag_resources.tag_resource == []


def test_list_tag_resources_filters_and_pages(ecs, network):
    groups = [create_group(ecs, network[0], 'g%d' % index) for index in range(30)]
    for index, group_id in enumerate(groups):
        ecs.tag_resources(E.TagResourcesRequest(region_id=REGION, resource_type='securitygroup', resource_id=[group_id], tag=[
            E.TagResourcesRequestTag(key='env', value='prod' if index % 2 else 'test'),
            E.TagResourcesRequestTag(key='n', value=str(index))]))
    rows, token = [], None
    while True:
        page = ecs.list_tag_resources(E.ListTagResourcesRequest(region_id=REGION, resource_type='securitygroup', next_token=token,
                                                                tag=[E.ListTagResourcesRequestTag(key='env')])).body
        rows += page.tag_resources.tag_resource
        token = page.next_token
        if not token:
            break
    assert len(rows) == 60 and len(set((r.resource_id, r.tag_key) for r in rows)) == 60
    prod = ecs.list_tag_resources(E.ListTagResourcesRequest(region_id=REGION, resource_type='securitygroup', tag_filter=[
        E.ListTagResourcesRequestTagFilter(tag_key='env', tag_values=['prod'])])).body.tag_resources.tag_resource
    assert sorted(set(r.resource_id for r in prod)) == sorted(groups[1::2])


def test_tagging_errors(ecs, group):
    def tag_request(resource_type='securitygroup', resource_id=group, *pairs):
        tags_ = [E.TagResourcesRequestTag(key=k, value=v) for k, v in (pairs or [('a', 'b')])]
        return E.TagResourcesRequest(region_id=REGION, resource_type=resource_type, resource_id=[resource_id], tag=tags_)

    assert error_of(ecs.tag_resources, tag_request('disk')) == ('InvalidResourceType.NotFound', 404)
    assert error_of(ecs.tag_resources, tag_request('instance', 'i-bp1doesnotexist00')) == ('InvalidResourceId.NotFound', 404)
    assert error_of(ecs.tag_resources, tag_request('securitygroup', group, ('acs:x', 'y'))) == ('InvalidTagKey.Malformed', 400)
    assert error_of(ecs.tag_resources, tag_request('securitygroup', group, ('k', '1'), ('k', '2'))) == ('Duplicate.TagKey', 400)
    assert error_of(ecs.list_tag_resources, E.ListTagResourcesRequest(region_id=REGION, resource_type='instance')) == \
        ('MissingParameter', 400)


# Regions and restarts.

def test_instances_are_regional(emulator_server, ecs):
    shanghai_vpc = emulator_server.client('vpc', region='cn-shanghai')
    shanghai = emulator_server.client('ecs', region='cn-shanghai', region_header=True)
    vpc_id = create_vpc(shanghai_vpc, '10.9.0.0/16', region='cn-shanghai').vpc_id
    vswitch_id = create_vswitch(shanghai_vpc, vpc_id, '10.9.1.0/24', zone='cn-shanghai-b', region='cn-shanghai').v_switch_id
    group_id = shanghai.create_security_group(E.CreateSecurityGroupRequest(region_id='cn-shanghai', vpc_id=vpc_id)).body.security_group_id
    instance_id = run(shanghai, vswitch_id, group_id, region_id='cn-shanghai')[0]
    assert instance_id.startswith('i-uf6')
    # Actions without RegionId take the region from the x-emulator-region header (cn-hangzhou without it).
    assert shanghai.describe_instance_attribute(E.DescribeInstanceAttributeRequest(instance_id=instance_id)).body.zone_id == 'cn-shanghai-b'
    assert error_of(ecs.describe_instance_attribute, E.DescribeInstanceAttributeRequest(instance_id=instance_id)) == \
        ('InvalidInstanceId.NotFound', 404)
    assert instances(ecs).total_count == 0
    assert error_of(run, ecs, vswitch_id, group_id) == ('InvalidVSwitchId.NotFound', 404)


def test_pending_transitions_survive_a_restart(emulator_server, ecs, network, group, admin):
    admin.set_profile(delays=SLOW)
    instance_id = run(ecs, network[1], group)[0]
    authorize(ecs, group, permission(ports='27017/27017'))
    emulator_server.restart()
    client = emulator_server.client('ecs')
    assert status(client, instance_id) == 'Pending'
    emulator_server.admin.advance_clock(200)
    assert status(client, instance_id) == 'Running'
    authorize(client, group, permission(ports='27017/27017'))  # still recognised as the same rule after the restart
    assert rule_keys(client, group) == [('ingress', 'TCP', '27017/27017', '10.0.0.0/16')]

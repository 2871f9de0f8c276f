"""ALB 2020-06-16 through the unmodified SDK: load balancers, server groups, backends, listeners, jobs, tags."""

import ipaddress
import re

import pytest

from emulator.testing import sdk_models
from emulator.tests.conftest import sdk_error
from emulator.tests.helpers import create_vpc, create_vswitch, delete_vswitch
from emulator.tests.test_cas import C, pair, upload

A = sdk_models('alb')
LB_ID = re.compile(r'^alb-[a-z0-9]{18}$')
ZONES = ('cn-hangzhou-h', 'cn-hangzhou-i')


@pytest.fixture
def alb(emulator_server):
    return emulator_server.client('alb', region_header=True)


@pytest.fixture
def network(vpc):
    """(vpc id, [(zone, vswitch id)]) of a VPC with a vSwitch in each of two zones, and one in a third zone."""
    vpc_id = create_vpc(vpc, '10.0.0.0/16').vpc_id
    vswitches = [(zone, create_vswitch(vpc, vpc_id, '10.0.%d.0/24' % index, zone=zone).v_switch_id)
                 for index, zone in enumerate(ZONES + ('cn-hangzhou-j',))]
    return vpc_id, vswitches


def mappings(vswitches):
    return [A.CreateLoadBalancerRequestZoneMappings(zone_id=zone, v_switch_id=vswitch) for zone, vswitch in vswitches]


def create_lb(client, network, name='ams-alb', zones=2, **extra):
    vpc_id, vswitches = network
    settings = dict(vpc_id=vpc_id, address_type='Internet', load_balancer_edition='Standard',
                    load_balancer_name=name, zone_mappings=mappings(vswitches[:zones]),
                    load_balancer_billing_config=A.CreateLoadBalancerRequestLoadBalancerBillingConfig(
                        pay_type='PostPay'))
    settings.update(extra)
    return client.create_load_balancer(A.CreateLoadBalancerRequest(**settings)).body


def lb_attribute(client, load_balancer_id):
    return client.get_load_balancer_attribute(A.GetLoadBalancerAttributeRequest(load_balancer_id=load_balancer_id)).body


def load_balancers(client, **filters):
    return client.list_load_balancers(A.ListLoadBalancersRequest(**filters)).body


def health_check(**settings):
    return A.CreateServerGroupRequestHealthCheckConfig(health_check_enabled=settings.pop('enabled', True), **settings)


def create_group(client, vpc_id, name='origin', **extra):
    extra.setdefault('health_check_config', health_check())
    request = A.CreateServerGroupRequest(server_group_name=name, vpc_id=vpc_id, **extra)
    return client.create_server_group(request).body


def groups(client, **filters):
    return client.list_server_groups(A.ListServerGroupsRequest(**filters)).body


def forward_to(*server_group_ids, model='CreateListenerRequest'):
    tuples = [getattr(A, model + 'DefaultActionsForwardGroupConfigServerGroupTuples')(server_group_id=group_id)
              for group_id in server_group_ids]
    config = getattr(A, model + 'DefaultActionsForwardGroupConfig')(server_group_tuples=tuples)
    return [getattr(A, model + 'DefaultActions')(type='ForwardGroup', forward_group_config=config)]


def create_listener(client, load_balancer_id, group_id, port=80, protocol='HTTP', **extra):
    request = A.CreateListenerRequest(load_balancer_id=load_balancer_id, listener_port=port,
                                      listener_protocol=protocol, default_actions=forward_to(group_id), **extra)
    return client.create_listener(request).body


def listener_attribute(client, listener_id):
    return client.get_listener_attribute(A.GetListenerAttributeRequest(listener_id=listener_id)).body


def jobs(client, **filters):
    return client.list_asyn_jobs(A.ListAsynJobsRequest(**filters)).body.jobs


def servers(client, server_group_id, **extra):
    return client.list_server_group_servers(A.ListServerGroupServersRequest(server_group_id=server_group_id,
                                                                            **extra)).body


def ip_servers(*addresses, port=5080, model='AddServersToServerGroupRequestServers'):
    return [getattr(A, model)(server_id=address, server_type='Ip', port=port) for address in addresses]


# Load balancers.

def test_load_balancer_lifecycle(alb, network):
    vpc_id, vswitches = network
    tag = A.CreateLoadBalancerRequestTag(key='app', value='ams')
    created = create_lb(alb, network, tag=[tag])
    lb_id = created.load_balancer_id
    assert LB_ID.match(lb_id)

    found = lb_attribute(alb, lb_id)
    assert (found.load_balancer_status, found.load_balancer_bussiness_status, found.dnsname) == \
        ('Active', 'Normal', '%s.cn-hangzhou.alb.aliyuncs.com' % lb_id)
    assert (found.vpc_id, found.address_type, found.load_balancer_edition, found.region_id) == \
        (vpc_id, 'Internet', 'Standard', 'cn-hangzhou')
    assert found.load_balancer_billing_config.pay_type == 'PostPay'
    assert found.deletion_protection_config.enabled is False
    assert [(t.key, t.value) for t in found.tags] == [('app', 'ams')]
    assert [(z.zone_id, z.v_switch_id, z.status) for z in found.zone_mappings] == \
        [(zone, vswitch, 'Active') for zone, vswitch in vswitches[:2]]
    for zone, index in zip(found.zone_mappings, range(2)):
        private = ipaddress.ip_address(zone.load_balancer_addresses[0].intranet_address)
        assert private in ipaddress.ip_network('10.0.%d.0/24' % index)
        assert zone.load_balancer_addresses[0].address != zone.load_balancer_addresses[0].intranet_address

    listed = load_balancers(alb, load_balancer_ids=[lb_id])
    assert (listed.total_count, [lb.load_balancer_name for lb in listed.load_balancers]) == (1, ['ams-alb'])
    assert load_balancers(alb, load_balancer_names=['ams-alb']).total_count == 1
    assert load_balancers(alb, vpc_ids=[vpc_id], load_balancer_status='Active').total_count == 1
    assert load_balancers(alb, load_balancer_names=['other']).total_count == 0

    job_id = alb.update_load_balancer_attribute(A.UpdateLoadBalancerAttributeRequest(
        load_balancer_id=lb_id, load_balancer_name='renamed')).body.job_id
    assert [(j.id, j.api_name, j.resource_id, j.status) for j in jobs(alb, job_ids=[job_id])] == \
        [(job_id, 'UpdateLoadBalancerAttribute', lb_id, 'Succeeded')]
    assert lb_attribute(alb, lb_id).load_balancer_name == 'renamed'

    job_id = alb.delete_load_balancer(A.DeleteLoadBalancerRequest(load_balancer_id=lb_id)).body.job_id
    assert jobs(alb, job_ids=[job_id], resource_type='loadbalancer')[0].operate_type == 'Delete'
    error = sdk_error(lb_attribute, alb, lb_id)
    assert (error.code, error.status_code) == ('ResourceNotFound.LoadBalancer', 404)
    assert load_balancers(alb).total_count == 0


def test_the_load_balancer_holds_its_vswitches_until_deleted(alb, vpc, network):
    lb_id = create_lb(alb, network).load_balancer_id
    first_vswitch = network[1][0][1]
    error = sdk_error(delete_vswitch, vpc, first_vswitch)
    assert error.code == 'DependencyViolation'
    alb.delete_load_balancer(A.DeleteLoadBalancerRequest(load_balancer_id=lb_id))
    delete_vswitch(vpc, first_vswitch)


@pytest.mark.parametrize('case, code, status', [
    ('one zone', 'InvalidParameter', 400),
    ('same zone twice', 'DuplicatedParam.ZoneId', 400),
    ('vswitch of another zone', 'Mismatch.ZoneIdAndVSwitchId', 400),
    ('unknown vswitch', 'ResourceNotFound.VSwitch', 404),
    ('unknown vpc', 'ResourceNotFound.Vpc', 404),
    ('bad address type', 'InvalidParameter', 400),
    ('bad edition', 'InvalidParameter', 400),
    ('bad pay type', 'InvalidParameter', 400),
    ('bad name', 'InvalidParameter', 400),
])
def test_create_load_balancer_is_refused_without_creating_anything(alb, network, emulator_server, case, code, status):
    (zone_h, vsw_h), (zone_i, vsw_i), _ = network[1]
    extra = {
        'one zone': dict(zones=1),
        'same zone twice': dict(zone_mappings=mappings([(zone_h, vsw_h), (zone_h, vsw_h)])),
        'vswitch of another zone': dict(zone_mappings=mappings([(zone_h, vsw_h), ('cn-hangzhou-j', vsw_i)])),
        'unknown vswitch': dict(zone_mappings=mappings([(zone_h, vsw_h), (zone_i, 'vsw-bp1doesnotexist0000')])),
        'unknown vpc': dict(vpc_id='vpc-bp1doesnotexist0000'),
        'bad address type': dict(address_type='Public'),
        'bad edition': dict(load_balancer_edition='Premium'),
        'bad pay type': dict(load_balancer_billing_config=A.CreateLoadBalancerRequestLoadBalancerBillingConfig(
            pay_type='PrePay')),
        'bad name': dict(name='-starts-with-a-dash'),
    }[case]
    marker = emulator_server.admin.marker()
    error = sdk_error(create_lb, alb, network, **extra)
    assert (error.code, error.status_code) == (code, status)
    assert load_balancers(alb).total_count == 0
    assert emulator_server.admin.counts(since=marker)['mutating_succeeded'] == 0


def test_required_parameters(alb, network):
    vpc_id, vswitches = network
    error = sdk_error(alb.create_load_balancer, A.CreateLoadBalancerRequest(
        vpc_id=vpc_id, address_type='Internet', zone_mappings=mappings(vswitches[:2]),
        load_balancer_billing_config=A.CreateLoadBalancerRequestLoadBalancerBillingConfig(pay_type='PostPay')))
    assert (error.code, error.status_code) == ('MissingLoadBalancerEdition', 400)


def test_dry_run_checks_everything_and_creates_nothing(alb, network):
    error = sdk_error(create_lb, alb, network, dry_run=True)
    assert (error.code, error.status_code) == ('DryRunOperation', 400)
    error = sdk_error(create_lb, alb, network, zones=1, dry_run=True)
    assert error.code == 'InvalidParameter'
    assert load_balancers(alb).total_count == 0


def test_client_token_makes_create_idempotent(alb, network):
    first = create_lb(alb, network, client_token='lb-token')
    again = create_lb(alb, network, client_token='lb-token')
    assert again.load_balancer_id == first.load_balancer_id
    assert load_balancers(alb).total_count == 1
    error = sdk_error(create_lb, alb, network, name='other', client_token='lb-token')
    assert error.code == 'IdempotentParameterMismatch'


def test_provisioning_takes_the_profile_delay(alb, network, admin):
    admin.set_profile(delays={'alb.lb_provisioning': 60})
    lb_id = create_lb(alb, network).load_balancer_id
    found = lb_attribute(alb, lb_id)
    assert found.load_balancer_status == 'Provisioning'
    assert {z.status for z in found.zone_mappings} == {'Starting'}
    error = sdk_error(alb.update_load_balancer_attribute, A.UpdateLoadBalancerAttributeRequest(
        load_balancer_id=lb_id, load_balancer_name='too-early'))
    assert error.code == 'IncorrectStatus.LoadBalancer'
    error = sdk_error(alb.delete_load_balancer, A.DeleteLoadBalancerRequest(load_balancer_id=lb_id))
    assert error.code == 'IncorrectStatus.LoadBalancer'
    admin.advance_clock(61)
    assert lb_attribute(alb, lb_id).load_balancer_status == 'Active'


def test_updates_and_deletion_run_as_jobs(alb, network, admin):
    lb_id = create_lb(alb, network).load_balancer_id
    admin.set_profile(delays={'alb.lb_configuring': 30, 'alb.lb_deleting': 30})
    job_id = alb.update_load_balancer_attribute(A.UpdateLoadBalancerAttributeRequest(
        load_balancer_id=lb_id, load_balancer_name='slow')).body.job_id
    assert jobs(alb, job_ids=[job_id])[0].status == 'Processing'
    assert lb_attribute(alb, lb_id).load_balancer_status == 'Configuring'
    admin.advance_clock(31)
    job = jobs(alb, job_ids=[job_id])[0]
    assert job.status == 'Succeeded' and job.modify_time >= job.create_time + 30000
    assert lb_attribute(alb, lb_id).load_balancer_status == 'Active'

    job_id = alb.delete_load_balancer(A.DeleteLoadBalancerRequest(load_balancer_id=lb_id)).body.job_id
    assert lb_attribute(alb, lb_id).load_balancer_id == lb_id  # still there while the job runs
    error = sdk_error(alb.delete_load_balancer, A.DeleteLoadBalancerRequest(load_balancer_id=lb_id))
    assert error.code == 'IncorrectStatus.LoadBalancer'
    admin.advance_clock(31)
    assert jobs(alb, job_ids=[job_id])[0].status == 'Succeeded'
    assert sdk_error(lb_attribute, alb, lb_id).code == 'ResourceNotFound.LoadBalancer'


def test_the_realistic_profile_provisions_in_minutes_and_survives_a_restart(alb, network, admin, emulator_server):
    admin.set_profile('realistic')
    assert admin.profile()['delays']['alb.lb_provisioning'] == 120.0
    lb_id = create_lb(alb, network).load_balancer_id
    group = create_group(alb, network[0])
    emulator_server.restart()
    alb = emulator_server.client('alb', region_header=True)
    admin = emulator_server.admin
    assert jobs(alb, job_ids=[group.job_id])[0].status == 'Processing'
    admin.advance_clock(6)  # the server group takes 5 s, the load balancer two minutes
    assert jobs(alb, job_ids=[group.job_id])[0].status == 'Succeeded'
    assert lb_attribute(alb, lb_id).load_balancer_status == 'Provisioning'
    admin.advance_clock(115)
    assert lb_attribute(alb, lb_id).load_balancer_status == 'Active'


def test_deletion_protection(alb, network):
    lb_id = create_lb(alb, network, deletion_protection_enabled=True).load_balancer_id
    protection = lb_attribute(alb, lb_id).deletion_protection_config
    assert protection.enabled is True and re.match(r'^\d{4}-\d\d-\d\dT', protection.enabled_time)
    error = sdk_error(alb.delete_load_balancer, A.DeleteLoadBalancerRequest(load_balancer_id=lb_id))
    assert (error.code, error.status_code) == ('OperationDenied.DeletionProtectionEnabled', 400)
    alb.disable_deletion_protection(A.DisableDeletionProtectionRequest(resource_id=lb_id))
    assert lb_attribute(alb, lb_id).deletion_protection_config.enabled is False
    alb.enable_deletion_protection(A.EnableDeletionProtectionRequest(resource_id=lb_id))
    assert sdk_error(alb.delete_load_balancer, A.DeleteLoadBalancerRequest(load_balancer_id=lb_id)).code == \
        'OperationDenied.DeletionProtectionEnabled'
    alb.disable_deletion_protection(A.DisableDeletionProtectionRequest(resource_id=lb_id))
    alb.delete_load_balancer(A.DeleteLoadBalancerRequest(load_balancer_id=lb_id))
    error = sdk_error(alb.enable_deletion_protection, A.EnableDeletionProtectionRequest(resource_id=lb_id))
    assert (error.code, error.status_code) == ('ResourceNotFound.LoadBalancer', 404)


def test_list_load_balancers_pages_with_next_token(alb, network):
    created = [create_lb(alb, network, name='lb-%d' % n).load_balancer_id for n in range(5)]
    seen, token, calls = [], None, 0
    while True:
        body = load_balancers(alb, max_results=2, next_token=token)
        assert body.total_count == 5 and body.max_results == 2
        seen.extend(lb.load_balancer_id for lb in body.load_balancers)
        calls += 1
        token = body.next_token
        if not token:
            break
    assert (seen, calls) == (created, 3)
    assert load_balancers(alb).max_results == 20
    assert sdk_error(load_balancers, alb, max_results=101).code == 'InvalidMaxResults'
    assert sdk_error(load_balancers, alb, next_token='bogus').code == 'InvalidNextToken'


def test_load_balancer_quota(alb, network, admin):
    admin.set_profile(quotas={'alb.load_balancers_per_region': 1})
    create_lb(alb, network)
    assert sdk_error(create_lb, alb, network).code == 'QuotaExceeded.LoadBalancersNum'


def test_load_balancers_are_regional(alb, network, emulator_server):
    lb_id = create_lb(alb, network).load_balancer_id
    shanghai = emulator_server.client('alb', region='cn-shanghai', region_header=True)
    assert load_balancers(shanghai).total_count == 0
    assert sdk_error(lb_attribute, shanghai, lb_id).code == 'ResourceNotFound.LoadBalancer'


# Server groups.

def test_server_group_lifecycle(alb, network):
    vpc_id = network[0]
    created = create_group(alb, vpc_id, 'origin', protocol='HTTP', scheduler='Wlc',
                           health_check_config=health_check(health_check_path='/LiveApp/rest/v2/version',
                                                            health_check_connect_port=5080,
                                                            health_check_codes=['http_2xx']),
                           sticky_session_config=A.CreateServerGroupRequestStickySessionConfig(
                               sticky_session_enabled=True, sticky_session_type='Insert', cookie_timeout=3600),
                           tag=[A.CreateServerGroupRequestTag(key='tier', value='origin')])
    assert re.match(r'^sgp-[a-z0-9]{18}$', created.server_group_id)
    assert jobs(alb, job_ids=[created.job_id])[0].api_name == 'CreateServerGroup'

    found = groups(alb, server_group_ids=[created.server_group_id]).server_groups[0]
    assert (found.server_group_name, found.server_group_status, found.server_group_type, found.protocol,
            found.scheduler, found.vpc_id, found.server_count) == \
        ('origin', 'Available', 'Instance', 'HTTP', 'Wlc', vpc_id, 0)
    check = found.health_check_config
    assert (check.health_check_enabled, check.health_check_path, check.health_check_connect_port,
            check.health_check_codes, check.health_check_interval, check.healthy_threshold,
            check.health_check_method) == (True, '/LiveApp/rest/v2/version', 5080, ['http_2xx'], 2, 3, 'HEAD')
    sticky = found.sticky_session_config
    assert (sticky.sticky_session_enabled, sticky.sticky_session_type, sticky.cookie_timeout) == (True, 'Insert', 3600)
    assert [(t.key, t.value) for t in found.tags] == [('tier', 'origin')]

    job_id = alb.update_server_group_attribute(A.UpdateServerGroupAttributeRequest(
        server_group_id=created.server_group_id, server_group_name='origin-2',
        health_check_config=A.UpdateServerGroupAttributeRequestHealthCheckConfig(health_check_interval=5))).body.job_id
    assert jobs(alb, job_ids=[job_id])[0].status == 'Succeeded'
    updated = groups(alb, server_group_ids=[created.server_group_id]).server_groups[0]
    assert (updated.server_group_name, updated.health_check_config.health_check_interval,
            updated.health_check_config.health_check_path) == ('origin-2', 5, '/LiveApp/rest/v2/version')

    alb.delete_server_group(A.DeleteServerGroupRequest(server_group_id=created.server_group_id))
    assert groups(alb).total_count == 0
    error = sdk_error(alb.delete_server_group, A.DeleteServerGroupRequest(server_group_id=created.server_group_id))
    assert (error.code, error.status_code) == ('ResourceNotFound.ServerGroup', 404)


def test_server_group_filters(alb, network):
    vpc_id = network[0]
    origin = create_group(alb, vpc_id, 'origin', tag=[A.CreateServerGroupRequestTag(key='tier', value='origin')])
    edge = create_group(alb, vpc_id, 'edge', server_group_type='Ip')
    assert [g.server_group_id for g in groups(alb, server_group_names=['edge']).server_groups] == \
        [edge.server_group_id]
    assert [g.server_group_id for g in groups(alb, server_group_type='Instance').server_groups] == \
        [origin.server_group_id]
    tagged = groups(alb, tag=[A.ListServerGroupsRequestTag(key='tier', value='origin')]).server_groups
    assert [g.server_group_id for g in tagged] == [origin.server_group_id]
    assert groups(alb, vpc_id=vpc_id).total_count == 2


def test_server_group_creation_takes_the_creating_delay(alb, network, admin):
    admin.set_profile(delays={'alb.servergroup_creating': 10})
    created = create_group(alb, network[0])
    assert groups(alb).server_groups[0].server_group_status == 'Creating'
    assert jobs(alb, job_ids=[created.job_id])[0].status == 'Processing'
    error = sdk_error(alb.delete_server_group, A.DeleteServerGroupRequest(server_group_id=created.server_group_id))
    assert error.code == 'IncorrectStatus.ServerGroup'
    admin.advance_clock(11)
    assert groups(alb).server_groups[0].server_group_status == 'Available'
    assert jobs(alb, job_ids=[created.job_id])[0].status == 'Succeeded'


@pytest.mark.parametrize('settings, code', [
    (dict(health_check_config=health_check(health_check_interval=51)), 'InvalidParameter'),
    (dict(health_check_config=health_check(healthy_threshold=1)), 'InvalidParameter'),
    (dict(health_check_config=health_check(health_check_path='no-slash')), 'InvalidParameter'),
    (dict(health_check_config=health_check(health_check_codes=['http_6xx'])), 'InvalidParameter'),
    (dict(protocol='UDP'), 'InvalidParameter'),
    (dict(scheduler='Random'), 'InvalidParameter'),
    (dict(sticky_session_config=A.CreateServerGroupRequestStickySessionConfig(
        sticky_session_enabled=True, sticky_session_type='Server')), 'InvalidParameter'),
    (dict(vpc_id='vpc-bp1doesnotexist0000'), 'ResourceNotFound.Vpc'),
    (dict(vpc_id=''), 'MissingVpcId'),
])
def test_create_server_group_is_refused(alb, network, settings, code):
    vpc_id = settings.pop('vpc_id', network[0])
    error = sdk_error(create_group, alb, vpc_id, **settings)
    assert error.code == code
    assert groups(alb).total_count == 0


def test_missing_health_check_config_is_refused(alb, network):
    error = sdk_error(alb.create_server_group, A.CreateServerGroupRequest(server_group_name='x', vpc_id=network[0]))
    assert error.code == 'MissingHealthCheckConfig'


# Backends (Ip server groups need no ECS instance).

def test_backends_are_added_listed_and_removed(alb, network, admin):
    group_id = create_group(alb, network[0], 'ips', server_group_type='Ip').server_group_id
    admin.set_profile(delays={'alb.backend_adding': 10, 'alb.backend_removing': 10})
    job_id = alb.add_servers_to_server_group(A.AddServersToServerGroupRequest(
        server_group_id=group_id, servers=ip_servers('10.0.0.10', '10.0.1.10'))).body.job_id
    listed = servers(alb, group_id)
    assert [(s.server_id, s.server_ip, s.port, s.weight, s.status, s.server_group_id) for s in listed.servers] == \
        [('10.0.0.10', '10.0.0.10', 5080, 100, 'Adding', group_id), ('10.0.1.10', '10.0.1.10', 5080, 100, 'Adding',
                                                                     group_id)]
    assert groups(alb).server_groups[0].server_group_status == 'Configuring'
    error = sdk_error(alb.add_servers_to_server_group, A.AddServersToServerGroupRequest(
        server_group_id=group_id, servers=ip_servers('10.0.2.10')))
    assert error.code == 'IncorrectStatus.ServerGroup'
    admin.advance_clock(11)
    assert jobs(alb, job_ids=[job_id])[0].status == 'Succeeded'
    assert {s.status for s in servers(alb, group_id).servers} == {'Available'}
    assert groups(alb).server_groups[0].server_count == 2

    error = sdk_error(alb.add_servers_to_server_group, A.AddServersToServerGroupRequest(
        server_group_id=group_id, servers=ip_servers('10.0.0.10')))
    assert error.code == 'Conflict.BackendServer'
    assert [s.server_id for s in servers(alb, group_id, server_ids=['10.0.1.10']).servers] == ['10.0.1.10']

    remove = A.RemoveServersFromServerGroupRequest(server_group_id=group_id, servers=ip_servers(
        '10.0.0.10', model='RemoveServersFromServerGroupRequestServers'))
    alb.remove_servers_from_server_group(remove)
    assert [s.status for s in servers(alb, group_id).servers] == ['Removing', 'Available']
    admin.advance_clock(11)
    assert [s.server_id for s in servers(alb, group_id).servers] == ['10.0.1.10']
    error = sdk_error(alb.remove_servers_from_server_group, remove)
    assert (error.code, error.status_code) == ('ResourceNotFound.BackendServer', 404)


@pytest.mark.parametrize('entries, code', [
    ([A.AddServersToServerGroupRequestServers(server_id='10.0.0.1', server_type='Ip', port=80)] * 2,
     'DuplicatedParam.BackendServer'),
    ([A.AddServersToServerGroupRequestServers(server_id='i-bp1whatever', server_type='Ecs', port=80)],
     'Mismatch.ServerType'),
    ([A.AddServersToServerGroupRequestServers(server_id='not-an-ip', server_type='Ip', port=80)],
     'IllegalParam.ServerIp'),
    ([A.AddServersToServerGroupRequestServers(server_id='10.0.0.1', server_type='Ip', port=70000)],
     'InvalidParameter'),
    ([A.AddServersToServerGroupRequestServers(server_id='10.0.0.1', server_type='Ip', port=80, weight=101)],
     'InvalidParameter'),
])
def test_bad_backends_are_refused(alb, network, entries, code):
    group_id = create_group(alb, network[0], 'ips', server_group_type='Ip').server_group_id
    error = sdk_error(alb.add_servers_to_server_group, A.AddServersToServerGroupRequest(
        server_group_id=group_id, servers=entries))
    assert error.code == code
    assert servers(alb, group_id).total_count == 0


def test_backend_listing_pages(alb, network):
    group_id = create_group(alb, network[0], 'ips', server_group_type='Ip').server_group_id
    addresses = ['10.0.0.%d' % n for n in range(1, 6)]
    alb.add_servers_to_server_group(A.AddServersToServerGroupRequest(server_group_id=group_id,
                                                                     servers=ip_servers(*addresses)))
    first = servers(alb, group_id, max_results=3)
    second = servers(alb, group_id, max_results=3, next_token=first.next_token)
    assert (first.total_count, second.next_token) == (5, '')
    assert [s.server_id for s in first.servers + second.servers] == addresses


# Listeners.

@pytest.fixture
def active_lb(alb, network):
    return create_lb(alb, network).load_balancer_id


def test_listener_lifecycle(alb, network, active_lb):
    group_id = create_group(alb, network[0]).server_group_id
    created = create_listener(alb, active_lb, group_id, 80, listener_description='publishers',
                              idle_timeout=30, request_timeout=120,
                              xforwarded_for_config=A.CreateListenerRequestXForwardedForConfig(
                                  xforwarded_for_proto_enabled=True),
                              tag=[A.CreateListenerRequestTag(key='app', value='ams')])
    assert re.match(r'^lsn-[a-z0-9]{18}$', created.listener_id)
    found = listener_attribute(alb, created.listener_id)
    assert (found.listener_status, found.listener_port, found.listener_protocol, found.load_balancer_id,
            found.listener_description, found.idle_timeout, found.request_timeout) == \
        ('Running', 80, 'HTTP', active_lb, 'publishers', 30, 120)
    assert found.default_actions[0].type == 'ForwardGroup'
    assert [t.server_group_id for t in found.default_actions[0].forward_group_config.server_group_tuples] == \
        [group_id]
    assert (found.xforwarded_for_config.xforwarded_for_enabled,
            found.xforwarded_for_config.xforwarded_for_proto_enabled) == (True, True)
    assert (found.certificates, found.security_policy_id, found.http_2enabled) == ([], '', False)
    assert groups(alb).server_groups[0].related_load_balancer_ids == [active_lb]

    listed = alb.list_listeners(A.ListListenersRequest(load_balancer_ids=[active_lb])).body
    assert [(item.listener_id, [(t.key, t.value) for t in item.tags]) for item in listed.listeners] == \
        [(created.listener_id, [('app', 'ams')])]

    job_id = alb.update_listener_attribute(A.UpdateListenerAttributeRequest(
        listener_id=created.listener_id, idle_timeout=60, listener_description='renamed')).body.job_id
    assert jobs(alb, job_ids=[job_id], resource_type='listener')[0].status == 'Succeeded'
    updated = listener_attribute(alb, created.listener_id)
    assert (updated.idle_timeout, updated.request_timeout, updated.listener_description) == (60, 120, 'renamed')

    alb.stop_listener(A.StopListenerRequest(listener_id=created.listener_id))
    assert listener_attribute(alb, created.listener_id).listener_status == 'Stopped'
    alb.start_listener(A.StartListenerRequest(listener_id=created.listener_id))
    assert listener_attribute(alb, created.listener_id).listener_status == 'Running'

    alb.delete_listener(A.DeleteListenerRequest(listener_id=created.listener_id))
    error = sdk_error(listener_attribute, alb, created.listener_id)
    assert (error.code, error.status_code) == ('ResourceNotFound.Listener', 404)


def test_listener_rules(alb, network, active_lb):
    group_id = create_group(alb, network[0]).server_group_id
    create_listener(alb, active_lb, group_id, 80)
    error = sdk_error(create_listener, alb, active_lb, group_id, 80)
    assert (error.code, error.status_code) == ('ResourceAlreadyExist.Listener', 400)
    for port in (0, 65536):
        assert sdk_error(create_listener, alb, active_lb, group_id, port).code == 'InvalidParameter'
    error = sdk_error(create_listener, alb, active_lb, group_id, 443, 'HTTPS')
    assert error.code == 'InvalidParameter'  # HTTPS needs a certificate
    certificates = [A.CreateListenerRequestCertificates(certificate_id='12345678-cn-hangzhou')]
    error = sdk_error(create_listener, alb, active_lb, group_id, 443, 'HTTPS', certificates=certificates)
    assert (error.code, error.status_code) == ('ResourceNotFound.Certificate', 404)
    error = sdk_error(create_listener, alb, active_lb, 'sgp-doesnotexist000000', 8080)
    assert (error.code, error.status_code) == ('ResourceNotFound.ServerGroup', 404)
    error = sdk_error(create_listener, alb, 'alb-doesnotexist000000', group_id, 8080)
    assert (error.code, error.status_code) == ('ResourceNotFound.LoadBalancer', 404)
    error = sdk_error(create_listener, alb, active_lb, group_id, 8080, idle_timeout=601)
    assert error.code == 'InvalidParameter'
    https_group = create_group(alb, network[0], 'tls', protocol='HTTPS').server_group_id
    error = sdk_error(create_listener, alb, active_lb, https_group, 8080)
    assert error.code == 'OperationDenied.ServerGroupProtocolNotSupport'
    assert alb.list_listeners(A.ListListenersRequest()).body.total_count == 1


def test_listener_forwarding_to_a_server_group_of_another_vpc_is_refused(alb, vpc, network, active_lb):
    other_vpc = create_vpc(vpc, '10.1.0.0/16').vpc_id
    group_id = create_group(alb, other_vpc).server_group_id
    assert sdk_error(create_listener, alb, active_lb, group_id, 80).code == 'Mismatch.VpcId'


def test_https_listener_with_an_uploaded_certificate(alb, network, active_lb, emulator_server):
    cas = emulator_server.client('cas', region_header=True)
    cert_pem, key_text, _ = pair()
    cert_id = upload(cas, 'ams-tls', cert_pem, key_text).cert_id
    identifier = cas.get_user_certificate_detail(C.GetUserCertificateDetailRequest(cert_id=cert_id)).body \
        .cert_identifier
    group_id = create_group(alb, network[0]).server_group_id
    listener_id = create_listener(alb, active_lb, group_id, 443, 'HTTPS', certificates=[
        A.CreateListenerRequestCertificates(certificate_id=identifier)]).listener_id
    found = listener_attribute(alb, listener_id)
    assert [c.certificate_id for c in found.certificates] == [identifier]
    assert (found.security_policy_id, found.http_2enabled) == ('tls_cipher_policy_1_0', True)

    error = sdk_error(cas.delete_user_certificate, C.DeleteUserCertificateRequest(cert_id=cert_id))
    assert error.code == 'InvalidStatus.DeleteProtection'
    alb.delete_listener(A.DeleteListenerRequest(listener_id=listener_id))
    cas.delete_user_certificate(C.DeleteUserCertificateRequest(cert_id=cert_id))


def certificate_rows(client, listener_id, **query):
    body = client.list_listener_certificates(A.ListListenerCertificatesRequest(listener_id=listener_id, **query)).body
    return [(c.certificate_id, c.is_default, c.status) for c in body.certificates]


def test_additional_certificates(alb, network, active_lb, admin, emulator_server):
    cas = emulator_server.client('cas', region_header=True)
    identifiers = []
    for name in ('default', 'extra-1', 'extra-2'):
        cert_pem, key_text, _ = pair(common_name='%s.example.com' % name, sans=('%s.example.com' % name,))
        identifiers.append('%d-cn-hangzhou' % upload(cas, name, cert_pem, key_text).cert_id)
    default, first, second = identifiers
    group_id = create_group(alb, network[0]).server_group_id
    listener_id = create_listener(alb, active_lb, group_id, 443, 'HTTPS', certificates=[
        A.CreateListenerRequestCertificates(certificate_id=default)]).listener_id
    assert certificate_rows(alb, listener_id) == [(default, True, 'Associated')]

    def associate(*certificate_ids):
        return alb.associate_additional_certificates_with_listener(
            A.AssociateAdditionalCertificatesWithListenerRequest(listener_id=listener_id, certificates=[
                A.AssociateAdditionalCertificatesWithListenerRequestCertificates(certificate_id=c)
                for c in certificate_ids])).body

    def dissociate(*certificate_ids):
        return alb.dissociate_additional_certificates_from_listener(
            A.DissociateAdditionalCertificatesFromListenerRequest(listener_id=listener_id, certificates=[
                A.DissociateAdditionalCertificatesFromListenerRequestCertificates(certificate_id=c)
                for c in certificate_ids])).body

    admin.set_profile(delays={'alb.listener_configuring': 10})
    job_id = associate(first, second).job_id
    assert certificate_rows(alb, listener_id)[1:] == [(first, False, 'Associating'), (second, False, 'Associating')]
    assert sdk_error(associate, first).code == 'IncorrectStatus.Listener'
    admin.advance_clock(11)
    assert jobs(alb, job_ids=[job_id])[0].status == 'Succeeded'
    assert certificate_rows(alb, listener_id, certificate_ids=[second]) == [(second, False, 'Associated')]

    assert sdk_error(associate, first).code == 'ResourceAlreadyAssociated.Certificate'
    assert sdk_error(associate, default).code == 'OperationDenied.DefaultCertificateUsed'
    error = sdk_error(associate, '99999999-cn-hangzhou')
    assert (error.code, error.status_code) == ('ResourceNotFound.Certificate', 404)
    assert sdk_error(dissociate, default).code == 'OperationDenied.DefaultCertificateUsed'
    error = sdk_error(cas.delete_user_certificate, C.DeleteUserCertificateRequest(cert_id=int(first.split('-')[0])))
    assert error.code == 'InvalidStatus.DeleteProtection'

    dissociate(first)
    assert certificate_rows(alb, listener_id)[1] == (first, False, 'Dissociating')
    admin.advance_clock(11)
    assert certificate_rows(alb, listener_id) == [(default, True, 'Associated'), (second, False, 'Associated')]
    assert sdk_error(dissociate, first).code == 'ResourceNotAssociated.Certificate'
    cas.delete_user_certificate(C.DeleteUserCertificateRequest(cert_id=int(first.split('-')[0])))

    http_listener = create_listener(alb, active_lb, group_id, 80).listener_id
    error = sdk_error(certificate_rows, alb, http_listener)
    assert error.code == 'OperationDenied.HttpListenerNotSupport'


def test_a_forwarded_server_group_cannot_be_deleted(alb, network, active_lb):
    group_id = create_group(alb, network[0]).server_group_id
    listener_id = create_listener(alb, active_lb, group_id, 80).listener_id
    error = sdk_error(alb.delete_server_group, A.DeleteServerGroupRequest(server_group_id=group_id))
    assert (error.code, error.status_code) == ('ResourceInUse.ServerGroup', 400)
    other = create_group(alb, network[0], 'edge').server_group_id
    alb.update_listener_attribute(A.UpdateListenerAttributeRequest(
        listener_id=listener_id, default_actions=forward_to(other, model='UpdateListenerAttributeRequest')))
    alb.delete_server_group(A.DeleteServerGroupRequest(server_group_id=group_id))
    assert [g.server_group_id for g in groups(alb).server_groups] == [other]


def test_listener_provisioning_and_configuring_states(alb, network, active_lb, admin):
    group_id = create_group(alb, network[0]).server_group_id
    admin.set_profile(delays={'alb.listener_provisioning': 20, 'alb.listener_configuring': 20})
    created = create_listener(alb, active_lb, group_id, 80)
    assert listener_attribute(alb, created.listener_id).listener_status == 'Provisioning'
    error = sdk_error(alb.update_listener_attribute, A.UpdateListenerAttributeRequest(
        listener_id=created.listener_id, idle_timeout=20))
    assert error.code == 'IncorrectStatus.Listener'
    error = sdk_error(alb.delete_listener, A.DeleteListenerRequest(listener_id=created.listener_id))
    assert error.code == 'ResourceInConfiguring.Listener'
    admin.advance_clock(21)
    assert listener_attribute(alb, created.listener_id).listener_status == 'Running'
    job_id = alb.stop_listener(A.StopListenerRequest(listener_id=created.listener_id)).body.job_id
    assert listener_attribute(alb, created.listener_id).listener_status == 'Configuring'
    admin.advance_clock(21)
    assert listener_attribute(alb, created.listener_id).listener_status == 'Stopped'
    assert jobs(alb, job_ids=[job_id])[0].api_name == 'StopListener'


def test_deleting_the_load_balancer_deletes_its_listeners(alb, network, active_lb):
    group_id = create_group(alb, network[0]).server_group_id
    listener_id = create_listener(alb, active_lb, group_id, 80).listener_id
    alb.delete_load_balancer(A.DeleteLoadBalancerRequest(load_balancer_id=active_lb))
    assert sdk_error(listener_attribute, alb, listener_id).code == 'ResourceNotFound.Listener'
    alb.delete_server_group(A.DeleteServerGroupRequest(server_group_id=group_id))


def test_listener_health_of_ip_backends(alb, network, active_lb):
    group_id = create_group(alb, network[0], 'ips', server_group_type='Ip').server_group_id
    alb.add_servers_to_server_group(A.AddServersToServerGroupRequest(server_group_id=group_id, servers=[
        A.AddServersToServerGroupRequestServers(server_id='10.0.0.5', server_type='Ip', port=80),
        A.AddServersToServerGroupRequestServers(server_id='10.0.0.6', server_type='Ip', port=80, weight=0)]))
    listener_id = create_listener(alb, active_lb, group_id, 80).listener_id
    status = alb.get_listener_health_status(A.GetListenerHealthStatusRequest(listener_id=listener_id)).body
    info = status.listener_health_status[0].server_group_infos[0]
    assert (info.server_group_id, info.server_count, info.health_check_enabled) == (group_id, 2, 'on')
    assert [(s.server_id, s.status) for s in info.non_normal_servers] == [('10.0.0.6', 'Unused')]


# Asynchronous jobs.

def test_list_asyn_jobs_filters(alb, network):
    vpc_id = network[0]
    first = create_group(alb, vpc_id, 'one')
    second = create_group(alb, vpc_id, 'two')
    by_resource = jobs(alb, resource_ids=[second.server_group_id])
    assert [j.id for j in by_resource] == [second.job_id]
    assert {j.id for j in jobs(alb, resource_type='servergroup', api_name='CreateServerGroup')} == \
        {first.job_id, second.job_id}
    assert jobs(alb, resource_type='listener') == []
    assert jobs(alb, begin_time=0, end_time=1) == []  # milliseconds: nothing started in January 1970


# Tags.

def tag_rows(client, resource_type, **query):
    body = client.list_tag_resources(A.ListTagResourcesRequest(resource_type=resource_type, **query)).body
    return sorted((r.resource_id, r.resource_type, r.tag_key, r.tag_value) for r in body.tag_resources)


def test_tags_of_load_balancers_server_groups_and_listeners(alb, network, active_lb):
    group_id = create_group(alb, network[0]).server_group_id
    listener_id = create_listener(alb, active_lb, group_id, 80).listener_id
    for resource_type, resource_id in (('loadbalancer', active_lb), ('servergroup', group_id),
                                       ('listener', listener_id)):
        alb.tag_resources(A.TagResourcesRequest(resource_type=resource_type, resource_id=[resource_id], tag=[
            A.TagResourcesRequestTag(key='env', value='test'), A.TagResourcesRequestTag(key='team', value='media')]))
        assert tag_rows(alb, resource_type, resource_id=[resource_id]) == [
            (resource_id, resource_type, 'env', 'test'), (resource_id, resource_type, 'team', 'media')]
    assert tag_rows(alb, 'servergroup', tag=[A.ListTagResourcesRequestTag(key='env', value='test')]) == [
        (group_id, 'servergroup', 'env', 'test'), (group_id, 'servergroup', 'team', 'media')]
    assert [lb.load_balancer_id for lb in load_balancers(alb, tag=[
        A.ListLoadBalancersRequestTag(key='team', value='media')]).load_balancers] == [active_lb]
    listed = alb.list_listeners(A.ListListenersRequest(tag=[A.ListListenersRequestTag(key='env', value='test')]))
    assert [item.listener_id for item in listed.body.listeners] == [listener_id]

    alb.un_tag_resources(A.UnTagResourcesRequest(resource_type='loadbalancer', resource_id=[active_lb],
                                                 tag_key=['team']))
    assert tag_rows(alb, 'loadbalancer', resource_id=[active_lb]) == [(active_lb, 'loadbalancer', 'env', 'test')]
    alb.un_tag_resources(A.UnTagResourcesRequest(resource_type='servergroup', resource_id=[group_id], all=True))
    assert tag_rows(alb, 'servergroup', resource_id=[group_id]) == []


def test_tagging_errors(alb, active_lb):
    tag = [A.TagResourcesRequestTag(key='env', value='test')]
    error = sdk_error(alb.tag_resources, A.TagResourcesRequest(resource_type='loadbalancer',
                                                               resource_id=[active_lb, 'alb-missing'], tag=tag))
    assert (error.code, error.status_code) == ('ResourceNotFound.LoadBalancer', 404)
    error = sdk_error(alb.tag_resources, A.TagResourcesRequest(resource_type='acl', resource_id=['acl-x'], tag=tag))
    assert (error.code, error.status_code) == ('ResourceNotFound.Acl', 404)
    error = sdk_error(alb.tag_resources, A.TagResourcesRequest(resource_type='instance', resource_id=[active_lb],
                                                               tag=tag))
    assert error.code == 'InvalidParameter'
    error = sdk_error(alb.tag_resources, A.TagResourcesRequest(resource_type='loadbalancer', resource_id=[active_lb],
                                                               tag=[A.TagResourcesRequestTag(key='acs:x', value='y')]))
    assert error.code == 'InvalidTagKey.Malformed'
    assert tag_rows(alb, 'loadbalancer', resource_id=[active_lb]) == []


# ECS backends: their health follows the instance, a released instance leaves the group.

E = sdk_models('ecs')
IMAGE = 'ubuntu_22_04_x64_20G_alibase_20240819.vhd'


def run_instances(emulator_server, vpc_id, vswitch_id, amount=1):
    ecs = emulator_server.client('ecs')
    group_id = ecs.create_security_group(E.CreateSecurityGroupRequest(region_id='cn-hangzhou', vpc_id=vpc_id)).body \
        .security_group_id
    request = E.RunInstancesRequest(region_id='cn-hangzhou', image_id=IMAGE, instance_type='ecs.g7.large',
                                    security_group_id=group_id, v_switch_id=vswitch_id, amount=amount)
    return ecs, ecs.run_instances(request).body.instance_id_sets.instance_id_set


def ecs_servers(*instance_ids, port=5080):
    return [A.AddServersToServerGroupRequestServers(server_id=i, server_type='Ecs', port=port) for i in instance_ids]


def non_normal(client, listener_id):
    status = client.get_listener_health_status(A.GetListenerHealthStatusRequest(listener_id=listener_id)).body
    return [(s.server_id, s.status) for s in status.listener_health_status[0].server_group_infos[0].non_normal_servers]


def test_ecs_backends_follow_their_instances(alb, network, active_lb, emulator_server):
    vpc_id, vswitches = network
    ecs, (running, stopped, released) = run_instances(emulator_server, vpc_id, vswitches[0][1], 3)
    group_id = create_group(alb, vpc_id).server_group_id
    alb.add_servers_to_server_group(A.AddServersToServerGroupRequest(
        server_group_id=group_id, servers=ecs_servers(running, stopped, released)))
    instances = ecs.describe_instances(E.DescribeInstancesRequest(region_id='cn-hangzhou')).body.instances.instance
    addresses = dict((i.instance_id, i.vpc_attributes.private_ip_address.ip_address[0]) for i in instances)
    assert [(s.server_id, s.server_ip, s.server_type, s.status) for s in servers(alb, group_id).servers] == \
        [(i, addresses[i], 'Ecs', 'Available') for i in (running, stopped, released)]
    listener_id = create_listener(alb, active_lb, group_id, 5080).listener_id
    assert non_normal(alb, listener_id) == []

    ecs.stop_instance(E.StopInstanceRequest(instance_id=stopped))
    assert non_normal(alb, listener_id) == [(stopped, 'Unhealthy')]
    ecs.delete_instance(E.DeleteInstanceRequest(instance_id=released, force=True))
    assert [s.server_id for s in servers(alb, group_id).servers] == [running, stopped]
    assert groups(alb).server_groups[0].server_count == 2


def test_ecs_backends_must_exist_in_the_server_groups_vpc(alb, vpc, network, emulator_server):
    vpc_id, vswitches = network
    group_id = create_group(alb, vpc_id).server_group_id
    error = sdk_error(alb.add_servers_to_server_group, A.AddServersToServerGroupRequest(
        server_group_id=group_id, servers=ecs_servers('i-bp1doesnotexist0000')))
    assert (error.code, error.status_code) == ('ResourceNotFound.Ecs', 404)
    other_vpc = create_vpc(vpc, '10.1.0.0/16').vpc_id
    other_vswitch = create_vswitch(vpc, other_vpc, '10.1.0.0/24', zone='cn-hangzhou-h').v_switch_id
    _, (stranger,) = run_instances(emulator_server, other_vpc, other_vswitch)
    error = sdk_error(alb.add_servers_to_server_group, A.AddServersToServerGroupRequest(
        server_group_id=group_id, servers=ecs_servers(stranger)))
    assert error.code == 'Mismatch.VpcId'
    assert servers(alb, group_id).total_count == 0

"""ESS 2022-02-22 through the unmodified SDK: scaling groups and their lifecycle, capacity converging through scaling
activities (ECS instances launched from launch templates, ALB backends), attachments, rules, tags, pagination,
ClientToken and persistence across a restart."""

import re
from collections import Counter

import pytest

from emulator.testing import sdk_models
from emulator.tests.conftest import sdk_error
from emulator.tests.helpers import create_vpc, create_vswitch

S = sdk_models('ess')
E = sdk_models('ecs')
A = sdk_models('alb')
REGION = 'cn-hangzhou'
UBUNTU = 'ubuntu_22_04_x64_20G_alibase_20240819.vhd'
GROUP_ID = re.compile(r'^asg-bp1[a-z0-9]{17}$')
ACTIVITY_ID = re.compile(r'^asa-bp1[a-z0-9]{17}$')
RULE_ID = re.compile(r'^asr-bp1[a-z0-9]{17}$')
MINUTES = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\dZ$')


@pytest.fixture
def ess(emulator_server):
    # ModifyScalingGroup, DisableScalingGroup and ModifyScalingRule carry no RegionId: the region is the endpoint's.
    return emulator_server.client('ess', region_header=True)


@pytest.fixture
def ecs(emulator_server):
    return emulator_server.client('ecs')


@pytest.fixture
def alb(emulator_server):
    return emulator_server.client('alb', region_header=True)


class Network:
    """A VPC with vSwitches in two zones, a security group, a launch template and an ALB server group."""

    def __init__(self, vpc, ecs, alb):
        self.vpc_id = create_vpc(vpc, '10.0.0.0/16').vpc_id
        self.vswitches = [create_vswitch(vpc, self.vpc_id, '10.0.1.0/24', zone='cn-hangzhou-h').v_switch_id,
                          create_vswitch(vpc, self.vpc_id, '10.0.2.0/24', zone='cn-hangzhou-i').v_switch_id]
        self.security_group = ecs.create_security_group(E.CreateSecurityGroupRequest(
            region_id=REGION, vpc_id=self.vpc_id, security_group_name='ams')).body.security_group_id
        self.template = create_template(ecs, 'origin', security_group_id=self.security_group)
        self.server_group = create_server_group(alb, self.vpc_id, 'origin')


@pytest.fixture
def net(vpc, ecs, alb):
    return Network(vpc, ecs, alb)


def create_template(client, name, **data):
    settings = dict(region_id=REGION, launch_template_name=name, image_id=UBUNTU, instance_type='ecs.c7.xlarge')
    settings.update(data)
    return client.create_launch_template(E.CreateLaunchTemplateRequest(**settings)).body.launch_template_id


def create_server_group(client, vpc_id, name):
    health = A.CreateServerGroupRequestHealthCheckConfig(health_check_enabled=True)
    request = A.CreateServerGroupRequest(server_group_name=name, vpc_id=vpc_id, health_check_config=health)
    return client.create_server_group(request).body.server_group_id


def alb_group(server_group_id, port=5080, weight=100, model=S.CreateScalingGroupRequestAlbServerGroups):
    return model(alb_server_group_id=server_group_id, port=port, weight=weight)


def create_group(client, net, name='origin', min_size=0, max_size=4, **extra):
    settings = dict(region_id=REGION, scaling_group_name=name, min_size=min_size, max_size=max_size,
                    launch_template_id=net.template, launch_template_version='Default', v_switch_ids=net.vswitches)
    settings.update(extra)
    return client.create_scaling_group(S.CreateScalingGroupRequest(**settings)).body.scaling_group_id


def groups(client, **filters):
    return client.describe_scaling_groups(S.DescribeScalingGroupsRequest(region_id=REGION, **filters)).body


def group(client, group_id):
    found = groups(client, scaling_group_ids=[group_id]).scaling_groups
    return found[0] if found else None


def instances(client, group_id=None, **filters):
    filters.setdefault('page_size', 100)
    request = S.DescribeScalingInstancesRequest(region_id=REGION, scaling_group_id=group_id, **filters)
    return client.describe_scaling_instances(request).body.scaling_instances


def activities(client, group_id=None, **filters):
    request = S.DescribeScalingActivitiesRequest(region_id=REGION, scaling_group_id=group_id, **filters)
    return client.describe_scaling_activities(request).body.scaling_activities


def activity(client, activity_id):
    return activities(client, scaling_activity_ids=[activity_id])[0]


def enable(client, group_id, **extra):
    request = S.EnableScalingGroupRequest(region_id=REGION, scaling_group_id=group_id, **extra)
    return client.enable_scaling_group(request)


def modify(client, group_id, **changes):
    return client.modify_scaling_group(S.ModifyScalingGroupRequest(scaling_group_id=group_id, **changes))


def delete(client, group_id, force=False):
    request = S.DeleteScalingGroupRequest(region_id=REGION, scaling_group_id=group_id, force_delete=force)
    return client.delete_scaling_group(request)


def backends(alb, server_group_id):
    request = A.ListServerGroupServersRequest(server_group_id=server_group_id)
    servers = alb.list_server_group_servers(request).body.servers
    return sorted((s.server_id, s.port, s.weight, s.status) for s in servers)


def ecs_instances(ecs, instance_ids):
    request = E.DescribeInstancesRequest(region_id=REGION, instance_ids=str(list(instance_ids)).replace("'", '"'),
                                         page_size=100)
    return ecs.describe_instances(request).body.instances.instance


def error_of(call, *args, **kwargs):
    error = sdk_error(call, *args, **kwargs)
    return error.code, error.status_code


def in_service(client, group_id):
    return [i.instance_id for i in instances(client, group_id) if i.lifecycle_state == 'InService']


# The lifecycle of a group.

def test_scaling_group_lifecycle(ess, net):
    tag = S.CreateScalingGroupRequestTags(key='role', value='origin', propagate=True)
    group_id = create_group(ess, net, min_size=1, max_size=3, default_cooldown=60, tags=[tag],
                            removal_policies=['NewestInstance'], health_check_types=['ECS', 'LOAD_BALANCER'],
                            alb_server_groups=[alb_group(net.server_group, weight=50)])
    assert GROUP_ID.match(group_id)
    found = group(ess, group_id)
    assert (found.scaling_group_name, found.lifecycle_state, found.min_size, found.max_size, found.default_cooldown) \
        == ('origin', 'Inactive', 1, 3, 60)
    assert (found.launch_template_id, found.launch_template_version, found.vpc_id, found.v_switch_ids) == \
        (net.template, 'Default', net.vpc_id, net.vswitches)
    assert found.desired_capacity is None and found.enable_desired_capacity is False
    assert [(g.alb_server_group_id, g.port, g.weight) for g in found.alb_server_groups] == \
        [(net.server_group, 5080, 50)]
    assert (found.multi_azpolicy, found.removal_policies, found.health_check_types, found.health_check_type) == \
        ('PRIORITY', ['NewestInstance'], ['ECS', 'LOAD_BALANCER'], 'ECS')
    assert [(t.tag_key, t.tag_value, t.propagate) for t in found.tags] == [('role', 'origin', True)]
    assert (found.total_capacity, found.region_id, found.group_type) == (0, REGION, 'ECS')
    assert MINUTES.match(found.creation_time)
    assert instances(ess, group_id) == []

    modify(ess, group_id, scaling_group_name='origin-2', default_cooldown=120, removal_policies=['OldestInstance'],
           multi_azpolicy='BALANCE', desired_capacity=2)
    found = group(ess, group_id)
    assert (found.scaling_group_name, found.default_cooldown, found.removal_policies, found.multi_azpolicy,
            found.desired_capacity, found.total_capacity) == ('origin-2', 120, ['OldestInstance'], 'BALANCE', 2, 0)

    enable(ess, group_id)
    found = group(ess, group_id)
    assert (found.lifecycle_state, found.total_capacity, found.active_capacity) == ('Active', 2, 2)
    ess.disable_scaling_group(S.DisableScalingGroupRequest(scaling_group_id=group_id))
    assert group(ess, group_id).lifecycle_state == 'Inactive'
    modify(ess, group_id, desired_capacity=3)  # an Inactive group does not scale
    assert group(ess, group_id).total_capacity == 2
    enable(ess, group_id)
    assert group(ess, group_id).total_capacity == 3

    modify(ess, group_id, min_size=0, desired_capacity=0)
    assert group(ess, group_id).total_capacity == 0
    delete(ess, group_id)
    assert group(ess, group_id) is None
    assert error_of(modify, ess, group_id, default_cooldown=5) == ('InvalidScalingGroupId.NotFound', 404)


def test_enable_and_disable_need_the_right_state(ess, net):
    no_template = create_group(ess, net, name='bare', launch_template_id=None, launch_template_version=None)
    assert group(ess, no_template).launch_template_id == ''
    assert error_of(enable, ess, no_template) == ('MissingActiveScalingConfiguration', 400)
    assert error_of(ess.disable_scaling_group, S.DisableScalingGroupRequest(scaling_group_id=no_template)) == \
        ('IncorrectScalingGroupStatus', 400)
    enable(ess, no_template, launch_template_id=net.template, launch_template_version='Latest')
    found = group(ess, no_template)
    assert (found.lifecycle_state, found.launch_template_id, found.launch_template_version) == \
        ('Active', net.template, 'Latest')
    assert error_of(enable, ess, no_template) == ('IncorrectScalingGroupStatus', 400)
    assert error_of(enable, ess, 'asg-bp1doesnotexist0000') == ('InvalidScalingGroupId.NotFound', 404)


@pytest.mark.parametrize('settings, expected', [
    ({'min_size': 3, 'max_size': 2}, ('InvalidParameter.Conflict', 400)),
    ({'min_size': 1, 'max_size': 3, 'desired_capacity': 4}, ('InvalidParameter.Conflict', 400)),
    ({'min_size': 1, 'max_size': 3, 'desired_capacity': 0}, ('InvalidParameter.Conflict', 400)),
    ({'max_size': 2001}, ('InvalidParameter', 400)),
    ({'default_cooldown': 86401}, ('InvalidParameter', 400)),
    ({'scaling_group_name': '-bad'}, ('InvalidParameter', 400)),
    ({'multi_azpolicy': 'ROUND_ROBIN'}, ('InvalidParameter', 400)),
    ({'removal_policies': ['Random']}, ('InvalidParameter', 400)),
    ({'scaling_policy': 'destroy'}, ('InvalidParameter', 400)),
    ({'health_check_type': 'PING'}, ('InvalidParameter', 400)),
    ({'v_switch_ids': ['vsw-bp1doesnotexist0000']}, ('InvalidVSwitchId.NotFound', 404)),
    ({'launch_template_id': 'lt-bp1doesnotexist00000'}, ('LaunchTemplateSet.NotFound', 400)),
    ({'launch_template_version': '7'}, ('LaunchTemplateVersionSet.NotFound', 400)),
    ({'launch_template_version': 'newest'}, ('TemplateVersion.NotNumber', 400)),
    ({'alb_server_groups': [alb_group('sgp-doesnotexist000000')]}, ('AlbServerGroup.NotExist', 400)),
    ({'alb_server_groups': [alb_group('SERVER_GROUP', port=0)]}, ('InvalidParameter', 400)),
    ({'alb_server_groups': [alb_group('SERVER_GROUP', weight=101)]}, ('InvalidParameter', 400)),
    ({'tags': [S.CreateScalingGroupRequestTags(key='acs:reserved', value='x')]}, ('InvalidTagKey.Malformed', 400)),
    ({'load_balancer_ids': '["lb-1"]'}, ('InvalidParameter', 400)),
    ({'v_switch_ids': None}, ('InvalidParameter', 400)),
])
def test_create_scaling_group_is_refused_without_change(ess, net, admin, settings, expected):
    for entry in settings.get('alb_server_groups') or []:
        if entry.alb_server_group_id == 'SERVER_GROUP':
            entry.alb_server_group_id = net.server_group
    marker = admin.marker()
    assert error_of(create_group, ess, net, **settings) == expected
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    assert groups(ess).total_count == 0


def test_network_template_and_server_group_must_fit(ess, ecs, vpc, alb, net, admin):
    other_vpc = create_vpc(vpc, '192.168.0.0/16', name='other').vpc_id
    other_vswitch = create_vswitch(vpc, other_vpc, '192.168.1.0/24').v_switch_id
    other_group = create_server_group(alb, other_vpc, 'elsewhere')
    bare = create_template(ecs, 'bare')  # no security group
    marker = admin.marker()
    assert error_of(create_group, ess, net, v_switch_ids=[net.vswitches[0], other_vswitch]) == ('InvalidParameter', 400)
    assert error_of(create_group, ess, net, alb_server_groups=[alb_group(other_group)]) == ('InvalidParameter', 400)
    assert error_of(create_group, ess, net, launch_template_id=bare) == ('TemplateMissingParameter.SecurityGroup', 400)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0

    create_group(ess, net, name='taken')
    assert error_of(create_group, ess, net, name='taken') == ('InvalidScalingGroupName.Duplicate', 400)
    second = create_group(ess, net, name='second')
    assert error_of(modify, ess, second, scaling_group_name='taken') == ('InvalidScalingGroupName.Duplicate', 400)
    assert error_of(modify, ess, second, min_size=5) == ('InvalidParameter.Conflict', 400)
    assert error_of(modify, ess, second, v_switch_ids=[other_vswitch]) == ('InvalidParameter', 400)
    assert error_of(modify, ess, second, launch_template_id=bare) == ('TemplateMissingParameter.SecurityGroup', 400)
    admin.set_profile(quotas={'ess.scaling_groups_per_region': 2})
    assert error_of(create_group, ess, net, name='third') == ('QuotaExceeded.ScalingGroup', 400)


# Instance types beyond the template's (LaunchTemplateOverrides).

ELEVEN_TYPES = ('ecs.g7.large', 'ecs.g7.xlarge', 'ecs.g7.2xlarge', 'ecs.c7.large', 'ecs.c7.xlarge', 'ecs.c7.2xlarge',
                'ecs.r7.large', 'ecs.r7.xlarge', 'ecs.g8i.large', 'ecs.g8i.xlarge', 'ecs.g8y.large')


def overrides(*types, model=S.CreateScalingGroupRequestLaunchTemplateOverrides, **extra):
    return [model(instance_type=type_id, **extra) for type_id in types]


def override_types(found):
    return [o.instance_type for o in found.launch_template_overrides]


def test_launch_template_overrides_are_kept_in_order(ess, ecs, net):
    group_id = create_group(ess, net, desired_capacity=1,
                            launch_template_overrides=overrides('ecs.g7.xlarge', 'ecs.c7.2xlarge'))
    found = group(ess, group_id)
    assert override_types(found) == ['ecs.g7.xlarge', 'ecs.c7.2xlarge']
    assert [(o.weighted_capacity, o.spot_price_limit) for o in found.launch_template_overrides] == [(None, None)] * 2
    ten = create_group(ess, net, name='ten', launch_template_overrides=overrides(*ELEVEN_TYPES[:10]))
    assert override_types(group(ess, ten)) == list(ELEVEN_TYPES[:10])

    # No stock is modelled, so the template's own type is always available and is the one launched.
    enable(ess, group_id)
    [launched] = in_service(ess, group_id)
    assert ecs_instances(ecs, [launched])[0].instance_type == 'ecs.c7.xlarge'

    reordered = overrides('ecs.c7.2xlarge', 'ecs.g7.xlarge', model=S.ModifyScalingGroupRequestLaunchTemplateOverrides)
    modify(ess, group_id, launch_template_id=net.template, launch_template_version='Default',
           launch_template_overrides=reordered)
    assert override_types(group(ess, group_id)) == ['ecs.c7.2xlarge', 'ecs.g7.xlarge']
    modify(ess, group_id, launch_template_version='Latest')  # the version alone keeps them
    assert override_types(group(ess, group_id)) == ['ecs.c7.2xlarge', 'ecs.g7.xlarge']
    modify(ess, group_id, default_cooldown=60)  # so does any other change
    assert override_types(group(ess, group_id)) == ['ecs.c7.2xlarge', 'ecs.g7.xlarge']
    modify(ess, group_id, launch_template_id=net.template)  # the template again, without overrides: cleared
    found = group(ess, group_id)
    assert (override_types(found), found.launch_template_version) == ([], 'Default')


def test_enable_scaling_group_sets_overrides_with_its_template(ess, net):
    group_id = create_group(ess, net, launch_template_id=None, launch_template_version=None)
    given = overrides('ecs.r7.large', model=S.EnableScalingGroupRequestLaunchTemplateOverrides)
    assert error_of(enable, ess, group_id, launch_template_overrides=given) == ('InvalidParameter', 400)
    enable(ess, group_id, launch_template_id=net.template, launch_template_overrides=given)
    found = group(ess, group_id)
    assert (found.lifecycle_state, found.launch_template_id, override_types(found)) == \
        ('Active', net.template, ['ecs.r7.large'])


@pytest.mark.parametrize('given, expected', [
    (overrides('ecs.c7.large', 'ecs.c7.large'), 'InvalidParameter'),                   # twice
    (overrides('ecs.nosuch.large'), 'InvalidParameter'),                                # not in the catalogue
    (overrides(*ELEVEN_TYPES), 'InvalidParameter'),                                     # more than ten
    (overrides('ecs.c7.large', weighted_capacity=2), 'InvalidParameter'),               # weights: not modelled
    (overrides('ecs.c7.large', spot_price_limit=0.5), 'InvalidParameter'),              # spot prices: neither
    ([S.CreateScalingGroupRequestLaunchTemplateOverrides(weighted_capacity=2)], 'MissingParameter'),  # no type
])
def test_invalid_overrides_are_refused_without_change(ess, net, admin, given, expected):
    marker = admin.marker()
    assert error_of(create_group, ess, net, launch_template_overrides=given) == (expected, 400)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    assert groups(ess).total_count == 0


def test_overrides_need_a_launch_template_id(ess, net, admin):
    given = overrides('ecs.c7.large')
    assert error_of(create_group, ess, net, launch_template_id=None, launch_template_version=None,
                    launch_template_overrides=given) == ('InvalidParameter', 400)
    group_id = create_group(ess, net, launch_template_overrides=given)
    marker = admin.marker()
    later = overrides('ecs.g7.large', model=S.ModifyScalingGroupRequestLaunchTemplateOverrides)
    assert error_of(modify, ess, group_id, launch_template_overrides=later) == ('InvalidParameter', 400)
    assert error_of(modify, ess, group_id, launch_template_id=net.template, max_size=9,
                    launch_template_overrides=later * 2) == ('InvalidParameter', 400)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0
    found = group(ess, group_id)
    assert (override_types(found), found.max_size) == (['ecs.c7.large'], 4)


# Capacity, activities, instances and backends.

def test_capacity_converges_through_activities(ess, ecs, alb, net):
    tag = S.CreateScalingGroupRequestTags(key='role', value='origin', propagate=True)
    quiet = S.CreateScalingGroupRequestTags(key='cost-centre', value='ops', propagate=False)
    group_id = create_group(ess, net, min_size=1, max_size=4, desired_capacity=2, multi_azpolicy='BALANCE',
                            removal_policies=['NewestInstance'], tags=[tag, quiet],
                            alb_server_groups=[alb_group(net.server_group, weight=40)])
    enable(ess, group_id)

    first = instances(ess, group_id)
    assert [(i.lifecycle_state, i.health_status, i.creation_type) for i in first] == \
        [('InService', 'Healthy', 'AutoCreated')] * 2
    assert sorted(i.zone_id for i in first) == ['cn-hangzhou-h', 'cn-hangzhou-i']  # BALANCE spreads them
    assert all(i.launch_template_id == net.template and i.launch_template_version == '1' for i in first)
    [scale_out] = activities(ess, group_id)
    assert ACTIVITY_ID.match(scale_out.scaling_activity_id)
    assert (scale_out.status_code, scale_out.progress, scale_out.total_capacity, scale_out.created_capacity) == \
        ('Successful', 100, '2', 2)
    assert sorted(scale_out.created_instances) == sorted(i.instance_id for i in first)
    assert all(i.scaling_activity_id == scale_out.scaling_activity_id for i in first)
    assert '"0" to "2"' in scale_out.cause
    launched = ecs_instances(ecs, [i.instance_id for i in first])
    assert [i.status for i in launched] == ['Running', 'Running']
    for instance in launched:
        instance_tags = dict((t.tag_key, t.tag_value) for t in instance.tags.tag)
        assert instance_tags == {'role': 'origin', 'acs:autoscaling:scalingGroupId': group_id}
    assert backends(alb, net.server_group) == sorted((i.instance_id, 5080, 40, 'Available') for i in first)

    modify(ess, group_id, desired_capacity=3)
    third = [i for i in instances(ess, group_id) if i.instance_id not in [f.instance_id for f in first]]
    assert len(third) == 1 and len(in_service(ess, group_id)) == 3
    assert sorted(Counter(i.zone_id for i in instances(ess, group_id)).values()) == [1, 2]
    assert len(backends(alb, net.server_group)) == 3
    assert group(ess, group_id).total_capacity == 3

    modify(ess, group_id, desired_capacity=1)
    remaining = instances(ess, group_id)
    assert [i.instance_id for i in remaining] == [first[0].instance_id]  # NewestInstance goes first
    scale_in = activities(ess, group_id)[0]  # the newest first
    assert (scale_in.status_code, scale_in.destroyed_capacity, scale_in.total_capacity) == ('Successful', 2, '1')
    assert backends(alb, net.server_group) == [(first[0].instance_id, 5080, 40, 'Available')]
    assert [i.instance_id for i in ecs_instances(ecs, scale_in.destroyed_instances)] == []  # released
    found = group(ess, group_id)
    assert (found.total_capacity, found.active_capacity, found.desired_capacity) == (1, 1, 1)
    assert len(activities(ess, group_id)) == 3


def test_min_and_max_bound_a_group_without_desired_capacity(ess, net):
    group_id = create_group(ess, net, min_size=2, max_size=3)
    enable(ess, group_id)
    assert group(ess, group_id).total_capacity == 2
    assert 'less than the Min Size' in activities(ess, group_id)[0].cause
    modify(ess, group_id, max_size=1, min_size=1)
    assert group(ess, group_id).total_capacity == 1
    modify(ess, group_id, max_size=5)
    assert group(ess, group_id).total_capacity == 1


def test_priority_policy_fills_the_first_vswitch_then_the_next(ess, vpc, net):
    small = create_vswitch(vpc, net.vpc_id, '10.0.9.0/29', zone='cn-hangzhou-j').v_switch_id  # 4 usable addresses
    group_id = create_group(ess, net, max_size=10, desired_capacity=6, v_switch_ids=[small, net.vswitches[1]])
    enable(ess, group_id)
    zones = Counter(i.zone_id for i in instances(ess, group_id))
    assert zones == {'cn-hangzhou-j': 4, 'cn-hangzhou-i': 2}


def test_a_partial_scale_out_is_a_warning_and_is_retried(ess, ecs, vpc, net, admin):
    small = create_vswitch(vpc, net.vpc_id, '10.0.9.0/29', zone='cn-hangzhou-j').v_switch_id  # 4 usable addresses
    squatters = ecs.run_instances(E.RunInstancesRequest(
        region_id=REGION, image_id=UBUNTU, instance_type='ecs.g7.large', security_group_id=net.security_group,
        v_switch_id=small, amount=2)).body.instance_id_sets.instance_id_set
    group_id = create_group(ess, net, max_size=10, desired_capacity=4, v_switch_ids=[small])
    enable(ess, group_id)
    failed, partial = activities(ess, group_id)  # the newest first: the group tried again for the other two
    assert (partial.status_code, partial.created_capacity, partial.error_code) == \
        ('Warning', 2, 'QuotaExceeded.PrivateIpAddress')
    assert (failed.status_code, failed.created_capacity, failed.error_code) == \
        ('Failed', 0, 'QuotaExceeded.PrivateIpAddress')
    assert group(ess, group_id).total_capacity == 2
    for instance_id in squatters:  # addresses free up outside Auto Scaling: only the timed retry can notice
        ecs.delete_instance(E.DeleteInstanceRequest(instance_id=instance_id, force=True))
    admin.advance_clock(10)
    assert group(ess, group_id).total_capacity == 2
    admin.advance_clock(21)  # ess.retry_after_failure: 30 s under the fast profile
    assert group(ess, group_id).total_capacity == 4
    assert activities(ess, group_id)[0].status_code == 'Successful'


def test_activities_take_the_profile_delay(ess, alb, net, admin):
    admin.set_profile(delays={'ess.scale_out': 60, 'ess.scale_in': 30})
    group_id = create_group(ess, net, max_size=4, desired_capacity=2,
                            alb_server_groups=[alb_group(net.server_group)])
    rule = ess.create_scaling_rule(S.CreateScalingRuleRequest(
        scaling_group_id=group_id, adjustment_type='QuantityChangeInCapacity', adjustment_value=1)).body
    enable(ess, group_id)
    [running] = activities(ess, group_id)
    assert (running.status_code, running.progress) == ('InProgress', 0) and running.end_time is None
    assert [i.lifecycle_state for i in instances(ess, group_id)] == ['Pending', 'Pending']
    found = group(ess, group_id)
    assert (found.total_capacity, found.pending_capacity, found.active_capacity) == (2, 2, 0)
    assert backends(alb, net.server_group) == []
    assert error_of(ess.execute_scaling_rule, S.ExecuteScalingRuleRequest(scaling_rule_ari=rule.scaling_rule_ari)) \
        == ('ScalingActivityInProgress', 400)
    assert error_of(delete, ess, group_id) == ('ScalingActivityInProgress', 400)
    admin.advance_clock(61)
    assert activity(ess, running.scaling_activity_id).status_code == 'Successful'
    assert len(in_service(ess, group_id)) == 2 and len(backends(alb, net.server_group)) == 2

    modify(ess, group_id, desired_capacity=1)
    assert sorted(i.lifecycle_state for i in instances(ess, group_id)) == ['InService', 'Removing']
    assert group(ess, group_id).removing_capacity == 1
    assert len(backends(alb, net.server_group)) == 1  # it left the server group first
    modify(ess, group_id, desired_capacity=3)  # accepted now, honoured after the running activity
    admin.advance_clock(31)
    assert [i.lifecycle_state for i in instances(ess, group_id)] == ['InService', 'Pending', 'Pending']
    admin.advance_clock(61)
    assert len(in_service(ess, group_id)) == 3
    assert [a.status_code for a in activities(ess, group_id)] == ['Successful'] * 3


def test_scale_out_waits_for_instances_to_boot(ess, ecs, net, admin):
    admin.set_profile(delays={'ecs.instance_pending': 20, 'ecs.instance_starting': 20, 'ess.scale_out': 5})
    group_id = create_group(ess, net, desired_capacity=1)
    enable(ess, group_id)
    admin.advance_clock(6)
    [running] = activities(ess, group_id)
    assert (running.status_code, running.progress) == ('InProgress', 50)
    assert instances(ess, group_id)[0].health_status == 'Unhealthy'
    admin.advance_clock(40)
    assert activities(ess, group_id)[0].status_code == 'Successful'
    assert instances(ess, group_id)[0].health_status == 'Healthy'


def test_a_launch_failure_is_a_failed_activity(ess, ecs, net):
    broken = create_template(ecs, 'broken', security_group_id=net.security_group, key_pair_name='missing-key')
    group_id = create_group(ess, net, desired_capacity=2, launch_template_id=broken)
    enable(ess, group_id)
    [failed] = activities(ess, group_id)
    assert (failed.status_code, failed.error_code, failed.created_instances) == \
        ('Failed', 'InvalidKeyPairName.NotFound', [])
    assert group(ess, group_id).total_capacity == 0
    assert activities(ess, group_id, status_code='Failed')[0].scaling_activity_id == failed.scaling_activity_id
    modify(ess, group_id, launch_template_id=net.template, launch_template_version='1')
    assert len(in_service(ess, group_id)) == 2
    assert activities(ess, group_id)[0].status_code == 'Successful'


def test_instances_released_outside_auto_scaling_are_replaced(ess, ecs, net):
    group_id = create_group(ess, net, desired_capacity=2)
    enable(ess, group_id)
    gone = instances(ess, group_id)[0].instance_id
    ecs.delete_instance(E.DeleteInstanceRequest(instance_id=gone, force=True))
    assert [i.health_status for i in instances(ess, group_id, instance_ids=[gone])] == ['Unhealthy']
    modify(ess, group_id, default_cooldown=30)  # any change makes the group converge again
    current = instances(ess, group_id)
    assert gone not in [i.instance_id for i in current] and len(current) == 2


def test_describe_scaling_instances_filters(ess, net, admin):
    admin.set_profile(delays={'ess.scale_out': 60})
    group_id = create_group(ess, net, desired_capacity=2)
    enable(ess, group_id)
    admin.advance_clock(61)
    modify(ess, group_id, desired_capacity=3)
    pending = instances(ess, group_id, lifecycle_state='Pending')
    assert len(pending) == 1
    assert len(instances(ess, group_id, lifecycle_states=['InService', 'Pending'])) == 3
    assert instances(ess, group_id, instance_ids=[pending[0].instance_id, 'i-unknown'])[0].instance_id == \
        pending[0].instance_id
    assert len(instances(ess, group_id, creation_type='AutoCreated')) == 3
    assert len(instances(ess, group_id, scaling_activity_id=pending[0].scaling_activity_id)) == 1
    assert len(instances(ess, None)) == 3
    assert instances(ess, 'asg-bp1doesnotexist0000') == []
    assert error_of(instances, ess, group_id, lifecycle_state='Pending', lifecycle_states=['InService']) == \
        ('InvalidParameter.Conflict', 400)
    paged = ess.describe_scaling_instances(S.DescribeScalingInstancesRequest(
        region_id=REGION, scaling_group_id=group_id, page_size=2, page_number=2)).body
    assert (paged.total_count, paged.page_number, paged.page_size, len(paged.scaling_instances)) == (3, 2, 2, 1)


def test_describe_scaling_activities_needs_one_filter(ess, net):
    group_id = create_group(ess, net)
    assert error_of(activities, ess) == ('MissingParameter', 400)
    assert error_of(activities, ess, group_id, scaling_activity_ids=['asa-x']) == ('InvalidParameter.Conflict', 400)
    assert activities(ess, group_id) == []


# Deletion.

def test_force_delete_releases_the_instances(ess, ecs, alb, net, admin):
    group_id = create_group(ess, net, desired_capacity=2, alb_server_groups=[alb_group(net.server_group)])
    rule = ess.create_scaling_rule(S.CreateScalingRuleRequest(
        scaling_group_id=group_id, adjustment_type='TotalCapacity', adjustment_value=3)).body.scaling_rule_id
    enable(ess, group_id)
    members = [i.instance_id for i in instances(ess, group_id)]
    marker = admin.marker()
    assert error_of(delete, ess, group_id) == ('InstanceInUse', 400)
    assert admin.counts(since=marker)['mutating_succeeded'] == 0

    admin.set_profile(delays={'ess.group_deleting': 20, 'ecs.instance_releasing': 10})
    delete(ess, group_id, force=True)
    assert group(ess, group_id).lifecycle_state == 'Deleting'
    assert [i.lifecycle_state for i in instances(ess, group_id)] == ['Removing'] * 2
    assert error_of(modify, ess, group_id, desired_capacity=1) == ('IncorrectScalingGroupStatus', 400)
    assert error_of(delete, ess, group_id, force=True) == ('IncorrectScalingGroupStatus', 400)
    assert all(s[3] == 'Removing' for s in backends(alb, net.server_group))
    assert [i.status for i in ecs_instances(ecs, members)] == ['Stopping', 'Stopping']
    admin.advance_clock(21)
    assert group(ess, group_id) is None and ecs_instances(ecs, members) == []
    assert backends(alb, net.server_group) == []
    rules = ess.describe_scaling_rules(S.DescribeScalingRulesRequest(region_id=REGION, scaling_rule_ids=[rule]))
    assert rules.body.scaling_rules == []


def test_deletion_protection(ess, net):
    group_id = create_group(ess, net, group_deletion_protection=True)
    assert error_of(delete, ess, group_id, force=True) == ('OperationDenied.GroupDeletionProtection', 400)
    modify(ess, group_id, group_deletion_protection=False)
    delete(ess, group_id)
    assert group(ess, group_id) is None


# ALB server groups.

def test_attach_and_detach_alb_server_groups(ess, alb, net, admin):
    edge = create_server_group(alb, net.vpc_id, 'edge')
    group_id = create_group(ess, net, desired_capacity=2, alb_server_groups=[alb_group(net.server_group)])
    enable(ess, group_id)
    members = sorted(in_service(ess, group_id))

    def attach(server_group_id, port=5443, force=None, **extra):
        entry = alb_group(server_group_id, port, 30, model=S.AttachAlbServerGroupsRequestAlbServerGroups)
        request = S.AttachAlbServerGroupsRequest(region_id=REGION, scaling_group_id=group_id, force_attach=force,
                                                 alb_server_groups=[entry], **extra)
        return ess.attach_alb_server_groups(request).body

    def detach(server_group_id, port=5443, force=None):
        entry = S.DetachAlbServerGroupsRequestAlbServerGroups(alb_server_group_id=server_group_id, port=port)
        return ess.detach_alb_server_groups(S.DetachAlbServerGroupsRequest(
            region_id=REGION, scaling_group_id=group_id, force_detach=force, alb_server_groups=[entry])).body

    assert attach(edge).scaling_activity_id is None  # without ForceAttach, existing instances are not added
    assert [(g.alb_server_group_id, g.port) for g in group(ess, group_id).alb_server_groups] == \
        [(net.server_group, 5080), (edge, 5443)]
    assert backends(alb, edge) == []
    assert error_of(attach, edge) == ('AlbServerGroup.AlreadyAttached', 400)
    assert error_of(alb.delete_server_group, A.DeleteServerGroupRequest(server_group_id=edge)) == \
        ('ResourceInUse.ServerGroup', 400)
    modify(ess, group_id, desired_capacity=3)  # new instances join every attached group
    newest = [i for i in in_service(ess, group_id) if i not in members]
    assert [s[0] for s in backends(alb, edge)] == newest

    assert detach(edge).scaling_activity_id is None
    assert backends(alb, edge) == [(newest[0], 5443, 30, 'Available')]  # left alone without ForceDetach
    assert error_of(detach, edge) == ('AlbServerGroup.NotAttached', 400)

    attached = attach(edge, port=6000, force=True, client_token='attach-edge-6000')
    assert ACTIVITY_ID.match(attached.scaling_activity_id)
    assert activity(ess, attached.scaling_activity_id).status_code == 'Successful'
    assert sorted(s[0] for s in backends(alb, edge) if s[1] == 6000) == sorted(in_service(ess, group_id))
    replay = attach(edge, port=6000, force=True, client_token='attach-edge-6000')
    assert replay.scaling_activity_id == attached.scaling_activity_id

    detached = detach(edge, port=6000, force=True)
    assert activity(ess, detached.scaling_activity_id).status_code == 'Successful'
    assert backends(alb, edge) == []
    alb.delete_server_group(A.DeleteServerGroupRequest(server_group_id=edge))
    assert error_of(attach, 'sgp-doesnotexist000000') == ('AlbServerGroup.NotExist', 400)
    admin.set_profile(quotas={'ess.alb_server_groups_per_group': 1})
    other = create_server_group(alb, net.vpc_id, 'other')
    assert error_of(attach, other) == ('QuotaExceeded.AlbServerGroup', 400)


def test_force_attach_waits_for_a_running_activity(ess, alb, net, admin):
    admin.set_profile(delays={'ess.scale_out': 30, 'ess.attach_activity': 10})
    group_id = create_group(ess, net, desired_capacity=1)
    enable(ess, group_id)
    entry = alb_group(net.server_group, model=S.AttachAlbServerGroupsRequestAlbServerGroups)
    request = S.AttachAlbServerGroupsRequest(region_id=REGION, scaling_group_id=group_id, force_attach=True,
                                             alb_server_groups=[entry])
    assert error_of(ess.attach_alb_server_groups, request) == ('ScalingActivityInProgress', 400)
    admin.advance_clock(31)
    activity_id = ess.attach_alb_server_groups(request).body.scaling_activity_id
    assert activity(ess, activity_id).status_code == 'InProgress'
    admin.advance_clock(11)
    assert activity(ess, activity_id).status_code == 'Successful'
    assert [s[0] for s in backends(alb, net.server_group)] == in_service(ess, group_id)


# Scaling rules.

def rules(client, **filters):
    return client.describe_scaling_rules(S.DescribeScalingRulesRequest(region_id=REGION, **filters)).body


def create_rule(client, group_id, **settings):
    return client.create_scaling_rule(S.CreateScalingRuleRequest(scaling_group_id=group_id, **settings)).body


def test_scaling_rules_crud(ess, net):
    group_id = create_group(ess, net, min_size=1, max_size=4)
    simple = create_rule(ess, group_id, scaling_rule_name='add-one', adjustment_type='QuantityChangeInCapacity',
                         adjustment_value=1, cooldown=60)
    assert RULE_ID.match(simple.scaling_rule_id)
    assert simple.scaling_rule_ari == 'ari:acs:ess:%s:%s:scalingrule/%s' % (
        REGION, simple.scaling_rule_ari.split(':')[4], simple.scaling_rule_id)
    target = create_rule(ess, group_id, scaling_rule_name='cpu-70', scaling_rule_type='TargetTrackingScalingRule',
                         metric_name='CpuUtilization', target_value=70.5, estimated_instance_warmup=120,
                         disable_scale_in=True)
    unnamed = create_rule(ess, group_id, adjustment_type='TotalCapacity', adjustment_value=2)

    found = dict((r.scaling_rule_id, r) for r in rules(ess, scaling_group_id=group_id).scaling_rules)
    assert (found[simple.scaling_rule_id].scaling_rule_type, found[simple.scaling_rule_id].adjustment_type,
            found[simple.scaling_rule_id].adjustment_value, found[simple.scaling_rule_id].cooldown) == \
        ('SimpleScalingRule', 'QuantityChangeInCapacity', 1, 60)
    tracked = found[target.scaling_rule_id]
    assert (tracked.metric_name, tracked.target_value, tracked.estimated_instance_warmup, tracked.disable_scale_in,
            tracked.metric_type, tracked.scale_out_evaluation_count, tracked.scale_in_evaluation_count) == \
        ('CpuUtilization', 70.5, 120, True, 'system', 3, 15)
    assert tracked.adjustment_type is None and (tracked.min_size, tracked.max_size) == (1, 4)
    assert found[unnamed.scaling_rule_id].scaling_rule_name == unnamed.scaling_rule_id

    ess.modify_scaling_rule(S.ModifyScalingRuleRequest(scaling_rule_id=target.scaling_rule_id, target_value=55.0,
                                                       disable_scale_in=False, scaling_rule_name='cpu-55'))
    tracked = rules(ess, scaling_rule_ids=[target.scaling_rule_id]).scaling_rules[0]
    assert (tracked.target_value, tracked.disable_scale_in, tracked.scaling_rule_name) == (55.0, False, 'cpu-55')
    assert [r.scaling_rule_id for r in rules(ess, scaling_rule_names=['cpu-55']).scaling_rules] == \
        [target.scaling_rule_id]
    assert len(rules(ess, scaling_group_id=group_id, scaling_rule_type='SimpleScalingRule').scaling_rules) == 2
    assert len(rules(ess, scaling_rule_aris=[simple.scaling_rule_ari]).scaling_rules) == 1

    ess.delete_scaling_rule(S.DeleteScalingRuleRequest(region_id=REGION, scaling_rule_id=simple.scaling_rule_id))
    assert rules(ess, scaling_rule_ids=[simple.scaling_rule_id]).scaling_rules == []
    assert error_of(ess.delete_scaling_rule, S.DeleteScalingRuleRequest(scaling_rule_id=simple.scaling_rule_id)) == \
        ('InvalidScalingRuleId.NotFound', 404)
    assert error_of(ess.modify_scaling_rule, S.ModifyScalingRuleRequest(scaling_rule_id='asr-bp1nothere00000000')) \
        == ('InvalidScalingRuleId.NotFound', 404)


def step(lower=None, upper=None, adjustment=1):
    return S.CreateScalingRuleRequestStepAdjustments(metric_interval_lower_bound=lower,
                                                     metric_interval_upper_bound=upper, scaling_adjustment=adjustment)


@pytest.mark.parametrize('settings, expected', [
    ({'adjustment_value': 1}, ('MissingAdjustmentType', 400)),
    ({'adjustment_type': 'QuantityChangeInCapacity'}, ('MissingAdjustmentValue', 400)),
    ({'adjustment_type': 'Double', 'adjustment_value': 1}, ('InvalidParameter', 400)),
    ({'adjustment_type': 'QuantityChangeInCapacity', 'adjustment_value': 1001}, ('InvalidParameter', 400)),
    ({'adjustment_type': 'TotalCapacity', 'adjustment_value': 1, 'min_adjustment_magnitude': 1},
     ('InvalidMinAdjustmentMagnitudeMismatchAdjustmentType', 400)),
    ({'adjustment_type': 'TotalCapacity', 'adjustment_value': 1, 'cooldown': 90000}, ('InvalidParameter', 400)),
    ({'scaling_rule_type': 'Magic'}, ('InvalidParameter', 400)),
    ({'scaling_rule_type': 'TargetTrackingScalingRule', 'target_value': 50.0}, ('MissingMetricName', 400)),
    ({'scaling_rule_type': 'TargetTrackingScalingRule', 'metric_name': 'DiskUsage', 'target_value': 50.0},
     ('TargetTrackingScalingRule.UnsupportedMetric', 400)),
    ({'scaling_rule_type': 'TargetTrackingScalingRule', 'metric_name': 'CpuUtilization'}, ('MissingTargetValue', 400)),
    ({'scaling_rule_type': 'TargetTrackingScalingRule', 'metric_name': 'CpuUtilization', 'target_value': 0.0},
     ('InvalidParameter', 400)),
    ({'scaling_rule_type': 'TargetTrackingScalingRule', 'metric_name': 'CpuUtilization', 'target_value': 1.2345},
     ('InvalidParameter', 400)),
    ({'scaling_rule_type': 'StepScalingRule', 'adjustment_type': 'QuantityChangeInCapacity',
      'step_adjustments': [step()]}, ('InvalidStepAdjustments.BothNull', 400)),
    ({'scaling_rule_type': 'StepScalingRule', 'adjustment_type': 'QuantityChangeInCapacity',
      'step_adjustments': [step(5.0, 1.0)]}, ('InvalidStepAdjustments.LowerGtUpper', 400)),
    ({'scaling_rule_type': 'StepScalingRule', 'adjustment_type': 'QuantityChangeInCapacity',
      'step_adjustments': [step(0.0, 10.0), step(5.0)]}, ('InvalidStepAdjustments.Overlap', 400)),
    ({'scaling_rule_type': 'StepScalingRule', 'adjustment_type': 'QuantityChangeInCapacity',
      'step_adjustments': [step(0.0, 10.0), step(20.0)]}, ('InvalidStepAdjustments.Gap', 400)),
    ({'scaling_rule_type': 'StepScalingRule', 'adjustment_type': 'QuantityChangeInCapacity',
      'step_adjustments': [step(None, 0.0), step(None, 10.0)]}, ('InvalidStepAdjustments.MultipleNullLowerBound', 400)),
    ({'scaling_rule_name': '_bad', 'adjustment_type': 'TotalCapacity', 'adjustment_value': 1},
     ('InvalidParameter', 400)),
])
def test_invalid_scaling_rules_are_refused(ess, net, admin, settings, expected):
    group_id = create_group(ess, net)
    marker = admin.marker()
    assert error_of(create_rule, ess, group_id, **settings) == expected
    assert admin.counts(since=marker)['mutating_succeeded'] == 0


def test_rule_names_and_target_metrics_are_unique_within_a_group(ess, net, admin):
    group_id = create_group(ess, net)
    other_id = create_group(ess, net, name='edge')
    create_rule(ess, group_id, scaling_rule_name='cpu', scaling_rule_type='TargetTrackingScalingRule',
                metric_name='CpuUtilization', target_value=60.0)
    assert error_of(create_rule, ess, group_id, scaling_rule_name='cpu', adjustment_type='TotalCapacity',
                    adjustment_value=1) == ('InvalidScalingRuleName.Duplicate', 400)
    assert error_of(create_rule, ess, group_id, scaling_rule_name='cpu-2',
                    scaling_rule_type='TargetTrackingScalingRule', metric_name='CpuUtilization', target_value=80.0) == \
        ('TargetTrackingScalingRule.DumplicateMetric', 400)
    create_rule(ess, other_id, scaling_rule_name='cpu', scaling_rule_type='TargetTrackingScalingRule',
                metric_name='CpuUtilization', target_value=60.0)  # another group may use both
    assert error_of(create_rule, ess, 'asg-bp1doesnotexist0000', adjustment_type='TotalCapacity',
                    adjustment_value=1) == ('InvalidScalingGroupId.NotFound', 404)
    admin.set_profile(quotas={'ess.rules_per_group': 1})
    assert error_of(create_rule, ess, group_id, adjustment_type='TotalCapacity', adjustment_value=1) == \
        ('QuotaExceeded.ScalingRule', 400)


def test_execute_scaling_rule(ess, net):
    group_id = create_group(ess, net, min_size=1, max_size=3)
    add_two = create_rule(ess, group_id, adjustment_type='QuantityChangeInCapacity', adjustment_value=2)
    execute = ess.execute_scaling_rule
    request = S.ExecuteScalingRuleRequest(scaling_rule_ari=add_two.scaling_rule_ari)
    assert error_of(execute, request) == ('IncorrectScalingGroupStatus', 400)
    enable(ess, group_id)
    assert group(ess, group_id).total_capacity == 1
    activity_id = execute(request).body.scaling_activity_id
    done = activity(ess, activity_id)
    assert (done.status_code, done.trigger_source_type, done.created_capacity, done.total_capacity) == \
        ('Successful', 'APIs', 2, '3')
    assert '"1" to "3"' in done.cause and add_two.scaling_rule_id in done.cause
    assert error_of(execute, request) == ('IncorrectCapacity.NoChange', 400)  # MaxSize caps it
    half = create_rule(ess, group_id, adjustment_type='PercentChangeInCapacity', adjustment_value=-50,
                       min_adjustment_magnitude=1)
    execute(S.ExecuteScalingRuleRequest(scaling_rule_ari=half.scaling_rule_ari))
    assert group(ess, group_id).total_capacity == 2  # 3 * -50% truncates to -1
    steps = create_rule(ess, group_id, scaling_rule_type='StepScalingRule', adjustment_type='TotalCapacity',
                        step_adjustments=[step(None, 10.0, 1), step(10.0, None, 3)])
    step_request = S.ExecuteScalingRuleRequest(scaling_rule_ari=steps.scaling_rule_ari, metric_value=95.0)
    assert error_of(execute, step_request) == ('MissingParameter.BreachThreshold', 400)
    step_request.breach_threshold = 80.0
    execute(step_request)
    assert group(ess, group_id).total_capacity == 3
    tracking = create_rule(ess, group_id, scaling_rule_type='TargetTrackingScalingRule', metric_name='IntranetTx',
                           target_value=100.0)
    assert error_of(execute, S.ExecuteScalingRuleRequest(scaling_rule_ari=tracking.scaling_rule_ari)) == \
        ('ScalingRule.InvalidScalingRuleType', 400)
    assert error_of(execute, S.ExecuteScalingRuleRequest(scaling_rule_ari='ari:acs:ess:cn-hangzhou:1:scalingrule/x')) \
        == ('InvalidScalingRuleAri.NotFound', 404)


def test_executing_a_rule_moves_the_desired_capacity(ess, net):
    group_id = create_group(ess, net, desired_capacity=1)
    enable(ess, group_id)
    total = create_rule(ess, group_id, adjustment_type='TotalCapacity', adjustment_value=3)
    execute = S.ExecuteScalingRuleRequest(scaling_rule_ari=total.scaling_rule_ari, client_token='scale-to-3')
    first = ess.execute_scaling_rule(execute).body.scaling_activity_id
    assert ess.execute_scaling_rule(execute).body.scaling_activity_id == first  # ClientToken replays the answer
    found = group(ess, group_id)
    assert (found.desired_capacity, found.total_capacity) == (3, 3)


# Pagination, ClientToken, tags.

def test_describe_scaling_groups_pages_and_filters(ess, net):
    created = [create_group(ess, net, name='group-%d' % n) for n in range(5)]
    seen = []
    for number in (1, 2, 3):
        body = groups(ess, page_size=2, page_number=number)
        assert (body.total_count, body.page_size, body.page_number) == (5, 2, number)
        seen.extend(g.scaling_group_id for g in body.scaling_groups)
    assert seen == created  # oldest first
    assert [g.scaling_group_id for g in groups(ess, scaling_group_name='group-3').scaling_groups] == [created[3]]
    assert len(groups(ess, scaling_group_names=['group-1', 'group-4']).scaling_groups) == 2
    assert groups(ess, scaling_group_ids=['asg-bp1doesnotexist0000']).total_count == 0
    assert error_of(groups, ess, page_size=51) == ('InvalidPageSize', 400)


def test_client_token_makes_create_idempotent(ess, net, admin):
    first = create_group(ess, net, client_token='origin-group-1')
    assert create_group(ess, net, client_token='origin-group-1') == first
    assert groups(ess).total_count == 1
    assert error_of(create_group, ess, net, max_size=9, client_token='origin-group-1') == \
        ('IdempotentParameterMismatch', 400)


def test_tags_with_propagation(ess, ecs, net):
    group_id = create_group(ess, net)
    other_id = create_group(ess, net, name='edge')

    def tag_request(**entries):
        return [S.TagResourcesRequestTags(key=k, value=v[0], propagate=v[1]) for k, v in entries.items()]
    ess.tag_resources(S.TagResourcesRequest(region_id=REGION, resource_type='scalinggroup',
                                            resource_ids=[group_id, other_id],
                                            tags=tag_request(app=('ams', True), owner=('ops', False))))

    def listed(**extra):
        request = S.ListTagResourcesRequest(region_id=REGION, resource_type='scalinggroup', **extra)
        body = ess.list_tag_resources(request).body
        return sorted((t.resource_id, t.tag_key, t.tag_value, t.propagate) for t in body.tag_resources)
    assert listed(resource_ids=[group_id]) == [(group_id, 'app', 'ams', True), (group_id, 'owner', 'ops', False)]
    assert len(listed(tags=[S.ListTagResourcesRequestTags(key='owner')])) == 4
    assert listed(tags=[S.ListTagResourcesRequestTags(key='app', value='other')]) == []
    assert error_of(listed, tags=[S.ListTagResourcesRequestTags(value='ams')]) == ('MissingParameter.TagKey', 400)
    assert [g.scaling_group_id for g in groups(ess, tags=[S.DescribeScalingGroupsRequestTags(
        key='app', value='ams')]).scaling_groups] == [group_id, other_id]

    ess.untag_resources(S.UntagResourcesRequest(region_id=REGION, resource_type='scalinggroup',
                                                resource_ids=[other_id], tag_keys=['owner']))
    assert listed(resource_ids=[other_id]) == [(other_id, 'app', 'ams', True)]
    ess.untag_resources(S.UntagResourcesRequest(region_id=REGION, resource_type='scalinggroup',
                                                resource_ids=[other_id], all=True))
    assert listed(resource_ids=[other_id]) == []
    assert error_of(ess.tag_resources, S.TagResourcesRequest(
        region_id=REGION, resource_type='instance', resource_ids=[group_id], tags=tag_request(a=('b', False)))) == \
        ('InvalidParameter', 400)
    assert error_of(ess.tag_resources, S.TagResourcesRequest(
        region_id=REGION, resource_type='scalinggroup', resource_ids=['asg-bp1doesnotexist0000'],
        tags=tag_request(a=('b', False)))) == ('InvalidScalingGroupId.NotFound', 404)

    modify(ess, group_id, desired_capacity=1)
    enable(ess, group_id)
    launched = ecs_instances(ecs, in_service(ess, group_id))[0]
    assert dict((t.tag_key, t.tag_value) for t in launched.tags.tag) == \
        {'app': 'ams', 'acs:autoscaling:scalingGroupId': group_id}  # only propagated tags reach instances


def test_groups_are_regional(emulator_server, ess, net):
    group_id = create_group(ess, net)
    shanghai = emulator_server.client('ess', region='cn-shanghai', region_header=True)
    assert shanghai.describe_scaling_groups(S.DescribeScalingGroupsRequest(region_id='cn-shanghai')).body.total_count \
        == 0
    assert error_of(shanghai.modify_scaling_group, S.ModifyScalingGroupRequest(scaling_group_id=group_id,
                                                                               max_size=5)) == \
        ('InvalidScalingGroupId.NotFound', 404)


# Persistence.

def test_activities_survive_a_restart_under_the_realistic_profile(emulator_server, ess, alb, net, admin):
    admin.set_profile('realistic')
    assert admin.profile()['delays']['ess.scale_out'] == 40.0
    group_id = create_group(ess, net, desired_capacity=2, alb_server_groups=[alb_group(net.server_group)])
    admin.advance_clock(2)  # past the realistic consistency window
    enable(ess, group_id)
    emulator_server.restart()
    ess = emulator_server.client('ess', region_header=True)
    admin = emulator_server.admin
    [running] = activities(ess, group_id)
    assert running.status_code == 'InProgress'
    assert [i.lifecycle_state for i in instances(ess, group_id)] == ['Pending', 'Pending']
    admin.advance_clock(41)
    assert activities(ess, group_id)[0].status_code == 'Successful'
    assert len(in_service(ess, group_id)) == 2
    alb = emulator_server.client('alb', region_header=True)
    admin.advance_clock(11)  # ALB's realistic backend delay
    assert [s[3] for s in backends(alb, net.server_group)] == ['Available', 'Available']

"""ESS (Auto Scaling) 2022-02-22: scaling groups built from ECS launch templates, their instances and scaling
activities, ALB server group attachments, scaling rules and tags.

A group is created ``Inactive``. EnableScalingGroup makes it ``Active``; from then on it converges to its capacity
(DesiredCapacity when set, else the current count kept within MinSize..MaxSize) through scaling activities, one at
a time:

* scale-out: the activity launches the instances at once with ``ecs.launch_instances`` (the vSwitch of each one
  chosen per MultiAZPolicy); they are ``Pending`` in the group. When the activity's delay has passed and their ECS
  instances have booted they turn ``InService`` and join every attached ALB server group (``alb.add_backends``);
* scale-in: the instances RemovalPolicies pick turn ``Removing`` and leave the ALB server groups
  (``alb.remove_backends``); when the delay has passed they are released (``ecs.release_instances``).

An activity is ``InProgress`` for the profile's delay, then ``Successful`` (``Warning`` when only some instances
could be launched, ``Failed`` with the ECS error when none could; a failed group tries again after
``ess.retry_after_failure``). When an activity ends the group converges again, so a capacity changed meanwhile is
honoured next. DisableScalingGroup lets a running activity finish and starts no new one.

LaunchTemplateOverrides (instance types in priority order, checked against the ECS catalogue) are kept and listed;
instances are launched with the template's instance type, as ECS models no stock that would make ESS fall back to
them.

ESS registers ``@dependent('alb.servergroup')``: a server group attached to a scaling group cannot be deleted.
"""

import math
import re
from collections import Counter

from emulator.core import ApiError, Product, dependent, errors, ids, pagination, tags
from emulator.products import ecs as ecs_product
from emulator.products import vpc as vpc_product

ess = Product('ess', '2022-02-22', 'alibabacloud_ess20220222', endpoint='ess.aliyuncs.com')
ess.delay('scale_out', fast=0.0, realistic=40.0)          # scale-out activity: Pending -> InService
ess.delay('scale_in', fast=0.0, realistic=20.0)           # scale-in activity: Removing -> released
ess.delay('attach_activity', fast=0.0, realistic=10.0)    # ForceAttach / ForceDetach activities
ess.delay('group_deleting', fast=0.0, realistic=10.0)     # Deleting -> gone
ess.delay('instance_poll', fast=1.0, realistic=5.0)       # a scale-out waits this long again for booting instances
ess.delay('retry_after_failure', fast=30.0, realistic=300.0)  # a failed scale-out is retried after this

GROUP = 'ess.scaling_group'
RULE = 'ess.scaling_rule'
ACTIVITY = 'ess.scaling_activity'

SCALING_GROUPS_PER_REGION = 200
INSTANCES_PER_GROUP = 2000
ALB_SERVER_GROUPS_PER_GROUP = 5
RULES_PER_GROUP = 50
VSWITCHES_PER_GROUP = 8
OVERRIDES_PER_GROUP = 10  # LaunchTemplateOverride.N: "Valid values of N: 1 to 10" (API reference)

MULTI_AZ_POLICIES = ('PRIORITY', 'BALANCE', 'COST_OPTIMIZED', 'COMPOSABLE')
HEALTH_CHECK_TYPES = ('NONE', 'ECS', 'LOAD_BALANCER')
REMOVAL_POLICIES = ('OldestInstance', 'NewestInstance', 'OldestScalingConfiguration', 'CustomPolicy')
DEFAULT_REMOVAL_POLICIES = ['OldestScalingConfiguration', 'OldestInstance']
SCALING_POLICIES = ('recycle', 'release', 'forcerelease', 'forcerecycle')
RULE_TYPES = ('SimpleScalingRule', 'TargetTrackingScalingRule', 'StepScalingRule', 'PredictiveScalingRule')
ADJUSTMENT_RANGES = {'QuantityChangeInCapacity': (-1000, 1000), 'PercentChangeInCapacity': (-100, 10000),
                     'TotalCapacity': (0, 2000)}
TARGET_METRICS = ('CpuUtilizationAgent', 'MemoryUtilization', 'CpuUtilization', 'IntranetTx', 'IntranetRx',
                  'VpcInternetTx', 'VpcInternetRx', 'LoadBalancerRealServerAverageQps')
PREDICTIVE_METRICS = ('CpuUtilization', 'IntranetRx', 'IntranetTx')
METRIC_TYPES = ('system', 'custom', 'hybrid')
# Group and rule names: 2-64 characters, starting with a letter, a digit or a Chinese character.
NAME = re.compile(r'^[A-Za-z0-9\u4e00-\u9fa5][\w.\-\u4e00-\u9fa5]{1,63}$')
# Features of CreateScalingGroup the emulator does not model: refused rather than silently ignored.
UNMODELLED = ('InstanceId', 'LoadBalancerIds', 'LoadBalancerConfigs', 'VServerGroups', 'ServerGroups', 'DBInstanceIds',
              'DBInstances', 'LifecycleHooks', 'ContainerGroupId')


# Errors (Auto Scaling API reference error tables; see ess.md for the ones the tables do not name).

def _invalid(message):
    return ApiError('InvalidParameter', message)


def _invalid_value(name):
    return _invalid('The specified value of parameter "%s" is not valid.' % name)


def _conflict(first, second):
    return ApiError('InvalidParameter.Conflict', 'The value of parameter %s and parameter %s are conflict.'
                    % (first, second))


def _incorrect_status():
    return ApiError('IncorrectScalingGroupStatus',
                    'The current status of the specified scaling group does not support this action.')


def _activity_in_progress():
    return ApiError('ScalingActivityInProgress', 'You cannot delete a scaling group or launch a new scaling activity '
                                                 'while there is a scaling activity in progress for the specified '
                                                 'scaling group.')


def _within(value, low, high, name):
    if value is not None and not low <= value <= high:
        raise _invalid_value(name)
    return value


def _one_of(value, allowed, name):
    if value is not None and value not in allowed:
        raise _invalid_value(name)
    return value


def _check_name(value, name):
    if value is not None and not NAME.match(value):
        raise _invalid_value(name)
    return value


# Lookups.

def _group(ctx, group_id):
    group = ctx.get(GROUP, group_id)
    if group is None or not ctx.visible(group):
        raise errors.not_found('InvalidScalingGroupId.NotFound', 'The specified scaling group does not exist.')
    return group


def _rule(ctx, rule_id):
    rule = ctx.get(RULE, rule_id)
    if rule is None or not ctx.visible(rule):
        raise errors.not_found('InvalidScalingRuleId.NotFound', 'The specified scaling rule does not exist.')
    return rule


def _record(group, instance_id):
    return next((r for r in group['Instances'] if r['InstanceId'] == instance_id), None)


def _instance(ctx, instance_id):
    return ecs_product.get_instance(ctx, ctx.region, instance_id)


# Group settings shared by CreateScalingGroup and ModifyScalingGroup.

def _check_capacity(ctx, min_size, max_size, desired):
    limit = ctx.quota('ess.instances_per_group', INSTANCES_PER_GROUP)
    _within(min_size, 0, limit, 'MinSize')
    _within(max_size, 0, limit, 'MaxSize')
    if min_size > max_size:
        raise _conflict('MinSize', 'MaxSize')
    if desired is not None and not min_size <= desired <= max_size:
        raise _conflict('DesiredCapacity', 'MinSize' if desired < min_size else 'MaxSize')


def _health_check_types(params):
    """HealthCheckType wins over HealthCheckTypes, as documented; None when the request sets neither."""
    single = params.text('HealthCheckType')
    chosen = [single] if single else params.list_of('HealthCheckTypes')
    for value in chosen:
        _one_of(value, HEALTH_CHECK_TYPES, 'HealthCheckType')
    return chosen or None


def _removal_policies(values):
    for value in values:
        _one_of(value, REMOVAL_POLICIES, 'RemovalPolicies')
    if 'CustomPolicy' in values[1:]:
        raise _invalid('CustomPolicy can only be the first removal policy.')
    return list(values)


def _vswitches(ctx, vswitch_ids, vpc_id=None):
    """(vSwitch ids, VPC id): every vSwitch exists, is Available and they share one VPC (``vpc_id`` when given)."""
    if len(vswitch_ids) > VSWITCHES_PER_GROUP:
        raise _invalid('You can specify up to %d vSwitches.' % VSWITCHES_PER_GROUP)
    if len(set(vswitch_ids)) != len(vswitch_ids):
        raise _invalid('The specified value of parameter "VSwitchIds" is duplicated.')
    for vswitch_id in vswitch_ids:
        vswitch = vpc_product.find_vswitch(ctx, vswitch_id)
        if vswitch is None or not ctx.visible(vswitch):
            raise errors.not_found('InvalidVSwitchId.NotFound', 'The specified virtual switch does not exist.')
        if vswitch['Status'] != 'Available':
            raise ApiError('IncorrectVSwitchStatus',
                           'The current status of virtual switch does not support this operation.')
        if vpc_id is not None and vswitch['VpcId'] != vpc_id:
            raise _invalid('The specified vSwitches are not in the same VPC (%s is in %s, not %s).'
                           % (vswitch_id, vswitch['VpcId'], vpc_id))
        vpc_id = vswitch['VpcId']
    return list(vswitch_ids), vpc_id


def _template_version(template, version):
    """The version number a LaunchTemplateVersion ('Default', 'Latest' or a number) names in ``template``."""
    if version == 'Latest':
        return template['LatestVersionNumber']
    if version in (None, 'Default'):
        return template['DefaultVersionNumber']
    return int(version)


def _check_template(ctx, template_id, version):
    """The checks ESS makes on a launch template source; returns the version as the group keeps it."""
    version = version or 'Default'
    if version not in ('Default', 'Latest') and not version.isdigit():
        raise ApiError('TemplateVersion.NotNumber', 'The input parameter "LaunchTemplateVersion" is supposed to be a '
                                                    'string representing the version number.')
    template = ecs_product.get_launch_template(ctx, ctx.region, template_id)
    if template is None:
        raise ApiError('LaunchTemplateSet.NotFound', 'The specified launch template set is not found.')
    data = template['Versions'].get(_template_version(template, version))
    if data is None:
        raise ApiError('LaunchTemplateVersionSet.NotFound', 'The specific version of launch template is not exist.')
    required = (('ImageId', bool(data.get('ImageId'))), ('InstanceTypes', bool(data.get('InstanceType'))),
                ('SecurityGroup', bool(data.get('SecurityGroupId')
                                       or (data.get('SecurityGroupIds') or {}).get('SecurityGroupId'))))
    for name, present in required:
        if not present:
            raise ApiError('TemplateMissingParameter.' + name, 'The input parameter "%s" that is mandatory for '
                                                               'processing this request is not supplied.' % name)
    return version


def _overrides(entries, template_id):
    """Checked LaunchTemplateOverrides, [{InstanceType}] in priority order: each an instance type of the ECS
    catalogue, once, at most ten. They only take effect with a LaunchTemplateId in the same request."""
    if not entries:
        return []
    if not template_id:
        raise _invalid('LaunchTemplateOverrides take effect only with a LaunchTemplateId in the same request.')
    if len(entries) > OVERRIDES_PER_GROUP:
        raise _invalid('You can specify up to %d LaunchTemplateOverrides.' % OVERRIDES_PER_GROUP)
    chosen = []
    for entry in entries:
        type_id = entry.get('InstanceType')
        if not type_id:
            raise ApiError('MissingParameter', 'The input parameter "LaunchTemplateOverrides.N.InstanceType" that is '
                                               'mandatory for processing this request is not supplied.')
        for unmodelled in ('WeightedCapacity', 'SpotPriceLimit'):
            if entry.get(unmodelled) is not None:
                raise _invalid('The emulator does not model LaunchTemplateOverrides.N.%s (capacity by weight, spot '
                               'prices).' % unmodelled)
        if type_id not in ecs_product.INSTANCE_TYPE_IDS:
            raise _invalid('The specified value of parameter "LaunchTemplateOverrides.N.InstanceType" is not valid: '
                           '%s is not an instance type on sale.' % type_id)
        if type_id in chosen:
            raise _invalid('The specified value of parameter "LaunchTemplateOverrides.N.InstanceType" is duplicated.')
        chosen.append(type_id)
    return [{'InstanceType': type_id} for type_id in chosen]


def _alb_attachments(ctx, entries, vpc_id, attached=()):
    """Checked [{AlbServerGroupId, Port, Weight}]: each server group exists, is an Available Instance-type group of
    the scaling group's VPC, and is not attached on that port yet."""
    from emulator.products import alb as alb_product
    chosen, keys = [], set((a['AlbServerGroupId'], a['Port']) for a in attached)
    for entry in entries:
        for name in ('AlbServerGroupId', 'Port'):
            if entry.get(name) in (None, ''):
                raise ApiError('MissingParameter', 'The input parameter "AlbServerGroups.N.%s" that is mandatory for '
                                                   'processing this request is not supplied.' % name)
        _within(entry['Port'], 1, 65535, 'AlbServerGroups.N.Port')
        weight = _within(entry.get('Weight', 100), 0, 100, 'AlbServerGroups.N.Weight')
        key = (entry['AlbServerGroupId'], entry['Port'])
        if key in keys:
            if key in [(a['AlbServerGroupId'], a['Port']) for a in attached]:
                raise ApiError('AlbServerGroup.AlreadyAttached', 'The ALB ServerGroups are already attached.')
            raise _invalid('The specified value of parameter "AlbServerGroups" is duplicated.')
        group = alb_product.get_server_group(ctx, ctx.region, entry['AlbServerGroupId'])
        if group is None:
            raise ApiError('AlbServerGroup.NotExist', 'The ServerGroup "%s" do(es) not exist.'
                           % entry['AlbServerGroupId'])
        if group['VpcId'] != vpc_id:
            raise _invalid('The ALB server group %s and the scaling group are not in the same VPC.'
                           % entry['AlbServerGroupId'])
        if group['ServerGroupType'] != 'Instance':
            raise _invalid('The ALB server group %s does not take ECS instances (type %s).'
                           % (entry['AlbServerGroupId'], group['ServerGroupType']))
        if group['ServerGroupStatus'] != 'Available':
            raise ApiError('IncorrectLoadBalancerStatus',
                           'The current status of the specified load balancer does not support this action.')
        keys.add(key)
        chosen.append({'AlbServerGroupId': key[0], 'Port': key[1], 'Weight': weight})
    if len(keys) > ctx.quota('ess.alb_server_groups_per_group', ALB_SERVER_GROUPS_PER_GROUP):
        raise ApiError('QuotaExceeded.AlbServerGroup',
                       'ALB server group quota exceeded in the specified scaling group.')
    return chosen


def _tag_entries(entries):
    """[(key, value, propagate)] of Tags.N, checked as tags are everywhere."""
    found = [(e.get('Key'), e.get('Value') or '', bool(e.get('Propagate'))) for e in entries]
    tags.validate([(key, value) for key, value, _ in found], 'Tags.N.Key')
    return found


def _set_tags(group, entries):
    tags.set_tags(group, [(key, value) for key, value, _ in entries])
    propagated = set(group.get('_propagate', []))
    for key, _, propagate in entries:
        (propagated.add if propagate else propagated.discard)(key)
    group['_propagate'] = sorted(propagated)


def _name_taken(ctx, name, group_id=None):
    return bool(ctx.list(GROUP, lambda g: g['ScalingGroupName'] == name and g['ScalingGroupId'] != group_id))


# Scaling groups.

@ess.action('CreateScalingGroup')
def create_scaling_group(ctx, params):
    name = _check_name(params.text('ScalingGroupName'), 'ScalingGroupName')
    for unmodelled in UNMODELLED:
        if params.get(unmodelled) not in (None, '', []):
            raise _invalid('The emulator does not model %s: build scaling groups from launch templates and ALB server '
                           'groups.' % unmodelled)
    if params.text('GroupType', 'ECS') != 'ECS':
        raise _invalid('The emulator models scaling groups of ECS instances only.')
    desired = params.get('DesiredCapacity')
    _check_capacity(ctx, params['MinSize'], params['MaxSize'], desired)
    cooldown = _within(params.get('DefaultCooldown', 300), 0, 86400, 'DefaultCooldown')
    multi_az = _one_of(params.text('MultiAZPolicy', 'PRIORITY'), MULTI_AZ_POLICIES, 'MultiAZPolicy')
    health = _health_check_types(params) or ['ECS']
    removal = _removal_policies(params.list_of('RemovalPolicies')) or list(DEFAULT_REMOVAL_POLICIES)
    scaling_policy = _one_of(params.text('ScalingPolicy', 'release'), SCALING_POLICIES, 'ScalingPolicy')
    entries = _tag_entries(params.list_of('Tags'))
    vswitch_ids = params.list_of('VSwitchIds') or ([params['VSwitchId']] if params.text('VSwitchId') else [])
    if not vswitch_ids:
        raise _invalid('The emulator models VPC scaling groups only: specify VSwitchId or VSwitchIds.')
    vswitch_ids, vpc_id = _vswitches(ctx, vswitch_ids)
    template_id = params.text('LaunchTemplateId')
    version = _check_template(ctx, template_id, params.text('LaunchTemplateVersion')) if template_id else ''
    overrides = _overrides(params.list_of('LaunchTemplateOverrides'), template_id)
    attachments = _alb_attachments(ctx, params.list_of('AlbServerGroups'), vpc_id)
    if name is not None and _name_taken(ctx, name):
        raise ApiError('InvalidScalingGroupName.Duplicate',
                       'The specified value of parameter "ScalingGroupName" is duplicated.')
    if len(ctx.list(GROUP)) >= ctx.quota('ess.scaling_groups_per_region', SCALING_GROUPS_PER_REGION):
        raise ApiError('QuotaExceeded.ScalingGroup', 'Scaling group quota exceeded.')
    group_id = ctx.new_id('asg', 20)
    group = ctx.add(GROUP, group_id, {
        'ScalingGroupId': group_id, 'ScalingGroupName': name or group_id, 'LifecycleState': 'Inactive',
        'MinSize': params['MinSize'], 'MaxSize': params['MaxSize'], 'DesiredCapacity': desired,
        'DefaultCooldown': cooldown, 'LaunchTemplateId': template_id or '', 'LaunchTemplateVersion': version,
        'LaunchTemplateOverrides': overrides, 'VSwitchIds': vswitch_ids, 'VpcId': vpc_id,
        'AlbServerGroups': attachments, 'MultiAZPolicy': multi_az,
        'HealthCheckTypes': health, 'RemovalPolicies': removal, 'ScalingPolicy': scaling_policy,
        'GroupDeletionProtection': params.flag('GroupDeletionProtection'),
        'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']),
        'CreationTime': ids.iso_time_minutes(ctx.now), 'ModificationTime': ids.iso_time_minutes(ctx.now),
        'Instances': [], '_activity': None,
    })
    _set_tags(group, entries)
    return {'ScalingGroupId': group_id}


def _tag_view(group):
    propagated = set(group.get('_propagate', []))
    return [{'TagKey': key, 'TagValue': value, 'Propagate': key in propagated} for key, value in tags.of(group).items()]


def _group_view(group):
    counts = Counter(r['LifecycleState'] for r in group['Instances'])
    total = len(group['Instances'])
    view = {
        'ScalingGroupId': group['ScalingGroupId'], 'ScalingGroupName': group['ScalingGroupName'],
        'RegionId': group['_region'], 'LifecycleState': group['LifecycleState'], 'MinSize': group['MinSize'],
        'MaxSize': group['MaxSize'], 'EnableDesiredCapacity': group['DesiredCapacity'] is not None,
        'DefaultCooldown': group['DefaultCooldown'], 'LaunchTemplateId': group['LaunchTemplateId'],
        'LaunchTemplateVersion': group['LaunchTemplateVersion'],
        'LaunchTemplateOverrides': [dict(o) for o in group.get('LaunchTemplateOverrides', [])],
        'VSwitchIds': list(group['VSwitchIds']), 'VSwitchId': group['VSwitchIds'][0], 'VpcId': group['VpcId'],
        'AlbServerGroups': [dict(a) for a in group['AlbServerGroups']], 'ServerGroups': [], 'VServerGroups': [],
        'LoadBalancerIds': [], 'LoadBalancerConfigs': [], 'DBInstanceIds': [], 'DBInstances': [],
        'MultiAZPolicy': group['MultiAZPolicy'], 'HealthCheckType': group['HealthCheckTypes'][0],
        'HealthCheckTypes': list(group['HealthCheckTypes']), 'RemovalPolicies': list(group['RemovalPolicies']),
        'ScalingPolicy': group['ScalingPolicy'], 'GroupDeletionProtection': group['GroupDeletionProtection'],
        'GroupType': 'ECS', 'ResourceGroupId': group['ResourceGroupId'], 'CreationTime': group['CreationTime'],
        'ModificationTime': group['ModificationTime'], 'ActiveScalingConfigurationId': '',
        'TotalCapacity': total, 'TotalInstanceCount': total, 'ActiveCapacity': counts['InService'],
        'PendingCapacity': counts['Pending'], 'RemovingCapacity': counts['Removing'], 'PendingWaitCapacity': 0,
        'RemovingWaitCapacity': 0, 'ProtectedCapacity': 0, 'StandbyCapacity': 0, 'StoppedCapacity': 0,
        'SpotCapacity': 0, 'SuspendedProcesses': [], 'SystemSuspended': False, 'IsElasticStrengthInAlarm': False,
        'Tags': _tag_view(group),
        # Settings this emulator does not model, with the values of a group created without them.
        'InitCapacity': 0, 'AzBalance': False, 'BalanceMode': 'balance', 'AllocationStrategy': 'priority',
        'SpotAllocationStrategy': 'lowestPrice', 'OnDemandBaseCapacity': 0, 'OnDemandPercentageAboveBaseCapacity': 100,
        'SpotInstancePools': 0, 'SpotInstanceRemedy': False, 'CompensateWithOnDemand': False,
        'CapacityOptions': {'OnDemandBaseCapacity': 0, 'OnDemandPercentageAboveBaseCapacity': 100,
                            'CompensateWithOnDemand': False, 'SpotAutoReplaceOnDemand': False,
                            'PriceComparisonMode': 'PricePerUnit'},
        'AutoRebalance': False, 'MaxInstanceLifetime': 0, 'StopInstanceTimeout': 0, 'CurrentHostName': '',
        'CustomPolicyARN': '', 'MonitorGroupId': '',
    }
    if group['DesiredCapacity'] is not None:
        view['DesiredCapacity'] = group['DesiredCapacity']
    return view


@ess.action('DescribeScalingGroups')
def describe_scaling_groups(ctx, params):
    wanted_ids = params.list_of('ScalingGroupIds')
    names = params.list_of('ScalingGroupNames') + ([params['ScalingGroupName']] if params.text('ScalingGroupName')
                                                   else [])
    resource_group = params.text('ResourceGroupId')
    group_type = params.text('GroupType')
    tag_filters = [(t.get('Key'), t.get('Value') or '') for t in params.list_of('Tags')]

    def wanted(group):
        return ((not wanted_ids or group['ScalingGroupId'] in wanted_ids)
                and (not names or group['ScalingGroupName'] in names)
                and resource_group in (None, group['ResourceGroupId']) and group_type in (None, 'ECS')
                and tags.matches(group, tag_filters))
    page, meta = pagination.by_page(params, ctx.listed(GROUP, wanted), default_size=10, max_size=50)
    return dict(meta, ScalingGroups=[_group_view(g) for g in page])


def _reason_for(changes):
    for name, text in (('DesiredCapacity', 'the Desired Capacity'), ('MinSize', 'the Min Size'),
                       ('MaxSize', 'the Max Size')):
        if name in changes:
            return 'A user modifies %s' % text
    return None


@ess.action('ModifyScalingGroup')
def modify_scaling_group(ctx, params):
    group = _group(ctx, params['ScalingGroupId'])
    if group['LifecycleState'] == 'Deleting':
        raise _incorrect_status()
    changes = {}
    name = _check_name(params.text('ScalingGroupName'), 'ScalingGroupName')
    if name is not None:
        if _name_taken(ctx, name, group['ScalingGroupId']):
            raise ApiError('InvalidScalingGroupName.Duplicate',
                           'The specified value of parameter "ScalingGroupName" is duplicated.')
        changes['ScalingGroupName'] = name
    for size in ('MinSize', 'MaxSize', 'DesiredCapacity'):
        if params.get(size) is not None and params[size] != group[size]:
            changes[size] = params[size]
    if params.flag('DisableDesiredCapacity'):
        changes['DesiredCapacity'] = None
    merged = dict(group, **changes)
    _check_capacity(ctx, merged['MinSize'], merged['MaxSize'], merged['DesiredCapacity'])
    if params.get('DefaultCooldown') is not None:
        changes['DefaultCooldown'] = _within(params['DefaultCooldown'], 0, 86400, 'DefaultCooldown')
    if params.text('MultiAZPolicy'):
        changes['MultiAZPolicy'] = _one_of(params['MultiAZPolicy'], MULTI_AZ_POLICIES, 'MultiAZPolicy')
    if params.text('ScalingPolicy'):
        changes['ScalingPolicy'] = _one_of(params['ScalingPolicy'], SCALING_POLICIES, 'ScalingPolicy')
    health = _health_check_types(params)
    if health:
        changes['HealthCheckTypes'] = health
    if params.list_of('RemovalPolicies'):
        changes['RemovalPolicies'] = _removal_policies(params.list_of('RemovalPolicies'))
    if params.get('GroupDeletionProtection') is not None:
        changes['GroupDeletionProtection'] = params['GroupDeletionProtection']
    if params.list_of('VSwitchIds'):
        changes['VSwitchIds'] = _vswitches(ctx, params.list_of('VSwitchIds'), group['VpcId'])[0]
    if params.text('ActiveScalingConfigurationId'):
        raise errors.not_found('InvalidScalingConfigurationId.NotFound',
                               'The specified scaling configuration does not exist.')
    if params.text('LaunchTemplateId') or params.text('LaunchTemplateVersion'):
        template_id = params.text('LaunchTemplateId', group['LaunchTemplateId'])
        if not template_id:
            raise ApiError('LaunchTemplateSet.NotFound', 'The specified launch template set is not found.')
        changes['LaunchTemplateId'] = template_id
        changes['LaunchTemplateVersion'] = _check_template(ctx, template_id, params.text('LaunchTemplateVersion'))
    # A LaunchTemplateId sets the template source as a whole: its overrides are the request's, none clears them.
    if params.text('LaunchTemplateId') or params.list_of('LaunchTemplateOverrides'):
        changes['LaunchTemplateOverrides'] = _overrides(params.list_of('LaunchTemplateOverrides'),
                                                        params.text('LaunchTemplateId'))
    group.update(changes, ModificationTime=ids.iso_time_minutes(ctx.now))
    _converge(ctx, group, _reason_for(changes), 'APIs')
    return {}


@ess.action('EnableScalingGroup')
def enable_scaling_group(ctx, params):
    group = _group(ctx, params['ScalingGroupId'])
    if group['LifecycleState'] != 'Inactive':
        raise _incorrect_status()
    if params.text('ActiveScalingConfigurationId'):
        raise errors.not_found('InvalidScalingConfigurationId.NotFound',
                               'The specified scaling configuration does not exist.')
    if params.list_of('InstanceIds'):
        raise _invalid('The emulator does not model attaching existing instances (InstanceIds).')
    template_id = params.text('LaunchTemplateId')
    overrides = _overrides(params.list_of('LaunchTemplateOverrides'), template_id)
    if template_id:
        group['LaunchTemplateVersion'] = _check_template(ctx, template_id, params.text('LaunchTemplateVersion'))
        group['LaunchTemplateId'] = template_id
        group['LaunchTemplateOverrides'] = overrides
    elif not group['LaunchTemplateId']:
        raise ApiError('MissingActiveScalingConfiguration',
                       'An active scaling configuration for the specified scaling group is not supplied.')
    else:
        # The template may have changed or gone since the group was created.
        _check_template(ctx, group['LaunchTemplateId'], params.text('LaunchTemplateVersion',
                                                                    group['LaunchTemplateVersion']))
        group['LaunchTemplateVersion'] = params.text('LaunchTemplateVersion', group['LaunchTemplateVersion'])
    group['LifecycleState'] = 'Active'
    group['ModificationTime'] = ids.iso_time_minutes(ctx.now)
    _converge(ctx, group)
    return {}


@ess.action('DisableScalingGroup')
def disable_scaling_group(ctx, params):
    """A running activity finishes; no new one starts while the group is Inactive."""
    group = _group(ctx, params['ScalingGroupId'])
    if group['LifecycleState'] != 'Active':
        raise _incorrect_status()
    group['LifecycleState'] = 'Inactive'
    group['ModificationTime'] = ids.iso_time_minutes(ctx.now)
    return {}


@ess.action('DeleteScalingGroup')
def delete_scaling_group(ctx, params):
    group = _group(ctx, params['ScalingGroupId'])
    if group['LifecycleState'] == 'Deleting':
        raise _incorrect_status()
    if group['GroupDeletionProtection']:
        raise ApiError('OperationDenied.GroupDeletionProtection',
                       'The scaling group has deletion protection enabled and cannot be deleted.')
    if not params.flag('ForceDelete'):
        if group['_activity']:
            raise _activity_in_progress()
        if group['Instances']:
            raise ApiError('InstanceInUse', 'You cannot delete a scaling configuration or scaling group while there '
                                            'is an instance associated with it.')
    instance_ids = [r['InstanceId'] for r in group['Instances']]
    if instance_ids:
        _leave_server_groups(ctx, group, instance_ids)
        ecs_product.release_instances(ctx, ctx.region, instance_ids)
    for record in group['Instances']:
        record['LifecycleState'] = 'Removing'
    group['LifecycleState'] = 'Deleting'
    ctx.schedule(ctx.delay('ess.group_deleting'), 'ess.group_deleted', group_id=group['ScalingGroupId'])
    return {}


@ess.event('group_deleted')
def _group_deleted(ctx, group_id):
    """The group goes with its rules and activities (the cloud deletes them together)."""
    for kind in (RULE, ACTIVITY):
        for resource in ctx.list(kind, lambda r: r['ScalingGroupId'] == group_id):
            ctx.remove(kind, resource['ScalingRuleId' if kind == RULE else 'ScalingActivityId'])
    ctx.remove(GROUP, group_id)


# Scaling activities: how a group reaches its capacity.

def _start_activity(ctx, group, kind, description, cause, trigger):
    activity_id = ctx.new_id('asa', 20)
    ctx.add(ACTIVITY, activity_id, {
        'ScalingActivityId': activity_id, 'ScalingGroupId': group['ScalingGroupId'], 'Kind': kind,
        'StatusCode': 'InProgress', 'StatusMessage': '', 'Progress': 0, 'Description': description, 'Cause': cause,
        'StartTime': ids.iso_time_minutes(ctx.now), 'EndTime': '', 'CreatedInstances': [], 'DestroyedInstances': [],
        'ErrorCode': '', 'ErrorMessage': '', 'TotalCapacity': str(len(group['Instances'])),
        'TriggerSourceType': trigger, 'TriggerSourceId': str(ctx.account['OwnerId']) if trigger == 'APIs' else '',
        '_instances': [], '_attachments': [], '_problem': None,
    }, visible_now=True)
    group['_activity'] = activity_id
    return ctx.get(ACTIVITY, activity_id)


def _end_activity(ctx, group, activity, status, message, problem=None):
    code, text = problem or ('', '')
    activity.update(StatusCode=status, StatusMessage=message, Progress=100, EndTime=ids.iso_time_minutes(ctx.now),
                    ErrorCode=code, ErrorMessage=text, TotalCapacity=str(len(group['Instances'])))
    group['_activity'] = None


def _target(group, current):
    if group['DesiredCapacity'] is not None:
        return group['DesiredCapacity']
    return min(max(current, group['MinSize']), group['MaxSize'])


def _default_reason(group, current):
    if group['DesiredCapacity'] is not None:
        return 'The Desired Capacity of the scaling group is "%d"' % group['DesiredCapacity']
    if current < group['MinSize']:
        return 'The Total Capacity of the scaling group is less than the Min Size "%d"' % group['MinSize']
    return 'The Total Capacity of the scaling group is greater than the Max Size "%d"' % group['MaxSize']


def _drop_lost_instances(ctx, group):
    """Instances released outside Auto Scaling leave the group (it replaces them as it converges)."""
    def lost(record):
        instance = _instance(ctx, record['InstanceId'])
        return instance is None or instance['Releasing']
    group['Instances'] = [r for r in group['Instances'] if r['LifecycleState'] == 'Removing' or not lost(r)]


def _converge(ctx, group, reason=None, trigger='Ess'):
    """Start the activity that brings an Active, idle group to its capacity; its id, or None."""
    if group['LifecycleState'] != 'Active' or group['_activity']:
        return None
    _drop_lost_instances(ctx, group)
    current = len([r for r in group['Instances'] if r['LifecycleState'] != 'Removing'])
    target = _target(group, current)
    if target == current:
        return None
    cause = '%s, changing the Total Capacity from "%d" to "%d".' % (reason or _default_reason(group, current),
                                                                    current, target)
    if target > current:
        return _scale_out(ctx, group, target - current, cause, trigger)
    return _scale_in(ctx, group, current - target, cause, trigger)


def _vswitch_order(group):
    """PRIORITY (and the policies the emulator treats like it) keeps the given order; BALANCE prefers the vSwitch
    holding the fewest of the group's instances."""
    order = list(group['VSwitchIds'])
    if group['MultiAZPolicy'] != 'BALANCE':
        return order
    counts = Counter(r['VSwitchId'] for r in group['Instances'] if r['LifecycleState'] != 'Removing')
    return sorted(order, key=lambda vswitch_id: (counts[vswitch_id], order.index(vswitch_id)))


def _launch_one(ctx, group, activity):
    """Launch one instance in the first vSwitch (in policy order) that can take it; (instance id, last error)."""
    template = ecs_product.get_launch_template(ctx, ctx.region, group['LaunchTemplateId'])
    propagated = set(group.get('_propagate', []))
    instance_tags = [(k, v) for k, v in tags.of(group).items() if k in propagated]
    problem = None
    for vswitch_id in _vswitch_order(group):
        try:
            instance_id = ecs_product.launch_instances(ctx, ctx.region, group['LaunchTemplateId'],
                                                       group['LaunchTemplateVersion'], vswitch_id, 1, instance_tags,
                                                       scaling_group_id=group['ScalingGroupId'])[0]
        except ApiError as error:
            problem = error
            continue
        instance = _instance(ctx, instance_id)
        group['Instances'].append({
            'InstanceId': instance_id, 'LifecycleState': 'Pending', 'CreationType': 'AutoCreated',
            'ScalingActivityId': activity['ScalingActivityId'], 'Created': ctx.now, 'VSwitchId': vswitch_id,
            'ZoneId': instance['ZoneId'], 'PrivateIpAddress': instance['PrivateIpAddress'],
            'LaunchTemplateId': group['LaunchTemplateId'],
            'LaunchTemplateVersion': str(_template_version(template, group['LaunchTemplateVersion'])),
        })
        return instance_id, None
    return None, problem


def _scale_out(ctx, group, count, cause, trigger):
    activity = _start_activity(ctx, group, 'scale_out', 'Add "%d" ECS instance(s)' % count, cause, trigger)
    launched, problem = [], None
    for _ in range(count):
        instance_id, problem = _launch_one(ctx, group, activity)
        if instance_id is None:
            break
        launched.append(instance_id)
    activity.update(CreatedInstances=list(launched), _instances=list(launched),
                    _problem=[problem.code, problem.message] if problem else None)
    if not launched:
        _end_activity(ctx, group, activity, 'Failed', 'No ECS instance could be created.',
                      (problem.code, problem.message))
        ctx.schedule(ctx.delay('ess.retry_after_failure'), 'ess.converge', group_id=group['ScalingGroupId'])
    else:
        ctx.schedule(ctx.delay('ess.scale_out'), 'ess.activity_done', group_id=group['ScalingGroupId'],
                     activity_id=activity['ScalingActivityId'])
    return activity['ScalingActivityId']


def _removal_order(group):
    """A sort key for scale-in candidates from the group's RemovalPolicies (CustomPolicy: not modelled)."""
    position = dict((r['InstanceId'], index) for index, r in enumerate(group['Instances']))

    def key(record):
        parts = []
        for policy in group['RemovalPolicies']:
            if policy == 'OldestScalingConfiguration':
                parts.append((record['LaunchTemplateId'] == group['LaunchTemplateId'],
                              int(record['LaunchTemplateVersion'] or 0)))
            elif policy == 'OldestInstance':
                parts.append(position[record['InstanceId']])
            elif policy == 'NewestInstance':
                parts.append(-position[record['InstanceId']])
        return parts + [position[record['InstanceId']]]
    return key


def _victims(group, count):
    """The instances a scale-in removes; BALANCE first takes them from the vSwitch holding the most."""
    candidates = [r for r in group['Instances'] if r['LifecycleState'] != 'Removing']
    key = _removal_order(group)
    chosen = []
    for _ in range(count):
        pool = candidates
        if group['MultiAZPolicy'] == 'BALANCE':
            counts = Counter(r['VSwitchId'] for r in candidates)
            busiest = max(counts.values())
            pool = [r for r in candidates if counts[r['VSwitchId']] == busiest]
        victim = min(pool, key=key)
        candidates.remove(victim)
        chosen.append(victim)
    return chosen


def _scale_in(ctx, group, count, cause, trigger):
    activity = _start_activity(ctx, group, 'scale_in', 'Remove "%d" ECS instance(s)' % count, cause, trigger)
    victims = [r['InstanceId'] for r in _victims(group, count)]
    for instance_id in victims:
        _record(group, instance_id)['LifecycleState'] = 'Removing'
    _leave_server_groups(ctx, group, victims)
    activity.update(DestroyedInstances=list(victims), _instances=list(victims))
    ctx.schedule(ctx.delay('ess.scale_in'), 'ess.activity_done', group_id=group['ScalingGroupId'],
                 activity_id=activity['ScalingActivityId'])
    return activity['ScalingActivityId']


def _join_server_groups(ctx, group, instance_ids, attachments=None):
    """Add instances to ALB server groups (the group's attachments by default); the ALB errors met."""
    from emulator.products import alb as alb_product
    problems = []
    for attachment in group['AlbServerGroups'] if attachments is None else attachments:
        servers = [{'ServerId': instance_id, 'ServerType': 'Ecs', 'Port': attachment['Port'],
                    'Weight': attachment['Weight']} for instance_id in instance_ids]
        try:
            if servers:
                alb_product.add_backends(ctx, ctx.region, attachment['AlbServerGroupId'], servers)
        except ApiError as error:
            problems.append(error)
    return problems


def _leave_server_groups(ctx, group, instance_ids, attachments=None):
    from emulator.products import alb as alb_product
    for server_group_id in sorted(set(a['AlbServerGroupId'] for a in
                                      (group['AlbServerGroups'] if attachments is None else attachments))):
        try:
            alb_product.remove_backends(ctx, ctx.region, server_group_id, instance_ids)
        except ApiError:
            pass  # the server group is gone: nothing to leave


def _in_service(group):
    return [r['InstanceId'] for r in group['Instances'] if r['LifecycleState'] == 'InService']


@ess.event('activity_done')
def _activity_done(ctx, group_id, activity_id):
    group, activity = ctx.get(GROUP, group_id), ctx.get(ACTIVITY, activity_id)
    if group is None or activity is None or activity['StatusCode'] != 'InProgress':
        return
    if group['LifecycleState'] == 'Deleting':  # ForceDelete took the instances already
        _end_activity(ctx, group, activity, 'Failed', 'The scaling group is being deleted.',
                      ('IncorrectScalingGroupStatus', 'The scaling group is being deleted.'))
        return
    finish = {'scale_out': _finish_scale_out, 'scale_in': _finish_scale_in, 'attach': _finish_attach,
              'detach': _finish_detach}[activity['Kind']]
    if finish(ctx, group, activity) is not False:
        _converge(ctx, group)


def _finish_scale_out(ctx, group, activity):
    """Booted instances go InService and join the server groups; False while some are still booting."""
    ready, lost = [], []
    for instance_id in activity['_instances']:
        instance, record = _instance(ctx, instance_id), _record(group, instance_id)
        if record is None or instance is None or instance['Releasing']:
            lost.append(instance_id)
        elif instance['Status'] in ('Pending', 'Starting'):
            activity['Progress'] = 50
            ctx.schedule(max(ctx.delay('ess.instance_poll'), 0.1), 'ess.activity_done',
                         group_id=group['ScalingGroupId'], activity_id=activity['ScalingActivityId'])
            return False
        else:
            ready.append(instance_id)
    group['Instances'] = [r for r in group['Instances'] if r['InstanceId'] not in lost]
    for instance_id in ready:
        _record(group, instance_id)['LifecycleState'] = 'InService'
    problems = _join_server_groups(ctx, group, ready)
    problem = activity['_problem'] or ([problems[0].code, problems[0].message] if problems else None)
    if lost or problem:
        _end_activity(ctx, group, activity, 'Warning', '"%d" ECS instances are added' % len(ready),
                      tuple(problem) if problem else ('InstanceLost', 'Instances were released during scale-out.'))
    else:
        _end_activity(ctx, group, activity, 'Successful', '"%d" ECS instances are added' % len(ready))
    return True


def _finish_scale_in(ctx, group, activity):
    removed = activity['_instances']
    ecs_product.release_instances(ctx, ctx.region, removed)
    group['Instances'] = [r for r in group['Instances'] if r['InstanceId'] not in removed]
    _end_activity(ctx, group, activity, 'Successful', '"%d" ECS instances are deleted' % len(removed))
    return True


def _finish_attach(ctx, group, activity):
    problems = _join_server_groups(ctx, group, _in_service(group), activity['_attachments'])
    if problems:
        _end_activity(ctx, group, activity, 'Failed', 'The instances could not be added to the ALB server groups.',
                      (problems[0].code, problems[0].message))
    else:
        _end_activity(ctx, group, activity, 'Successful', 'The ALB server groups are attached.')
    return True


def _finish_detach(ctx, group, activity):
    still = set(a['AlbServerGroupId'] for a in group['AlbServerGroups'])
    leaving = [a for a in activity['_attachments'] if a['AlbServerGroupId'] not in still]
    _leave_server_groups(ctx, group, [r['InstanceId'] for r in group['Instances']], leaving)
    _end_activity(ctx, group, activity, 'Successful', 'The ALB server groups are detached.')
    return True


@ess.event('converge')
def _converge_later(ctx, group_id):
    group = ctx.get(GROUP, group_id)
    if group is not None:
        _converge(ctx, group)


def _activity_view(activity):
    created, destroyed = activity['CreatedInstances'], activity['DestroyedInstances']
    view = dict((k, activity[k]) for k in ('ScalingActivityId', 'ScalingGroupId', 'StatusCode', 'StatusMessage',
                                           'Progress', 'Description', 'Cause', 'StartTime', 'ErrorCode',
                                           'ErrorMessage', 'TotalCapacity', 'TriggerSourceType', 'TriggerSourceId'))
    view.update(CreatedInstances=list(created), CreatedCapacity=len(created), DestroyedInstances=list(destroyed),
                DestroyedCapacity=len(destroyed), ScalingInstanceNumber=len(created) + len(destroyed),
                AttachedCapacity='0', AutoCreatedCapacity=activity['TotalCapacity'], StartedInstances=[],
                StoppedInstances=[], StartedCapacity=0, StoppedCapacity=0, Detail='', ErrorMessages=[],
                ActivityMetadata='', InstanceRefreshTaskId='',
                LifecycleHookContext={'DisableLifecycleHook': False, 'IgnoredLifecycleHookIds': []})
    if activity['EndTime']:
        view['EndTime'] = activity['EndTime']
    return view


@ess.action('DescribeScalingActivities')
def describe_scaling_activities(ctx, params):
    group_id, activity_ids = params.text('ScalingGroupId'), params.list_of('ScalingActivityIds')
    if group_id is None and not activity_ids:
        raise ApiError('MissingParameter', 'The input parameter "ScalingGroupId" or "ScalingActivityIds" that is '
                                           'mandatory for processing this request is not supplied.')
    if group_id is not None and activity_ids:
        raise _conflict('ScalingGroupId', 'ScalingActivityIds')
    status = _one_of(params.text('StatusCode'), ('Successful', 'Warning', 'Failed', 'InProgress', 'Rejected'),
                     'StatusCode')
    found = ctx.listed(ACTIVITY, lambda a: (group_id is None or a['ScalingGroupId'] == group_id)
                       and (not activity_ids or a['ScalingActivityId'] in activity_ids)
                       and status in (None, a['StatusCode']))
    found.reverse()  # the newest first
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, ScalingActivities=[_activity_view(a) for a in page])


def _scaling_instance_view(ctx, group, record):
    instance = _instance(ctx, record['InstanceId'])
    healthy = instance is not None and instance['Status'] == 'Running' and not instance['Releasing']
    return {
        'InstanceId': record['InstanceId'], 'ScalingGroupId': group['ScalingGroupId'],
        'ScalingActivityId': record['ScalingActivityId'], 'LifecycleState': record['LifecycleState'],
        'HealthStatus': 'Healthy' if healthy else 'Unhealthy', 'CreationType': record['CreationType'],
        'CreatedTime': ids.iso_time(record['Created']), 'CreationTime': ids.iso_time_minutes(record['Created']),
        'LaunchTemplateId': record['LaunchTemplateId'], 'LaunchTemplateVersion': record['LaunchTemplateVersion'],
        'ZoneId': record['ZoneId'], 'PrivateIpAddress': record['PrivateIpAddress'], 'WarmupState': 'NoNeedWarmup',
        'Entrusted': True, 'WeightedCapacity': 1, 'SpotStrategy': 'NoSpot', 'LoadBalancerWeight': 50,
        'ScalingConfigurationId': '', 'ScalingInstanceId': '', 'ReplaceStatus': '',
    }


@ess.action('DescribeScalingInstances')
def describe_scaling_instances(ctx, params):
    group_id = params.text('ScalingGroupId')
    instance_ids = params.list_of('InstanceIds')
    if params.text('LifecycleState') and params.list_of('LifecycleStates'):
        raise _conflict('LifecycleState', 'LifecycleStates')
    if params.text('CreationType') and params.list_of('CreationTypes'):
        raise _conflict('CreationType', 'CreationTypes')
    states = params.list_of('LifecycleStates') or ([params['LifecycleState']] if params.text('LifecycleState') else [])
    creation = params.list_of('CreationTypes') or ([params['CreationType']] if params.text('CreationType') else [])
    health = params.text('HealthStatus')
    activity_id = params.text('ScalingActivityId')
    rows = []
    for group in ctx.listed(GROUP, lambda g: group_id in (None, g['ScalingGroupId'])):
        for record in group['Instances']:
            view = _scaling_instance_view(ctx, group, record)
            if ((not instance_ids or record['InstanceId'] in instance_ids)
                    and (not states or record['LifecycleState'] in states)
                    and (not creation or record['CreationType'] in creation)
                    and health in (None, view['HealthStatus']) and activity_id in (None, record['ScalingActivityId'])):
                rows.append(view)
    page, meta = pagination.by_page(params, rows, default_size=10, max_size=100)
    return dict(meta, ScalingInstances=page, TotalSpotCount=0)


# ALB server groups.

def _attachment_activity(ctx, group, verb, attachments):
    """The scaling activity a forced attach or detach of ALB server groups starts; its answer to the caller."""
    ids_given = ', '.join('"%s"' % a['AlbServerGroupId'] for a in attachments)
    activity = _start_activity(ctx, group, verb, '%s ALB server group(s) %s' % (verb.capitalize(), ids_given),
                               'A user requests to %s ALB server group(s) %s.' % (verb, ids_given), 'APIs')
    activity['_attachments'] = attachments
    ctx.schedule(ctx.delay('ess.attach_activity'), 'ess.activity_done', group_id=group['ScalingGroupId'],
                 activity_id=activity['ScalingActivityId'])
    return {'ScalingActivityId': activity['ScalingActivityId']}


@ess.action('AttachAlbServerGroups')
def attach_alb_server_groups(ctx, params):
    group = _group(ctx, params['ScalingGroupId'])
    if group['LifecycleState'] == 'Deleting':
        raise _incorrect_status()
    attachments = _alb_attachments(ctx, params['AlbServerGroups'], group['VpcId'], group['AlbServerGroups'])
    force = params.flag('ForceAttach')
    if force and group['_activity']:
        raise _activity_in_progress()
    group['AlbServerGroups'].extend(attachments)
    if not force:
        return {}
    return _attachment_activity(ctx, group, 'attach', attachments)


@ess.action('DetachAlbServerGroups')
def detach_alb_server_groups(ctx, params):
    group = _group(ctx, params['ScalingGroupId'])
    if group['LifecycleState'] == 'Deleting':
        raise _incorrect_status()
    attached = [(a['AlbServerGroupId'], a['Port']) for a in group['AlbServerGroups']]
    wanted = [(e['AlbServerGroupId'], e['Port']) for e in params['AlbServerGroups']]
    if any(key not in attached for key in wanted):
        raise ApiError('AlbServerGroup.NotAttached', 'The ALB ServerGroups are not attached to specific ScalingGroup.')
    force = params.flag('ForceDetach')
    if force and group['_activity']:
        raise _activity_in_progress()
    leaving = [a for a in group['AlbServerGroups'] if (a['AlbServerGroupId'], a['Port']) in wanted]
    group['AlbServerGroups'] = [a for a in group['AlbServerGroups'] if a not in leaving]
    if not force:
        return {}
    return _attachment_activity(ctx, group, 'detach', leaving)


@dependent('alb.servergroup')
def _server_group_attached(ctx, server_group):
    """ALB refuses to delete a server group a scaling group still has attached."""
    server_group_id = server_group['ServerGroupId']
    if ctx.list(GROUP, lambda g: any(a['AlbServerGroupId'] == server_group_id for a in g['AlbServerGroups'])):
        return ApiError('ResourceInUse.ServerGroup', 'The specified resource %s is in use.' % server_group_id)
    return None


# Scaling rules.

RULE_SCALARS = ('AdjustmentType', 'AdjustmentValue', 'Cooldown', 'MinAdjustmentMagnitude', 'MetricName', 'MetricType',
                'TargetValue', 'DisableScaleIn', 'EstimatedInstanceWarmup', 'ScaleInEvaluationCount',
                'ScaleOutEvaluationCount', 'PredictiveScalingMode', 'PredictiveTaskBufferTime',
                'PredictiveValueBehavior', 'PredictiveValueBuffer', 'InitialMaxSize')


def _check_steps(steps):
    """The StepAdjustments rules of the API reference (bounds, overlaps and gaps)."""
    def step_error(code, message):
        return ApiError('InvalidStepAdjustments.' + code, message)
    bounds = []
    for step in steps:
        lower, upper = step.get('MetricIntervalLowerBound'), step.get('MetricIntervalUpperBound')
        if lower is None and upper is None:
            raise step_error('BothNull', 'Both lower and upper bounds of a StepAdjustment can not be left unspecified.')
        if lower is not None and upper is not None and lower >= upper:
            raise step_error('LowerGtUpper', 'LowerBound must be less than the UpperBound for StepAdjustment :%s.'
                             % steps.index(step))
        if step.get('ScalingAdjustment') is None:
            raise ApiError('MissingParameter', 'The input parameter "StepAdjustments.N.ScalingAdjustment" that is '
                                               'mandatory for processing this request is not supplied.')
        bounds.append((-math.inf if lower is None else lower, math.inf if upper is None else upper))
    if sum(1 for low, _ in bounds if low == -math.inf) > 1:
        raise step_error('MultipleNullLowerBound', 'At most one StepAdjustment may have an unspecified lower bound.')
    if sum(1 for _, high in bounds if high == math.inf) > 1:
        raise step_error('MultipleNullUpperBound', 'At most one StepAdjustment may have an unspecified upper bound.')
    bounds.sort()
    for (_, previous_high), (low, _) in zip(bounds, bounds[1:]):
        if low < previous_high:
            raise step_error('Overlap', 'StepAdjustment intervals can not overlap.')
        if low > previous_high:
            raise step_error('Gap', 'StepAdjustment intervals can not have gaps between them.')


def _rule_fields(params, rule_type, current):
    """The rule's fields once the request is applied to ``current``, checked for ``rule_type``."""
    merged = dict(current)
    merged.update((name, params[name]) for name in RULE_SCALARS if params.get(name) is not None)
    if params.get('StepAdjustments') is not None:
        merged['StepAdjustments'] = [dict(s) for s in params['StepAdjustments']]
    if params.get('AlarmDimensions') is not None:
        merged['AlarmDimensions'] = [dict(d) for d in params['AlarmDimensions']]
    if rule_type in ('SimpleScalingRule', 'StepScalingRule'):
        if merged.get('AdjustmentType') is None:
            raise errors.missing('AdjustmentType')
        low, high = ADJUSTMENT_RANGES.get(_one_of(merged['AdjustmentType'], ADJUSTMENT_RANGES, 'AdjustmentType'))
        if rule_type == 'SimpleScalingRule':
            if merged.get('AdjustmentValue') is None:
                raise errors.missing('AdjustmentValue')
            _within(merged['AdjustmentValue'], low, high, 'AdjustmentValue')
            _within(merged.get('Cooldown'), 0, 86400, 'Cooldown')
        else:
            _check_steps(merged.get('StepAdjustments') or [])
        if merged.get('MinAdjustmentMagnitude') is not None and merged['AdjustmentType'] != 'PercentChangeInCapacity':
            raise ApiError('InvalidMinAdjustmentMagnitudeMismatchAdjustmentType',
                           'MinAdjustmentMagnitude is not supported by the specified adjustment type.')
        return merged
    merged.setdefault('MetricType', 'system')
    _one_of(merged['MetricType'], METRIC_TYPES, 'MetricType')
    if merged.get('MetricName') is None:
        raise errors.missing('MetricName')
    if merged['MetricType'] == 'system':
        allowed = TARGET_METRICS if rule_type == 'TargetTrackingScalingRule' else PREDICTIVE_METRICS
        if merged['MetricName'] not in allowed:
            raise ApiError('TargetTrackingScalingRule.UnsupportedMetric',
                           'Specific metric is not supported for target tracking scaling rule.')
    target = merged.get('TargetValue')
    if target is None:
        raise errors.missing('TargetValue')
    if target <= 0 or abs(target * 1000 - round(target * 1000)) > 1e-6:
        raise _invalid('The TargetValue must be greater than 0 and have at most three decimal places.')
    merged.setdefault('EstimatedInstanceWarmup', 300)
    _within(merged['EstimatedInstanceWarmup'], 0, 86400, 'EstimatedInstanceWarmup')
    if rule_type == 'TargetTrackingScalingRule':
        merged.setdefault('DisableScaleIn', False)
        merged.setdefault('ScaleInEvaluationCount', 15)
        merged.setdefault('ScaleOutEvaluationCount', 3)
    return merged


def _check_rule_uniqueness(ctx, group_id, fields, rule_id=None):
    siblings = ctx.list(RULE, lambda r: r['ScalingGroupId'] == group_id and r['ScalingRuleId'] != rule_id)
    if any(r['ScalingRuleName'] == fields['ScalingRuleName'] for r in siblings):
        raise ApiError('InvalidScalingRuleName.Duplicate',
                       'The specified value of parameter "ScalingRuleName" is duplicated.')
    if fields['ScalingRuleType'] == 'TargetTrackingScalingRule' and any(
            r['ScalingRuleType'] == fields['ScalingRuleType'] and r.get('MetricName') == fields['MetricName']
            for r in siblings):
        raise ApiError('TargetTrackingScalingRule.DumplicateMetric',  # sic, as the API spells it
                       'Only one TargetTrackingScaling rule for a given metric specification is allowed.')
    return siblings


@ess.action('CreateScalingRule')
def create_scaling_rule(ctx, params):
    group = _group(ctx, params['ScalingGroupId'])
    if group['LifecycleState'] == 'Deleting':
        raise _incorrect_status()
    rule_type = _one_of(params.text('ScalingRuleType', 'SimpleScalingRule'), RULE_TYPES, 'ScalingRuleType')
    name = _check_name(params.text('ScalingRuleName'), 'ScalingRuleName')
    rule_id = ctx.new_id('asr', 20)
    fields = _rule_fields(params, rule_type, {'ScalingRuleType': rule_type, 'ScalingRuleName': name or rule_id})
    siblings = _check_rule_uniqueness(ctx, group['ScalingGroupId'], fields)
    if len(siblings) >= ctx.quota('ess.rules_per_group', RULES_PER_GROUP):
        raise ApiError('QuotaExceeded.ScalingRule', 'Scaling rule quota exceeded in the specified scaling group.')
    ari = 'ari:acs:ess:%s:%s:scalingrule/%s' % (ctx.region, ctx.account['OwnerId'], rule_id)
    fields.update(ScalingRuleId=rule_id, ScalingRuleAri=ari, ScalingGroupId=group['ScalingGroupId'])
    ctx.add(RULE, rule_id, fields)
    return {'ScalingRuleId': rule_id, 'ScalingRuleAri': ari}


def _rule_view(ctx, rule):
    group = ctx.get(GROUP, rule['ScalingGroupId'])
    view = dict((name, rule[name]) for name in RULE_SCALARS if rule.get(name) is not None)
    view.update((name, rule[name]) for name in ('ScalingRuleId', 'ScalingRuleName', 'ScalingRuleAri',
                                                'ScalingRuleType', 'ScalingGroupId'))
    view.update(StepAdjustments=[dict(s) for s in rule.get('StepAdjustments', [])],
                AlarmDimensions=[dict(d) for d in rule.get('AlarmDimensions', [])], Alarms=[], HybridMetrics=[])
    if group is not None:
        view.update(MinSize=group['MinSize'], MaxSize=group['MaxSize'])
    return view


@ess.action('DescribeScalingRules')
def describe_scaling_rules(ctx, params):
    group_id = params.text('ScalingGroupId')
    rule_ids, names, aris = (params.list_of(n) for n in ('ScalingRuleIds', 'ScalingRuleNames', 'ScalingRuleAris'))
    rule_type = params.text('ScalingRuleType')
    found = ctx.listed(RULE, lambda r: group_id in (None, r['ScalingGroupId'])
                       and (not rule_ids or r['ScalingRuleId'] in rule_ids)
                       and (not names or r['ScalingRuleName'] in names)
                       and (not aris or r['ScalingRuleAri'] in aris) and rule_type in (None, r['ScalingRuleType']))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, ScalingRules=[_rule_view(ctx, r) for r in page])


@ess.action('ModifyScalingRule')
def modify_scaling_rule(ctx, params):
    rule = _rule(ctx, params['ScalingRuleId'])
    name = _check_name(params.text('ScalingRuleName'), 'ScalingRuleName')
    fields = _rule_fields(params, rule['ScalingRuleType'], rule)
    if name is not None:
        fields['ScalingRuleName'] = name
    _check_rule_uniqueness(ctx, rule['ScalingGroupId'], fields, rule['ScalingRuleId'])
    rule.update(fields)
    return {}


@ess.action('DeleteScalingRule')
def delete_scaling_rule(ctx, params):
    rule = _rule(ctx, params['ScalingRuleId'])
    ctx.remove(RULE, rule['ScalingRuleId'])
    return {}


def _adjusted_capacity(rule, current, params):
    """The Total Capacity a Simple or Step rule asks for, before MinSize/MaxSize apply."""
    adjustment_type = rule['AdjustmentType']
    if rule['ScalingRuleType'] == 'StepScalingRule':
        metric, threshold = params.get('MetricValue'), params.get('BreachThreshold')
        if metric is None:
            raise ApiError('MissingParameter.MetricValue', 'Metric value must be specified for StepScalingRule.')
        if threshold is None:
            raise ApiError('MissingParameter.BreachThreshold', 'Breach threshold must be specified for '
                                                               'StepScalingRule.')
        difference = metric - threshold
        step = next((s for s in rule['StepAdjustments']
                     if s.get('MetricIntervalLowerBound', -math.inf) <= difference
                     < (math.inf if s.get('MetricIntervalUpperBound') is None else s['MetricIntervalUpperBound'])),
                    None)
        if step is None:
            raise ApiError('InvalidStepAdjustments.NoStepFound', 'No adjustment step found for a metric value of: %s.'
                           % metric)
        value = step['ScalingAdjustment']
    else:
        value = rule['AdjustmentValue']
    if adjustment_type == 'TotalCapacity':
        return value
    if adjustment_type == 'QuantityChangeInCapacity':
        return current + value
    change = math.trunc(current * value / 100.0)
    magnitude = rule.get('MinAdjustmentMagnitude')
    if magnitude and value and abs(change) < magnitude:
        change = magnitude if value > 0 else -magnitude
    return current + change


@ess.action('ExecuteScalingRule')
def execute_scaling_rule(ctx, params):
    rules = ctx.listed(RULE, lambda r: r['ScalingRuleAri'] == params['ScalingRuleAri'])
    if not rules:
        raise errors.not_found('InvalidScalingRuleAri.NotFound', 'The specified scaling rule Ari does not exist.')
    rule = rules[0]
    if rule['ScalingRuleType'] not in ('SimpleScalingRule', 'StepScalingRule'):
        raise ApiError('ScalingRule.InvalidScalingRuleType', 'Specific scaling rule type: %s can not be executed.'
                       % rule['ScalingRuleType'])
    group = ctx.get(GROUP, rule['ScalingGroupId'])
    if group['LifecycleState'] != 'Active':
        raise _incorrect_status()
    if group['_activity']:
        raise _activity_in_progress()
    _drop_lost_instances(ctx, group)
    current = len(group['Instances'])
    wanted = min(max(_adjusted_capacity(rule, current, params), group['MinSize']), group['MaxSize'])
    if wanted == current:
        raise ApiError('IncorrectCapacity.NoChange',
                       'To execute the specified scaling rule, the total capacity will not change.')
    if group['DesiredCapacity'] is not None:
        group['DesiredCapacity'] = wanted
    cause = 'A user requests to execute scaling rule "%s", changing the Total Capacity from "%d" to "%d".' % (
        rule['ScalingRuleId'], current, wanted)
    if wanted > current:
        activity_id = _scale_out(ctx, group, wanted - current, cause, 'APIs')
    else:
        activity_id = _scale_in(ctx, group, current - wanted, cause, 'APIs')
    return {'ScalingActivityId': activity_id}


# Tags (ResourceType scalinggroup).

def _tag_targets(ctx, params):
    if params['ResourceType'].lower() != 'scalinggroup':
        raise _invalid_value('ResourceType')
    resource_ids = params.list_of('ResourceIds')
    if len(resource_ids) > 50:
        raise _invalid('You can specify up to 50 resource IDs.')
    return [_group(ctx, resource_id) for resource_id in resource_ids]


@ess.action('TagResources')
def tag_resources(ctx, params):
    groups = _tag_targets(ctx, params)
    entries = _tag_entries(params['Tags'])
    for group in groups:
        _set_tags(group, entries)
    return {}


@ess.action('UntagResources')
def untag_resources(ctx, params):
    groups = _tag_targets(ctx, params)
    keys = params.list_of('TagKeys')
    for group in groups:
        tags.remove_tags(group, keys, everything=not keys and params.flag('All'))
        group['_propagate'] = [k for k in group.get('_propagate', []) if k in tags.of(group)]
    return {}


@ess.action('ListTagResources')
def list_tag_resources(ctx, params):
    if params['ResourceType'].lower() != 'scalinggroup':
        raise _invalid_value('ResourceType')
    filters = []
    for entry in params.list_of('Tags'):
        if not entry.get('Key'):
            raise ApiError('MissingParameter.TagKey', 'The input parameter "Tags.N.Key" that is mandatory for '
                                                      'processing this request is not supplied.')
        filters.append((entry['Key'], entry.get('Value') or ''))
    resource_ids = params.list_of('ResourceIds')
    rows = []
    for group in ctx.listed(GROUP, lambda g: not resource_ids or g['ScalingGroupId'] in resource_ids):
        if tags.matches(group, filters):
            rows.extend({'ResourceId': group['ScalingGroupId'], 'ResourceType': 'scalinggroup', 'TagKey': t['TagKey'],
                         'TagValue': t['TagValue'], 'Propagate': t['Propagate']} for t in _tag_view(group))
    query = dict((k, v) for k, v in params.items() if k != 'NextToken')
    page, next_token, _ = pagination.by_token(params, rows, query=query, default_max=50, max_max=50)
    return {'TagResources': page, 'NextToken': next_token}

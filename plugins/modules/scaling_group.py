#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: scaling_group
short_description: Create, update or delete an Auto Scaling (ESS) group built from a launch template
version_added: 0.1.0
description:
  - Manages an Auto Scaling group, the set of ECS instances the cloud keeps at a capacity by launching them from a
    launch template into the group's vSwitches, and adds to (and removes from) ALB server groups.
  - The group is found by O(scaling_group_id) when given, else by O(name), which is unique in the region.
  - Before any change the module checks what it can itself, so bad input fails with a clear message and changes
    nothing - the sizes (O(min_size) <= O(desired_capacity) <= O(max_size), merged with the group's current ones),
    that the launch template and its version exist, that ECS offers the O(instance_types), that the vSwitches exist
    and share one VPC (the group's, once it exists), and that the ALB server groups to attach exist, take ECS
    instances and are in that VPC.
  - An option that is not set is left as it is on an existing group.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the group; its identity in the region when O(scaling_group_id) is not given. Required to create one.
      - 2 to 64 characters, starting with a letter or digit, then letters, digits, V(_), V(-) or V(.).
    type: str
    aliases: [scaling_group_name]
  scaling_group_id:
    description:
      - Id of an existing group to manage. With O(name) as well, the group is renamed.
      - With O(state=present) a group with this id must exist; the module never creates one in its place.
    type: str
    aliases: [id]
  min_size:
    description:
      - Fewest instances the group keeps, 0 to 2000. Required to create a group.
    type: int
  max_size:
    description:
      - Most instances the group keeps, 0 to 2000. Required to create a group.
      - Size the AMS Enterprise licence for this number.
    type: int
  desired_capacity:
    description:
      - Number of instances the group converges to, between O(min_size) and O(max_size). Scaling rules change it
        when they fire.
      - When a group has none, it keeps its current number of instances within O(min_size) and O(max_size).
    type: int
  default_cooldown:
    description:
      - Seconds after a scaling activity during which alarm-triggered rules do not scale again, 0 to 86400. The
        cloud's default is 300.
    type: int
  vswitch_ids:
    description:
      - vSwitches the instances are launched into, in priority order; one per zone makes the group multi-zone.
        Required to create a group; at most 8, all in one VPC. A group cannot move to another VPC.
    type: list
    elements: str
  launch_template:
    description:
      - Launch template the instances are launched from, by id (V(lt-...)) or by name.
      - Required to enable a group.
    type: str
  launch_template_version:
    description:
      - Version of O(launch_template) to launch, V(Default), V(Latest) or a version number.
      - V(Default) follows the template's default version, so a new default version of the template is used by the
        next scale-out without changing the group. A group is created with V(Default) when this is not set.
    type: str
  instance_types:
    description:
      - Instance types that stand in for the launch template's own, in priority order (the API's launch template
        overrides), so that a scale-out can still launch instances when a zone has run out of one type.
      - At most 10, each once. The order matters, so the same types in another order are a change. V([]) removes
        them; not set leaves them as they are.
      - Needs O(launch_template), or a group that has one. The module checks that ECS offers each new type before
        any change.
      - The API takes them together with the launch template, so a change sends the group's template and version
        again; a change of template or version keeps the types.
    type: list
    elements: str
  removal_policies:
    description:
      - Which instances a scale-in removes first, in order. The cloud's default is V(OldestScalingConfiguration)
        (instances of another template or an older version), then V(OldestInstance).
    type: list
    elements: str
    choices: [OldestScalingConfiguration, OldestInstance, NewestInstance]
  multi_az_policy:
    description:
      - How instances are spread over the vSwitches. V(PRIORITY) (the cloud's default) fills them in the order of
        O(vswitch_ids); V(BALANCE) keeps the zones even.
    type: str
    choices: [PRIORITY, BALANCE, COST_OPTIMIZED, COMPOSABLE]
  health_check_types:
    description:
      - Health checks that make the group replace an instance. V(ECS) (the cloud's default) watches the instance,
        V(LOAD_BALANCER) the ALB health check, V(NONE) none. Their order does not matter.
    type: list
    elements: str
    choices: [NONE, ECS, LOAD_BALANCER]
    aliases: [health_check_type]
  alb_server_groups:
    description:
      - ALB server groups every in-service instance of the group is a backend of. The group is attached to these and
        detached from any other, so V([]) detaches all; not set leaves the attachments alone.
      - Attaching adds the instances already in service and detaching removes them (the cloud's ForceAttach and
        ForceDetach); with O(wait=true) the module waits for that scaling activity to succeed.
      - A changed O(alb_server_groups[].weight) is a detach and an attach, as the API has no call to change it.
    type: list
    elements: dict
    suboptions:
      server_group_id:
        description:
          - Id of the ALB server group, of type V(Instance), in the group's VPC.
        type: str
        required: true
        aliases: [alb_server_group_id]
      port:
        description:
          - Port on the instances the load balancer forwards to, for example V(5080) for AMS.
        type: int
        required: true
      weight:
        description:
          - Weight of each instance in the server group, 0 to 100.
        type: int
        default: 100
  propagate_tags:
    description:
      - Whether the group's O(tags) are also put on the instances it launches from now on (instances already running
        keep theirs).
      - V(true) or V(false) applies to every tag in O(tags); a tag whose propagation differs is set again.
      - When not set, tags keep their propagation and new ones do not propagate.
    type: bool
  enabled:
    description:
      - V(true) makes the group V(Active), so it launches and removes instances; V(false) makes it V(Inactive), so it
        keeps the instances it has and scales no more.
    type: bool
    default: true
  wait_for_capacity:
    description:
      - Wait, at most O(wait_timeout) seconds, until the group's in-service instances match its desired capacity
        (or lie within O(min_size) and O(max_size) when it has none) and no instance is still starting or leaving.
      - The result then lists the instances under RV(scaling_group.instances).
      - Needs O(enabled=true). Not done in check mode.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it, releasing its instances (force delete),
        and with O(wait=true) waits until it is gone.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - lowlatency.alicloud.auth.wait
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
notes:
  - O(wait) covers the attach and detach activities of O(alb_server_groups) and the deletion; O(wait_for_capacity)
    covers the instances. O(wait_timeout) bounds each of them.
  - On a run that changes nothing the module reads the group once (and the launch template once when
    O(launch_template) is a name); O(wait_for_capacity) adds one read of the instances. New O(instance_types) add
    one read of the ECS instance types.
requirements:
  - alibabacloud-ess20220222
  - alibabacloud-ecs20140526
  - alibabacloud-vpc20160428
  - alibabacloud-alb20200616
'''

EXAMPLES = r'''
- name: The edge group, two zones, behind the edge server group, at two nodes
  lowlatency.alicloud.scaling_group:
    name: ams-edge
    min_size: 1
    max_size: 10
    desired_capacity: 2
    default_cooldown: 300
    vswitch_ids:
      - "{{ vswitch_a.vswitch.vswitch_id }}"
      - "{{ vswitch_b.vswitch.vswitch_id }}"
    multi_az_policy: BALANCE
    launch_template: ams-edge
    launch_template_version: Default
    removal_policies: [OldestScalingConfiguration, NewestInstance]
    health_check_types: [ECS]
    alb_server_groups:
      - server_group_id: "{{ edge_group.server_group.server_group_id }}"
        port: 5080
    tags:
      app: ams
      role: edge
    propagate_tags: true
    wait_for_capacity: true
    wait_timeout: 900
  register: edge

- name: The addresses of its nodes
  ansible.builtin.debug:
    msg: "{{ edge.scaling_group.instances | map(attribute='private_ip_address') | list }}"

- name: Let the origin group launch other instance types, in this order, when its template's type runs out
  lowlatency.alicloud.scaling_group:
    name: ams-origin
    launch_template: ams-origin
    instance_types: [ecs.c7.2xlarge, ecs.g7.2xlarge]

- name: Back to the template's instance type only
  lowlatency.alicloud.scaling_group:
    name: ams-origin
    instance_types: []

- name: Stop scaling, keep the nodes
  lowlatency.alicloud.scaling_group:
    name: ams-edge
    enabled: false

- name: Delete the group and release its nodes
  lowlatency.alicloud.scaling_group:
    name: ams-edge
    state: absent
'''

RETURN = r'''
scaling_group:
  description: The group as the API describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    scaling_group_id:
      description: Group id. Empty in check mode before the group exists.
      type: str
      sample: asg-bp18p2yfxow2dloq3wn4
    scaling_group_name:
      description: Name.
      type: str
      sample: ams-edge
    lifecycle_state:
      description: V(Active), V(Inactive) or V(Deleting).
      type: str
    min_size:
      description: Fewest instances.
      type: int
    max_size:
      description: Most instances.
      type: int
    desired_capacity:
      description: Desired capacity; absent when the group has none.
      type: int
    default_cooldown:
      description: Default cooldown in seconds.
      type: int
    vswitch_ids:
      description: vSwitches in priority order.
      type: list
      elements: str
    vpc_id:
      description: VPC of the vSwitches.
      type: str
    launch_template_id:
      description: Launch template id.
      type: str
    launch_template_version:
      description: V(Default), V(Latest) or a version number.
      type: str
    instance_types:
      description: The instance types of RV(scaling_group.launch_template_overrides), in priority order.
      type: list
      elements: str
      sample: [ecs.c7.2xlarge, ecs.g7.2xlarge]
    launch_template_overrides:
      description: The launch template overrides as the API lists them.
      type: list
      elements: dict
      sample: [{instance_type: ecs.c7.2xlarge}, {instance_type: ecs.g7.2xlarge}]
    removal_policies:
      description: Removal policies in order.
      type: list
      elements: str
    multi_az_policy:
      description: Multi-zone policy.
      type: str
    health_check_types:
      description: Health check types.
      type: list
      elements: str
    alb_server_groups:
      description: Attached ALB server groups.
      type: list
      elements: dict
      sample: [{alb_server_group_id: sgp-8ilqs4axp6ugro1ssp, port: 5080, weight: 100}]
    total_capacity:
      description: Instances in the group, those starting and leaving included.
      type: int
    active_capacity:
      description: Instances in service.
      type: int
    pending_capacity:
      description: Instances being added.
      type: int
    removing_capacity:
      description: Instances being removed.
      type: int
    tags:
      description: Tags as a dictionary.
      type: dict
    propagated_tags:
      description: Keys of the tags that are put on new instances.
      type: list
      elements: str
    instances:
      description:
        - The group's instances, with O(wait_for_capacity=true) only.
      returned: when O(wait_for_capacity=true) and not in check mode
      type: list
      elements: dict
      sample: [{instance_id: i-bp1e1cdw7vl2eq2kcsd8, lifecycle_state: InService, health_status: Healthy,
                zone_id: cn-hangzhou-h, private_ip_address: 10.20.1.7, launch_template_version: '3'}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import DEFAULT_COOLDOWN
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import DEFAULT_REMOVAL_POLICIES
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import as_attachment
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import attachment_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import capacity_reached
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_attachments
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_capacity
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_instance_types
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import check_vswitch_ids
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import group_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import looks_like_template_id
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import normalise_template_version
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import override_types
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import propagated_after
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import sorted_attachments
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import tag_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import tag_flags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.scaling import wire_overrides
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import WaitTimeout
from ansible_collections.lowlatency.alicloud.plugins.module_utils.waiters import wait_until

# (wire name, key in the described group, module option) of the attributes ModifyScalingGroup changes as given.
ATTRIBUTES = (
    ('ScalingGroupName', 'scaling_group_name', 'name'),
    ('MinSize', 'min_size', 'min_size'),
    ('MaxSize', 'max_size', 'max_size'),
    ('DesiredCapacity', 'desired_capacity', 'desired_capacity'),
    ('DefaultCooldown', 'default_cooldown', 'default_cooldown'),
    ('MultiAZPolicy', 'multi_az_policy', 'multi_az_policy'),
    ('VSwitchIds', 'vswitch_ids', 'vswitch_ids'),
    ('RemovalPolicies', 'removal_policies', 'removal_policies'),
)

COMPARED = ('scaling_group_name', 'lifecycle_state', 'min_size', 'max_size', 'desired_capacity', 'default_cooldown',
            'vswitch_ids', 'launch_template_id', 'launch_template_version', 'instance_types', 'removal_policies',
            'multi_az_policy', 'tags', 'propagated_tags')


SCALING_GROUP = Kind('Scaling group', 'scaling groups', 'scaling_group_id', 'scaling_group_id', 'scaling_group_name')


def describe(module, ess, **query):
    query['RegionId'] = module.region
    found = [group_view(item) for item in ess.paginate('DescribeScalingGroups', query, ('ScalingGroups',))]
    for group in found:
        group['instance_types'] = override_types(group)
    return found


def describe_one(module, ess, group_id):
    found = describe(module, ess, ScalingGroupIds=[group_id])
    return found[0] if found else None


def find_group(module, ess):
    return module.find(SCALING_GROUP, lambda group_id: describe_one(module, ess, group_id),
                       lambda name: describe(module, ess, ScalingGroupName=name), where=' in %s' % module.region)


def wait_gone(module, ess, group_id):
    module.wait(lambda: describe_one(module, ess, group_id), lambda group: group is None,
                'scaling group %s to be deleted' % group_id)


def read_back(module, ess, group_id):
    """The group after a change (a new one may stay unlisted for a moment)."""
    return module.wait(lambda: describe_one(module, ess, group_id), lambda group: group is not None,
                       'scaling group %s to be listed' % group_id)


def comparable(group):
    result = dict((key, group.get(key)) for key in COMPARED)
    result['health_check_types'] = sorted(group.get('health_check_types') or [])
    result['alb_server_groups'] = sorted_attachments(group.get('alb_server_groups'))
    return result


# Checks of what the group refers to, made before any change.

def resolve_template(module, value):
    """The launch template named by id or name, as DescribeLaunchTemplates lists it."""
    ecs = module.client('ecs')
    query = {'RegionId': module.region}
    found = []
    if looks_like_template_id(value):
        found = ecs.call('DescribeLaunchTemplates', dict(query, LaunchTemplateId=[value]))
        found = found['LaunchTemplateSets']['LaunchTemplateSet']
    if not found:
        found = ecs.call('DescribeLaunchTemplates', dict(query, LaunchTemplateName=[value]))
        # Names are unique in a region, but the filter is not documented as exact.
        found = [t for t in found['LaunchTemplateSets']['LaunchTemplateSet'] if t['LaunchTemplateName'] == value]
    if not found:
        module.fail_json(msg='Launch template %r does not exist in %s.' % (value, module.region))
    return found[0]


def check_template_version(module, template, version):
    """A numbered version must exist (Default and Latest always do)."""
    if not version.isdigit():
        return
    template_id = template['LaunchTemplateId']
    exists = False
    if int(version) <= int(template['LatestVersionNumber']):  # older versions may have been deleted
        exists = bool(module.client('ecs').call('DescribeLaunchTemplateVersions', {
            'RegionId': module.region, 'LaunchTemplateId': template_id, 'LaunchTemplateVersion': [int(version)],
        })['LaunchTemplateVersionSets']['LaunchTemplateVersionSet'])
    if not exists:
        module.fail_json(msg='Launch template %s (%s) has no version %s; its latest is %s.' % (
            template['LaunchTemplateName'], template_id, version, template['LatestVersionNumber']))


def check_offered_types(module, instance_types, known=()):
    """ECS must offer each of ``instance_types`` not in ``known`` (the group's, checked when they were set)."""
    new = [value for value in instance_types if value not in known]
    if not new:
        return
    found = module.client('ecs').paginate('DescribeInstanceTypes', {'InstanceTypes': new, 'MaxResults': 100},
                                          ('InstanceTypes', 'InstanceType'))
    offered = set(item['InstanceTypeId'] for item in found)
    missing = [value for value in new if value not in offered]
    if missing:
        module.fail_json(msg='ECS offers no instance type %s in %s.' % (', '.join(missing), module.region))


def check_vswitches(module, vswitch_ids, vpc_id=None):
    """The VPC of ``vswitch_ids``; each must exist and be in ``vpc_id`` (or in the first one's VPC)."""
    vpc = module.client('vpc')
    for vswitch_id in vswitch_ids:
        found = vpc.call('DescribeVSwitches', {'RegionId': module.region, 'VSwitchId': vswitch_id})
        found = found['VSwitches']['VSwitch']
        if not found:
            module.fail_json(msg='vSwitch %s does not exist in %s.' % (vswitch_id, module.region))
        if vpc_id and found[0]['VpcId'] != vpc_id:
            module.fail_json(msg='vSwitch %s is in VPC %s, not in %s: all vSwitches of a scaling group must be in '
                                 'its VPC.' % (vswitch_id, found[0]['VpcId'], vpc_id))
        vpc_id = found[0]['VpcId']
    return vpc_id


def check_server_groups(module, attachments, vpc_id):
    ids = sorted(set(a['alb_server_group_id'] for a in attachments))
    if not ids:
        return
    found = module.client('alb').paginate('ListServerGroups', {'ServerGroupIds': ids, 'MaxResults': 100},
                                          ('ServerGroups',))
    found = dict((group['ServerGroupId'], group) for group in found)
    for server_group_id in ids:
        group = found.get(server_group_id)
        if group is None:
            module.fail_json(msg='ALB server group %s does not exist in %s.' % (server_group_id, module.region))
        if group['ServerGroupType'] != 'Instance':
            module.fail_json(msg='ALB server group %s is of type %s; a scaling group needs one of type Instance.'
                             % (server_group_id, group['ServerGroupType']))
        if group['VpcId'] != vpc_id:
            module.fail_json(msg='ALB server group %s is in VPC %s, not in the scaling group\'s VPC %s.'
                             % (server_group_id, group['VpcId'], vpc_id))


# Changes.

def wait_activity(module, ess, activity_id, what):
    """Poll a scaling activity until it ends; fail when it did not succeed."""
    if not activity_id or not module.params['wait']:
        return

    def fetch():
        found = ess.call('DescribeScalingActivities', {'RegionId': module.region, 'ScalingActivityIds': [activity_id]})
        return (found['ScalingActivities'] or [{}])[0]

    def failed(activity):
        if activity.get('StatusCode') in ('Failed', 'Rejected'):
            return '%s: %s' % (activity['StatusCode'], activity_details(activity, 'StatusMessage'))
        return None

    module.wait(fetch, lambda activity: activity.get('StatusCode') in ('Successful', 'Warning'),
                'scaling activity %s (%s)' % (activity_id, what), failed=failed)


def change_attachments(module, ess, group_id, to_detach, to_attach):
    base = {'RegionId': module.region, 'ScalingGroupId': group_id}
    if to_detach:
        done = ess.call('DetachAlbServerGroups', dict(base, ForceDetach=True, AlbServerGroups=[
            {'AlbServerGroupId': a['alb_server_group_id'], 'Port': a['port']} for a in to_detach]), idempotent=True)
        wait_activity(module, ess, done.get('ScalingActivityId'), 'detach ALB server groups')
    if to_attach:
        done = ess.call('AttachAlbServerGroups', dict(base, ForceAttach=True, AlbServerGroups=[
            {'AlbServerGroupId': a['alb_server_group_id'], 'Port': a['port'], 'Weight': a['weight']}
            for a in to_attach]), idempotent=True)
        wait_activity(module, ess, done.get('ScalingActivityId'), 'attach ALB server groups')


def wire_tags(tags, flags):
    return [{'Key': key, 'Value': value, 'Propagate': flags[key]} for key, value in sorted(tags.items())]


def apply_group_tags(module, ess, group, to_set, to_remove):
    base = {'RegionId': module.region, 'ResourceType': 'scalinggroup', 'ResourceIds': [group['scaling_group_id']]}
    if to_remove:
        ess.call('UntagResources', dict(base, TagKeys=to_remove))
    if to_set:
        flags = tag_flags(to_set, group.get('propagated_tags'), module.params['propagate_tags'])
        ess.call('TagResources', dict(base, Tags=wire_tags(to_set, flags)))


def finish(module, ess, group):
    """Wait for capacity when asked and add the instances to the result."""
    if not module.params['wait_for_capacity'] or module.check_mode:
        return group
    if not capacity_reached(group):
        try:
            group = wait_until(lambda: describe_one(module, ess, group['scaling_group_id']),
                               lambda g: g is None or capacity_reached(g), module.params['wait_timeout'],
                               'scaling group %s to reach its capacity' % group['scaling_group_id'])
        except WaitTimeout as error:
            module.fail_json(msg='%s; %s' % (error, last_activity(module, ess, group['scaling_group_id'])),
                             last_state=error.last)
        if group is None:
            module.fail_json(msg='Scaling group disappeared while waiting for its capacity.')
    group['instances'] = [snake_dict(instance) for instance in ess.paginate('DescribeScalingInstances', {
        'RegionId': module.region, 'ScalingGroupId': group['scaling_group_id']}, ('ScalingInstances',), 100)]
    return group


def last_activity(module, ess, group_id):
    found = ess.call('DescribeScalingActivities', {'RegionId': module.region, 'ScalingGroupId': group_id,
                                                   'PageSize': 1})['ScalingActivities']
    if not found:
        return 'the group has started no scaling activity'
    activity = found[0]
    return 'its latest scaling activity %s is %s: %s' % (activity['ScalingActivityId'], activity.get('StatusCode'),
                                                         activity_details(activity, 'Description'))


def activity_details(activity, *fields):
    """What an activity says about itself, the cloud's error included, as one line."""
    fields += ('ErrorCode', 'ErrorMessage')
    return ' '.join(str(activity[field]) for field in fields if activity.get(field))


def create(module, ess):
    params = module.params
    module.refuse_twin(SCALING_GROUP)
    missing = [name for name in ('name', 'min_size', 'max_size', 'vswitch_ids') if params[name] is None]
    if missing:
        module.fail_json(msg='Creating a scaling group needs %s.' % ', '.join(missing))
    module.check(check_capacity, params['min_size'], params['max_size'], params['desired_capacity'])
    if params['enabled'] and not params['launch_template']:
        module.fail_json(msg='An enabled scaling group needs a launch_template; give one, or enabled: false.')
    instance_types = params['instance_types'] or []
    if instance_types and not params['launch_template']:
        module.fail_json(msg='instance_types stand in for the launch template\'s type; give launch_template too.')
    vpc_id = check_vswitches(module, params['vswitch_ids'])
    template_id, version = '', ''
    if params['launch_template']:
        template = resolve_template(module, params['launch_template'])
        version = params['launch_template_version'] or 'Default'
        check_template_version(module, template, version)
        template_id = template['LaunchTemplateId']
    check_offered_types(module, instance_types)
    attachments = [as_attachment(a) for a in params['alb_server_groups'] or []]
    check_server_groups(module, attachments, vpc_id)
    tags = merged_tags({}, params['tags'])
    predicted = dict(
        scaling_group_id='', scaling_group_name=params['name'], min_size=params['min_size'],
        max_size=params['max_size'], desired_capacity=params['desired_capacity'],
        default_cooldown=DEFAULT_COOLDOWN if params['default_cooldown'] is None else params['default_cooldown'],
        vswitch_ids=params['vswitch_ids'], vpc_id=vpc_id, launch_template_id=template_id,
        launch_template_version=version, instance_types=instance_types,
        launch_template_overrides=snake_dict(wire_overrides(instance_types)),
        removal_policies=params['removal_policies'] or DEFAULT_REMOVAL_POLICIES,
        multi_az_policy=params['multi_az_policy'] or 'PRIORITY', health_check_types=params['health_check_types'] or
        ['ECS'], alb_server_groups=attachments, tags=tags,
        propagated_tags=propagated_after([], tags, [], bool(params['propagate_tags'])),
        lifecycle_state='Active' if params['enabled'] else 'Inactive', total_capacity=0, active_capacity=0)
    if module.check_mode:
        return predicted
    created = ess.call('CreateScalingGroup', {
        'RegionId': module.region, 'ScalingGroupName': params['name'], 'MinSize': params['min_size'],
        'MaxSize': params['max_size'], 'DesiredCapacity': params['desired_capacity'],
        'DefaultCooldown': params['default_cooldown'], 'VSwitchIds': params['vswitch_ids'],
        'LaunchTemplateId': template_id or None, 'LaunchTemplateVersion': version or None,
        'LaunchTemplateOverrides': wire_overrides(instance_types) or None,
        'RemovalPolicies': params['removal_policies'], 'MultiAZPolicy': params['multi_az_policy'],
        'HealthCheckTypes': params['health_check_types'],
        'AlbServerGroups': [{'AlbServerGroupId': a['alb_server_group_id'], 'Port': a['port'], 'Weight': a['weight']}
                            for a in attachments] or None,
        'Tags': wire_tags(tags, tag_flags(tags, [], params['propagate_tags'])) or None,
    }, idempotent=True)
    group_id = created['ScalingGroupId']
    if params['enabled']:
        after_create(lambda: ess.call('EnableScalingGroup', {'RegionId': module.region, 'ScalingGroupId': group_id}))
    return finish(module, ess, read_back(module, ess, group_id))


def update(module, ess, group):
    """Bring an existing group in line; return (changed, the group as it now is or would be)."""
    params = module.params
    group_id = group['scaling_group_id']
    wanted = dict((wire, (key, params[option])) for wire, key, option in ATTRIBUTES)
    attributes = dict((wire, value) for wire, (key, value) in wanted.items()
                      if value is not None and value != group.get(key))
    if params['health_check_types'] is not None and \
            sorted(params['health_check_types']) != sorted(group.get('health_check_types') or []):
        attributes['HealthCheckTypes'] = params['health_check_types']
    module.check(check_capacity, *[params[size] if params[size] is not None else group.get(size)
                                   for size in ('min_size', 'max_size', 'desired_capacity')])
    if 'VSwitchIds' in attributes:
        check_vswitches(module, params['vswitch_ids'], group['vpc_id'])
    template_id = group.get('launch_template_id') or ''
    template = None
    if params['launch_template'] and params['launch_template'] != template_id:
        template = resolve_template(module, params['launch_template'])
        template_id = template['LaunchTemplateId']
    # Another template starts at its default version unless told otherwise; the same one keeps its version.
    same_template = template_id == group.get('launch_template_id')
    version = params['launch_template_version'] or (same_template and group.get('launch_template_version')) \
        or 'Default'
    template_moves = bool(template_id) and (not same_template or version != group.get('launch_template_version'))
    if template_moves and version.isdigit():
        check_template_version(module, template or resolve_template(module, template_id), version)
    current_types = group.get('instance_types') or []
    instance_types = current_types if params['instance_types'] is None else params['instance_types']
    if instance_types != current_types:
        if instance_types and not template_id:
            module.fail_json(msg='Scaling group %s has no launch template for instance_types to stand in for; give '
                                 'launch_template too.' % group_id)
        check_offered_types(module, instance_types, current_types)
    # The API takes the overrides with the template: a template sent alone would drop them, so they go along.
    if template_id and (template_moves or instance_types != current_types):
        attributes.update(LaunchTemplateId=template_id, LaunchTemplateVersion=version,
                          LaunchTemplateOverrides=wire_overrides(instance_types))
    state_change = None
    if params['enabled'] and group['lifecycle_state'] == 'Inactive':
        if not template_id:
            module.fail_json(msg='Scaling group %s has no launch template; give launch_template to enable it.'
                             % group_id)
        state_change = 'EnableScalingGroup'
    elif not params['enabled'] and group['lifecycle_state'] == 'Active':
        state_change = 'DisableScalingGroup'
    to_detach, to_attach = [], []
    if params['alb_server_groups'] is not None:
        to_detach, to_attach = attachment_changes(group.get('alb_server_groups'), params['alb_server_groups'])
        check_server_groups(module, to_attach, group['vpc_id'])
    to_set, to_remove = tag_changes(group.get('tags'), group.get('propagated_tags'), params['tags'],
                                    params['propagate_tags'], params['purge_tags'])
    if not (attributes or state_change or to_detach or to_attach or to_set or to_remove):
        return False, finish(module, ess, group)
    after = dict(group)
    after.update((key, attributes[wire]) for wire, key, option in ATTRIBUTES if wire in attributes)
    after.update(health_check_types=attributes.get('HealthCheckTypes', group.get('health_check_types')),
                 launch_template_id=template_id, launch_template_version=version if template_id else '',
                 instance_types=instance_types,
                 launch_template_overrides=snake_dict(wire_overrides(instance_types)),
                 alb_server_groups=[a for a in group.get('alb_server_groups') or [] if as_attachment(a) not in
                                    to_detach] + to_attach,
                 tags=merged_tags(group.get('tags'), params['tags'], params['purge_tags']),
                 propagated_tags=propagated_after(group.get('propagated_tags'), to_set, to_remove,
                                                  params['propagate_tags']))
    if state_change:
        after['lifecycle_state'] = 'Active' if params['enabled'] else 'Inactive'
    if module.check_mode:
        return True, after
    if state_change == 'DisableScalingGroup':
        ess.call(state_change, {'ScalingGroupId': group_id})
    # Attachments before sizes: instances a larger capacity brings then join the new server groups at launch.
    change_attachments(module, ess, group_id, to_detach, to_attach)
    if attributes:
        ess.call('ModifyScalingGroup', dict(attributes, ScalingGroupId=group_id))
    apply_group_tags(module, ess, group, to_set, to_remove)
    if state_change == 'EnableScalingGroup':
        ess.call(state_change, {'RegionId': module.region, 'ScalingGroupId': group_id})
    return True, finish(module, ess, read_back(module, ess, group_id))


def delete(module, ess, group):
    if module.check_mode:
        return
    # ForceDelete: the group's instances are released with it, even during a scaling activity.
    ess.call('DeleteScalingGroup', {'RegionId': module.region, 'ScalingGroupId': group['scaling_group_id'],
                                    'ForceDelete': True})
    if module.params['wait']:
        wait_gone(module, ess, group['scaling_group_id'])


def check_options(module):
    params = module.params
    module.check(check_name, params['name'], 'name')
    module.check(check_vswitch_ids, params['vswitch_ids'])
    module.check(check_attachments, params['alb_server_groups'])
    module.check(check_instance_types, params['instance_types'])
    params['launch_template_version'] = module.check(normalise_template_version, params['launch_template_version'])
    if params['wait_for_capacity'] and not params['enabled'] and params['state'] == 'present':
        module.fail_json(msg='wait_for_capacity needs enabled: true; a disabled group does not scale.')


def main():
    argument_spec = dict(
        name=dict(type='str', aliases=['scaling_group_name']),
        scaling_group_id=dict(type='str', aliases=['id']),
        min_size=dict(type='int'),
        max_size=dict(type='int'),
        desired_capacity=dict(type='int'),
        default_cooldown=dict(type='int'),
        vswitch_ids=dict(type='list', elements='str'),
        launch_template=dict(type='str'),
        launch_template_version=dict(type='str'),
        instance_types=dict(type='list', elements='str'),
        removal_policies=dict(type='list', elements='str',
                              choices=['OldestScalingConfiguration', 'OldestInstance', 'NewestInstance']),
        multi_az_policy=dict(type='str', choices=['PRIORITY', 'BALANCE', 'COST_OPTIMIZED', 'COMPOSABLE']),
        health_check_types=dict(type='list', elements='str', choices=['NONE', 'ECS', 'LOAD_BALANCER'],
                                aliases=['health_check_type']),
        alb_server_groups=dict(type='list', elements='dict', options=dict(
            server_group_id=dict(type='str', required=True, aliases=['alb_server_group_id']),
            port=dict(type='int', required=True),
            weight=dict(type='int', default=100),
        )),
        propagate_tags=dict(type='bool'),
        enabled=dict(type='bool', default=True),
        wait_for_capacity=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, required_one_of=[['name', 'scaling_group_id']],
                            supports_check_mode=True, kinds=[SCALING_GROUP])
    check_options(module)
    ess = module.client('ess')
    try:
        current = find_group(module, ess)
        if current is not None and current['lifecycle_state'] == 'Deleting':
            # Already on its way out: let it go, then act on a clean slate.
            wait_gone(module, ess, current['scaling_group_id'])
            current = None
    except ApiError as error:
        module.fail_api(error)
    module.converge('scaling_group', current, lambda: create(module, ess), lambda group: update(module, ess, group),
                    lambda group: delete(module, ess, group), comparable)


if __name__ == '__main__':
    main()

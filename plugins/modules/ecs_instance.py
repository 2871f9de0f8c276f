#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ecs_instance
short_description: Create, update, start, stop or delete one Alibaba Cloud ECS instance
version_added: 0.1.0
description:
  - Manages one pay-as-you-go ECS instance in a VPC, such as the cluster's MongoDB host. Fleets are the job of
    scaling groups, not of this module.
  - The instance is found by O(instance_id) when given, else by O(name) within the VPC (O(vpc_id), or the VPC of
    O(vswitch_id); the whole region when neither is given). Two instances with that name are an error, never a guess.
  - Every input is checked (image, instance type and its architecture, vSwitch, security groups and their VPC, key
    pair, sizes) before any change is made.
  - Changed in place, while running or stopped - name, description, security groups, tags. Changed only while
    stopped - user data (see O(user_data)). Fixed at creation - image, instance type, vSwitch, key pair, public
    bandwidth and system disk; a different value for any of these but the system disk fails with a message, and
    nothing is changed.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the instance; its identity within the VPC when O(instance_id) is not given. Required to create one.
      - 2 to 128 characters, starting with a letter, then letters, digits, V(:), V(_), V(.) or V(-).
      - With O(instance_id), a different name renames the instance.
    type: str
    aliases: [instance_name]
  instance_id:
    description:
      - Id of an existing instance to manage.
    type: str
    aliases: [id]
  vpc_id:
    description:
      - VPC the instance's name is unique in. Defaults to the VPC of O(vswitch_id).
    type: str
  vswitch_id:
    description:
      - vSwitch the instance is placed in; its zone and VPC follow from it. Required to create one.
    type: str
  image_id:
    description:
      - Image to create the instance from, for example V(ubuntu_22_04_x64_20G_alibase_20240819.vhd) or a
        marketplace image V(m-...).
      - Used at creation only; a different image of an existing instance is an error.
    type: str
  image_name:
    description:
      - Instead of O(image_id), the newest available image whose name matches this pattern (the API's fuzzy match;
        V(*) is a wildcard) and that runs on O(instance_type), for example V(ubuntu_22_04_x64*).
      - Resolved only when the instance is created, so a newer image appearing later does not touch existing
        instances.
    type: str
  image_owner_alias:
    description:
      - Where to look for the image. Unset means V(system), V(self) and V(others) (the API's default); an
        O(image_id) not found there is also looked up in V(marketplace).
    type: str
    choices: [system, self, others, marketplace]
  instance_type:
    description:
      - Instance type, for example V(ecs.g7.large). Required to create one; it must run the image's architecture.
    type: str
  security_group_ids:
    description:
      - Security groups of the instance, all in its VPC. Required to create one.
      - On an existing instance the membership is replaced by exactly this list (order does not matter).
    type: list
    elements: str
  key_pair_name:
    description:
      - SSH key pair to log in with. Fixed at creation.
    type: str
  system_disk:
    description:
      - System disk. Used at creation only (the disk is not compared afterwards).
    type: dict
    suboptions:
      size:
        description:
          - Size in GiB, 20 to 2048 and at least the image's size. Defaults to the API's choice.
        type: int
      category:
        description:
          - Disk category. Defaults to the API's choice.
        type: str
        choices: [cloud, cloud_efficiency, cloud_ssd, cloud_essd, cloud_auto, cloud_essd_entry]
  internet_max_bandwidth_out:
    description:
      - Outbound public bandwidth in Mbit/s, 0 to 100. Above 0 the instance gets a public IPv4 address.
      - Fixed at creation.
    type: int
  user_data:
    description:
      - User data as plain text (a shell script, cloud-config, ...); the module base64-encodes it. At most 32 KB.
      - Never logged or returned, because it often carries bootstrap secrets; the result and the diff show its
        SHA-256 digest as RV(instance.user_data_sha256) instead.
      - Compared with the instance's only when set (one extra read). ECS changes user data only on a stopped instance -
        with O(state=stopped) the module stops the instance first; with O(state=present) or O(state=running) a
        difference on a running instance fails with a message and nothing is changed.
    type: str
  description:
    description:
      - Description, 2 to 256 characters. Not changed when not set.
    type: str
  state:
    description:
      - V(present) creates the instance (which starts it) or updates it, leaving a stopped instance stopped.
      - V(running) and V(stopped) also start or stop it; V(stopped) on a new instance creates, then stops it.
      - V(absent) deletes it, forcibly when it is running, and waits until it is gone.
    type: str
    choices: [present, running, stopped, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - lowlatency.alicloud.auth.wait
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
notes:
  - O(wait=true) waits for C(Running) after a create or start, C(Stopped) after a stop, and for the instance to be
    gone after a delete. Stopping to change user data always waits for C(Stopped), and O(state=stopped) on a new
    instance waits for it to be C(Running) before stopping it, as ECS stops only running instances.
requirements:
  - alibabacloud-ecs20140526
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: The MongoDB host, private only, bootstrapped by cloud-init
  lowlatency.alicloud.ecs_instance:
    name: ams-mongodb
    vswitch_id: "{{ vswitches.results[0].vswitch.vswitch_id }}"
    image_name: ubuntu_22_04_x64*
    instance_type: ecs.g7.large
    security_group_ids:
      - "{{ mongodb_sg.security_group.security_group_id }}"
    key_pair_name: ams-admin
    system_disk:
      size: 100
      category: cloud_essd
    user_data: "{{ lookup('ansible.builtin.template', 'mongodb-cloud-init.yml.j2') }}"
    tags:
      app: ams
      role: mongodb
    state: running
  register: mongodb_host

- name: Its address for the AMS nodes
  ansible.builtin.debug:
    msg: "mongodb://{{ mongodb_host.instance.private_ip }}:27017"

- name: Stop it for maintenance
  lowlatency.alicloud.ecs_instance:
    instance_id: "{{ mongodb_host.instance.instance_id }}"
    state: stopped

- name: Delete it
  lowlatency.alicloud.ecs_instance:
    name: ams-mongodb
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    state: absent
'''

RETURN = r'''
instance:
  description: The instance as DescribeInstances describes it, in snake_case, plus a few lifted fields. Empty after
    deletion.
  returned: always
  type: dict
  contains:
    instance_id:
      description: Instance id.
      type: str
      sample: i-bp67acfmxazb4ph6lmbw
    instance_name:
      description: Name.
      type: str
      sample: ams-mongodb
    status:
      description: C(Pending), C(Starting), C(Running), C(Stopping) or C(Stopped).
      type: str
      sample: Running
    private_ip:
      description: Primary private IPv4 address.
      type: str
      sample: 10.20.1.4
    public_ip:
      description: Public IPv4 address (or the EIP's), empty when there is none.
      type: str
      sample: 47.98.10.23
    vpc_id:
      description: VPC id.
      type: str
    vswitch_id:
      description: vSwitch id.
      type: str
    zone_id:
      description: Zone.
      type: str
      sample: cn-hangzhou-h
    instance_type:
      description: Instance type.
      type: str
      sample: ecs.g7.large
    image_id:
      description: Image the instance was created from.
      type: str
    security_group_ids:
      description: Security groups.
      type: list
      elements: str
    key_pair_name:
      description: Key pair.
      type: str
    internet_max_bandwidth_out:
      description: Outbound public bandwidth in Mbit/s.
      type: int
    description:
      description: Description.
      type: str
    host_name:
      description: Host name.
      type: str
    cpu:
      description: vCPUs.
      type: int
    memory:
      description: Memory in MiB.
      type: int
    creation_time:
      description: When it was created.
      type: str
    tags:
      description: Tags as a dictionary.
      type: dict
      sample: {app: ams, role: mongodb}
    user_data_sha256:
      description: SHA-256 (hex) of the user data, to show a change without showing the data.
      returned: when O(user_data) is set
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
'''

import json

from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import architecture_fits
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import encode_user_data
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import user_data_digest
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import instance_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import newest_image
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import power_change
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import settled_status
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

STABLE = ('Running', 'Stopped')

# Attributes fixed at creation: option -> key of the described instance.
FIXED = (('vpc_id', 'vpc_id'), ('vswitch_id', 'vswitch_id'), ('image_id', 'image_id'),
         ('instance_type', 'instance_type'), ('key_pair_name', 'key_pair_name'),
         ('internet_max_bandwidth_out', 'internet_max_bandwidth_out'))

INSTANCE = Kind('Instance', 'instances', 'instance_id', 'instance_id', 'instance_name')
VSWITCHES = {}  # vswitch_id -> DescribeVSwitches item, for this run


# ---- reading ----------------------------------------------------------------------------------------------------

def describe(module, client, **query):
    query['RegionId'] = module.region
    found = client.paginate('DescribeInstances', query, ('Instances', 'Instance'))
    return [instance_view(snake_dict(instance)) for instance in found]


def fetch(module, client, instance_id):
    found = describe(module, client, InstanceIds=json.dumps([instance_id]))
    return found[0] if found else None


def find_vswitch(module):
    """The vSwitch of vswitch_id, read at most once per run (finding the instance may need it already)."""
    vswitch_id = module.params['vswitch_id']
    if vswitch_id not in VSWITCHES:
        found = module.client('vpc').call('DescribeVSwitches', {'RegionId': module.region, 'VSwitchId': vswitch_id})
        found = found['VSwitches']['VSwitch']
        if not found:
            module.fail_json(msg='vSwitch %s does not exist in %s.' % (vswitch_id, module.region))
        VSWITCHES[vswitch_id] = found[0]
    return VSWITCHES[vswitch_id]


def find_instance(module, client):
    params = module.params

    def by_name(name):
        found = [i for i in describe(module, client, InstanceName=name, VpcId=params['vpc_id'])
                 if i['instance_name'] == name]
        if found and not params['vpc_id'] and params['vswitch_id']:
            # The name is unique within the VPC of vswitch_id; an instance in that vSwitch tells the VPC for free.
            vpc_id = next((i['vpc_id'] for i in found if i['vswitch_id'] == params['vswitch_id']), None)
            vpc_id = vpc_id or find_vswitch(module)['VpcId']
            found = [i for i in found if i['vpc_id'] == vpc_id]
        return found

    return module.find(INSTANCE, lambda instance_id: fetch(module, client, instance_id), by_name,
                       where=' in %s' % (params['vpc_id'] or module.region))


def wait_for(module, client, instance_id, statuses):
    return module.wait(lambda: fetch(module, client, instance_id),
                       lambda instance: instance is not None and instance['status'] in statuses,
                       'instance %s to be %s' % (instance_id, ' or '.join(statuses)))


def wait_gone(module, client, instance_id):
    module.wait(lambda: fetch(module, client, instance_id), lambda instance: instance is None,
                'instance %s to be deleted' % instance_id)


# ---- checks done before any change --------------------------------------------------------------------------------

def check_local(params):
    """Refuse what the API would refuse and can be seen without asking it; ValueError says what."""
    if params['name']:
        check_name(params['name'], 'Instance name')
    description = params['description']
    if description is not None and (not 2 <= len(description) <= 256
                                    or description.startswith(('http://', 'https://'))):
        raise ValueError('description must be 2 to 256 characters and not start with http:// or https://')
    bandwidth = params['internet_max_bandwidth_out']
    if bandwidth is not None and not 0 <= bandwidth <= 100:
        raise ValueError('internet_max_bandwidth_out must be 0 to 100 (Mbit/s), got %d' % bandwidth)
    size = (params['system_disk'] or {}).get('size')
    if size is not None and not 20 <= size <= 2048:
        raise ValueError('system_disk.size must be 20 to 2048 (GiB), got %d' % size)
    groups = params['security_group_ids']
    if groups is not None and (not groups or len(set(groups)) != len(groups)):
        raise ValueError('security_group_ids must list at least one security group, each once; got %s' % groups)
    return encode_user_data(params['user_data']) if params['user_data'] is not None else None


def check_security_groups(module, client, vpc_id):
    wanted = module.params['security_group_ids']
    query = {'RegionId': module.region, 'SecurityGroupIds': json.dumps(wanted)}
    found = client.paginate('DescribeSecurityGroups', query, ('SecurityGroups', 'SecurityGroup'))
    known = dict((group['SecurityGroupId'], group['VpcId']) for group in found)
    missing = [group for group in wanted if group not in known]
    if missing:
        module.fail_json(msg='Security groups not found in %s: %s' % (module.region, ', '.join(missing)))
    elsewhere = ['%s (in %s)' % (group, known[group]) for group in wanted if known[group] != vpc_id]
    if elsewhere:
        module.fail_json(msg='Security groups must be in the instance\'s VPC %s: %s' % (vpc_id, ', '.join(elsewhere)))


def check_key_pair(module, client):
    name = module.params['key_pair_name']
    found = client.call('DescribeKeyPairs', {'RegionId': module.region, 'KeyPairName': name})['KeyPairs']['KeyPair']
    if not any(pair['KeyPairName'] == name for pair in found):
        module.fail_json(msg='Key pair %s does not exist in %s.' % (name, module.region))


def check_instance_type(module, client):
    instance_type = module.params['instance_type']
    found = client.call('DescribeInstanceTypes', {'InstanceTypes': [instance_type]})['InstanceTypes']['InstanceType']
    if not found:
        module.fail_json(msg='Instance type %s does not exist.' % instance_type)
    return found[0]


def find_image(module, client):
    """The image to create the instance from: image_id's, or the newest match of image_name for the type."""
    params = module.params
    query = {'RegionId': module.region, 'ImageOwnerAlias': params['image_owner_alias']}
    if params['image_id']:
        query['ImageId'] = params['image_id']
        owners = [params['image_owner_alias']] if params['image_owner_alias'] else [None, 'marketplace']
    else:
        query.update(ImageName=params['image_name'], InstanceType=params['instance_type'])
        owners = [params['image_owner_alias']]
    for owner in owners:
        found = client.paginate('DescribeImages', dict(query, ImageOwnerAlias=owner), ('Images', 'Image'))
        if found:
            return newest_image(found)
    if params['image_id']:
        module.fail_json(msg='Image %s does not exist in %s.' % (params['image_id'], module.region))
    module.fail_json(msg='No available image named like %r runs on %s in %s.'
                     % (params['image_name'], params['instance_type'], module.region))


# ---- create, update, delete ---------------------------------------------------------------------------------------

def comparable(instance):
    keys = ('instance_name', 'description', 'instance_type', 'image_id', 'vpc_id', 'vswitch_id', 'key_pair_name',
            'internet_max_bandwidth_out', 'status', 'tags')
    result = dict((key, instance.get(key)) for key in keys)
    result['security_group_ids'] = sorted(instance.get('security_group_ids') or [])
    if 'user_data_sha256' in instance:
        result['user_data_sha256'] = instance['user_data_sha256']
    return result


def with_user_data(instance, user_data):
    """The instance as the module shows it: once user_data is set and applied, the digest of the given data."""
    return dict(instance, user_data_sha256=user_data_digest(user_data)) if user_data is not None else instance


def read_user_data(module, client, instance):
    """The instance with the digest of the user data it holds (one DescribeUserData call)."""
    current = client.call('DescribeUserData', {'RegionId': module.region, 'InstanceId': instance['instance_id']})
    return dict(instance, user_data_sha256=user_data_digest(current.get('UserData') or ''))


def system_disk_request(disk):
    request = dict((wire, disk[option]) for wire, option in (('Size', 'size'), ('Category', 'category'))
                   if disk.get(option) is not None)
    if 'Size' in request:
        request['Size'] = str(request['Size'])  # a string in the SDK model
    return request or None


def check_new_instance(module, client):
    """Everything RunInstances would refuse, found by reads; returns the vSwitch and the image to use."""
    params = module.params
    module.refuse_twin(INSTANCE)
    missing = [name for name in ('name', 'vswitch_id', 'instance_type', 'security_group_ids') if not params[name]]
    if not (params['image_id'] or params['image_name']):
        missing.append('image_id or image_name')
    if missing:
        module.fail_json(msg='Creating an instance needs %s.' % ', '.join(missing))
    vswitch = find_vswitch(module)
    if params['vpc_id'] and params['vpc_id'] != vswitch['VpcId']:
        module.fail_json(msg='vSwitch %s is in VPC %s, not in vpc_id %s.'
                         % (vswitch['VSwitchId'], vswitch['VpcId'], params['vpc_id']))
    check_security_groups(module, client, vswitch['VpcId'])
    if params['key_pair_name']:
        check_key_pair(module, client)
    instance_type = check_instance_type(module, client)
    image = find_image(module, client)
    if not architecture_fits(instance_type['CpuArchitecture'], image['Architecture']):
        module.fail_json(msg='Image %s (%s) does not run on instance type %s (%s).' % (
            image['ImageId'], image['Architecture'], params['instance_type'], instance_type['CpuArchitecture']))
    disk = params['system_disk'] or {}
    if disk.get('size') is not None and disk['size'] < int(image.get('Size') or 0):
        module.fail_json(msg='system_disk.size %d GiB is smaller than image %s (%s GiB).'
                         % (disk['size'], image['ImageId'], image['Size']))
    return vswitch, image


def create(module, client, user_data):
    params = module.params
    vswitch, image = check_new_instance(module, client)
    state = params['state']
    desired = dict(instance_name=params['name'], description=params['description'] or '',
                   instance_type=params['instance_type'], image_id=image['ImageId'], vpc_id=vswitch['VpcId'],
                   vswitch_id=vswitch['VSwitchId'], zone_id=vswitch['ZoneId'],
                   key_pair_name=params['key_pair_name'] or '',
                   internet_max_bandwidth_out=params['internet_max_bandwidth_out'] or 0,
                   security_group_ids=params['security_group_ids'], tags=merged_tags({}, params['tags']),
                   private_ip='', public_ip='')
    if module.check_mode:
        return with_user_data(dict(desired, status='Stopped' if state == 'stopped' else 'Running'), user_data)
    created = client.call('RunInstances', {
        'RegionId': module.region, 'ImageId': image['ImageId'], 'InstanceType': params['instance_type'],
        'VSwitchId': vswitch['VSwitchId'], 'SecurityGroupIds': params['security_group_ids'],
        'InstanceName': params['name'], 'Description': params['description'], 'KeyPairName': params['key_pair_name'],
        'InternetMaxBandwidthOut': params['internet_max_bandwidth_out'], 'UserData': user_data,
        'SystemDisk': system_disk_request(params['system_disk'] or {}),
        'Tag': dict_to_tags(params['tags']), 'Amount': 1,
    }, idempotent=True)
    instance_id = created['InstanceIdSets']['InstanceIdSet'][0]
    if state == 'stopped':
        wait_for(module, client, instance_id, ['Running'])  # StopInstance needs a running instance
        client.call('StopInstance', {'InstanceId': instance_id})
        if not params['wait']:
            return with_user_data(dict(desired, instance_id=instance_id, status='Stopping'), user_data)
        return with_user_data(wait_for(module, client, instance_id, ['Stopped']), user_data)
    if params['wait']:
        return with_user_data(wait_for(module, client, instance_id, ['Running']), user_data)
    return with_user_data(dict(desired, instance_id=instance_id, status='Pending'), user_data)


def fixed_differences(params, instance):
    return ['%s %s -> %s' % (option, instance.get(key), params[option]) for option, key in FIXED
            if params[option] is not None and params[option] != instance.get(key)]


def update(module, client, instance, user_data):
    """Bring an existing instance in line; return (changed, the instance as it now is or would be)."""
    params = module.params
    state = params['state']
    fixed = fixed_differences(params, instance)
    if fixed:
        module.fail_json(msg='Instance %s differs in what cannot change after creation: %s. Delete and recreate it '
                             '(state=absent first) to change these.' % (instance['instance_id'], '; '.join(fixed)))
    attributes, after = {}, dict(instance)
    if params['name'] and params['name'] != instance['instance_name']:
        attributes['InstanceName'] = after['instance_name'] = params['name']
    if params['description'] is not None and params['description'] != instance.get('description'):
        attributes['Description'] = after['description'] = params['description']
    groups = params['security_group_ids']
    if groups is not None and set(groups) != set(instance['security_group_ids']):
        check_security_groups(module, client, instance['vpc_id'])
        attributes['SecurityGroupIds'] = after['security_group_ids'] = groups
    stop_first = False
    if user_data is not None and instance['user_data_sha256'] != user_data_digest(user_data):
        if state != 'stopped' and instance['status'] not in ('Stopped', 'Stopping'):
            module.fail_json(msg='user_data of instance %s differs, and ECS changes user data only while the instance '
                                 'is stopped: run with state=stopped (then state=running) to change it.'
                                 % instance['instance_id'])
        attributes['UserData'] = user_data
        after['user_data_sha256'] = user_data_digest(user_data)
        stop_first = True
    to_set, to_remove = compare_tags(instance['tags'], params['tags'], params['purge_tags'])
    power = power_change(instance['status'], state)
    if not (attributes or to_set or to_remove or power):
        if params['wait'] and instance['status'] != settled_status(instance['status'], state):
            settled = wait_for(module, client, instance['instance_id'], [settled_status(instance['status'], state)])
            return False, with_user_data(settled, user_data)
        return False, instance
    after['tags'] = merged_tags(instance['tags'], params['tags'], params['purge_tags'])
    if power:
        after['status'] = settled_status(instance['status'], state)
    if module.check_mode:
        return True, after

    instance_id = instance['instance_id']
    if power == 'stop' or (stop_first and instance['status'] != 'Stopped'):
        stop(module, client, instance, wait=stop_first or params['wait'])
    if attributes:
        client.call('ModifyInstanceAttribute', dict(attributes, InstanceId=instance_id))
    apply_tags(client, 'instance', instance_id, to_set, to_remove, region=module.region)
    if power == 'start':
        if instance['status'] == 'Stopping':
            wait_for(module, client, instance_id, ['Stopped'])
        client.call('StartInstance', {'InstanceId': instance_id})
    if params['wait']:
        return True, with_user_data(wait_for(module, client, instance_id, [settled_status(instance['status'], state)]),
                                    user_data)
    return True, with_user_data(fetch(module, client, instance_id) or after, user_data)


def stop(module, client, instance, wait):
    instance_id = instance['instance_id']
    if instance['status'] in ('Pending', 'Starting'):
        wait_for(module, client, instance_id, ['Running'])
    if instance['status'] != 'Stopping':
        client.call('StopInstance', {'InstanceId': instance_id})
    if wait:
        wait_for(module, client, instance_id, ['Stopped'])


def delete(module, client, instance):
    if module.check_mode:
        return
    instance_id = instance['instance_id']
    if instance['status'] not in STABLE:
        # DeleteInstance takes only a Running (with Force) or Stopped instance; let a transition finish first.
        instance = module.wait(lambda: fetch(module, client, instance_id),
                               lambda found: found is None or found['status'] in STABLE,
                               'instance %s to be Running or Stopped before deleting it' % instance_id)
        if instance is None:
            return
    try:
        client.call('DeleteInstance', {'InstanceId': instance_id, 'Force': instance['status'] == 'Running'})
    except ApiError as error:
        if error.code == 'InvalidOperation.DeletionProtection':
            module.fail_api(error, msg='Instance %s has deletion protection on; turn it off first' % instance_id)
        raise
    if module.params['wait']:
        wait_gone(module, client, instance_id)


def main():
    argument_spec = dict(
        name=dict(type='str', aliases=['instance_name']),
        instance_id=dict(type='str', aliases=['id']),
        vpc_id=dict(type='str'),
        vswitch_id=dict(type='str'),
        image_id=dict(type='str'),
        image_name=dict(type='str'),
        image_owner_alias=dict(type='str', choices=['system', 'self', 'others', 'marketplace']),
        instance_type=dict(type='str'),
        security_group_ids=dict(type='list', elements='str'),
        key_pair_name=dict(type='str'),
        system_disk=dict(type='dict', options=dict(
            size=dict(type='int'),
            category=dict(type='str', choices=['cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd', 'cloud_auto',
                                               'cloud_essd_entry']),
        )),
        internet_max_bandwidth_out=dict(type='int'),
        user_data=dict(type='str', no_log=True),
        description=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'running', 'stopped', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, required_one_of=[['name', 'instance_id']],
                            mutually_exclusive=[['image_id', 'image_name']], supports_check_mode=True,
                            kinds=[INSTANCE])
    user_data = module.check(check_local, module.params)
    client = module.client('ecs')
    try:
        current = find_instance(module, client)
        if current and user_data is not None and module.params['state'] != 'absent':
            current = read_user_data(module, client, current)
    except ApiError as error:
        module.fail_api(error)
    module.converge('instance', current, lambda: create(module, client, user_data),
                    lambda instance: update(module, client, instance, user_data),
                    lambda instance: delete(module, client, instance), comparable)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: launch_template
short_description: Create, version or delete an ECS launch template
version_added: 0.1.0
description:
  - Manages an ECS launch template, the instance blueprint Auto Scaling groups launch their nodes from.
  - The template is found by O(launch_template_id) when given, else by O(name), which is unique in the region.
  - "A template holds numbered, immutable versions. The options from O(image_id) to O(instance_tags) are the
    content of a version. When the content they ask for differs from the default version's, the module creates a
    new version and, with O(set_default=true), makes it the default. An existing version that already holds that
    content (the default, or the newest such version among the versions read) is used instead of a new one."
  - A content option that is not set keeps the default version's value; an empty value (V(''), V([]), V({}),
    V(0)) leaves it out of the new version. Fields this module does not manage are not copied into new versions.
  - The cloud checks what a template names (image, instance type, key pair) only when an instance is launched.
    Before writing a version the module checks that the vSwitch and the security groups exist and share one VPC,
    so a typo fails now rather than at the next scale-out.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the template; its identity in the region when O(launch_template_id) is not given.
      - Required to create a template. A template cannot be renamed.
    type: str
    aliases: [launch_template_name]
  launch_template_id:
    description:
      - Id of an existing template to manage.
      - With O(state=present) a template with this id must exist; the module never creates one in its place.
      - With O(state=absent) an id that no longer exists is not an error.
    type: str
    aliases: [id]
  image_id:
    description:
      - Image the instances boot, for example V(ubuntu_22_04_x64_20G_alibase_20240819.vhd) or the Ant Media
        Server marketplace image's id.
    type: str
  instance_type:
    description:
      - Instance type, for example V(ecs.c7.xlarge).
      - A launch template holds one instance type (the API has no list here). Fallback types for a scaling group
        are the group's launch template overrides.
    type: str
  security_group_ids:
    description:
      - Security groups the instances join (at most 5), all in the vSwitch's VPC. Their order does not matter.
    type: list
    elements: str
  vswitch_id:
    description:
      - vSwitch the instances attach to. A scaling group's own vSwitches take precedence when it launches.
    type: str
  key_pair_name:
    description:
      - Name of the key pair whose public key is installed for C(root).
    type: str
  internet_max_bandwidth_out:
    description:
      - Outbound public bandwidth in Mbit/s, 0 to 100. Above 0 each instance gets a public IP address (pay by
        traffic), which WebRTC nodes need; 0 gives none.
    type: int
  system_disk:
    description:
      - System disk of the instances. A key that is not set keeps the default version's value.
      - The API's defaults, category C(cloud_efficiency) and size 40 GiB, are what a version without a system disk
        launches with, so the module treats them as unset (they do not show in the returned C(content)).
    type: dict
    suboptions:
      category:
        description:
          - Disk category.
        type: str
        choices: [cloud, cloud_efficiency, cloud_ssd, cloud_essd, cloud_auto, cloud_essd_entry]
      size:
        description:
          - Size in GiB, 20 to 2048, and at least the image's size.
        type: int
  user_data:
    description:
      - User data the instances run at first boot, as plain text (at most 32 KB); the module encodes it in base64.
      - Compared by its decoded bytes. Never logged and never returned, because bootstrap scripts carry secrets
        such as the database password; results show its SHA-256 digest instead.
    type: str
  instance_name:
    description:
      - Name given to the instances launched from the template. Auto Scaling and RunInstances with a unique
        suffix append a sequence number to it, so it works as a name prefix.
    type: str
  instance_tags:
    description:
      - Tags the launched instances carry (at most 20), as a dictionary. These are content of the version,
        replaced as a whole; the template's own tags are O(tags).
    type: dict
  version_description:
    description:
      - Description of a version the module creates. It is not content; changing it alone creates no version.
    type: str
  set_default:
    description:
      - Make the version holding the wanted content the template's default version, which scaling groups
        launching the C(Default) version then use.
      - With V(false) a new version is created when no default or latest version holds the content, and left
        as it is.
    type: bool
    default: true
  keep_versions:
    description:
      - Delete old versions so that at most this many remain (1 to 30). The default version and the version
        holding the wanted content always stay; of the others the newest are kept.
      - If not set, no version is deleted. A template holds at most 30 versions.
      - A version a scaling group names by number should not be pruned; let such groups use C(Default) or
        C(Latest).
    type: int
  state:
    description:
      - V(present) creates the template or a new version, V(absent) deletes the template with all its versions.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
notes:
  - A run that changes nothing makes two read calls, DescribeLaunchTemplates and DescribeLaunchTemplateVersions
    (for the default and the latest version, or for every version when O(keep_versions) is set).
requirements:
  - alibabacloud-ecs20140526
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: Launch template of the edge nodes
  lowlatency.alicloud.launch_template:
    name: ams-edge
    image_id: "{{ ams_image_id }}"
    instance_type: ecs.c7.xlarge
    vswitch_id: "{{ vswitch_a.vswitch.vswitch_id }}"
    security_group_ids:
      - "{{ ams_group.security_group.security_group_id }}"
    key_pair_name: ams-admin
    internet_max_bandwidth_out: 100
    system_disk:
      category: cloud_essd
      size: 40
    user_data: "{{ lookup('ansible.builtin.template', 'ams-bootstrap.sh.j2') }}"
    instance_name: ams-edge
    instance_tags:
      app: ams
      role: edge
    version_description: "bootstrap for AMS {{ ams_version }}"
    keep_versions: 5
    tags:
      app: ams
  register: edge_template

- name: Its default version
  ansible.builtin.debug:
    msg: "{{ edge_template.launch_template.launch_template_id }} v{{ edge_template.launch_template.default_version_number }}"

- name: Delete the template and all its versions
  lowlatency.alicloud.launch_template:
    name: ams-edge
    state: absent
'''

RETURN = r'''
launch_template:
  description: The template and the content of its default version. Empty after deletion.
  returned: always
  type: dict
  contains:
    launch_template_id:
      description: Template id. Empty in check mode before the template exists.
      type: str
      sample: lt-bp1c3vvx8icdf2r3kmrj
    launch_template_name:
      description: Name.
      type: str
      sample: ams-edge
    default_version_number:
      description: Number of the default version.
      type: int
      sample: 3
    latest_version_number:
      description: Number of the newest version.
      type: int
      sample: 3
    version_description:
      description: Description of the default version.
      type: str
    tags:
      description: Tags of the template as a dictionary.
      type: dict
      sample: {app: ams}
    content:
      description: Content of the default version, keyed by this module's option names; unset values are empty.
      type: dict
      contains:
        image_id:
          description: Image id.
          type: str
        instance_type:
          description: Instance type.
          type: str
        security_group_ids:
          description: Security group ids, sorted.
          type: list
          elements: str
        vswitch_id:
          description: vSwitch id.
          type: str
        key_pair_name:
          description: Key pair name.
          type: str
        internet_max_bandwidth_out:
          description: Outbound public bandwidth in Mbit/s; 0 when the instances get no public address.
          type: int
        system_disk:
          description: System disk C(category) and C(size) as far as set and not the API's defaults (C(cloud_efficiency), 40 GiB).
          type: dict
        user_data_sha256:
          description: SHA-256 of the decoded user data (hex); empty without user data.
          type: str
        instance_name:
          description: Name given to the instances.
          type: str
        instance_tags:
          description: Tags of the instances.
          type: dict
'''

import json

from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import create_once
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import DISK_CATEGORIES
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import VERSIONS_LIMIT
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import check_content_options
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_from_data
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_request
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import desired_content
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import matching_version
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import versions_to_prune
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import tags_to_dict


LAUNCH_TEMPLATE = Kind('Launch template', 'launch templates', 'launch_template_id', 'LaunchTemplateId',
                       'LaunchTemplateName')


def describe(module, client, **query):
    try:
        return client.paginate('DescribeLaunchTemplates', dict(query, RegionId=module.region),
                               ('LaunchTemplateSets', 'LaunchTemplateSet'))
    except ApiError as error:
        if error.code != 'InvalidLaunchTemplate.NotFound':
            raise
        return []


def find_template(module, client):
    """The template (DescribeLaunchTemplates item, wire names) with this id, or with this name; None if none."""
    return module.find(LAUNCH_TEMPLATE,
                       lambda template_id: (describe(module, client, LaunchTemplateId=[template_id]) or [None])[0],
                       lambda name: describe(module, client, LaunchTemplateName=[name]),
                       where=' in %s' % module.region)


def read_versions(module, client, template):
    """{number: {'content', 'description'}} of the default and latest versions, or of all with keep_versions."""
    query = {'RegionId': module.region, 'LaunchTemplateId': template['LaunchTemplateId'], 'DetailFlag': True}
    if module.params['keep_versions'] is None:
        query['LaunchTemplateVersion'] = sorted(set((template['DefaultVersionNumber'], template['LatestVersionNumber'])))
    found = client.paginate('DescribeLaunchTemplateVersions', query,
                            ('LaunchTemplateVersionSets', 'LaunchTemplateVersionSet'))
    return dict((int(v['VersionNumber']), dict(content=content_from_data(v.get('LaunchTemplateData')),
                                               description=v.get('VersionDescription') or '')) for v in found)


def template_view(template_id, name, default, latest, description, tags, content):
    return dict(launch_template_id=template_id, launch_template_name=name, default_version_number=default,
                latest_version_number=latest, version_description=description, tags=tags,
                content=content_view(content))


def comparable(view):
    return dict((key, view.get(key)) for key in ('launch_template_name', 'default_version_number', 'tags', 'content'))


def check_references(module, content):
    """The vSwitch and security groups a version names exist and share one VPC (the API checks this only when
    instances are launched)."""
    region = module.region
    vpc_id = None
    if content.get('vswitch_id'):
        found = module.client('vpc').call('DescribeVSwitches', {'RegionId': region, 'VSwitchId': content['vswitch_id']})
        vswitches = found['VSwitches']['VSwitch']
        if not vswitches:
            module.fail_json(msg='vSwitch %s does not exist in %s.' % (content['vswitch_id'], region))
        vpc_id = vswitches[0]['VpcId']
    wanted = content.get('security_group_ids')
    if not wanted:
        return
    groups = module.client('ecs').paginate('DescribeSecurityGroups', {
        'RegionId': region, 'SecurityGroupIds': json.dumps(wanted)}, ('SecurityGroups', 'SecurityGroup'))
    missing = sorted(set(wanted) - set(group['SecurityGroupId'] for group in groups))
    if missing:
        module.fail_json(msg='Security group(s) %s do not exist in %s.' % (', '.join(missing), region))
    vpcs = sorted(set(group['VpcId'] for group in groups) | set([vpc_id] if vpc_id else []))
    if len(vpcs) > 1:
        module.fail_json(msg='The vSwitch and security groups must be in one VPC; they are in %s (%s).' % (
            ', '.join(vpcs), ', '.join('%s: %s' % (g['SecurityGroupId'], g['VpcId']) for g in groups)))


def create(module, client):
    params = module.params
    module.refuse_twin(LAUNCH_TEMPLATE)
    content = desired_content(params, {})
    check_references(module, content)
    view = template_view('', params['name'], 1, 1, params['version_description'] or '',
                         merged_tags({}, params['tags']), content)
    if module.check_mode:
        return view

    def found():  # CreateLaunchTemplate takes no ClientToken: after a lost answer, the template of this name
        template = find_template(module, client)
        return template and {'LaunchTemplateId': template['LaunchTemplateId'],
                             'LaunchTemplateVersionNumber': template['LatestVersionNumber']}

    created = create_once(lambda: client.call('CreateLaunchTemplate', dict(
        content_request(content), RegionId=module.region, LaunchTemplateName=params['name'],
        VersionDescription=params['version_description'], TemplateTag=dict_to_tags(params['tags']) or None)), found)
    number = int(created['LaunchTemplateVersionNumber'])
    return dict(view, launch_template_id=created['LaunchTemplateId'], default_version_number=number,
                latest_version_number=number)


def update(module, client, template, versions):
    """Converge an existing template; return (changed, the template as it now is or would be)."""
    params = module.params
    template_id, default = template['LaunchTemplateId'], int(template['DefaultVersionNumber'])
    latest = int(template['LatestVersionNumber'])
    contents = dict((number, version['content']) for number, version in versions.items())
    desired = desired_content(params, contents.get(default, {}))
    target = matching_version(contents, desired, default)
    new_version = target is None
    if new_version:
        target = latest + 1
    new_default = target if params['set_default'] and target != default else None
    final_default = new_default or default
    prune = []
    if params['keep_versions']:
        prune = versions_to_prune(set(versions) | set([target]), set([final_default, target]), params['keep_versions'])
    current_tags = tags_to_dict(template.get('Tags'))
    to_set, to_remove = compare_tags(current_tags, params['tags'], params['purge_tags'])

    if final_default == default:
        description = versions.get(default, {}).get('description', '')
    elif new_version:
        description = params['version_description'] or ''
    else:
        description = versions[target]['description']
    after = template_view(template_id, template['LaunchTemplateName'], final_default, max(latest, target), description,
                          merged_tags(current_tags, params['tags'], params['purge_tags']),
                          desired if final_default == target else contents.get(default, {}))
    if not (new_version or new_default or prune or to_set or to_remove):
        return False, after
    if new_version:
        check_references(module, desired)
    if module.check_mode:
        return True, after

    base = {'RegionId': module.region, 'LaunchTemplateId': template_id}
    # Old versions go first, so that a template at its version limit has room for the new one; the version that
    # is still the default can only go once another one is.
    if [number for number in prune if number != default]:
        client.call('DeleteLaunchTemplateVersion', dict(base, DeleteVersion=[n for n in prune if n != default]))
    if new_version:
        try:
            created = client.call('CreateLaunchTemplateVersion', dict(
                content_request(desired), VersionDescription=params['version_description'], **base))
        except ApiError as error:
            if error.code == 'LaunchTemplateVersionLimitExceed':
                module.fail_api(error, msg='Launch template %s holds the most versions it can; set keep_versions to '
                                           'delete old ones' % template_id)
            raise
        target = int(created['LaunchTemplateVersionNumber'])
        after['latest_version_number'] = target
        if final_default != default:
            after['default_version_number'] = final_default = target
    if final_default != default:
        client.call('ModifyLaunchTemplateDefaultVersion', dict(base, DefaultVersionNumber=final_default))
    if default in prune:
        client.call('DeleteLaunchTemplateVersion', dict(base, DeleteVersion=[default]))
    apply_tags(client, 'launchtemplate', template_id, to_set, to_remove, region=module.region)
    return True, after


def delete(module, client, template):
    if not module.check_mode:
        client.call('DeleteLaunchTemplate', {'RegionId': module.region, 'LaunchTemplateId': template['LaunchTemplateId']})


def check_options(module):
    params = module.params
    if params['name'] is not None:
        module.check(check_name, params['name'], 'Launch template name')
    if params['state'] == 'absent':
        return
    module.check(check_content_options, params)
    if params['keep_versions'] is not None and not 1 <= params['keep_versions'] <= VERSIONS_LIMIT:
        module.fail_json(msg='keep_versions must be between 1 and %d, got %d' % (VERSIONS_LIMIT, params['keep_versions']))


def main():
    argument_spec = dict(
        name=dict(type='str', aliases=['launch_template_name']),
        launch_template_id=dict(type='str', aliases=['id']),
        image_id=dict(type='str'),
        instance_type=dict(type='str'),
        security_group_ids=dict(type='list', elements='str'),
        vswitch_id=dict(type='str'),
        key_pair_name=dict(type='str', no_log=False),
        internet_max_bandwidth_out=dict(type='int'),
        system_disk=dict(type='dict', options=dict(
            category=dict(type='str', choices=list(DISK_CATEGORIES)),
            size=dict(type='int'),
        )),
        user_data=dict(type='str', no_log=True),
        instance_name=dict(type='str'),
        instance_tags=dict(type='dict'),
        version_description=dict(type='str'),
        set_default=dict(type='bool', default=True),
        keep_versions=dict(type='int'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, required_one_of=[['name', 'launch_template_id']],
                            supports_check_mode=True, kinds=[LAUNCH_TEMPLATE])
    check_options(module)
    client = module.client('ecs')
    current, versions = None, {}
    try:
        template = find_template(module, client)
        if template and module.params['name'] and module.params['name'] != template['LaunchTemplateName']:
            module.fail_json(msg='Launch template %s is named %r; a template cannot be renamed to %r.' % (
                template['LaunchTemplateId'], template['LaunchTemplateName'], module.params['name']))
        if template:
            versions = read_versions(module, client, template)
            default = versions.get(int(template['DefaultVersionNumber']), {})
            current = template_view(template['LaunchTemplateId'], template['LaunchTemplateName'],
                                    int(template['DefaultVersionNumber']), int(template['LatestVersionNumber']),
                                    default.get('description', ''), tags_to_dict(template.get('Tags')),
                                    default.get('content', {}))
    except ApiError as error:
        module.fail_api(error)
    module.converge('launch_template', current, lambda: create(module, client),
                    lambda view: update(module, client, template, versions),
                    lambda view: delete(module, client, template), comparable)


if __name__ == '__main__':
    main()

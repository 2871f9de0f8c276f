#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: launch_template_info
short_description: Look up ECS launch templates and their versions
version_added: 0.1.0
description:
  - Lists the launch templates of a region that match every filter given, over all result pages, with the
    content of their versions.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  launch_template_ids:
    description:
      - Only these templates.
    type: list
    elements: str
    aliases: [ids]
  names:
    description:
      - Only templates with one of these names.
    type: list
    elements: str
    aliases: [name]
  tags:
    description:
      - Only templates carrying all of these tags (the template's own tags, not the instances').
    type: dict
  versions:
    description:
      - Which versions to return with each template. V(none) makes one API call less per template.
    type: str
    choices: [all, default, none]
    default: all
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-ecs20140526
'''

EXAMPLES = r'''
- name: The edge template with every version
  lowlatency.alicloud.launch_template_info:
    names: [ams-edge]
  register: found

- name: Version numbers, oldest first
  ansible.builtin.debug:
    msg: "{{ found.launch_templates[0].versions | map(attribute='version_number') | list }}"

- name: Every template of the cluster, default versions only
  lowlatency.alicloud.launch_template_info:
    tags:
      app: ams
    versions: default
'''

RETURN = r'''
launch_templates:
  description: Matching templates in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    launch_template_id:
      description: Template id.
      type: str
      sample: lt-bp1c3vvx8icdf2r3kmrj
    launch_template_name:
      description: Name.
      type: str
    default_version_number:
      description: Number of the default version.
      type: int
    latest_version_number:
      description: Number of the newest version.
      type: int
    create_time:
      description: Creation time (UTC, ISO 8601).
      type: str
    modified_time:
      description: Time of the last change (UTC, ISO 8601).
      type: str
    created_by:
      description: Account that created the template.
      type: str
    resource_group_id:
      description: Resource group.
      type: str
    tags:
      description: Tags of the template as a dictionary.
      type: dict
    versions:
      description:
        - Versions, oldest first, as O(versions) selects (absent with O(versions=none)).
        - C(content) is keyed like the options of M(lowlatency.alicloud.launch_template), with the user data only
          as its SHA-256 digest (C(user_data_sha256)).
      returned: unless O(versions=none)
      type: list
      elements: dict
      sample: [{version_number: 1, default_version: true, version_description: first, create_time: "2024-05-01T08:30:00Z",
                content: {image_id: ubuntu_22_04_x64_20G_alibase_20240819.vhd, instance_type: ecs.c7.xlarge,
                          security_group_ids: [sg-bp1fg655nh68xyz9i3ah], vswitch_id: vsw-bp1s5fnvk4gn2tws03624,
                          key_pair_name: ams-admin, internet_max_bandwidth_out: 100,
                          system_disk: {category: cloud_essd}, instance_name: ams-edge,
                          instance_tags: {role: edge}, user_data_sha256: 9f86d0818...}}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_from_data
from ansible_collections.lowlatency.alicloud.plugins.module_utils.template_content import content_view
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


def version_view(version):
    data = version.pop('LaunchTemplateData', None)
    view = snake_dict(version)
    view['content'] = content_view(content_from_data(data))
    return view


def main():
    module = AlicloudModule(
        argument_spec=dict(
            launch_template_ids=dict(type='list', elements='str', aliases=['ids']),
            names=dict(type='list', elements='str', aliases=['name']),
            tags=dict(type='dict'),
            versions=dict(type='str', default='all', choices=['all', 'default', 'none']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    client = module.client('ecs')
    query = {'RegionId': module.region, 'LaunchTemplateId': params['launch_template_ids'] or None,
             'LaunchTemplateName': params['names'] or None, 'TemplateTag': dict_to_tags(params['tags']) or None}
    templates = []
    try:
        for template in client.paginate('DescribeLaunchTemplates', query, ('LaunchTemplateSets', 'LaunchTemplateSet')):
            view = snake_dict(template)
            if params['versions'] != 'none':
                found = client.paginate('DescribeLaunchTemplateVersions', {
                    'RegionId': module.region, 'LaunchTemplateId': template['LaunchTemplateId'], 'DetailFlag': True,
                    'DefaultVersion': True if params['versions'] == 'default' else None,
                }, ('LaunchTemplateVersionSets', 'LaunchTemplateVersionSet'))
                view['versions'] = sorted((version_view(v) for v in found), key=lambda v: v['version_number'])
            templates.append(view)
    except ApiError as error:
        module.fail_api(error)
    module.exit_json(changed=False, launch_templates=templates)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: zone_info
short_description: List the zones of an Alibaba Cloud region
version_added: 0.1.0
description:
  - Lists the zones of a region, to spread vSwitches, scaling groups and the load balancer over two or more zones.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  zone_ids:
    description:
      - Return only these zones. An unknown zone fails the task.
    type: list
    elements: str
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: Find the zones of the region
  lowlatency.alicloud.zone_info:
    region: cn-hangzhou
  register: region_zones

- name: Use the first two zones for the cluster's vSwitches
  ansible.builtin.set_fact:
    cluster_zones: "{{ region_zones.zones[:2] | map(attribute='zone_id') | list }}"
'''

RETURN = r'''
zones:
  description: The region's zones, sorted by zone id.
  returned: always
  type: list
  elements: dict
  contains:
    zone_id:
      description: Zone id.
      type: str
      sample: cn-hangzhou-h
    local_name:
      description: Zone name in the local language.
      type: str
      sample: Hangzhou Zone H
    zone_type:
      description: V(AvailabilityZone) or another zone type.
      type: str
      sample: AvailabilityZone
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


def main():
    module = AlicloudModule(
        argument_spec=dict(zone_ids=dict(type='list', elements='str')),
        supports_check_mode=True,
    )
    try:
        body = module.client('vpc').call('DescribeZones', {'RegionId': module.region})
    except ApiError as error:
        module.fail_api(error)
    zones = sorted(snake_dict(body).get('zones', []), key=lambda zone: zone['zone_id'])
    wanted = module.params['zone_ids']
    if wanted:
        unknown = sorted(set(wanted) - set(zone['zone_id'] for zone in zones))
        if unknown:
            module.fail_json(msg='Zones not found in region %s: %s' % (module.region, ', '.join(unknown)))
        zones = [zone for zone in zones if zone['zone_id'] in wanted]
    module.exit_json(changed=False, zones=zones)


if __name__ == '__main__':
    main()

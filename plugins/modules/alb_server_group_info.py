#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: alb_server_group_info
short_description: Look up Alibaba Cloud ALB server groups with their servers and health
version_added: 0.1.0
description:
  - Lists the ALB server groups of a region that match every filter given, over all result pages, each with its
    backend servers and, where a listener forwards to the group, each server's health.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  server_group_ids:
    description:
      - Only these server groups.
    type: list
    elements: str
    aliases: [ids]
  name:
    description:
      - Only server groups with exactly this name.
    type: str
  vpc_id:
    description:
      - Only server groups in this VPC.
    type: str
  tags:
    description:
      - Only server groups carrying all of these tags.
    type: dict
  health:
    description:
      - Report each server's health, as seen by the listeners that forward to its group.
      - Costs one C(ListListeners) call and one C(GetListenerHealthStatus) call per such listener.
    type: bool
    default: true
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-alb20200616
'''

EXAMPLES = r'''
- name: The origin group and its members' health
  lowlatency.alicloud.alb_server_group_info:
    name: ams-origin
  register: origin

- name: Members not healthy
  ansible.builtin.debug:
    msg: "{{ origin.server_groups[0].servers | rejectattr('health_status', 'equalto', 'Healthy') | list }}"
'''

RETURN = r'''
server_groups:
  description: Matching server groups in snake_case, as M(lowlatency.alicloud.alb_server_group) returns them, each
    with a C(servers) list.
  returned: always
  type: list
  elements: dict
  contains:
    servers:
      description:
        - The backends (C(server_id), C(server_ip), C(server_type), C(port), C(weight), C(status)).
        - C(status) is the membership state (V(Adding), V(Available), V(Removing)).
        - C(health_status) is V(Healthy), or what the load balancer reports for a server that is not
          (V(Unhealthy), V(Initial) while joining, V(Unused) at weight 0); V(null) when no listener forwards to the
          group or O(health=false).
      type: list
      elements: dict
      sample: [{server_id: i-bp1a2b3c4d5e6f7g8h9i, server_ip: 10.20.1.7, port: 5080, weight: 100,
                status: Available, health_status: Healthy}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import forwarded_groups
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


def health_by_group(client, groups):
    """{group id: {(server id, port): status}} from the listeners forwarding to the groups; healthy ones absent.

    A group no listener forwards to is not in the result: nothing checks its servers.
    """
    related = sorted(set(lb for group in groups for lb in group.get('related_load_balancer_ids') or []))
    if not related:
        return {}
    wanted = set(group['server_group_id'] for group in groups)
    listeners = [snake_dict(item) for item in
                 client.paginate('ListListeners', {'LoadBalancerIds': related, 'MaxResults': 100}, ('Listeners',))]
    result = {}
    for listener in listeners:
        if not wanted.intersection(forwarded_groups(listener)):
            continue
        body = client.call('GetListenerHealthStatus', {'ListenerId': listener['listener_id']})
        for status in body.get('ListenerHealthStatus') or []:
            for info in status.get('ServerGroupInfos') or []:
                unwell = result.setdefault(info['ServerGroupId'], {})
                for server in info.get('NonNormalServers') or []:
                    unwell[(server['ServerId'], server['Port'])] = server.get('Status')
    return result


def main():
    module = AlicloudModule(
        argument_spec=dict(
            server_group_ids=dict(type='list', elements='str', aliases=['ids']),
            name=dict(type='str'),
            vpc_id=dict(type='str'),
            tags=dict(type='dict'),
            health=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = {'ServerGroupIds': params['server_group_ids'] or None,
             'ServerGroupNames': [params['name']] if params['name'] else None, 'VpcId': params['vpc_id'],
             'Tag': dict_to_tags(params['tags']) or None, 'MaxResults': 100}
    client = module.client('alb')
    try:
        groups = [snake_dict(group) for group in client.paginate('ListServerGroups', query, ('ServerGroups',))]
        for group in groups:
            group['servers'] = [snake_dict(server) for server in client.paginate(
                'ListServerGroupServers', {'ServerGroupId': group['server_group_id'], 'MaxResults': 100},
                ('Servers',))]
        health = health_by_group(client, groups) if params['health'] else {}
    except ApiError as error:
        module.fail_api(error)
    for group in groups:
        checked = health.get(group['server_group_id'])
        for server in group['servers']:
            key = (server['server_id'], server['port'])
            server['health_status'] = None if checked is None else checked.get(key, 'Healthy')
    module.exit_json(changed=False, server_groups=groups)


if __name__ == '__main__':
    main()

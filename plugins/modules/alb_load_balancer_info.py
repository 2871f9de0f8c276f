#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: alb_load_balancer_info
short_description: Look up Alibaba Cloud Application Load Balancers with their listeners
version_added: 0.1.0
description:
  - Lists the ALB instances of a region that match every filter given, over all result pages, each with its zones,
    addresses and listeners.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  load_balancer_ids:
    description:
      - Only these load balancers.
    type: list
    elements: str
    aliases: [ids]
  name:
    description:
      - Only load balancers with exactly this name.
    type: str
  vpc_id:
    description:
      - Only load balancers in this VPC.
    type: str
  tags:
    description:
      - Only load balancers carrying all of these tags.
    type: dict
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
notes:
  - Makes one C(ListLoadBalancers) call per page, one C(GetLoadBalancerAttribute) per load balancer found (the list
    does not describe zones) and one C(ListListeners) call per page of listeners.
requirements:
  - alibabacloud-alb20200616
'''

EXAMPLES = r'''
- name: The cluster's load balancer and what it listens on
  lowlatency.alicloud.alb_load_balancer_info:
    name: ams-entrance
  register: found

- name: Its ports
  ansible.builtin.debug:
    msg: "{{ found.load_balancers[0].listeners | map(attribute='listener_port') | sort }}"
'''

RETURN = r'''
load_balancers:
  description: Matching load balancers in snake_case, as M(lowlatency.alicloud.alb_load_balancer) returns them, each
    with a C(listeners) list (as M(lowlatency.alicloud.alb_listener) returns them, without certificates).
  returned: always
  type: list
  elements: dict
  sample: [{load_balancer_id: alb-o9ulmq5hgn68jk0lx3, load_balancer_name: ams-entrance, load_balancer_status: Active,
            dns_name: alb-o9ulmq5hgn68jk0lx3.cn-hangzhou.alb.aliyuncs.com, address_type: Internet,
            zone_mappings: [{zone_id: cn-hangzhou-h, vswitch_id: vsw-bp1s5fnvk4gn2tws03624}],
            listeners: [{listener_id: lsn-o4u54y73wq7b8a0v7t, listener_port: 443, listener_protocol: HTTPS,
                         listener_status: Running}], tags: {app: ams}}]
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import is_not_found
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

# ListLoadBalancers takes at most 20 ids per call.
IDS_PER_CALL = 20


def chunks(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def describe(client, load_balancer_id):
    try:
        body = client.call('GetLoadBalancerAttribute', {'LoadBalancerId': load_balancer_id})
    except ApiError as error:
        if is_not_found(error):  # deleted between the list and this read
            return None
        raise
    body.pop('RequestId', None)
    return snake_dict(body)


def main():
    module = AlicloudModule(
        argument_spec=dict(
            load_balancer_ids=dict(type='list', elements='str', aliases=['ids']),
            name=dict(type='str'),
            vpc_id=dict(type='str'),
            tags=dict(type='dict'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    query = {'LoadBalancerNames': [params['name']] if params['name'] else None,
             'VpcIds': [params['vpc_id']] if params['vpc_id'] else None,
             'Tag': dict_to_tags(params['tags']) or None, 'MaxResults': 100}
    client = module.client('alb')
    try:
        found = []
        for ids in chunks(params['load_balancer_ids'], IDS_PER_CALL) if params['load_balancer_ids'] else [None]:
            found.extend(client.paginate('ListLoadBalancers', dict(query, LoadBalancerIds=ids), ('LoadBalancers',)))
        load_balancers = [lb for lb in (describe(client, item['LoadBalancerId']) for item in found) if lb]
        listeners = {}
        for ids in chunks([lb['load_balancer_id'] for lb in load_balancers], IDS_PER_CALL):
            for item in client.paginate('ListListeners', {'LoadBalancerIds': ids, 'MaxResults': 100}, ('Listeners',)):
                listeners.setdefault(item['LoadBalancerId'], []).append(snake_dict(item))
    except ApiError as error:
        module.fail_api(error)
    for lb in load_balancers:
        lb['listeners'] = sorted(listeners.get(lb['load_balancer_id'], []), key=lambda item: item['listener_port'])
    module.exit_json(changed=False, load_balancers=load_balancers)


if __name__ == '__main__':
    main()

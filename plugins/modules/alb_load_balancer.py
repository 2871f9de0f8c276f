#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: alb_load_balancer
short_description: Create, update or delete an Alibaba Cloud Application Load Balancer (ALB)
version_added: 0.1.0
description:
  - Manages an Application Load Balancer instance, the entrance of the cluster, spread over two zones or more.
  - The load balancer is found by O(load_balancer_id) when given, else by O(name) (within O(vpc_id) when given) in
    the region. Two load balancers with that name are an error, never a guess.
  - Creation is asynchronous; with O(wait=true) the module returns once the load balancer is C(Active), with its
    DNS name.
  - Listeners are managed with M(lowlatency.alicloud.alb_listener), server groups with
    M(lowlatency.alicloud.alb_server_group).
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the load balancer; its identity when O(load_balancer_id) is not given. Required to create one.
      - 2 to 128 characters, starting with a letter or digit; letters, digits, periods, underscores, hyphens and
        spaces.
    type: str
    aliases: [load_balancer_name]
  load_balancer_id:
    description:
      - Id of an existing load balancer to manage (then O(name) renames it).
      - With O(state=present) a load balancer with this id must exist; the module never creates one in its place.
      - With O(state=absent) an id that no longer exists is not an error.
    type: str
    aliases: [id]
  vpc_id:
    description:
      - VPC of the load balancer. Required to create one; narrows the search by O(name); cannot change afterwards.
    type: str
  zone_mappings:
    description:
      - The zones the load balancer serves from, each with one vSwitch of O(vpc_id) in that zone.
      - At least two zones, each named once; checked before any API call. Required to create a load balancer.
      - The zones of an existing load balancer cannot be changed by this module; a different set fails.
    type: list
    elements: dict
    suboptions:
      zone_id:
        description: Zone, for example V(cn-hangzhou-h).
        type: str
        required: true
      vswitch_id:
        description: vSwitch in that zone.
        type: str
        required: true
  address_type:
    description:
      - V(Internet) for a public load balancer, V(Intranet) for one reachable only inside the VPC.
      - Defaults to V(Internet) on creation; cannot change afterwards.
    type: str
    choices: [Internet, Intranet]
  edition:
    description:
      - Edition of the load balancer. Defaults to V(Standard) on creation; cannot change afterwards.
    type: str
    choices: [Basic, Standard, StandardWithWaf]
  pay_type:
    description:
      - Billing method. ALB instances are pay-as-you-go.
    type: str
    choices: [PostPay]
    default: PostPay
  deletion_protection:
    description:
      - Whether the load balancer refuses to be deleted. Not changed when not set; off on creation when not set.
    type: bool
  force:
    description:
      - With O(state=absent), turn deletion protection off first when it is on. Without it, a protected load
        balancer is not deleted and the task fails, before any change.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the load balancer, V(absent) deletes it together with its listeners.
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
  - Found by name, the load balancer costs two reads (C(ListLoadBalancers) does not describe zones); by id, one.
requirements:
  - alibabacloud-alb20200616
'''

EXAMPLES = r'''
- name: The cluster's internet-facing load balancer in two zones
  lowlatency.alicloud.alb_load_balancer:
    name: ams-entrance
    vpc_id: "{{ cluster_vpc.vpc.vpc_id }}"
    zone_mappings:
      - zone_id: cn-hangzhou-h
        vswitch_id: "{{ vswitch_h }}"
      - zone_id: cn-hangzhou-i
        vswitch_id: "{{ vswitch_i }}"
    address_type: Internet
    edition: Standard
    deletion_protection: true
    tags:
      app: ams
  register: entrance

- name: Its DNS name, for the CNAME record
  ansible.builtin.debug:
    msg: "{{ entrance.load_balancer.dns_name }}"

- name: Delete it even though it is protected
  lowlatency.alicloud.alb_load_balancer:
    load_balancer_id: "{{ entrance.load_balancer.load_balancer_id }}"
    force: true
    state: absent
'''

RETURN = r'''
load_balancer:
  description: The load balancer as GetLoadBalancerAttribute describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    load_balancer_id:
      description: Load balancer id.
      type: str
      sample: alb-o9ulmq5hgn68jk0lx3
    load_balancer_name:
      description: Name.
      type: str
      sample: ams-entrance
    load_balancer_status:
      description: V(Active) once ready; V(Provisioning) while being created, V(Configuring) while being changed.
      type: str
      sample: Active
    dns_name:
      description: DNS name to point a CNAME record at.
      type: str
      sample: alb-o9ulmq5hgn68jk0lx3.cn-hangzhou.alb.aliyuncs.com
    vpc_id:
      description: VPC id.
      type: str
    address_type:
      description: V(Internet) or V(Intranet).
      type: str
    load_balancer_edition:
      description: Edition.
      type: str
      sample: Standard
    zone_mappings:
      description: Zones with their vSwitch, status and addresses.
      type: list
      elements: dict
      sample: [{zone_id: cn-hangzhou-h, vswitch_id: vsw-bp1s5fnvk4gn2tws03624, status: Active,
                load_balancer_addresses: [{address: 47.96.10.20, intranet_address: 10.20.1.5}]}]
    deletion_protection_config:
      description: Whether deletion protection is on (C(enabled)) and since when.
      type: dict
      sample: {enabled: true, enabled_time: "2024-05-01T10:00:00Z"}
    tags:
      description: Tags as a dictionary.
      type: dict
      sample: {app: ams}
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import check_name
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import check_zone_mappings
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import is_not_found
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import wait_for_job
from ansible_collections.lowlatency.alicloud.plugins.module_utils.alb import zone_pairs
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

# Attributes the API cannot change on an existing load balancer here: option -> key in the description.
IMMUTABLE = dict(vpc_id='vpc_id', address_type='address_type', edition='load_balancer_edition')


def get(client, load_balancer_id):
    """The load balancer with this id, or None (also while a new one is not yet visible)."""
    try:
        body = client.call('GetLoadBalancerAttribute', {'LoadBalancerId': load_balancer_id})
    except ApiError as error:
        if is_not_found(error):
            return None
        raise
    body.pop('RequestId', None)
    return snake_dict(body)


LOAD_BALANCER = Kind('Load balancer', 'load balancers', 'load_balancer_id', 'LoadBalancerId', 'LoadBalancerName')


def find(module, client):
    params = module.params
    if params['load_balancer_id']:
        return get(client, params['load_balancer_id'])
    query = {'MaxResults': 100}
    if params['vpc_id']:
        query['VpcIds'] = [params['vpc_id']]
    found = module.find(LOAD_BALANCER, None, lambda name: client.paginate(
        'ListLoadBalancers', dict(query, LoadBalancerNames=[name]), ('LoadBalancers',)),
        where=' in %s' % (params['vpc_id'] or module.region))
    # The list view has no zones: read the one found in full.
    return get(client, found['LoadBalancerId']) if found else None


def wait_active(module, client, load_balancer_id):
    def failed(lb):
        if lb is not None and lb['load_balancer_status'] == 'CreateFailed':
            return 'the load balancer ended CreateFailed'
        return None

    return module.wait(lambda: get(client, load_balancer_id),
                       lambda lb: lb is not None and lb['load_balancer_status'] == 'Active',
                       'load balancer %s to be Active' % load_balancer_id, failed=failed)


def protected(lb):
    return bool((lb.get('deletion_protection_config') or {}).get('enabled'))


def comparable(lb):
    return dict(load_balancer_name=lb.get('load_balancer_name'), vpc_id=lb.get('vpc_id'),
                address_type=lb.get('address_type'), load_balancer_edition=lb.get('load_balancer_edition'),
                zone_mappings=[dict(zone_id=zone, vswitch_id=vswitch)
                               for zone, vswitch in zone_pairs(lb.get('zone_mappings'))],
                deletion_protection=protected(lb), tags=lb.get('tags'))


def create(module, client):
    params = module.params
    module.refuse_twin(LOAD_BALANCER)
    missing = [name for name in ('name', 'vpc_id', 'zone_mappings') if not params[name]]
    if missing:
        module.fail_json(msg='Creating a load balancer needs %s.' % ', '.join(missing))
    address_type = params['address_type'] or 'Internet'
    edition = params['edition'] or 'Standard'
    enabled = bool(params['deletion_protection'])
    desired = dict(load_balancer_name=params['name'], vpc_id=params['vpc_id'], address_type=address_type,
                   load_balancer_edition=edition, load_balancer_status='Provisioning',
                   zone_mappings=[dict(zone_id=m['zone_id'], vswitch_id=m['vswitch_id'])
                                  for m in params['zone_mappings']],
                   deletion_protection_config=dict(enabled=enabled), tags=merged_tags({}, params['tags']))
    if module.check_mode:
        return desired
    created = client.call('CreateLoadBalancer', {
        'LoadBalancerName': params['name'], 'VpcId': params['vpc_id'], 'AddressType': address_type,
        'LoadBalancerEdition': edition, 'LoadBalancerBillingConfig': {'PayType': params['pay_type']},
        'ZoneMappings': [{'ZoneId': m['zone_id'], 'VSwitchId': m['vswitch_id']} for m in params['zone_mappings']],
        'DeletionProtectionEnabled': enabled, 'Tag': dict_to_tags(params['tags']) or None,
    }, idempotent=True)
    if not params['wait']:
        return dict(desired, load_balancer_id=created['LoadBalancerId'])
    return wait_active(module, client, created['LoadBalancerId'])


def check_unchangeable(module, lb):
    params = module.params
    for option, key in IMMUTABLE.items():
        if params[option] and params[option] != lb.get(key):
            module.fail_json(msg='Load balancer %s has %s %s; changing it to %s is not supported: create a new load '
                                 'balancer instead.' % (lb['load_balancer_id'], option, lb.get(key), params[option]))
    if params['zone_mappings'] and zone_pairs(params['zone_mappings']) != zone_pairs(lb.get('zone_mappings')):
        module.fail_json(msg='Load balancer %s serves zones %s; changing zone_mappings is not supported.' % (
            lb['load_balancer_id'], ', '.join('%s (%s)' % pair for pair in zone_pairs(lb.get('zone_mappings')))))


def update(module, client, lb):
    """Bring an existing load balancer in line; return (changed, the load balancer as it now is or would be)."""
    params = module.params
    lb_id = lb['load_balancer_id']
    check_unchangeable(module, lb)
    if lb['load_balancer_status'] != 'Active' and params['wait']:
        lb = wait_active(module, client, lb_id)  # an earlier run with wait=false
    rename = params['name'] if params['name'] and params['name'] != lb['load_balancer_name'] else None
    protect = params['deletion_protection']
    protect = protect if protect is not None and protect != protected(lb) else None
    to_set, to_remove = compare_tags(lb['tags'], params['tags'], params['purge_tags'])
    if rename is None and protect is None and not (to_set or to_remove):
        return False, lb
    after = dict(lb, tags=merged_tags(lb['tags'], params['tags'], params['purge_tags']))
    if rename is not None:
        after['load_balancer_name'] = rename
    if protect is not None:
        after['deletion_protection_config'] = dict(lb.get('deletion_protection_config') or {}, enabled=protect)
    if module.check_mode:
        return True, after
    if rename is not None:
        job = client.call('UpdateLoadBalancerAttribute', {'LoadBalancerId': lb_id, 'LoadBalancerName': rename})
        if params['wait']:
            wait_for_job(module, client, job['JobId'], 'loadbalancer', lb_id)
    if protect is not None:
        client.call('EnableDeletionProtection' if protect else 'DisableDeletionProtection', {'ResourceId': lb_id})
    apply_tags(client, 'loadbalancer', lb_id, to_set, to_remove, untag_action='UnTagResources')
    return True, (wait_active(module, client, lb_id) if params['wait'] else get(client, lb_id)) or after


def delete(module, client, lb):
    lb_id = lb['load_balancer_id']
    if protected(lb) and not module.params['force']:
        module.fail_json(msg='Load balancer %s has deletion protection on; set force: true to turn it off and delete '
                             'it.' % lb_id)
    if module.check_mode:
        return
    if lb['load_balancer_status'] != 'Active':
        wait_active(module, client, lb_id)  # deleting needs Active
    if protected(lb):
        client.call('DisableDeletionProtection', {'ResourceId': lb_id})
    job = client.call('DeleteLoadBalancer', {'LoadBalancerId': lb_id})
    if module.params['wait']:
        wait_for_job(module, client, job['JobId'], 'loadbalancer', lb_id)


def main():
    argument_spec = dict(
        name=dict(type='str', aliases=['load_balancer_name']),
        load_balancer_id=dict(type='str', aliases=['id']),
        vpc_id=dict(type='str'),
        zone_mappings=dict(type='list', elements='dict', options=dict(
            zone_id=dict(type='str', required=True),
            vswitch_id=dict(type='str', required=True),
        )),
        address_type=dict(type='str', choices=['Internet', 'Intranet']),
        edition=dict(type='str', choices=['Basic', 'Standard', 'StandardWithWaf']),
        pay_type=dict(type='str', default='PostPay', choices=['PostPay']),
        deletion_protection=dict(type='bool'),
        force=dict(type='bool', default=False),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, required_one_of=[['name', 'load_balancer_id']],
                            supports_check_mode=True, kinds=[LOAD_BALANCER])
    module.check(check_name, module.params['name'], 'name')
    if module.params['zone_mappings'] is not None:
        module.check(check_zone_mappings, module.params['zone_mappings'])
    client = module.client('alb')
    try:
        current = find(module, client)
    except ApiError as error:
        module.fail_api(error)
    module.converge('load_balancer', current, lambda: create(module, client), lambda lb: update(module, client, lb),
                    lambda lb: delete(module, client, lb), comparable)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: eip
short_description: Allocate, associate or release an Alibaba Cloud elastic IP address (EIP)
version_added: 0.1.0
description:
  - Manages a pay-as-you-go EIP and what it is bound to, an ECS instance or a NAT gateway of the same region.
  - The EIP is found by O(allocation_id) when given, else by O(name) in the region. Two EIPs with that name are an
    error, never a guess.
  - The association is part of the desired state. O(instance_id) binds the EIP to that ECS instance,
    O(nat_gateway_id) to that NAT gateway, neither leaves it unbound (an EIP bound elsewhere is unbound first).
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the EIP; its identity when O(allocation_id) is not given.
    type: str
  allocation_id:
    description:
      - Id of an existing EIP to manage. With O(state=present) it must exist; the module never allocates one in its
        place. With O(state=absent) an id that no longer exists is not an error.
    type: str
    aliases: [id]
  bandwidth:
    description:
      - Peak bandwidth in Mbit/s, 1-500 (1-200 with O(internet_charge_type=PayByTraffic)). The cloud's default, 5,
        when the EIP is allocated without it; not changed when not set.
    type: int
  internet_charge_type:
    description:
      - How traffic is billed. Set when the EIP is allocated (default V(PayByBandwidth)); cannot change afterwards.
    type: str
    choices: [PayByBandwidth, PayByTraffic]
  description:
    description:
      - Description. Not changed when not set.
    type: str
  instance_id:
    description:
      - ECS instance to bind the EIP to. The instance must be in a VPC, V(Running) or V(Stopped), without a public IP
        address and without another EIP.
    type: str
  nat_gateway_id:
    description:
      - NAT gateway to bind the EIP to, for example to use it in its SNAT entries (M(lowlatency.alicloud.snat_entry)).
    type: str
  state:
    description:
      - V(present) allocates, updates and binds the EIP; V(absent) unbinds and releases it.
      - Unbinding from a NAT gateway fails, with the cloud's reason, while SNAT entries still use the address.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - lowlatency.alicloud.auth.tags
  - lowlatency.alicloud.auth.wait
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
requirements:
  - alibabacloud-vpc20160428
'''

EXAMPLES = r'''
- name: An EIP for the NAT gateway's SNAT entry
  lowlatency.alicloud.eip:
    name: ams-egress
    bandwidth: 10
    internet_charge_type: PayByTraffic
    nat_gateway_id: "{{ nat.nat_gateway.nat_gateway_id }}"
    tags:
      app: ams
  register: egress

- name: Release it
  lowlatency.alicloud.eip:
    name: ams-egress
    state: absent
'''

RETURN = r'''
eip:
  description: The EIP as DescribeEipAddresses describes it, in snake_case. Empty after release.
  returned: always
  type: dict
  contains:
    allocation_id:
      description: EIP id.
      type: str
      sample: eip-bp1rfkdzangw82aj2skaw
    ip_address:
      description: The public address.
      type: str
      sample: 47.98.10.20
    name:
      description: Name.
      type: str
    bandwidth:
      description: Peak bandwidth in Mbit/s (a string, as the API returns it).
      type: str
    internet_charge_type:
      description: V(PayByBandwidth) or V(PayByTraffic).
      type: str
    status:
      description: V(Available) (unbound) or V(InUse) (bound) once settled.
      type: str
    instance_id:
      description: The instance the EIP is bound to, or empty.
      type: str
    instance_type:
      description: V(EcsInstance), V(Nat), or empty.
      type: str
    tags:
      description: Tags as a dictionary.
      type: dict
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import EIP_SETTLED
from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import describe_eips
from ansible_collections.lowlatency.alicloud.plugins.module_utils.eip_nat import wait_for_eip
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import TAGS_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import WAIT_ARGUMENT_SPEC
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import apply_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import compare_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.tagging import merged_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import attribute_changes
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags

BANDWIDTH_LIMITS = {'PayByBandwidth': 500, 'PayByTraffic': 200}
EIP = Kind('EIP', 'EIPs', 'allocation_id', 'allocation_id', 'name')


def find_eip(module, client):
    def by_id(allocation_id):
        return (describe_eips(module, client, AllocationId=allocation_id) or [None])[0]

    return module.find(EIP, by_id, lambda name: describe_eips(module, client, EipName=name), ' in %s' % module.region)


def wanted_binding(params):
    """(instance type, instance id) the EIP should be bound to; ('', '') for unbound."""
    if params['instance_id']:
        return 'EcsInstance', params['instance_id']
    if params['nat_gateway_id']:
        return 'Nat', params['nat_gateway_id']
    return '', ''


def comparable(eip):
    return dict((key, eip.get(key)) for key in ('name', 'description', 'bandwidth', 'internet_charge_type',
                                                'instance_type', 'instance_id', 'tags'))


def check_target(module, client, binding, allocation_id=None):
    """Refuse, before any change, an instance that already holds another EIP (the cloud would refuse it only
    after this EIP had been unbound from where it is)."""
    if binding[0] != 'EcsInstance':
        return
    holders = [e for e in describe_eips(module, client, AssociatedInstanceType='EcsInstance',
                                        AssociatedInstanceId=binding[1]) if e['allocation_id'] != allocation_id]
    if holders:
        module.fail_json(msg='Instance %s already has EIP %s (%s); unbind it first.'
                         % (binding[1], holders[0]['allocation_id'], holders[0]['ip_address']))


def bind(module, client, allocation_id, binding):
    client.call('AssociateEipAddress', {'RegionId': module.region, 'AllocationId': allocation_id,
                                        'InstanceType': binding[0], 'InstanceId': binding[1]})
    if module.params['wait']:
        return wait_for_eip(module, client, allocation_id, ('InUse',))
    return None


def unbind(module, client, eip):
    try:
        client.call('UnassociateEipAddress', {'RegionId': module.region, 'AllocationId': eip['allocation_id'],
                                              'InstanceId': eip['instance_id'], 'InstanceType': eip['instance_type']})
    except ApiError as error:
        if error.code.startswith('DependencyViolation'):
            module.fail_api(error, msg='EIP %s is used by SNAT entries of NAT gateway %s; delete them first'
                            % (eip['allocation_id'], eip['instance_id']))
        raise
    # The next association, or the release, needs the EIP Available again.
    return wait_for_eip(module, client, eip['allocation_id'], ('Available',))


def create(module, client):
    params = module.params
    if params['allocation_id']:
        module.fail_json(msg='EIP %s does not exist in %s; leave out allocation_id to allocate an EIP.'
                         % (params['allocation_id'], module.region))
    binding = wanted_binding(params)
    desired = dict(name=params['name'], description=params['description'] or '',
                   bandwidth=str(params['bandwidth'] or 5),
                   internet_charge_type=params['internet_charge_type'] or 'PayByBandwidth',
                   instance_type=binding[0], instance_id=binding[1], tags=merged_tags({}, params['tags']),
                   status='InUse' if binding[1] else 'Available')
    check_target(module, client, binding)
    if module.check_mode:
        return desired
    created = client.call('AllocateEipAddress', {
        'RegionId': module.region, 'Name': params['name'], 'Description': params['description'],
        'Bandwidth': str(params['bandwidth']) if params['bandwidth'] else None,
        'InternetChargeType': params['internet_charge_type'], 'Tag': dict_to_tags(params['tags']) or None,
    }, idempotent=True)
    allocation_id = created['AllocationId']
    if binding[1]:
        return bind(module, client, allocation_id, binding) or dict(desired, allocation_id=allocation_id,
                                                                    ip_address=created['EipAddress'],
                                                                    status='Associating')
    return describe_eips(module, client, AllocationId=allocation_id)[0]


def settled(module, client, eip):
    """The EIP once it is neither associating nor unassociating (the cloud refuses changes meanwhile)."""
    if eip['status'] in EIP_SETTLED or module.check_mode:
        return eip
    return wait_for_eip(module, client, eip['allocation_id'])


def update(module, client, eip):
    params = module.params
    if params['internet_charge_type'] and params['internet_charge_type'] != eip['internet_charge_type']:
        module.fail_json(msg='EIP %s is billed %s; it cannot change to %s: allocate a new EIP instead.'
                         % (eip['allocation_id'], eip['internet_charge_type'], params['internet_charge_type']))
    bandwidth = str(params['bandwidth']) if params['bandwidth'] else None
    attributes, after = attribute_changes(eip, {'Name': ('name', params['name']),
                                                'Description': ('description', params['description']),
                                                'Bandwidth': ('bandwidth', bandwidth)})
    to_set, to_remove = compare_tags(eip['tags'], params['tags'], params['purge_tags'])
    binding = wanted_binding(params)
    rebind = binding != (eip['instance_type'], eip['instance_id'])
    if not (attributes or to_set or to_remove or rebind):
        return False, eip
    after.update(tags=merged_tags(eip['tags'], params['tags'], params['purge_tags']), instance_type=binding[0],
                 instance_id=binding[1])
    if rebind:
        check_target(module, client, binding, eip['allocation_id'])
    if module.check_mode:
        return True, after
    if attributes:
        client.call('ModifyEipAddressAttribute', dict(attributes, RegionId=module.region,
                                                      AllocationId=eip['allocation_id']))
    apply_tags(client, 'EIP', eip['allocation_id'], to_set, to_remove, untag_action='UnTagResources',
               region=module.region)
    if rebind:
        eip = settled(module, client, eip)
        if eip['instance_id']:
            unbind(module, client, eip)
        if binding[1]:
            bind(module, client, eip['allocation_id'], binding)
    return True, find_eip(module, client) or after


def delete(module, client, eip):
    if module.check_mode:
        return
    eip = settled(module, client, eip)
    if eip['instance_id']:
        unbind(module, client, eip)
    client.call('ReleaseEipAddress', {'RegionId': module.region, 'AllocationId': eip['allocation_id']})
    if module.params['wait']:
        wait_for_eip(module, client, eip['allocation_id'], gone=True)


def check_input(params):
    if not (params['allocation_id'] or params['name']):
        raise ValueError('Give allocation_id, or a name, to identify the EIP.')
    if params['bandwidth'] is not None:
        limit = BANDWIDTH_LIMITS[params['internet_charge_type'] or 'PayByBandwidth']
        if not 1 <= params['bandwidth'] <= limit:
            raise ValueError('bandwidth must be between 1 and %d Mbit/s, not %d.' % (limit, params['bandwidth']))


def main():
    argument_spec = dict(
        name=dict(type='str'),
        allocation_id=dict(type='str', aliases=['id']),
        bandwidth=dict(type='int'),
        internet_charge_type=dict(type='str', choices=['PayByBandwidth', 'PayByTraffic']),
        description=dict(type='str'),
        instance_id=dict(type='str'),
        nat_gateway_id=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(TAGS_ARGUMENT_SPEC)
    argument_spec.update(WAIT_ARGUMENT_SPEC)
    module = AlicloudModule(argument_spec=argument_spec, supports_check_mode=True, kinds=[EIP],
                            mutually_exclusive=[('instance_id', 'nat_gateway_id')])
    module.check(check_input, module.params)
    client = module.client('vpc')
    current = find_eip(module, client)
    module.converge('eip', current, lambda: create(module, client), lambda eip: update(module, client, eip),
                    lambda eip: delete(module, client, eip), comparable)


if __name__ == '__main__':
    main()

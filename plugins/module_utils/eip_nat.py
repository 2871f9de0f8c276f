# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Lookups shared by the eip, nat_gateway and snat_entry modules and their *_info modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

EIP_SETTLED = ('Available', 'InUse')


def describe_eips(module, client, **query):
    query['RegionId'] = module.region
    return [snake_dict(item) for item in client.paginate('DescribeEipAddresses', query, ('EipAddresses', 'EipAddress'))]


def describe_nat_gateways(module, client, **query):
    query['RegionId'] = module.region
    return [snake_dict(item) for item in client.paginate('DescribeNatGateways', query, ('NatGateways', 'NatGateway'))]


def nat_gateway(module, client, nat_gateway_id):
    """The NAT gateway with this id, or None."""
    found = describe_nat_gateways(module, client, NatGatewayId=nat_gateway_id)
    return found[0] if found else None


def wait_for_eip(module, client, allocation_id, statuses=EIP_SETTLED, gone=False):
    def fetch():
        found = describe_eips(module, client, AllocationId=allocation_id)
        return found[0] if found else None

    if gone:
        return module.wait(fetch, lambda eip: eip is None, 'EIP %s to be released' % allocation_id)
    return module.wait(fetch, lambda eip: eip is not None and eip['status'] in statuses,
                       'EIP %s to be %s' % (allocation_id, ' or '.join(statuses)))


def wait_for_nat_gateway(module, client, nat_gateway_id, gone=False):
    def fetch():
        return nat_gateway(module, client, nat_gateway_id)

    if gone:
        return module.wait(fetch, lambda gateway: gateway is None, 'NAT gateway %s to be deleted' % nat_gateway_id)
    return module.wait(fetch, lambda gateway: gateway is not None and gateway['status'] == 'Available',
                       'NAT gateway %s to be Available' % nat_gateway_id)

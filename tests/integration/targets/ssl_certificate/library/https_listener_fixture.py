#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test fixture, not part of the collection: an HTTPS listener that uses a certificate, and its removal.

ssl_certificate must refuse, with a clear message, to delete a certificate a listener uses. This makes that
listener (VPC, two vSwitches, load balancer, server group, listener) with the same API calls the ALB modules make,
through the collection's client, against the emulator; state=absent removes everything named PREFIX.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule


def wait_job(module, alb, job_id):
    module.wait(lambda: alb.call('ListAsynJobs', {'JobIds': [job_id]})['Jobs'][0]['Status'],
                lambda status: status == 'Succeeded', 'job %s' % job_id, timeout=120,
                failed=lambda status: status if status == 'Failed' else None)


def create(module, vpc, alb):
    prefix, region = module.params['prefix'], module.region
    vpc_id = vpc.call('CreateVpc', {'RegionId': region, 'VpcName': prefix, 'CidrBlock': '10.77.0.0/16'},
                      idempotent=True)['VpcId']
    module.wait(lambda: vpc.call('DescribeVpcs', {'RegionId': region, 'VpcId': vpc_id})['Vpcs']['Vpc'][0]['Status'],
                lambda status: status == 'Available', 'VPC', timeout=120)
    zones = [z['ZoneId'] for z in vpc.call('DescribeZones', {'RegionId': region})['Zones']['Zone']][:2]
    mappings = []
    for index, zone in enumerate(zones):
        vswitch_id = vpc.call('CreateVSwitch', {
            'RegionId': region, 'VpcId': vpc_id, 'ZoneId': zone, 'CidrBlock': '10.77.%d.0/24' % index,
            'VSwitchName': '%s-%d' % (prefix, index)}, idempotent=True, retry_codes=('IncorrectVSwitchStatus',))['VSwitchId']
        mappings.append({'ZoneId': zone, 'VSwitchId': vswitch_id})
    module.wait(lambda: [v['Status'] for v in vpc.call('DescribeVSwitches', {'RegionId': region, 'VpcId': vpc_id})
                         ['VSwitches']['VSwitch']], lambda states: set(states) == {'Available'}, 'vSwitches', timeout=120)
    lb_id = alb.call('CreateLoadBalancer', {
        'LoadBalancerName': prefix, 'VpcId': vpc_id, 'AddressType': 'Internet', 'LoadBalancerEdition': 'Standard',
        'LoadBalancerBillingConfig': {'PayType': 'PostPay'}, 'ZoneMappings': mappings}, idempotent=True)['LoadBalancerId']
    module.wait(lambda: alb.call('GetLoadBalancerAttribute', {'LoadBalancerId': lb_id})['LoadBalancerStatus'],
                lambda status: status == 'Active', 'load balancer', timeout=300)
    group = alb.call('CreateServerGroup', {'ServerGroupName': prefix, 'VpcId': vpc_id,
                                           'HealthCheckConfig': {'HealthCheckEnabled': False}}, idempotent=True)
    wait_job(module, alb, group['JobId'])
    listener = alb.call('CreateListener', {
        'LoadBalancerId': lb_id, 'ListenerProtocol': 'HTTPS', 'ListenerPort': 443,
        'Certificates': [{'CertificateId': module.params['cert_identifier']}],
        'DefaultActions': [{'Type': 'ForwardGroup', 'ForwardGroupConfig': {
            'ServerGroupTuples': [{'ServerGroupId': group['ServerGroupId']}]}}]}, idempotent=True)
    wait_job(module, alb, listener['JobId'])
    return dict(vpc_id=vpc_id, load_balancer_id=lb_id, server_group_id=group['ServerGroupId'],
                listener_id=listener['ListenerId'])


def delete(module, vpc, alb):
    prefix, region = module.params['prefix'], module.region
    deleted = []
    for lb in alb.call('ListLoadBalancers', {'LoadBalancerNames': [prefix]})['LoadBalancers']:
        for listener in alb.call('ListListeners', {'LoadBalancerIds': [lb['LoadBalancerId']]})['Listeners']:
            wait_job(module, alb, alb.call('DeleteListener', {'ListenerId': listener['ListenerId']})['JobId'])
        wait_job(module, alb, alb.call('DeleteLoadBalancer', {'LoadBalancerId': lb['LoadBalancerId']})['JobId'])
        deleted.append(lb['LoadBalancerId'])
    for group in alb.call('ListServerGroups', {'ServerGroupNames': [prefix]})['ServerGroups']:
        wait_job(module, alb, alb.call('DeleteServerGroup', {'ServerGroupId': group['ServerGroupId']})['JobId'])
        deleted.append(group['ServerGroupId'])
    for found in vpc.call('DescribeVpcs', {'RegionId': region, 'VpcName': prefix})['Vpcs']['Vpc']:
        for vswitch in vpc.call('DescribeVSwitches', {'RegionId': region, 'VpcId': found['VpcId']})['VSwitches']['VSwitch']:
            vpc.call('DeleteVSwitch', {'RegionId': region, 'VSwitchId': vswitch['VSwitchId']},
                     retry_codes=('OperationDenied.OtherSubnetProcessing', 'IncorrectVSwitchStatus', 'DependencyViolation'))
        module.wait(lambda: vpc.call('DescribeVSwitches', {'RegionId': region, 'VpcId': found['VpcId']})
                    ['VSwitches']['VSwitch'], lambda left: not left, 'vSwitches to go', timeout=120)
        vpc.call('DeleteVpc', {'RegionId': region, 'VpcId': found['VpcId']}, retry_codes=('IncorrectVpcStatus',))
        deleted.append(found['VpcId'])
    return deleted


def main():
    module = AlicloudModule(argument_spec=dict(
        prefix=dict(type='str', required=True),
        cert_identifier=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ))
    vpc, alb = module.client('vpc'), module.client('alb')
    if module.params['state'] == 'absent':
        deleted = delete(module, vpc, alb)
        module.exit_json(changed=bool(deleted), deleted=deleted)
    module.exit_json(changed=True, **create(module, vpc, alb))


if __name__ == '__main__':
    main()

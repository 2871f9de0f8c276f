"""Every action the collection calls answers with the fields of the SDK response model, as the real cloud does.

One realistic deployment (network, security group, key pair, launch template, instance with an EIP, NAT gateway with
an EIP and an SNAT entry, scaling group with an ALB server group, load balancer, HTTPS listener with an uploaded
certificate, DNS record) is built through the emulator with raw signed calls, and each action's JSON body is compared
recursively with its SDK model in both directions: no key the model lacks (none invented), no model field missing.
The few model fields the real cloud does not send are listed in ABSENT with the reason.
"""

import datetime
import json
import pathlib
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from emulator.core import shapes
from emulator.core.registry import ACTIONS
from emulator.products import load_all
from emulator.testing import PROXY_VARIABLES, REPOSITORY, EmulatorServer
from emulator.tests.conftest import raw_call

VERSIONS = {'vpc': '2016-04-28', 'ecs': '2014-05-26', 'ess': '2022-02-22', 'alb': '2020-06-16',
            'cas': '2020-04-07', 'alidns': '2015-01-09'}
REGION = 'cn-hangzhou'
UBUNTU = 'ubuntu_22_04_x64_20G_alibase_20240819.vhd'
load_all()
PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHmLU0Mnbr7uT2Y9mDqnIKyDM1SMbb1hJ0N+iIj/Ej0b response@test')

# Every action the modules and the inventory plugin send (plugins/), by product.
COLLECTION_ACTIONS = {
    'vpc': ('CreateVpc', 'DescribeVpcs', 'ModifyVpcAttribute', 'DeleteVpc', 'CreateVSwitch', 'DescribeVSwitches',
            'ModifyVSwitchAttribute', 'DeleteVSwitch', 'TagResources', 'UnTagResources', 'AllocateEipAddress',
            'DescribeEipAddresses', 'ModifyEipAddressAttribute', 'AssociateEipAddress', 'UnassociateEipAddress',
            'ReleaseEipAddress', 'CreateNatGateway', 'DescribeNatGateways', 'ModifyNatGatewayAttribute',
            'DeleteNatGateway', 'CreateSnatEntry', 'DescribeSnatTableEntries', 'ModifySnatEntry', 'DeleteSnatEntry'),
    'ecs': ('DescribeZones', 'DescribeImages', 'DescribeInstanceTypes', 'CreateSecurityGroup',
            'DescribeSecurityGroups', 'DescribeSecurityGroupAttribute', 'ModifySecurityGroupAttribute',
            'AuthorizeSecurityGroup', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroup',
            'RevokeSecurityGroupEgress', 'DeleteSecurityGroup', 'ImportKeyPair', 'DescribeKeyPairs', 'DeleteKeyPairs',
            'CreateLaunchTemplate', 'CreateLaunchTemplateVersion', 'DescribeLaunchTemplates',
            'DescribeLaunchTemplateVersions', 'ModifyLaunchTemplateDefaultVersion', 'DeleteLaunchTemplateVersion',
            'DeleteLaunchTemplate', 'RunInstances', 'DescribeInstances', 'DescribeUserData', 'ModifyInstanceAttribute',
            'StopInstance', 'StartInstance', 'DeleteInstance', 'TagResources', 'UntagResources'),
    'ess': ('CreateScalingGroup', 'DescribeScalingGroups', 'ModifyScalingGroup', 'EnableScalingGroup',
            'DisableScalingGroup', 'DeleteScalingGroup', 'DescribeScalingInstances', 'DescribeScalingActivities',
            'AttachAlbServerGroups', 'DetachAlbServerGroups', 'CreateScalingRule', 'DescribeScalingRules',
            'ModifyScalingRule', 'DeleteScalingRule', 'TagResources', 'UntagResources'),
    'alb': ('CreateLoadBalancer', 'GetLoadBalancerAttribute', 'ListLoadBalancers', 'UpdateLoadBalancerAttribute',
            'EnableDeletionProtection', 'DisableDeletionProtection', 'DeleteLoadBalancer', 'CreateServerGroup',
            'ListServerGroups', 'UpdateServerGroupAttribute', 'DeleteServerGroup', 'AddServersToServerGroup',
            'RemoveServersFromServerGroup', 'ListServerGroupServers', 'CreateListener', 'GetListenerAttribute',
            'ListListeners', 'UpdateListenerAttribute', 'DeleteListener', 'ListListenerCertificates',
            'AssociateAdditionalCertificatesWithListener', 'DissociateAdditionalCertificatesFromListener',
            'GetListenerHealthStatus', 'ListAsynJobs', 'TagResources', 'UnTagResources'),
    'cas': ('UploadUserCertificate', 'GetUserCertificateDetail', 'ListCertificates', 'DeleteUserCertificate'),
    'alidns': ('AddDomainRecord', 'UpdateDomainRecord', 'DeleteDomainRecord', 'DescribeDomainRecords',
               'DescribeSubDomainRecords'),
}

# Model fields the real answers to these calls do not carry: (product, action, path), grouped by the reason (the API
# reference's description of the field). Keep it short: a field that the cloud answers with a default is filled in.
ABSENT_BECAUSE = {
    'answered in the NextToken/MaxResults paging mode only; these calls page by PageNumber': (
        ('ecs', 'DescribeInstances', 'NextToken'), ('ecs', 'DescribeSecurityGroups', 'NextToken')),
    'managed security groups only': (('ecs', 'DescribeSecurityGroups', 'SecurityGroups.SecurityGroup[].ServiceID'),),
    'undocumented (no description in the SDK model, not in the API reference)': (
        ('ecs', 'DescribeSecurityGroupAttribute', 'SnapshotPolicyIds'),),
    'returned only with IncludePublicKey=true': (('ecs', 'DescribeKeyPairs', 'KeyPairs.KeyPair[].PublicKey'),),
    'CertFilter=true (what the collection sends) leaves out the certificate and key': (
        ('cas', 'GetUserCertificateDetail', 'Cert'), ('cas', 'GetUserCertificateDetail', 'Key')),
    'ShangMi (SM2) certificates only': tuple(('cas', 'GetUserCertificateDetail', name) for name in (
        'EncryptCert', 'EncryptPrivateKey', 'SignCert', 'SignPrivateKey')),
    'purchased certificates only (an uploaded one has no order)': (('cas', 'GetUserCertificateDetail', 'OrderId'),),
    'returned only with ForceAttach=true': (('ess', 'AttachAlbServerGroups', 'ScalingActivityId'),
                                           ('ess', 'DetachAlbServerGroups', 'ScalingActivityId')),
    'groups with a desired capacity only (EnableDesiredCapacity)': (
        ('ess', 'DescribeScalingGroups', 'ScalingGroups[].DesiredCapacity'),),
    'dual-stack load balancers only': (
        ('alb', 'ListLoadBalancers', 'LoadBalancers[].Ipv6AddressType'),
        ('alb', 'GetLoadBalancerAttribute', 'Ipv6AddressType'),
        ('alb', 'GetLoadBalancerAttribute', 'ZoneMappings[].LoadBalancerAddresses[].Ipv6Address'),
        ('alb', 'GetLoadBalancerAttribute', 'ZoneMappings[].LoadBalancerAddresses[].Ipv6AddressHcStatus'),
        ('alb', 'ListServerGroups', 'ServerGroups[].IpVersionAffinityMode')),
    'server groups of another kind (Uch scheduler, service-managed groups)': (
        ('alb', 'ListServerGroups', 'ServerGroups[].UchConfig'),
        ('alb', 'ListServerGroups', 'ServerGroups[].ServiceName')),
    'settings of other rule types: a rule answers with its own type\'s only (read here per type)': tuple(
        ('ess', 'DescribeScalingRules:' + rule_type, 'ScalingRules[].' + name)
        for rule_type, names in (
            ('TargetTrackingScalingRule', ('AdjustmentType', 'AdjustmentValue', 'Cooldown', 'MinAdjustmentMagnitude')),
            ('SimpleScalingRule', ('MetricName', 'MetricType', 'TargetValue', 'DisableScaleIn',
                                   'EstimatedInstanceWarmup', 'ScaleInEvaluationCount', 'ScaleOutEvaluationCount',
                                   'MinAdjustmentMagnitude')))  # the last: PercentChangeInCapacity rules only
        for name in names + ('HybridMonitorNamespace', 'InitialMaxSize', 'PredictiveScalingMode',
                             'PredictiveTaskBufferTime', 'PredictiveValueBehavior', 'PredictiveValueBuffer')),
    'MX records only': (('alidns', 'DescribeDomainRecords', 'DomainRecords.Record[].Priority'),
                        ('alidns', 'DescribeSubDomainRecords', 'DomainRecords.Record[].Priority')),
}
ABSENT = set(entry for entries in ABSENT_BECAUSE.values() for entry in entries)


def _flat(prefix, value, out):
    """RPC flattening as the SDKs do it: lists as Name.1, Name.2, structs as Name.Key."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flat('%s.%s' % (prefix, key), item, out)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value, 1):
            _flat('%s.%d' % (prefix, index), item, out)
    elif value is not None:
        out[prefix] = str(value).lower() if isinstance(value, bool) else str(value)


class Recorder:
    """Raw signed calls that keep every answer's body, by (product, action)."""

    def __init__(self, server):
        self.server = server
        self.config = server.config(region_header=True)
        self.bodies = {}

    def __call__(self, product, action, variant=None, **params):
        """``variant`` names a kind of answer whose fields differ (kept as 'Action:variant')."""
        query = {}
        for key, value in params.items():
            _flat(key, value, query)
        body = raw_call(self.config, action, query, VERSIONS[product])
        self.bodies.setdefault((product, action + (':' + variant if variant else '')), []).append(body)
        return body


def _certificate():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, 'live.example.com')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName('live.example.com')]), False)
            .sign(key, hashes.SHA256()))
    key_text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                 serialization.NoEncryption()).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_text


def _deploy(call, admin):
    """Build the deployment, read everything, then tear it down, as the collection's playbooks do."""
    # Network.
    vpc_id = call('vpc', 'CreateVpc', RegionId=REGION, CidrBlock='10.0.0.0/16', VpcName='ams',
                  Tag=[{'Key': 'app', 'Value': 'ams'}])['VpcId']
    vswitches = [call('vpc', 'CreateVSwitch', RegionId=REGION, VpcId=vpc_id, ZoneId=zone, CidrBlock=cidr,
                      VSwitchName='ams-' + zone[-1])['VSwitchId']
                 for zone, cidr in (('cn-hangzhou-h', '10.0.1.0/24'), ('cn-hangzhou-i', '10.0.2.0/24'))]
    admin.advance_clock(60)
    call('vpc', 'ModifyVpcAttribute', RegionId=REGION, VpcId=vpc_id, Description='AMS cluster')
    call('vpc', 'ModifyVSwitchAttribute', RegionId=REGION, VSwitchId=vswitches[0], Description='zone h')
    call('vpc', 'TagResources', RegionId=REGION, ResourceType='VSWITCH', ResourceId=[vswitches[0]],
         Tag=[{'Key': 'app', 'Value': 'ams'}, {'Key': 'tier', 'Value': 'edge'}])
    call('vpc', 'UnTagResources', RegionId=REGION, ResourceType='VSWITCH', ResourceId=[vswitches[0]],
         TagKey=['tier'])
    call('vpc', 'DescribeVpcs', RegionId=REGION, VpcId=vpc_id)
    call('vpc', 'DescribeVSwitches', RegionId=REGION, VpcId=vpc_id)
    call('ecs', 'DescribeZones', RegionId=REGION)
    call('ecs', 'DescribeImages', RegionId=REGION, ImageId=UBUNTU)
    call('ecs', 'DescribeInstanceTypes', InstanceTypes=['ecs.c7.xlarge'])

    # Security group, key pair, launch template.
    group_id = call('ecs', 'CreateSecurityGroup', RegionId=REGION, VpcId=vpc_id, SecurityGroupName='ams',
                    Description='AMS nodes', Tag=[{'Key': 'app', 'Value': 'ams'}])['SecurityGroupId']
    call('ecs', 'AuthorizeSecurityGroup', RegionId=REGION, SecurityGroupId=group_id,
         Permissions=[{'IpProtocol': 'TCP', 'PortRange': '5080/5080', 'SourceCidrIp': '0.0.0.0/0',
                       'Description': 'http'},
                      {'IpProtocol': 'TCP', 'PortRange': '22/22', 'SourceCidrIp': '203.0.113.0/24'}])
    call('ecs', 'AuthorizeSecurityGroupEgress', RegionId=REGION, SecurityGroupId=group_id,
         Permissions=[{'IpProtocol': 'TCP', 'PortRange': '27017/27017', 'DestCidrIp': '10.0.0.0/16'}])
    call('ecs', 'ModifySecurityGroupAttribute', RegionId=REGION, SecurityGroupId=group_id,
         Description='AMS cluster nodes')
    call('ecs', 'DescribeSecurityGroups', RegionId=REGION, VpcId=vpc_id)
    call('ecs', 'DescribeSecurityGroupAttribute', RegionId=REGION, SecurityGroupId=group_id, Direction='all')
    call('ecs', 'ImportKeyPair', RegionId=REGION, KeyPairName='ams', PublicKeyBody=PUBLIC_KEY)
    call('ecs', 'DescribeKeyPairs', RegionId=REGION, KeyPairName='ams')
    template_id = call('ecs', 'CreateLaunchTemplate', RegionId=REGION, LaunchTemplateName='origin', ImageId=UBUNTU,
                       InstanceType='ecs.c7.xlarge', SecurityGroupId=group_id, VSwitchId=vswitches[0],
                       KeyPairName='ams', InternetMaxBandwidthOut=10, UserData='IyEvYmluL3NoCg==',
                       TemplateTag=[{'Key': 'app', 'Value': 'ams'}])['LaunchTemplateId']
    version = call('ecs', 'CreateLaunchTemplateVersion', RegionId=REGION, LaunchTemplateId=template_id,
                   ImageId=UBUNTU, InstanceType='ecs.c7.2xlarge', SecurityGroupId=group_id,
                   SystemDisk={'Category': 'cloud_essd', 'Size': 40}, Tag=[{'Key': 'role', 'Value': 'origin'}],
                   VersionDescription='bigger')['LaunchTemplateVersionNumber']
    call('ecs', 'ModifyLaunchTemplateDefaultVersion', RegionId=REGION, LaunchTemplateId=template_id,
         DefaultVersionNumber=version)
    call('ecs', 'DescribeLaunchTemplates', RegionId=REGION, LaunchTemplateId=[template_id])
    call('ecs', 'DescribeLaunchTemplateVersions', RegionId=REGION, LaunchTemplateId=template_id, DetailFlag='true')
    call('ecs', 'DeleteLaunchTemplateVersion', RegionId=REGION, LaunchTemplateId=template_id, DeleteVersion=[1])

    # The MongoDB host.
    instance_id = call('ecs', 'RunInstances', RegionId=REGION, ImageId=UBUNTU, InstanceType='ecs.c7.xlarge',
                       SecurityGroupId=group_id, VSwitchId=vswitches[0], InstanceName='mongodb',
                       HostName='mongodb', KeyPairName='ams',
                       SystemDisk={'Category': 'cloud_essd', 'Size': 40}, UserData='IyEvYmluL3NoCg==',
                       Tag=[{'Key': 'app', 'Value': 'ams'}])['InstanceIdSets']['InstanceIdSet'][0]
    admin.advance_clock(120)
    call('ecs', 'DescribeInstances', RegionId=REGION, InstanceIds=json.dumps([instance_id]))
    call('ecs', 'DescribeUserData', RegionId=REGION, InstanceId=instance_id)
    call('ecs', 'ModifyInstanceAttribute', InstanceId=instance_id, Description='MongoDB')
    call('ecs', 'TagResources', RegionId=REGION, ResourceType='instance', ResourceId=[instance_id],
         Tag=[{'Key': 'role', 'Value': 'mongodb'}])
    call('ecs', 'UntagResources', RegionId=REGION, ResourceType='instance', ResourceId=[instance_id],
         TagKey=['role'])
    call('ecs', 'StopInstance', InstanceId=instance_id)
    admin.advance_clock(120)
    call('ecs', 'StartInstance', InstanceId=instance_id)
    admin.advance_clock(120)

    # An EIP on the MongoDB host (which has no public IP: the cloud refuses an EIP beside one); a NAT gateway with
    # another EIP and an SNAT entry for the second vSwitch's outbound traffic.
    eips = [call('vpc', 'AllocateEipAddress', RegionId=REGION, Bandwidth=5, InternetChargeType='PayByTraffic',
                 Name=name)['AllocationId'] for name in ('mongodb', 'nat')]
    call('vpc', 'ModifyEipAddressAttribute', RegionId=REGION, AllocationId=eips[0], Description='MongoDB host')
    call('vpc', 'AssociateEipAddress', RegionId=REGION, AllocationId=eips[0], InstanceId=instance_id,
         InstanceType='EcsInstance')
    created = call('vpc', 'CreateNatGateway', RegionId=REGION, VpcId=vpc_id, VSwitchId=vswitches[0], Name='ams',
                   NatType='Enhanced', InternetChargeType='PayByLcu', Tag=[{'Key': 'app', 'Value': 'ams'}])
    nat_id, snat_table = created['NatGatewayId'], created['SnatTableIds']['SnatTableId'][0]
    admin.advance_clock(180)
    call('vpc', 'ModifyNatGatewayAttribute', RegionId=REGION, NatGatewayId=nat_id, Description='outbound')
    call('vpc', 'AssociateEipAddress', RegionId=REGION, AllocationId=eips[1], InstanceId=nat_id, InstanceType='Nat')
    admin.advance_clock(60)
    nat_ip = call('vpc', 'DescribeEipAddresses', RegionId=REGION,
                  AllocationId=eips[1])['EipAddresses']['EipAddress'][0]['IpAddress']
    snat_id = call('vpc', 'CreateSnatEntry', RegionId=REGION, SnatTableId=snat_table, SourceVSwitchId=vswitches[1],
                   SnatIp=nat_ip, SnatEntryName='zone-i')['SnatEntryId']
    admin.advance_clock(60)
    call('vpc', 'ModifySnatEntry', RegionId=REGION, SnatTableId=snat_table, SnatEntryId=snat_id,
         SnatEntryName='zone-i-out')
    admin.advance_clock(60)

    # Load balancer, certificate, listeners.
    cert_pem, key_pem = _certificate()
    cert_id = call('cas', 'UploadUserCertificate', Name='live', Cert=cert_pem, Key=key_pem)['CertId']
    call('cas', 'GetUserCertificateDetail', CertId=cert_id, CertFilter='true')
    call('cas', 'ListCertificates', Keyword='live', ShowSize=50, CurrentPage=1)
    lb_id = call('alb', 'CreateLoadBalancer', VpcId=vpc_id, AddressType='Internet', LoadBalancerEdition='Standard',
                 LoadBalancerName='ams', LoadBalancerBillingConfig={'PayType': 'PostPay'},
                 ZoneMappings=[{'VSwitchId': vswitches[0], 'ZoneId': 'cn-hangzhou-h'},
                               {'VSwitchId': vswitches[1], 'ZoneId': 'cn-hangzhou-i'}])['LoadBalancerId']
    admin.advance_clock(300)
    job_id = call('alb', 'UpdateLoadBalancerAttribute', LoadBalancerId=lb_id, LoadBalancerName='ams-lb')['JobId']
    call('alb', 'ListAsynJobs', JobIds=[job_id], ResourceType='loadbalancer')
    call('alb', 'EnableDeletionProtection', ResourceId=lb_id)
    call('alb', 'TagResources', ResourceType='loadbalancer', ResourceId=[lb_id],
         Tag=[{'Key': 'app', 'Value': 'ams'}, {'Key': 'tier', 'Value': 'edge'}])
    call('alb', 'UnTagResources', ResourceType='loadbalancer', ResourceId=[lb_id], TagKey=['tier'])
    health = {'HealthCheckEnabled': True, 'HealthCheckPath': '/LiveApp/', 'HealthCheckProtocol': 'HTTP'}
    origin = call('alb', 'CreateServerGroup', ServerGroupName='origin', VpcId=vpc_id, Protocol='HTTP',
                  HealthCheckConfig=health, StickySessionConfig={'StickySessionEnabled': False})['ServerGroupId']
    edge = call('alb', 'CreateServerGroup', ServerGroupName='edge', VpcId=vpc_id, Protocol='HTTP',
                HealthCheckConfig=health)['ServerGroupId']
    admin.advance_clock(60)
    call('alb', 'UpdateServerGroupAttribute', ServerGroupId=edge, Scheduler='Wlc')
    call('alb', 'AddServersToServerGroup', ServerGroupId=edge,
         Servers=[{'ServerId': instance_id, 'ServerType': 'Ecs', 'Port': 5080, 'Weight': 100}])
    admin.advance_clock(60)
    call('alb', 'ListServerGroupServers', ServerGroupId=edge)
    listener_id = call('alb', 'CreateListener', LoadBalancerId=lb_id, ListenerPort=443, ListenerProtocol='HTTPS',
                       Certificates=[{'CertificateId': '%s-%s' % (cert_id, REGION)}],
                       DefaultActions=[{'Type': 'ForwardGroup', 'ForwardGroupConfig': {
                           'ServerGroupTuples': [{'ServerGroupId': edge}]}}])['ListenerId']
    admin.advance_clock(60)
    call('alb', 'UpdateListenerAttribute', ListenerId=listener_id, ListenerDescription='players')
    admin.advance_clock(60)
    cert_pem, key_pem = _certificate()
    extra_id = call('cas', 'UploadUserCertificate', Name='live-2', Cert=cert_pem, Key=key_pem)['CertId']
    extra = [{'CertificateId': '%s-%s' % (extra_id, REGION)}]
    call('alb', 'AssociateAdditionalCertificatesWithListener', ListenerId=listener_id, Certificates=extra)
    admin.advance_clock(60)

    # Scaling group of origin nodes behind the origin server group.
    scaling_id = call('ess', 'CreateScalingGroup', RegionId=REGION, ScalingGroupName='origin', MinSize=1,
                      MaxSize=3, LaunchTemplateId=template_id, LaunchTemplateVersion='Default',
                      VSwitchIds=vswitches, Tags=[{'Key': 'app', 'Value': 'ams'}],
                      AlbServerGroups=[{'AlbServerGroupId': origin, 'Port': 5080, 'Weight': 100}]
                      )['ScalingGroupId']
    call('ess', 'EnableScalingGroup', RegionId=REGION, ScalingGroupId=scaling_id)
    admin.advance_clock(300)
    call('ess', 'ModifyScalingGroup', ScalingGroupId=scaling_id, MaxSize=4)
    rule_id = call('ess', 'CreateScalingRule', RegionId=REGION, ScalingGroupId=scaling_id, ScalingRuleName='cpu',
                   ScalingRuleType='TargetTrackingScalingRule', MetricName='CpuUtilization',
                   TargetValue=70)['ScalingRuleId']
    call('ess', 'ModifyScalingRule', RegionId=REGION, ScalingRuleId=rule_id, TargetValue=60)
    simple_id = call('ess', 'CreateScalingRule', RegionId=REGION, ScalingGroupId=scaling_id, ScalingRuleName='add-one',
                     AdjustmentType='QuantityChangeInCapacity', AdjustmentValue=1, Cooldown=300)['ScalingRuleId']
    call('ess', 'TagResources', RegionId=REGION, ResourceType='scalinggroup', ResourceIds=[scaling_id],
         Tags=[{'Key': 'tier', 'Value': 'origin'}])
    call('ess', 'UntagResources', RegionId=REGION, ResourceType='scalinggroup', ResourceIds=[scaling_id],
         TagKeys=['tier'])
    call('ess', 'AttachAlbServerGroups', RegionId=REGION, ScalingGroupId=scaling_id,
         AlbServerGroups=[{'AlbServerGroupId': edge, 'Port': 5080, 'Weight': 50}])
    admin.advance_clock(300)
    call('ess', 'DetachAlbServerGroups', RegionId=REGION, ScalingGroupId=scaling_id,
         AlbServerGroups=[{'AlbServerGroupId': edge, 'Port': 5080}])
    admin.advance_clock(300)

    # Reads with everything in place (the module and inventory reads).
    call('vpc', 'DescribeVpcs', RegionId=REGION, VpcId=vpc_id)
    call('vpc', 'DescribeEipAddresses', RegionId=REGION, AllocationId=','.join(eips))
    call('vpc', 'DescribeNatGateways', RegionId=REGION, NatGatewayId=nat_id)
    call('vpc', 'DescribeSnatTableEntries', RegionId=REGION, SnatTableId=snat_table)
    call('ecs', 'DescribeInstances', RegionId=REGION, VpcId=vpc_id, PageSize=100)
    call('ecs', 'DescribeLaunchTemplateVersions', RegionId=REGION, LaunchTemplateId=template_id,
         DefaultVersion='true', DetailFlag='true')
    call('ess', 'DescribeScalingGroups', RegionId=REGION, ScalingGroupIds=[scaling_id])
    call('ess', 'DescribeScalingInstances', RegionId=REGION, ScalingGroupId=scaling_id, PageSize=50)
    call('ess', 'DescribeScalingActivities', RegionId=REGION, ScalingGroupId=scaling_id, PageSize=50)
    for rule_type in ('SimpleScalingRule', 'TargetTrackingScalingRule'):
        call('ess', 'DescribeScalingRules', rule_type, RegionId=REGION, ScalingGroupId=scaling_id,
             ScalingRuleType=rule_type)
    call('alb', 'ListLoadBalancers', LoadBalancerIds=[lb_id])
    call('alb', 'GetLoadBalancerAttribute', LoadBalancerId=lb_id)
    call('alb', 'ListServerGroups', ServerGroupIds=[origin, edge])
    call('alb', 'ListServerGroupServers', ServerGroupId=origin)
    call('alb', 'ListListeners', LoadBalancerIds=[lb_id])
    call('alb', 'GetListenerAttribute', ListenerId=listener_id)
    call('alb', 'ListListenerCertificates', ListenerId=listener_id)
    call('alb', 'GetListenerHealthStatus', ListenerId=listener_id)
    record_id = call('alidns', 'AddDomainRecord', DomainName='example.com', RR='live', Type='A', Value='203.0.113.7',
                     TTL=600)['RecordId']
    call('alidns', 'UpdateDomainRecord', RecordId=record_id, RR='live', Type='A', Value='203.0.113.8', TTL=600)
    call('alidns', 'DescribeDomainRecords', DomainName='example.com', RRKeyWord='live')
    call('alidns', 'DescribeSubDomainRecords', SubDomain='live.example.com', Type='A')

    # Teardown.
    call('alidns', 'DeleteDomainRecord', RecordId=record_id)
    call('vpc', 'DeleteSnatEntry', RegionId=REGION, SnatTableId=snat_table, SnatEntryId=snat_id)
    admin.advance_clock(60)
    for allocation_id, bound_to in zip(eips, (instance_id, nat_id)):
        call('vpc', 'UnassociateEipAddress', RegionId=REGION, AllocationId=allocation_id, InstanceId=bound_to)
    admin.advance_clock(60)
    call('vpc', 'DeleteNatGateway', RegionId=REGION, NatGatewayId=nat_id)
    for allocation_id in eips:
        call('vpc', 'ReleaseEipAddress', RegionId=REGION, AllocationId=allocation_id)
    admin.advance_clock(120)
    call('alb', 'DissociateAdditionalCertificatesFromListener', ListenerId=listener_id, Certificates=extra)
    admin.advance_clock(60)
    call('ess', 'DeleteScalingRule', RegionId=REGION, ScalingRuleId=rule_id)
    call('ess', 'DeleteScalingRule', RegionId=REGION, ScalingRuleId=simple_id)
    call('ess', 'DisableScalingGroup', ScalingGroupId=scaling_id)
    call('ess', 'DeleteScalingGroup', RegionId=REGION, ScalingGroupId=scaling_id, ForceDelete='true')
    admin.advance_clock(600)
    call('alb', 'DeleteListener', ListenerId=listener_id)
    admin.advance_clock(60)
    call('alb', 'RemoveServersFromServerGroup', ServerGroupId=edge,
         Servers=[{'ServerId': instance_id, 'ServerType': 'Ecs', 'Port': 5080}])
    call('alb', 'DisableDeletionProtection', ResourceId=lb_id)
    call('alb', 'DeleteLoadBalancer', LoadBalancerId=lb_id)
    admin.advance_clock(300)
    call('alb', 'DeleteServerGroup', ServerGroupId=origin)
    call('alb', 'DeleteServerGroup', ServerGroupId=edge)
    admin.advance_clock(300)
    call('cas', 'DeleteUserCertificate', CertId=cert_id)
    call('cas', 'DeleteUserCertificate', CertId=extra_id)
    call('ecs', 'DeleteInstance', InstanceId=instance_id, Force='true')
    admin.advance_clock(300)
    call('ecs', 'DeleteLaunchTemplate', RegionId=REGION, LaunchTemplateId=template_id)
    call('ecs', 'RevokeSecurityGroup', RegionId=REGION, SecurityGroupId=group_id,
         Permissions=[{'IpProtocol': 'TCP', 'PortRange': '22/22', 'SourceCidrIp': '203.0.113.0/24'}])
    call('ecs', 'RevokeSecurityGroupEgress', RegionId=REGION, SecurityGroupId=group_id,
         Permissions=[{'IpProtocol': 'TCP', 'PortRange': '27017/27017', 'DestCidrIp': '10.0.0.0/16'}])
    call('ecs', 'DeleteSecurityGroup', RegionId=REGION, SecurityGroupId=group_id)
    call('ecs', 'DeleteKeyPairs', RegionId=REGION, KeyPairNames=json.dumps(['ams']))
    for vswitch_id in vswitches:
        call('vpc', 'DeleteVSwitch', RegionId=REGION, VSwitchId=vswitch_id)
    admin.advance_clock(60)
    call('vpc', 'DeleteVpc', RegionId=REGION, VpcId=vpc_id)


def missing(body, schema, path=''):
    """Model fields absent from ``body`` (recursively; list items are checked one by one, paths use '[]')."""
    found = []
    for wire, field in schema.fields.items():
        where = path + wire
        value = body.get(wire)
        if value is None:
            found.append(where)
        elif field.kind == 'struct':
            found.extend(missing(value, field.schema, where + '.'))
        elif field.kind == 'list' and field.schema is not None:
            for item in value:
                found.extend(missing(item, field.schema, where + '[].'))
    return sorted(set(found))


def _absent(product, action):
    return set(path for (p, a, path) in ABSENT if (p, a) == (product, action))


@pytest.fixture(scope='module')
def bodies(tmp_path_factory):
    directory = tmp_path_factory.mktemp('responses')
    with pytest.MonkeyPatch.context() as patch:
        for variable in PROXY_VARIABLES:  # the SDK would send even loopback requests through a proxy
            patch.delenv(variable, raising=False)
        server = EmulatorServer(directory / 'state.json', log_path=directory / 'requests.jsonl').start()
        try:
            call = Recorder(server)
            _deploy(call, server.admin)
            yield call.bodies
        finally:
            server.stop()


def test_the_list_holds_every_action_the_plugins_call():
    """COLLECTION_ACTIONS is hand-written: every quoted action name in plugins/ that the emulator serves is in it."""
    served = set(action for _version, action in ACTIONS)
    listed = set(action for actions in COLLECTION_ACTIONS.values() for action in actions)
    called = set()
    for path in pathlib.Path(REPOSITORY, 'plugins').rglob('*.py'):
        called.update(name for name in re.findall(r"'([A-Z][A-Za-z]+)'", path.read_text()) if name in served)
    assert sorted(called - listed) == []


CASES = [(product, action) for product, actions in COLLECTION_ACTIONS.items() for action in actions]


@pytest.mark.parametrize('product, action', CASES, ids=['%s.%s' % case for case in CASES])
def test_answer_has_every_field_of_the_model_and_no_other(bodies, product, action):
    spec = ACTIONS[(VERSIONS[product], action)]
    kinds = [name for (p, name) in bodies if p == product and name.split(':')[0] == action]
    assert kinds
    for kind in kinds:
        gaps = set()
        for body in bodies[(product, kind)]:
            assert shapes.problems(body, spec.response) == []
            gaps.update(missing(body, spec.response))
        assert sorted(gaps - _absent(product, kind)) == []
        assert sorted(_absent(product, kind) - gaps) == []  # a field listed as absent is not answered either


def test_every_absent_entry_is_checked(bodies):
    """Each entry of ABSENT names an answer the scenario reads (so the test above holds it to being absent)."""
    for product, kind, _path in ABSENT:
        assert kind.split(':')[0] in COLLECTION_ACTIONS[product] and (product, kind) in bodies

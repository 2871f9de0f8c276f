"""VPC 2016-04-28: elastic IP addresses (EIPs), enhanced Internet NAT gateways and their SNAT entries.

Registered on the ``vpc`` Product of vpc.py; the documented behaviour, states and error codes are listed with their
sources in emulator/products/vpc_eip_nat.md.

EIPs draw from the public address pool of ECS instances' public IPs (kind ``ecs.public_ip``), so no two resources
share an address. An EIP bound to an ECS instance is shown in DescribeInstances' ``EipAddress``
(``instance_eip_view``). An EIP whose ECS instance has been released is unbound, as the cloud unbinds it.

Read-only functions for the data plane. Each takes the emulator's ``Store`` (``emulator.store``; ids are unique
across regions, as the data plane's other readers assume) and reads it as is, under the caller's lock:

* ``instance_eip(store, instance_id)`` -> the address of the EIP bound to that ECS instance (status ``InUse``),
  or None;
* ``snat_address(store, vswitch_id, private_ip)`` -> the SNAT IP that carries ``private_ip`` of that vSwitch to the
  internet, or None. Only ``Available`` SNAT entries of ``Available`` NAT gateways count, and only their SNAT IPs
  that are EIPs still ``InUse`` on that gateway; the most specific entry wins (a SourceCIDR /32 before the
  vSwitch's entry before a wider CIDR), as the NAT gateway documentation describes. An EIP bound to the instance
  itself takes precedence over SNAT (the data plane asks ``instance_eip`` first).
"""

import ipaddress
import random

from emulator.core import ApiError, dependent, errors, pagination, tags
from emulator.products import ecs
from emulator.products import vpc as network
from emulator.products.vpc import vpc

vpc.delay('eip_associating', fast=0.0, realistic=3.0)
vpc.delay('eip_unassociating', fast=0.0, realistic=3.0)
vpc.delay('eip_releasing', fast=0.0, realistic=2.0)
vpc.delay('nat_creating', fast=0.0, realistic=30.0)     # "It takes 1 to 3 minutes to create a NAT gateway"
vpc.delay('nat_deleting', fast=0.0, realistic=10.0)
vpc.delay('snat_pending', fast=0.0, realistic=3.0)
vpc.delay('snat_deleting', fast=0.0, realistic=2.0)

EIP = 'vpc.eip'
NAT = 'vpc.nat_gateway'
SNAT = 'vpc.snat_entry'
network.TAGGABLE.update(EIP=EIP, NATGATEWAY=NAT)
network.ID_FIELDS.update({EIP: 'AllocationId', NAT: 'NatGatewayId'})

EIPS_PER_REGION = 20
EIPS_PER_NAT_GATEWAY = 20
NAT_GATEWAYS_PER_VPC = 10
SNAT_ENTRIES_PER_TABLE = 200
INTERNET_CHARGE_TYPES = ('PayByBandwidth', 'PayByTraffic')
BANDWIDTH_LIMITS = {'PayByBandwidth': 500, 'PayByTraffic': 200}
INSTANCE_CHARGE_TYPES = ('PostPaid', 'PrePaid')
ISPS = ('BGP', 'BGP_PRO', 'ChinaTelecom', 'ChinaUnicom', 'ChinaMobile', 'ChinaTelecom_L2', 'ChinaUnicom_L2',
        'ChinaMobile_L2', 'BGP_FinanceCloud', 'BGP_International')
MODELLED_INSTANCE_TYPES = ('EcsInstance', 'Nat')
OTHER_INSTANCE_TYPES = ('SlbInstance', 'NetworkInterface', 'HaVip', 'IpAddress')
NAT_INTERNET_CHARGE_TYPES = ('PayByLcu', 'PayBySpec')

_random = random.SystemRandom()


def _seconds(ctx):
    return ctx.iso()  # YYYY-MM-DDThh:mm:ssZ, as AllocationTime and NAT CreationTime are documented


# Public addresses, shared with ECS public IPs.

def _new_public_address(ctx, allocation_id):
    taken = ctx.store.kind(ecs.PUBLIC_IP)
    pool = ecs.PUBLIC_POOL
    while True:
        candidate = str(pool.network_address + _random.randrange(1, pool.num_addresses - 1))
        if candidate not in taken:
            ctx.add(ecs.PUBLIC_IP, candidate, {'AllocationId': allocation_id}, visible_now=True)
            return candidate


# Lookups and normalisation.

def _eip_or_404(ctx, allocation_id):
    found = ctx.get(EIP, allocation_id)
    if found is None:
        raise errors.not_found('InvalidAllocationId.NotFound', 'Specified allocation ID is not found')
    _settle(ctx, found)
    return found


def _nat_or_404(ctx, nat_gateway_id):
    found = ctx.get(NAT, nat_gateway_id)
    if found is None:
        raise errors.not_found('InvalidNatGatewayId.NotFound', 'The specified NatGatewayId does not exist in our records.')
    return found


def _settle(ctx, eip):
    """Unbind an EIP whose ECS instance is gone: releasing an instance disassociates its EIP."""
    if eip['InstanceType'] == 'EcsInstance' and eip['InstanceId']:
        instance = ecs.get_instance(ctx, eip['_region'], eip['InstanceId'])
        if instance is None:
            _unbind(eip)


def _unbind(eip):
    eip.update(Status='Available', InstanceId='', InstanceType='', PrivateIpAddress='', VpcId='')


def _eips_of_nat(ctx, nat_gateway_id):
    return ctx.list(EIP, lambda e: e['InstanceType'] == 'Nat' and e['InstanceId'] == nat_gateway_id)


def _nat_gateway_ids(ctx, vpc_id):
    return [g['NatGatewayId'] for g in ctx.list(NAT, lambda g: g['VpcId'] == vpc_id)]


network.MEMBER_IDS['NatGatewayIds'] = _nat_gateway_ids


def _entries_of_table(ctx, snat_table_id):
    return ctx.list(SNAT, lambda s: s['SnatTableId'] == snat_table_id)


# Validation.

def _check_text(value, code, limit, minimum=0):
    if value is not None and (not minimum <= len(value) <= limit or value.startswith(('http://', 'https://'))):
        raise ApiError(code, 'The specified %s is not valid.' % code.split('.')[0].replace('Invalid', ''))


def _set_texts(resource, params, name_code, description_code):
    """ModifyEipAddressAttribute / ModifyNatGatewayAttribute: Name and Description, each when given."""
    _check_text(params.get('Name'), name_code, 128)
    _check_text(params.get('Description'), description_code, 256)
    for name in ('Name', 'Description'):
        if params.get(name) is not None:
            resource[name] = params[name]


def _bandwidth(params, charge_type):
    text = params.text('Bandwidth')
    if text is None:
        return None
    limit = BANDWIDTH_LIMITS.get(charge_type, 500)
    if not text.isdigit() or not 1 <= int(text) <= limit:
        raise ApiError('InvalidBandwidth.Malformed', 'The specified Bandwidth is invalid.')
    return str(int(text))


# EIP views.

def _eip_view(ctx, eip):
    bound = bool(eip['InstanceId'])
    return {
        'AllocationId': eip['AllocationId'], 'AllocationTime': eip['AllocationTime'], 'Bandwidth': eip['Bandwidth'],
        'BandwidthPackageBandwidth': '', 'BandwidthPackageId': '', 'BandwidthPackageType': '', 'BizType': 'Default',
        'BusinessStatus': 'Normal', 'ChargeType': eip['InstanceChargeType'], 'DeletionProtection': False,
        'Description': eip['Description'], 'EipBandwidth': eip['Bandwidth'], 'ExpiredTime': '',
        'HDMonitorStatus': 'OFF', 'HasReservationData': 'false', 'ISP': eip['ISP'], 'InstanceId': eip['InstanceId'],
        'InstanceRegionId': eip['_region'] if bound else '', 'InstanceType': eip['InstanceType'],
        'InternetChargeType': eip['InternetChargeType'], 'IpAddress': eip['IpAddress'],
        'Mode': 'NAT', 'Name': eip['Name'], 'Netmode': 'public', 'OperationLocks': {'LockReason': []},
        'PrivateIpAddress': eip['PrivateIpAddress'], 'PublicIpAddressPoolId': '', 'RegionId': eip['_region'],
        'ReservationActiveTime': '', 'ReservationBandwidth': '', 'ReservationInternetChargeType': '',
        'ReservationOrderType': '', 'ResourceGroupId': eip['ResourceGroupId'], 'SecondLimited': False,
        'SecurityProtectionTypes': {'SecurityProtectionType': []}, 'SegmentInstanceId': '', 'ServiceID': 0,
        'ServiceManaged': 0, 'Status': eip['Status'], 'Tags': {'Tag': tags.as_list(eip)}, 'VpcId': eip['VpcId'],
        'Zone': '',
    }


def instance_eip_view(ctx, instance):
    """DescribeInstances' ``EipAddress`` of an ECS instance: its bound EIP, or the empty structure."""
    for eip in ctx.list(EIP, lambda e: e['InstanceType'] == 'EcsInstance'
                        and e['InstanceId'] == instance['InstanceId']):
        return {'AllocationId': eip['AllocationId'], 'IpAddress': eip['IpAddress'], 'Bandwidth': int(eip['Bandwidth']),
                'InternetChargeType': eip['InternetChargeType'], 'IsSupportUnassociate': True}
    return {'AllocationId': '', 'IpAddress': '', 'Bandwidth': 0, 'InternetChargeType': '', 'IsSupportUnassociate': False}


# EIP actions.

@vpc.action('AllocateEipAddress')
def allocate_eip_address(ctx, params):
    charge = params.text('InternetChargeType', 'PayByBandwidth')
    if charge not in INTERNET_CHARGE_TYPES:
        raise errors.invalid_parameter('Specified value of "InternetChargeType" is not valid')
    instance_charge = params.text('InstanceChargeType', 'PostPaid')
    if instance_charge not in INSTANCE_CHARGE_TYPES:
        raise errors.invalid_parameter('Specified value of "InstanceChargeType" is not valid')
    if instance_charge == 'PrePaid' and charge != 'PayByBandwidth':
        raise errors.invalid_parameter('Specified value of "InternetChargeType" is not valid')
    isp = params.text('ISP', 'BGP')
    if isp not in ISPS:
        raise errors.invalid_parameter('Specified value of "ISP" is not valid')
    bandwidth = _bandwidth(params, charge) or '5'
    _check_text(params.get('Name'), 'InvalidName.Malformed', 128)
    _check_text(params.get('Description'), 'InvalidDescription.Malformed', 256)
    pairs = params.tags()
    tags.validate(pairs)
    if params.text('IpAddress') or params.text('PublicIpAddressPoolId'):
        raise errors.invalid_parameter('IpAddress and PublicIpAddressPoolId are not supported by this emulator.')
    if len(ctx.list(EIP)) >= ctx.quota('vpc.eips_per_region', EIPS_PER_REGION):
        raise ApiError('QuotaExceeded.Eip', 'Elastic IP address quota exceeded')
    allocation_id = ctx.new_id('eip')
    eip = ctx.add(EIP, allocation_id, {
        'AllocationId': allocation_id, 'IpAddress': _new_public_address(ctx, allocation_id),
        'Name': params.get('Name', ''), 'Description': params.get('Description', ''), 'Bandwidth': bandwidth,
        'InternetChargeType': charge, 'InstanceChargeType': instance_charge, 'ISP': isp, 'Status': 'Available',
        'InstanceId': '', 'InstanceType': '', 'PrivateIpAddress': '', 'VpcId': '',
        'AllocationTime': _seconds(ctx),
        'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']),
    })
    tags.set_tags(eip, pairs)
    return {'AllocationId': allocation_id, 'EipAddress': eip['IpAddress'], 'OrderId': 0,
            'ResourceGroupId': eip['ResourceGroupId']}


def _eip_filter(params):
    ids = params.comma_list('AllocationId')
    addresses = params.comma_list('EipAddress')
    if len(ids) > 50 or len(addresses) > 50:
        raise errors.invalid('AllocationId' if len(ids) > 50 else 'EipAddress')
    exact = dict((field, params.text(name)) for name, field in (
        ('EipName', 'Name'), ('AssociatedInstanceType', 'InstanceType'), ('AssociatedInstanceId', 'InstanceId'),
        ('Status', 'Status'), ('ISP', 'ISP'), ('ResourceGroupId', 'ResourceGroupId'),
        ('ChargeType', 'InstanceChargeType')))
    tag_filters = params.tags()

    def wanted(eip):
        return ((not ids or eip['AllocationId'] in ids) and (not addresses or eip['IpAddress'] in addresses)
                and all(value is None or eip[field] == value for field, value in exact.items())
                and tags.matches(eip, tag_filters))
    return wanted


@vpc.action('DescribeEipAddresses')
def describe_eip_addresses(ctx, params):
    for eip in ctx.list(EIP):
        _settle(ctx, eip)
    found = ctx.listed(EIP, _eip_filter(params))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=100)
    return dict(meta, EipAddresses={'EipAddress': [_eip_view(ctx, e) for e in page]})


@vpc.action('ModifyEipAddressAttribute')
def modify_eip_address_attribute(ctx, params):
    eip = _eip_or_404(ctx, params['AllocationId'])
    bandwidth = _bandwidth(params, eip['InternetChargeType'])
    _set_texts(eip, params, 'InvalidName.Malformed', 'InvalidDescription.Malformed')
    if bandwidth is not None:
        eip['Bandwidth'] = bandwidth
    return {}


def _require_status(eip, *statuses):
    if eip['Status'] not in statuses:
        raise errors.incorrect_status('IncorrectEipStatus', 'Current elastic IP status does not support this operation.')


def _associate_instance(ctx, eip, instance_id):
    instance = ecs.get_instance(ctx, ctx.region, instance_id)
    if instance is None or instance['Releasing']:
        raise errors.not_found('InvalidInstanId.NotFound', 'Specified instance does not exist.')
    if instance['Status'] not in ('Running', 'Stopped'):
        raise errors.incorrect_status('IncorrectInstanceStatus',
                                      'Current instance status does not support this operation.')
    if instance['PublicIpAddress']:
        raise ApiError('EIP_CAN_NOT_ASSOCIATE_WITH_PUBLIC_IP', 'instance already bind natpublicip,cannot bind eip.')
    if any(e is not eip for e in ctx.list(EIP, lambda e: e['InstanceId'] == instance_id)):
        raise ApiError('InvalidAssociation.Duplicated', 'Specified instance already is associated.')
    eip.update(InstanceType='EcsInstance', InstanceId=instance_id, PrivateIpAddress=instance['PrivateIpAddress'],
               VpcId=instance['VpcId'])


def _associate_nat(ctx, eip, nat_gateway_id):
    gateway = ctx.get(NAT, nat_gateway_id)
    if gateway is None:
        raise errors.not_found('InvalidInstanId.NotFound', 'Specified instance does not exist.')
    if gateway['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectStatus.NatGateway',
                                      'The status of the NAT gateway does not support this operation.')
    if len(_eips_of_nat(ctx, nat_gateway_id)) >= ctx.quota('vpc.eips_per_nat_gateway', EIPS_PER_NAT_GATEWAY):
        raise ApiError('QuotaExceeded.NumberOfEip', 'Binded eip Quota exceed on this NatGw.')
    eip.update(InstanceType='Nat', InstanceId=nat_gateway_id, PrivateIpAddress=gateway['PrivateIpAddress'],
               VpcId=gateway['VpcId'])


@vpc.action('AssociateEipAddress')
def associate_eip_address(ctx, params):
    eip = _eip_or_404(ctx, params['AllocationId'])
    instance_type = params.text('InstanceType', 'EcsInstance')
    if instance_type not in MODELLED_INSTANCE_TYPES + OTHER_INSTANCE_TYPES:
        raise ApiError('InvalidInstanceType.ValueNotSupported', 'The specified value of InstanceType is not supported.')
    if instance_type not in MODELLED_INSTANCE_TYPES:
        raise ApiError('InvalidInstanceType.ValueNotSupported',
                       'The specified value of InstanceType is not supported by this emulator.')
    region = params.text('InstanceRegionId')
    if region is not None and region != ctx.region:
        raise ApiError('InvalidParameter.Mismatch',
                       'Specified elastic IP address and ECS instance are not in the same region.')
    _require_status(eip, 'Available')
    if instance_type == 'EcsInstance':
        _associate_instance(ctx, eip, params['InstanceId'])
    else:
        _associate_nat(ctx, eip, params['InstanceId'])
    eip['Status'] = 'Associating'
    ctx.update_later(EIP, eip['AllocationId'], ctx.delay('vpc.eip_associating'), Status='InUse')
    return {}


@vpc.action('UnassociateEipAddress')
def unassociate_eip_address(ctx, params):
    eip = _eip_or_404(ctx, params['AllocationId'])
    _require_status(eip, 'InUse')
    instance_id = params.text('InstanceId')
    if instance_id is not None and instance_id != eip['InstanceId']:
        raise ApiError('InvalidInstanceId.NotFound', 'Specified instance does not exist.')
    instance_type = params.text('InstanceType')
    if instance_type is not None and instance_type != eip['InstanceType']:
        raise ApiError('InvalidInstanceType.ValueNotSupported', 'The specified value of InstanceType is not supported.')
    if eip['InstanceType'] == 'Nat':
        users = _snat_users(ctx, eip)
        if users and not params.flag('Force'):
            raise errors.dependency('DependencyViolation.SnatEntry',
                                    'The specified resource of Snat depends on Eip, so the operation cannot be completed.')
        for entry in users:
            _drop_snat_ip(ctx, entry, eip['IpAddress'])
    eip['Status'] = 'Unassociating'
    ctx.schedule(ctx.delay('vpc.eip_unassociating'), 'vpc.eip_unassociated', allocation_id=eip['AllocationId'])
    return {}


@vpc.event('eip_unassociated')
def _eip_unassociated(ctx, allocation_id):
    eip = ctx.get(EIP, allocation_id)
    if eip is not None and eip['Status'] == 'Unassociating':
        _unbind(eip)


@vpc.action('ReleaseEipAddress')
def release_eip_address(ctx, params):
    eip = _eip_or_404(ctx, params['AllocationId'])
    _require_status(eip, 'Available')
    if eip['InstanceChargeType'] == 'PrePaid':
        raise ApiError('Forbidden.ChargeTypeIsPrepaid', "It's forbidden to release a prepaid EIP")
    eip['Status'] = 'Releasing'
    ctx.schedule(ctx.delay('vpc.eip_releasing'), 'vpc.eip_released', allocation_id=eip['AllocationId'])
    return {}


@vpc.event('eip_released')
def _eip_released(ctx, allocation_id):
    eip = ctx.remove(EIP, allocation_id)
    if eip is not None:
        ctx.remove(ecs.PUBLIC_IP, eip['IpAddress'])


# NAT gateways.

def _nat_view(ctx, gateway):
    used = set(ip for entry in _entries_of_table(ctx, gateway['SnatTableId']) for ip in entry['_ips'])
    ips = [{'AllocationId': e['AllocationId'], 'IpAddress': e['IpAddress'],
            'PrivateIpAddress': gateway['PrivateIpAddress'], 'SnatEntryEnabled': e['IpAddress'] in used,
            'UsingStatus': 'UsedBySnatTable' if e['IpAddress'] in used else 'Idle'}
           for e in _eips_of_nat(ctx, gateway['NatGatewayId'])]
    return {
        'AccessMode': {'ModeValue': '', 'TunnelType': ''}, 'AutoPay': False, 'AvailabilityMode': '',
        'BusinessStatus': 'Normal', 'CreationTime': gateway['CreationTime'], 'DeletionProtection': False,
        'Description': gateway['Description'], 'EcsMetricEnabled': False, 'EipBindMode': gateway['EipBindMode'],
        'EnableSessionLog': 'false', 'ExpiredTime': '',
        'ForwardTableIds': {'ForwardTableId': [gateway['ForwardTableId']]},
        'FullNatTableIds': {'FullNatTableId': []}, 'IcmpReplyEnabled': gateway['IcmpReplyEnabled'],
        'InstanceChargeType': gateway['InstanceChargeType'], 'InternetChargeType': gateway['InternetChargeType'],
        'IpLists': {'IpList': ips}, 'IpPrefixList': {'IpPrefixList': []}, 'Name': gateway['Name'],
        'NatGatewayId': gateway['NatGatewayId'],
        'NatGatewayPrivateInfo': {
            'EniInstanceId': gateway['EniInstanceId'], 'EniType': 'indirect', 'IzNo': gateway['ZoneId'],
            'MaxBandwidth': 5120, 'MaxSessionEstablishRate': 100000, 'MaxSessionQuota': 2000000,
            'PrivateIpAddress': gateway['PrivateIpAddress'], 'VswitchId': gateway['VSwitchId']},
        'NatType': 'Enhanced', 'NetworkType': gateway['NetworkType'], 'PrivateLinkEnabled': False,
        'PrivateLinkMode': '', 'RegionId': gateway['_region'], 'ResourceGroupId': gateway['ResourceGroupId'],
        'SecurityProtectionEnabled': False, 'SnatTableIds': {'SnatTableId': [gateway['SnatTableId']]},
        'Spec': gateway['Spec'], 'Status': gateway['Status'],
        'Tags': {'Tag': tags.as_list(gateway, 'TagKey', 'TagValue')}, 'VpcId': gateway['VpcId'],
    }


def _check_nat_options(params):
    if params.text('NatType', 'Enhanced') != 'Enhanced':
        raise errors.invalid_parameter('Specified value of "NatType" is not valid: only Enhanced can be created.')
    if params.text('NetworkType', 'internet') != 'internet':
        raise errors.invalid_parameter('Specified value of "NetworkType" is not valid: VPC NAT gateways are not '
                                       'modelled by this emulator.')
    if params.text('InternetChargeType', 'PayByLcu') not in NAT_INTERNET_CHARGE_TYPES:
        raise errors.invalid_parameter('Specified value of "InternetChargeType" is not valid')
    if params.text('InstanceChargeType', 'PostPaid') not in INSTANCE_CHARGE_TYPES:
        raise errors.invalid_parameter('Specified value of "InstanceChargeType" is not valid')
    if params.text('EipBindMode', 'MULTI_BINDED') not in ('MULTI_BINDED', 'NAT'):
        raise errors.invalid_parameter('Specified value of "EipBindMode" is not valid')
    _check_text(params.get('Name'), 'InvalidNatGatewayName.MalFormed', 128)
    _check_text(params.get('Description'), 'InvalidNatGatewayDescription.MalFormed', 256)


@vpc.action('CreateNatGateway')
def create_nat_gateway(ctx, params):
    _check_nat_options(params)
    pairs = params.tags()
    tags.validate(pairs)
    parent = network.find_vpc(ctx, params['VpcId'])
    if parent is None:
        raise errors.not_found('InvalidVpcId.NotFound', 'Specified VPC does not exist.')
    if not params.text('VSwitchId'):
        raise errors.missing('VSwitchId')
    vswitch = network.find_vswitch(ctx, params['VSwitchId'])
    if vswitch is None:
        raise errors.not_found('InvalidVSwitchId.NotFound', 'VSwitch not exist.')
    if vswitch['VpcId'] != parent['VpcId']:
        raise errors.invalid_parameter('The specified vSwitch does not belong to the specified VPC.')
    if parent['Status'] != 'Available':
        raise errors.incorrect_status('InvalidVPCStatus', 'vpc incorrect status.')
    if vswitch['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectStatus.VSwitch', 'The status of the vSwitch is incorrect.')
    if len(ctx.list(NAT, lambda g: g['VpcId'] == parent['VpcId'])) >= \
            ctx.quota('vpc.nat_gateways_per_vpc', NAT_GATEWAYS_PER_VPC):
        raise ApiError('QuotaExceeded.NatGateway', 'The number of NAT gateways in the VPC exceeds the quota.')
    gateway_id = ctx.new_id('ngw')
    try:
        private_ip = network.allocate_address(ctx, vswitch, gateway_id)
    except network.AddressesExhausted:
        raise ApiError('OperationDenied.NoAvailablePrivateIp',
                       'The operation is failed because of vSwitch has not availalbe private ip')
    gateway = ctx.add(NAT, gateway_id, {
        'NatGatewayId': gateway_id, 'Name': params.get('Name', ''), 'Description': params.get('Description', ''),
        'VpcId': parent['VpcId'], 'VSwitchId': vswitch['VSwitchId'], 'ZoneId': vswitch['ZoneId'],
        'PrivateIpAddress': private_ip, 'EniInstanceId': ctx.new_id('eni', 20), 'NetworkType': 'internet',
        'InstanceChargeType': params.text('InstanceChargeType', 'PostPaid'),
        'InternetChargeType': params.text('InternetChargeType', 'PayByLcu'),
        'Spec': params.text('Spec', '') if params.text('InternetChargeType') == 'PayBySpec' else '',
        'EipBindMode': params.text('EipBindMode', 'MULTI_BINDED'),
        'IcmpReplyEnabled': params.get('IcmpReplyEnabled', True) is not False,
        'SnatTableId': ctx.new_id('stb'), 'ForwardTableId': ctx.new_id('ftb'), 'Status': 'Creating',
        'CreationTime': _seconds(ctx), 'ResourceGroupId': parent['ResourceGroupId'],
    })
    tags.set_tags(gateway, pairs)
    ctx.update_later(NAT, gateway_id, ctx.delay('vpc.nat_creating'), Status='Available')
    return {'NatGatewayId': gateway_id, 'SnatTableIds': {'SnatTableId': [gateway['SnatTableId']]},
            'ForwardTableIds': {'ForwardTableId': [gateway['ForwardTableId']]},
            'FullNatTableIds': {'FullNatTableId': []}}


def _nat_filter(params):
    exact = dict((name, params.text(name)) for name in ('NatGatewayId', 'VpcId', 'Name', 'Status', 'ResourceGroupId',
                                                        'InstanceChargeType', 'NetworkType', 'Spec', 'ZoneId'))
    nat_type = params.text('NatType')
    tag_filters = params.tags()

    def wanted(gateway):
        return (all(value is None or gateway[name] == value for name, value in exact.items())
                and nat_type in (None, 'Enhanced') and tags.matches(gateway, tag_filters))
    return wanted


@vpc.action('DescribeNatGateways')
def describe_nat_gateways(ctx, params):
    found = ctx.listed(NAT, _nat_filter(params))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, NatGateways={'NatGateway': [_nat_view(ctx, g) for g in page]})


@vpc.action('ModifyNatGatewayAttribute')
def modify_nat_gateway_attribute(ctx, params):
    _set_texts(_nat_or_404(ctx, params['NatGatewayId']), params, 'InvalidNatGatewayName.MalFormed',
               'InvalidNatGatewayDescription.MalFormed')
    return {}


@vpc.action('DeleteNatGateway')
def delete_nat_gateway(ctx, params):
    gateway = _nat_or_404(ctx, params['NatGatewayId'])
    if gateway['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectStatus.NatGateway',
                                      'The status of the NAT gateway does not support this operation.')
    entries = _entries_of_table(ctx, gateway['SnatTableId'])
    eips = _eips_of_nat(ctx, gateway['NatGatewayId'])
    if not params.flag('Force'):
        if entries:
            raise errors.dependency('DependencyViolation.SnatEntry', 'The specified resource of NatGateway depends on '
                                    'SnatEntry, so the operation cannot be completed.')
        if eips:
            raise errors.dependency('DependencyViolation.EIPS', 'There are EIPs on specified NatGateway not deleted.')
    for entry in entries:  # Force: the cloud deletes the SNAT entries and disassociates the EIPs itself
        ctx.remove(SNAT, entry['SnatEntryId'])
    for eip in eips:
        _unbind(eip)
    gateway['Status'] = 'Deleting'
    ctx.schedule(ctx.delay('vpc.nat_deleting'), 'vpc.nat_deleted', nat_gateway_id=gateway['NatGatewayId'])
    return {}


@vpc.event('nat_deleted')
def _nat_deleted(ctx, nat_gateway_id):
    gateway = ctx.remove(NAT, nat_gateway_id)
    if gateway is not None:
        network.release_address(ctx, gateway['VSwitchId'], gateway['PrivateIpAddress'])


@dependent('vpc.vswitch')
def _vswitch_has_nat_gateway(ctx, vswitch):
    if ctx.list(NAT, lambda g: g['VSwitchId'] == vswitch['VSwitchId']):
        return errors.dependency('DependencyViolation.EnhancedNatgw',
                                 'The specified vSwitch has an enhanced NAT gateway.')
    return None


# SNAT entries.

def _snat_users(ctx, eip):
    gateway = ctx.get(NAT, eip['InstanceId'])
    if gateway is None:
        return []
    return [s for s in _entries_of_table(ctx, gateway['SnatTableId']) if eip['IpAddress'] in s['_ips']]


def _drop_snat_ip(ctx, entry, address):
    entry['_ips'] = [ip for ip in entry['_ips'] if ip != address]
    if not entry['_ips']:
        ctx.remove(SNAT, entry['SnatEntryId'])


def _gateway_of_table(ctx, snat_table_id):
    for gateway in ctx.list(NAT, lambda g: g['SnatTableId'] == snat_table_id):
        return gateway
    raise errors.not_found('InvalidSnatTableId.NotFound', 'Specified SNAT table does not exist.')


def _snat_ips(ctx, params, gateway):
    text = params.text('SnatIp')
    if text is None:
        raise errors.missing('SnatIp')
    addresses = [a.strip() for a in text.split(',')]
    for address in addresses:
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            raise ApiError('InvalidSnatIp.Malformed', 'The specified SnatIp is not a valid IP address.')
    bound = dict((e['IpAddress'], e) for e in _eips_of_nat(ctx, gateway['NatGatewayId']))
    for address in addresses:
        if address not in bound or bound[address]['Status'] != 'InUse':
            raise errors.not_found('InvalidSnatIp.NotFound', 'Specified SnatIp does not found on the NAT Gateway')
    return addresses


def _snat_source(ctx, params, gateway):
    """(SourceVSwitchId or '', SourceCIDR) of a new entry."""
    vswitch_id = params.text('SourceVSwitchId')
    cidr = params.text('SourceCIDR')
    if (vswitch_id is None) == (cidr is None):
        raise errors.invalid_parameter('Exactly one of SourceVSwitchId and SourceCIDR must be specified.')
    if vswitch_id is not None:
        vswitch = network.find_vswitch(ctx, vswitch_id)
        if vswitch is None:
            raise errors.not_found('InvalidVSwitchId.NotFound', 'VSwitch not exist.')
        if vswitch['VpcId'] != gateway['VpcId']:
            raise errors.invalid_parameter('The specified vSwitch does not belong to the VPC of the NAT gateway.')
        return vswitch_id, vswitch['CidrBlock']
    try:
        source = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        raise ApiError('InvalidSourceCIDR.Malformed', 'The specified SourceCIDR is not valid.')
    return '', str(source)


@vpc.action('CreateSnatEntry')
def create_snat_entry(ctx, params):
    gateway = _gateway_of_table(ctx, params['SnatTableId'])
    name = params.get('SnatEntryName')
    _check_text(name, 'InvalidSnatEntryName.Malformed', 128, minimum=2)
    if gateway['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectStatus.NatGateway',
                                      'The status of the NAT gateway does not support this operation.')
    vswitch_id, cidr = _snat_source(ctx, params, gateway)
    addresses = _snat_ips(ctx, params, gateway)
    siblings = _entries_of_table(ctx, gateway['SnatTableId'])
    if any((vswitch_id and s['SourceVSwitchId'] == vswitch_id) or (not vswitch_id and not s['SourceVSwitchId']
                                                                    and s['SourceCIDR'] == cidr) for s in siblings):
        raise ApiError('Forbidden.SourceVSwitchId.Duplicated', 'The specified SourceCIDRis duplicated.')
    if len(siblings) >= ctx.quota('vpc.snat_entries_per_table', SNAT_ENTRIES_PER_TABLE):
        raise ApiError('Forbidden.SnatEntryCountLimited', 'SNAT entry count limited.')
    entry_id = ctx.new_id('snat')
    ctx.add(SNAT, entry_id, {
        'SnatEntryId': entry_id, 'SnatTableId': gateway['SnatTableId'], 'NatGatewayId': gateway['NatGatewayId'],
        'SnatEntryName': name or '', 'SourceVSwitchId': vswitch_id, 'SourceCIDR': cidr, '_ips': addresses,
        'Status': 'Pending',
    })
    ctx.update_later(SNAT, entry_id, ctx.delay('vpc.snat_pending'), Status='Available')
    return {'SnatEntryId': entry_id}


def _snat_view(entry):
    return {'EipAffinity': '0', 'NatGatewayId': entry['NatGatewayId'], 'NetworkInterfaceId': '',
            'SnatEntryId': entry['SnatEntryId'], 'SnatEntryName': entry['SnatEntryName'],
            'SnatIp': ','.join(entry['_ips']), 'SnatTableId': entry['SnatTableId'],
            'SourceCIDR': entry['SourceCIDR'], 'SourceVSwitchId': entry['SourceVSwitchId'], 'Status': entry['Status']}


@vpc.action('DescribeSnatTableEntries')
def describe_snat_table_entries(ctx, params):
    if params.text('SnatTableId'):
        _gateway_of_table(ctx, params['SnatTableId'])
    exact = dict((name, params.text(name)) for name in ('SnatTableId', 'NatGatewayId', 'SnatEntryId',
                                                        'SnatEntryName', 'SourceCIDR', 'SourceVSwitchId'))
    snat_ip = params.text('SnatIp')
    found = ctx.listed(SNAT, lambda s: all(value is None or s[name] == value for name, value in exact.items())
                       and (snat_ip is None or snat_ip in s['_ips']))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, SnatTableEntries={'SnatTableEntry': [_snat_view(s) for s in page]})


def _entry_or_404(ctx, params):
    _gateway_of_table(ctx, params['SnatTableId'])
    entry = ctx.get(SNAT, params['SnatEntryId'])
    if entry is None or entry['SnatTableId'] != params['SnatTableId']:
        raise errors.not_found('InvalidSnatEntryId.NotFound', 'Specified SNAT entry does not exist.')
    if entry['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectStatus.SnatEntry',
                                      'The status of the SNAT entry does not support this operation.')
    return entry


@vpc.action('ModifySnatEntry')
def modify_snat_entry(ctx, params):
    entry = _entry_or_404(ctx, params)
    _check_text(params.get('SnatEntryName'), 'InvalidSnatEntryName.Malformed', 128, minimum=2)
    if params.text('SnatIp') is not None:
        entry['_ips'] = _snat_ips(ctx, params, ctx.get(NAT, entry['NatGatewayId']))
    if params.get('SnatEntryName') is not None:
        entry['SnatEntryName'] = params['SnatEntryName']
    entry['Status'] = 'Pending'
    ctx.update_later(SNAT, entry['SnatEntryId'], ctx.delay('vpc.snat_pending'), Status='Available')
    return {}


@vpc.action('DeleteSnatEntry')
def delete_snat_entry(ctx, params):
    entry = _entry_or_404(ctx, params)
    entry['Status'] = 'Deleting'
    ctx.remove_later(SNAT, entry['SnatEntryId'], ctx.delay('vpc.snat_deleting'))
    return {}


# What the data plane reads.

def instance_eip(store, instance_id):
    """The address of the EIP bound (``InUse``) to an ECS instance, or None."""
    for eip in store.kind(EIP).values():
        if eip['InstanceType'] == 'EcsInstance' and eip['InstanceId'] == instance_id and eip['Status'] == 'InUse':
            return eip['IpAddress']
    return None


def snat_address(store, vswitch_id, private_ip):
    """The SNAT IP carrying ``private_ip`` of vSwitch ``vswitch_id`` to the internet, or None."""
    vswitch = store.kind(network.VSWITCH).get(vswitch_id)
    if vswitch is None:
        return None
    address = ipaddress.IPv4Address(private_ip)
    gateways = dict((g['SnatTableId'], g) for g in store.kind(NAT).values()
                    if g['VpcId'] == vswitch['VpcId'] and g['Status'] == 'Available')
    in_use = dict((e['IpAddress'], e['InstanceId']) for e in store.kind(EIP).values()
                  if e['InstanceType'] == 'Nat' and e['Status'] == 'InUse')
    best = None
    for entry in store.kind(SNAT).values():
        gateway = gateways.get(entry['SnatTableId'])
        if gateway is None or entry['Status'] != 'Available':
            continue
        if entry['SourceVSwitchId'] and entry['SourceVSwitchId'] != vswitch_id:
            continue
        source = ipaddress.IPv4Network(entry['SourceCIDR'])
        if address not in source:
            continue
        usable = [ip for ip in entry['_ips'] if in_use.get(ip) == gateway['NatGatewayId']]
        if usable and (best is None or source.prefixlen > best[0]):
            best = (source.prefixlen, usable[0])
    return best[1] if best else None

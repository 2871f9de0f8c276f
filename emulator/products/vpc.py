"""VPC 2016-04-28: VPCs, vSwitches, their tags, and the region/zone catalog.

Other products use this module's functions rather than VPC state directly:

* ``find_vpc(ctx, vpc_id)`` / ``find_vswitch(ctx, vswitch_id)``: the resource (in ctx's region) or None;
* ``allocate_address(ctx, vswitch, owner, address=None)`` / ``release_address(ctx, vswitch_id, address)``:
  private IPv4 addresses of a vSwitch (a vSwitch holding addresses cannot be deleted);
* ``@dependent('vpc.vpc')`` / ``@dependent('vpc.vswitch')`` (emulator.core): refuse deleting a VPC or vSwitch
  that is still in use (ECS security groups, ESS scaling groups, ALB load balancers...).
"""

import ipaddress

from emulator.core import ApiError, Product, errors, pagination, regions, tags

vpc = Product('vpc', '2016-04-28', 'alibabacloud_vpc20160428', endpoint='vpc.aliyuncs.com')
vpc.delay('vpc_pending', fast=0.0, realistic=3.0)
vpc.delay('vpc_deleting', fast=0.0, realistic=2.0)
vpc.delay('vswitch_pending', fast=0.0, realistic=3.0)
vpc.delay('vswitch_deleting', fast=0.0, realistic=2.0)

VPC = 'vpc.vpc'
VSWITCH = 'vpc.vswitch'
TAGGABLE = {'VPC': VPC, 'VSWITCH': VSWITCH}  # ResourceType -> kind; vpc_eip_nat.py adds EIP and NATGATEWAY
ID_FIELDS = {VPC: 'VpcId', VSWITCH: 'VSwitchId'}
# DescribeVpcs' lists of other resources: view key -> function(ctx, vpc_id) -> their ids. vpc_eip_nat.py (which
# imports this module, so it cannot be imported here) adds NatGatewayIds.
MEMBER_IDS = {}
DEFAULT_VPC_CIDR = '172.16.0.0/12'
VPC_MASKS = range(8, 29)
VSWITCH_MASKS = range(16, 30)
RESERVED_NETWORKS = tuple(ipaddress.ip_network(n)
                          for n in ('100.64.0.0/10', '224.0.0.0/4', '127.0.0.0/8', '169.254.0.0/16'))
RESERVED_ADDRESSES = 4  # the first and the last three addresses of a vSwitch
VPCS_PER_REGION = 10
VSWITCHES_PER_VPC = 150


class AddressesExhausted(LookupError):
    """The vSwitch has no free private address left."""


class AddressUnavailable(LookupError):
    """The requested address is outside the vSwitch, reserved, or taken."""


# Validation.

def _check_text(value, code, what, limit):
    if value is not None and (len(value) > limit or value.startswith(('http://', 'https://'))):
        raise ApiError(code, 'Specified %s is not valid.' % what)


def _check_vpc_texts(params):
    _check_text(params.get('VpcName'), 'InvalidVpcName.Malformed', 'VPC name', 128)
    _check_text(params.get('Description'), 'InvalidVpcDiscription.Malformed', 'VPC description', 256)


def _check_vswitch_texts(params):
    _check_text(params.get('VSwitchName'), 'InvalidVSwitchName.Malformed', 'virtual switch name', 128)
    _check_text(params.get('Description'), 'InvalidVSwitchDiscription.Malformed', 'virtual switch description', 256)


def _network(text):
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        raise ApiError('InvalidCidrBlock.Malformed', 'Specified CIDR block is not valid.')
    if network.version != 4 or '/' not in text:
        raise ApiError('InvalidCidrBlock.Malformed', 'Specified CIDR block is not valid.')
    return network


def vpc_network(text):
    """The VPC CIDR block: mask 8-28, outside the reserved ranges (RFC 1918 blocks or others)."""
    network = _network(text)
    if network.prefixlen not in VPC_MASKS or any(network.overlaps(r) for r in RESERVED_NETWORKS):
        raise errors.invalid_parameter('Specified CIDR block is not valid')
    return network


def _vswitch_network(text, vpc_resource):
    network = _network(text)
    if network.prefixlen not in VSWITCH_MASKS:
        raise ApiError('InvalidCirdrBlock.MaskLength', 'Specified CIDR block is not valid .')
    if any(network.overlaps(r) for r in RESERVED_NETWORKS) or \
            not network.subnet_of(ipaddress.ip_network(vpc_resource['CidrBlock'])):
        raise errors.invalid_parameter('Specified CIDR block is not valid in VPC.')
    return network


# Lookups.

def find_vpc(ctx, vpc_id):
    return ctx.get(VPC, vpc_id)


def find_vswitch(ctx, vswitch_id):
    return ctx.get(VSWITCH, vswitch_id)


def _vpc_or_404(ctx, vpc_id):
    found = find_vpc(ctx, vpc_id)
    if found is None or not ctx.visible(found):
        raise errors.not_found('InvalidVpcId.NotFound', 'Specified VPC does not exist.')
    return found


def _vswitch_or_404(ctx, vswitch_id):
    found = find_vswitch(ctx, vswitch_id)
    if found is None or not ctx.visible(found):
        raise errors.not_found('InvalidVSwitchId.NotFound', 'VSwitch not exist.')
    return found


def _vswitches_of(ctx, vpc_id):
    return ctx.list(VSWITCH, lambda v: v['VpcId'] == vpc_id)


# Private addresses (used by ECS, ALB, ...).

def available_addresses(vswitch):
    size = ipaddress.ip_network(vswitch['CidrBlock']).num_addresses
    return max(size - RESERVED_ADDRESSES - len(vswitch['_addresses']), 0)


def _usable(network):
    first = int(network.network_address) + 1
    last = int(network.broadcast_address) - 3
    return first, last


def allocate_address(ctx, vswitch, owner, address=None):
    """Reserve a private address of the vSwitch for ``owner`` (e.g. an instance id) and return it.

    Without ``address`` the lowest free one is taken. Raises AddressesExhausted or AddressUnavailable.
    """
    network = ipaddress.ip_network(vswitch['CidrBlock'])
    first, last = _usable(network)
    taken = vswitch['_addresses']
    if address is not None:
        wanted = int(ipaddress.ip_address(address))
        if not first <= wanted <= last or address in taken:
            raise AddressUnavailable(address)
        taken[address] = owner
        return address
    for candidate in range(first, last + 1):
        text = str(ipaddress.ip_address(candidate))
        if text not in taken:
            taken[text] = owner
            return text
    raise AddressesExhausted(vswitch['VSwitchId'])


def release_address(ctx, vswitch_id, address):
    vswitch = find_vswitch(ctx, vswitch_id)
    if vswitch is not None:
        vswitch['_addresses'].pop(address, None)


# Rendering.

def _tags_of(resource):
    return {'Tag': tags.as_list(resource)}


def _member_ids(ctx, key, vpc_id):
    found = MEMBER_IDS.get(key)
    return found(ctx, vpc_id) if found else []


def _vpc_view(ctx, resource):
    return {
        'VpcId': resource['VpcId'], 'VpcName': resource['VpcName'], 'Description': resource['Description'],
        'CidrBlock': resource['CidrBlock'], 'Status': resource['Status'], 'RegionId': resource['_region'],
        'VRouterId': resource['VRouterId'], 'CreationTime': resource['CreationTime'], 'IsDefault': False,
        'ResourceGroupId': resource['ResourceGroupId'], 'OwnerId': ctx.account['OwnerId'],
        'Ipv6CidrBlock': '', 'EnabledIpv6': False, 'CenStatus': 'Detached', 'DhcpOptionsSetId': '',
        'DhcpOptionsSetStatus': '', 'DnsHostnameStatus': 'DISABLED',
        'VSwitchIds': {'VSwitchId': [v['VSwitchId'] for v in _vswitches_of(ctx, resource['VpcId'])]},
        'RouterTableIds': {'RouterTableIds': [resource['RouteTableId']]},
        'NatGatewayIds': {'NatGatewayIds': _member_ids(ctx, 'NatGatewayIds', resource['VpcId'])},
        'UserCidrs': {'UserCidr': list(resource['UserCidrs'])},
        'SecondaryCidrBlocks': {'SecondaryCidrBlock': []},
        'Ipv6CidrBlocks': {'Ipv6CidrBlock': []},
        'Tags': _tags_of(resource),
    }


def _vswitch_view(ctx, resource):
    return {
        'VSwitchId': resource['VSwitchId'], 'VSwitchName': resource['VSwitchName'],
        'Description': resource['Description'], 'VpcId': resource['VpcId'], 'ZoneId': resource['ZoneId'],
        'CidrBlock': resource['CidrBlock'], 'Status': resource['Status'], 'CreationTime': resource['CreationTime'],
        'AvailableIpAddressCount': available_addresses(resource), 'IsDefault': False,
        'ResourceGroupId': resource['ResourceGroupId'], 'OwnerId': ctx.account['OwnerId'], 'NetworkAclId': '',
        'Ipv6CidrBlock': '', 'EnabledIpv6': False, 'ShareType': 'Sharing',
        'RouteTable': {'RouteTableId': resource['RouteTableId'], 'RouteTableType': 'System'},
        'Tags': _tags_of(resource),
    }


# Regions and zones.

@vpc.action('DescribeRegions')
def describe_regions(ctx, params):
    def endpoint(region_id):
        return 'vpc.aliyuncs.com' if region_id == regions.DEFAULT_REGION else 'vpc.%s.aliyuncs.com' % region_id
    return {'Regions': {'Region': [{'RegionId': r.region_id, 'LocalName': r.local_name,
                                    'RegionEndpoint': endpoint(r.region_id)} for r in regions.REGIONS.values()]}}


@vpc.action('DescribeZones')
def describe_zones(ctx, params):
    if params.text('ZoneType', 'AvailabilityZone') != 'AvailabilityZone':
        return {'Zones': {'Zone': []}}
    info = ctx.region_info
    return {'Zones': {'Zone': [{'ZoneId': zone, 'LocalName': info.zone_name(zone), 'ZoneType': 'AvailabilityZone'}
                               for zone in info.zones]}}


# VPCs.

@vpc.action('CreateVpc')
def create_vpc(ctx, params):
    _check_vpc_texts(params)
    network = vpc_network(params.text('CidrBlock', DEFAULT_VPC_CIDR))
    pairs = params.tags()
    tags.validate(pairs)
    if len(ctx.list(VPC)) >= ctx.quota('vpc.vpcs_per_region', VPCS_PER_REGION):
        raise ApiError('QuotaExceeded.Vpc', 'VPC quota exceeded.')
    vpc_id = ctx.new_id('vpc')
    resource = ctx.add(VPC, vpc_id, {
        'VpcId': vpc_id, 'VpcName': params.get('VpcName', ''), 'Description': params.get('Description', ''),
        'CidrBlock': str(network), 'Status': 'Pending', 'VRouterId': ctx.new_id('vrt'),
        'RouteTableId': ctx.new_id('vtb'), 'CreationTime': ctx.iso(),
        'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']),
        'UserCidrs': params.comma_list('UserCidr'),
    })
    tags.set_tags(resource, pairs)
    ctx.update_later(VPC, vpc_id, ctx.delay('vpc.vpc_pending'), Status='Available')
    return {'VpcId': vpc_id, 'VRouterId': resource['VRouterId'], 'RouteTableId': resource['RouteTableId'],
            'ResourceGroupId': resource['ResourceGroupId']}


def _vpc_filter(params):
    wanted_ids = params.comma_list('VpcId')
    if len(wanted_ids) > 20:
        raise errors.invalid('VpcId')
    name = params.text('VpcName')
    group = params.text('ResourceGroupId')
    tag_filters = params.tags()

    def wanted(resource):  # IsDefault changes nothing: the emulator creates no default VPC
        return ((not wanted_ids or resource['VpcId'] in wanted_ids)
                and (name is None or resource['VpcName'] == name)
                and (group is None or resource['ResourceGroupId'] == group)
                and tags.matches(resource, tag_filters))
    return wanted


@vpc.action('DescribeVpcs')
def describe_vpcs(ctx, params):
    found = ctx.listed(VPC, _vpc_filter(params))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, Vpcs={'Vpc': [_vpc_view(ctx, r) for r in page]})


@vpc.action('DescribeVpcAttribute')
def describe_vpc_attribute(ctx, params):
    resource = _vpc_or_404(ctx, params['VpcId'])
    view = _vpc_view(ctx, resource)
    for unused in ('NatGatewayIds', 'RouterTableIds'):
        view.pop(unused)
    view.update({
        'ClassicLinkEnabled': False, 'SupportIpv4Gateway': True, 'Ipv4GatewayId': '',
        'AssociatedCens': {'AssociatedCen': []},
        'AssociatedPropagationSources': {'AssociatedPropagationSources': []},
        'CloudResources': {'CloudResourceSetType': [
            {'ResourceType': 'VSwitch', 'ResourceCount': len(_vswitches_of(ctx, resource['VpcId']))},
            {'ResourceType': 'RouteTable', 'ResourceCount': 1},
        ]},
        'Ipv6CidrBlocks': {'Ipv6CidrBlock': []},
    })
    view.pop('CenStatus')
    return view


@vpc.action('ModifyVpcAttribute')
def modify_vpc_attribute(ctx, params):
    resource = _vpc_or_404(ctx, params['VpcId'])
    _check_vpc_texts(params)
    if params.text('CidrBlock'):
        network = vpc_network(params['CidrBlock'])
        inside = all(ipaddress.ip_network(v['CidrBlock']).subnet_of(network)
                     for v in _vswitches_of(ctx, resource['VpcId']))
        if not inside:
            raise errors.invalid_parameter('Specified CIDR block is not valid: vSwitches fall outside it.')
        resource['CidrBlock'] = str(network)
    for name in ('VpcName', 'Description'):
        if params.get(name) is not None:
            resource[name] = params[name]
    return {}


@vpc.action('DeleteVpc')
def delete_vpc(ctx, params):
    resource = _vpc_or_404(ctx, params['VpcId'])
    if resource['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectVpcStatus', 'Current VPC status does not support this operation.')
    if _vswitches_of(ctx, resource['VpcId']):
        raise errors.dependency('DependencyViolation.VSwitch')
    ctx.check_dependents(VPC, resource)
    delay = ctx.delay('vpc.vpc_deleting')
    resource['Status'] = 'Deleting'
    ctx.remove_later(VPC, resource['VpcId'], delay)
    return {}


# vSwitches.

def _free_block(vpc_resource, mask, taken):
    """The first block of /mask inside the VPC that overlaps no existing vSwitch (CreateVSwitch with CidrMask)."""
    for candidate in ipaddress.ip_network(vpc_resource['CidrBlock']).subnets(new_prefix=mask):
        if not any(candidate.overlaps(other) for other in taken):
            return candidate
    raise ApiError('InvalidCidrBlock.Overlapped', 'Specified CIDR block overlapped with other subnets.')


@vpc.action('CreateVSwitch')
def create_vswitch(ctx, params):
    _check_vswitch_texts(params)
    parent = _vpc_or_404(ctx, params['VpcId'])
    if not regions.zone_exists(ctx.region, params['ZoneId']):
        raise errors.not_found('InvalidZoneId.NotFound', 'Specified zone does not exist.')
    pairs = params.tags()
    tags.validate(pairs)
    siblings = _vswitches_of(ctx, parent['VpcId'])
    taken = [ipaddress.ip_network(v['CidrBlock']) for v in siblings]
    if params.text('CidrBlock'):
        network = _vswitch_network(params['CidrBlock'], parent)
    elif params.get('CidrMask') is not None:
        if params['CidrMask'] not in VSWITCH_MASKS:
            raise ApiError('InvalidCirdrBlock.MaskLength', 'Specified CIDR block is not valid .')
        network = _free_block(parent, params['CidrMask'], taken)
    else:
        raise ApiError('MissingParameter', 'Miss mandatory parameter.')
    if parent['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectVpcStatus', 'Current VPC status does not support this operation.')
    if any(v['Status'] == 'Pending' for v in siblings):
        raise errors.incorrect_status('IncorrectVSwitchStatus', 'VSwitch Creation simultaneously is not supported.')
    if any(network.overlaps(other) for other in taken):
        raise ApiError('InvalidCidrBlock.Overlapped', 'Specified CIDR block overlapped with other subnets.')
    if len(siblings) >= ctx.quota('vpc.vswitches_per_vpc', VSWITCHES_PER_VPC):
        raise ApiError('QuotaExceeded.VSwitch', 'Virtual switch quota exceeded.')
    vswitch_id = ctx.new_id('vsw')
    resource = ctx.add(VSWITCH, vswitch_id, {
        'VSwitchId': vswitch_id, 'VSwitchName': params.get('VSwitchName', ''),
        'Description': params.get('Description', ''), 'VpcId': parent['VpcId'], 'ZoneId': params['ZoneId'],
        'CidrBlock': str(network), 'Status': 'Pending', 'CreationTime': ctx.iso(),
        'ResourceGroupId': parent['ResourceGroupId'], 'RouteTableId': parent['RouteTableId'], '_addresses': {},
    })
    tags.set_tags(resource, pairs)
    ctx.update_later(VSWITCH, vswitch_id, ctx.delay('vpc.vswitch_pending'), Status='Available')
    return {'VSwitchId': vswitch_id}


def _vswitch_filter(params):
    values = dict((name, params.text(name)) for name in ('VpcId', 'VSwitchId', 'ZoneId', 'VSwitchName',
                                                         'ResourceGroupId', 'RouteTableId'))
    tag_filters = params.tags()
    is_default = params.get('IsDefault')

    def wanted(resource):
        return (all(value is None or resource[name] == value for name, value in values.items())
                and (is_default is None or is_default is False)
                and tags.matches(resource, tag_filters))
    return wanted


@vpc.action('DescribeVSwitches')
def describe_vswitches(ctx, params):
    if params.text('VpcId') and find_vpc(ctx, params['VpcId']) is None:
        raise ApiError('Forbidden.VpcNotFound', 'Specified VPC can not found.')
    found = ctx.listed(VSWITCH, _vswitch_filter(params))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, VSwitches={'VSwitch': [_vswitch_view(ctx, r) for r in page]})


@vpc.action('DescribeVSwitchAttributes')
def describe_vswitch_attributes(ctx, params):
    return _vswitch_view(ctx, _vswitch_or_404(ctx, params['VSwitchId']))


@vpc.action('ModifyVSwitchAttribute')
def modify_vswitch_attribute(ctx, params):
    resource = _vswitch_or_404(ctx, params['VSwitchId'])
    _check_vswitch_texts(params)
    for name in ('VSwitchName', 'Description'):
        if params.get(name) is not None:
            resource[name] = params[name]
    return {}


@vpc.action('DeleteVSwitch')
def delete_vswitch(ctx, params):
    resource = _vswitch_or_404(ctx, params['VSwitchId'])
    if resource['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectVSwitchStatus',
                                      'The current virtual switch status does not support this operation.')
    if any(v['Status'] != 'Available' for v in _vswitches_of(ctx, resource['VpcId']) if v is not resource):
        raise errors.incorrect_status('OperationDenied.OtherSubnetProcessing',
                                      'Another vSwitch of the VPC is being created or deleted.')
    ctx.check_dependents(VSWITCH, resource)  # first: a registered dependent answers with its specific code
    if resource['_addresses']:
        raise errors.dependency('DependencyViolation')
    resource['Status'] = 'Pending'
    ctx.remove_later(VSWITCH, resource['VSwitchId'], ctx.delay('vpc.vswitch_deleting'))
    return {}


# Tags.

def _taggable(ctx, params):
    """(kind, resources) named by ResourceType and ResourceId.N; unknown ids are refused."""
    kind = TAGGABLE.get(params['ResourceType'].upper())
    if kind is None:
        raise ApiError('InvalidResourceType.NotFound', 'The ResourceType provided does not exist in our records.')
    resource_ids = params.list_of('ResourceId')
    if len(resource_ids) > 50:
        raise errors.invalid('ResourceId')
    resources = [ctx.get(kind, resource_id) for resource_id in resource_ids]
    if any(r is None for r in resources):
        raise errors.not_found('InvalidResourceId.NotFound', 'The specified ResourceIds are not found in our records.')
    return kind, resources


@vpc.action('TagResources')
def tag_resources(ctx, params):
    _kind, resources = _taggable(ctx, params)
    for resource in resources:
        tags.set_tags(resource, params.tags())
    return {}


@vpc.action('UnTagResources')
def untag_resources(ctx, params):
    _kind, resources = _taggable(ctx, params)
    keys = params.list_of('TagKey')
    if len(keys) > tags.MAX_TAGS:
        raise errors.invalid('TagKey')
    for resource in resources:
        tags.remove_tags(resource, keys, everything=params.flag('All'))
    return {}


@vpc.action('ListTagResources')
def list_tag_resources(ctx, params):
    resource_type = params['ResourceType'].upper()
    kind = TAGGABLE.get(resource_type)
    if kind is None:
        raise ApiError('InvalidResourceType.NotFound', 'The ResourceType provided does not exist in our records.')
    resource_ids = params.list_of('ResourceId')
    filters = params.tags()
    if not resource_ids and not filters:
        raise ApiError('MissingParameter', 'ResourceId or Tag is mandatory for this action.')
    rows = []
    for resource in ctx.listed(kind, lambda r: not resource_ids or r[_id_field(kind)] in resource_ids):
        if filters and not tags.matches(resource, filters):
            continue
        shown = dict(filters) if filters else tags.of(resource)
        rows.extend({'ResourceId': resource[_id_field(kind)], 'ResourceType': resource_type, 'TagKey': key,
                     'TagValue': tags.of(resource)[key]} for key in shown)
    page, next_token, _ = pagination.by_token(params, rows, query={'ids': resource_ids, 'tags': filters},
                                              default_max=50, max_max=50)
    return {'TagResources': {'TagResource': page}, 'NextToken': next_token}


def _id_field(kind):
    return ID_FIELDS[kind]

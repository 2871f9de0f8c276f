"""ECS 2014-05-26: regions and zones, security groups and their rules, key pairs, instances, launch templates,
a seeded image catalogue, instance types, and tags.

Other products use these functions rather than ECS state (each takes the handler's ctx and a region id):

* ``launch_instances(ctx, region, launch_template_id, version, vswitch_id, count, tags, scaling_group_id=None)``
  -> instance ids, created from a launch template version as RunInstances would (``version``: a number, or
  None / 'Default' / 'Latest'); raises the ApiError RunInstances would raise;
* ``release_instances(ctx, region, instance_ids)``: release them whatever their state (as DeleteInstance with
  Force=true, also while Pending or Starting);
* ``get_instance(ctx, region, instance_id)`` -> a dict with ``Status``, ``PrivateIpAddress``, ``PublicIpAddress``,
  ``ZoneId``, ``VSwitchId``, ``VpcId``, ``InstanceType``, ... or None;
* ``get_launch_template(ctx, region, launch_template_id)`` -> a dict with ``LaunchTemplateId``,
  ``LaunchTemplateName``, ``DefaultVersionNumber``, ``LatestVersionNumber``, ``Versions`` {number: data} or None.

Instances take their private address from the vSwitch through ``emulator.products.vpc``, so a vSwitch holding
instances cannot be deleted; a VPC holding security groups cannot be deleted either (``@dependent('vpc.vpc')``).
Before deleting an instance, a security group or a launch template ECS runs ``ctx.check_dependents`` on
``ecs.instance`` / ``ecs.security_group`` / ``ecs.launch_template`` so other products can refuse.
"""

import base64
import binascii
import hashlib
import ipaddress
import random
import re
import time
import uuid

from emulator.core import REGIONS, ApiError, Context, Params, Product, dependent, errors, pagination, shapes, tags
from emulator.core import ids
from emulator.core.schema import request_schema, response_schema
from emulator.products import vpc as network
from emulator.products import vpc_eip_nat

ecs = Product('ecs', '2014-05-26', 'alibabacloud_ecs20140526', endpoint='ecs.aliyuncs.com')
ecs.delay('instance_pending', fast=0.0, realistic=10.0)     # Pending -> Starting after RunInstances
ecs.delay('instance_starting', fast=0.0, realistic=20.0)    # Starting -> Running (boot)
ecs.delay('instance_stopping', fast=0.0, realistic=10.0)    # Stopping -> Stopped
ecs.delay('instance_releasing', fast=0.0, realistic=5.0)    # a released instance stays listed this long

INSTANCE = 'ecs.instance'
SECURITY_GROUP = 'ecs.security_group'
KEY_PAIR = 'ecs.key_pair'
LAUNCH_TEMPLATE = 'ecs.launch_template'
PUBLIC_IP = 'ecs.public_ip'

SECURITY_GROUPS_PER_REGION = 100
RULES_PER_SECURITY_GROUP = 200
KEY_PAIRS_PER_REGION = 500
LAUNCH_TEMPLATES_PER_REGION = 30
VERSIONS_PER_LAUNCH_TEMPLATE = 30
INSTANCES_PER_REGION = 1000
GROUPS_PER_INSTANCE = 5
USER_DATA_LIMIT = 32 * 1024
PUBLIC_POOL = ipaddress.ip_network('47.96.0.0/12')  # addresses handed out as instances' public IPs
STATUSES = ('Pending', 'Starting', 'Running', 'Stopping', 'Stopped')

# ---------------------------------------------------------------------------------------------------------------
# Catalogue: instance types and images (public figures of the instance family and image pages).

# id, vCPUs, memory GiB, architecture, processor, bandwidth Kbit/s, packets per second, ENIs, IPv4 per ENI
INSTANCE_TYPES = (
    ('ecs.g7.large', 2, 8.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 2048000, 900000, 3, 6),
    ('ecs.g7.xlarge', 4, 16.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 3072000, 1000000, 4, 15),
    ('ecs.g7.2xlarge', 8, 32.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 5120000, 1600000, 4, 15),
    ('ecs.c7.large', 2, 4.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 2048000, 900000, 3, 6),
    ('ecs.c7.xlarge', 4, 8.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 3072000, 1000000, 4, 15),
    ('ecs.c7.2xlarge', 8, 16.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 5120000, 1600000, 4, 15),
    ('ecs.r7.large', 2, 16.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 2048000, 900000, 3, 6),
    ('ecs.r7.xlarge', 4, 32.0, 'X86', 'Intel Xeon(Ice Lake) Platinum 8369B', 3072000, 1000000, 4, 15),
    ('ecs.g8i.large', 2, 8.0, 'X86', 'Intel Xeon(Emerald Rapids) Platinum 8575C', 2560000, 1000000, 3, 6),
    ('ecs.g8i.xlarge', 4, 16.0, 'X86', 'Intel Xeon(Emerald Rapids) Platinum 8575C', 4096000, 1200000, 4, 15),
    ('ecs.g8y.large', 2, 8.0, 'ARM', 'Yitian 710', 2048000, 1000000, 3, 6),
    ('ecs.g8y.xlarge', 4, 16.0, 'ARM', 'Yitian 710', 3072000, 1200000, 4, 15),
)
INSTANCE_TYPE_IDS = tuple(row[0] for row in INSTANCE_TYPES)
DISK_CATEGORIES = ('cloud_efficiency', 'cloud_ssd', 'cloud_essd', 'cloud_auto', 'cloud_essd_entry')

# image id (= name), platform, OS name (zh and en share the version text), family, architecture, release date
SYSTEM_IMAGES = (
    ('ubuntu_20_04_x64_20G_alibase_20240819.vhd', 'Ubuntu', 'Ubuntu  20.04', 'acs:ubuntu_20_04_x64', 'x86_64', '2024-08-19'),
    ('ubuntu_22_04_x64_20G_alibase_20240819.vhd', 'Ubuntu', 'Ubuntu  22.04', 'acs:ubuntu_22_04_x64', 'x86_64', '2024-08-19'),
    ('ubuntu_22_04_arm64_20G_alibase_20240819.vhd', 'Ubuntu', 'Ubuntu  22.04', 'acs:ubuntu_22_04_arm64', 'arm64', '2024-08-19'),
    ('ubuntu_24_04_x64_20G_alibase_20240812.vhd', 'Ubuntu', 'Ubuntu  24.04', 'acs:ubuntu_24_04_x64', 'x86_64', '2024-08-12'),
    ('debian_12_6_x64_20G_alibase_20240819.vhd', 'Debian', 'Debian  12.6', 'acs:debian_12_x64', 'x86_64', '2024-08-19'),
    ('aliyun_3_x64_20G_alibase_20240819.vhd', 'Aliyun', 'Alibaba Cloud Linux  3.2104 LTS', 'acs:alibaba_cloud_linux_3_2104_lts_x64',
     'x86_64', '2024-08-19'),
    ('aliyun_3_arm64_20G_alibase_20240819.vhd', 'Aliyun', 'Alibaba Cloud Linux  3.2104 LTS', 'acs:alibaba_cloud_linux_3_2104_lts_arm64',
     'arm64', '2024-08-19'),
)
AMS_IMAGE_NAME = 'Ant Media Server Enterprise Edition 2.11.3 on Ubuntu 22.04'
AMS_PRODUCT_CODE = 'cmjj00066203'
IMAGE_OWNER_ALIASES = ('system', 'self', 'others', 'marketplace')


def _system_image(row):
    image_id, platform, os_text, family, architecture, released = row
    return {'ImageId': image_id, 'ImageName': image_id, 'ImageFamily': family, 'ImageVersion': released.replace('-', ''),
            'Description': '', 'OSName': os_text + ' 64位', 'OSNameEn': os_text + ' 64 bit', 'Platform': platform,
            'Architecture': architecture, 'ImageOwnerAlias': 'system', 'ProductCode': '', 'SupplierName': '',
            'Size': 20, 'CreationTime': released + 'T06:00:00Z', 'IsPublic': True}


def _marketplace_image(ctx):
    """The AMS Enterprise image of Alibaba Cloud Marketplace; marketplace image ids differ between regions."""
    return {'ImageId': 'm-%s%s' % (ctx.region_info.id_code, 'ams2113ent2204u'), 'ImageName': AMS_IMAGE_NAME, 'ImageFamily': '',
            'ImageVersion': '2.11.3', 'Description': 'Ant Media Server Enterprise Edition, ultra-low latency WebRTC streaming',
            'OSName': 'Ubuntu  22.04 64位', 'OSNameEn': 'Ubuntu  22.04 64 bit', 'Platform': 'Ubuntu', 'Architecture': 'x86_64',
            'ImageOwnerAlias': 'marketplace', 'ProductCode': AMS_PRODUCT_CODE, 'SupplierName': 'Ant Media Inc.', 'Size': 40,
            'CreationTime': '2024-09-02T08:00:00Z', 'IsPublic': True}


def _images(ctx):
    return [_system_image(row) for row in SYSTEM_IMAGES] + [_marketplace_image(ctx)]


def _image(ctx, image_id):
    return next((image for image in _images(ctx) if image['ImageId'] == image_id), None)


def _instance_type(type_id):
    return next((row for row in INSTANCE_TYPES if row[0] == type_id), None)


def _architecture_of(type_row):
    return 'arm64' if type_row[3] == 'ARM' else 'x86_64'


# ---------------------------------------------------------------------------------------------------------------
# Small shared helpers.

NAME = re.compile(r'^[^\W\d_][\w:.\-]{1,127}$')  # starts with a (Unicode) letter; letters, digits, : _ . -


def _bad_name(value):
    return not NAME.match(value) or value.startswith(('http://', 'https://'))


def _check_name(params, name, code, message):
    value = params.text(name)
    if value is not None and _bad_name(value):
        raise ApiError(code, message)
    return value


def _check_description(value, code, message, limit=256):
    if value is not None and (not 2 <= len(value) <= limit or value.startswith(('http://', 'https://'))):
        raise ApiError(code, message)
    return value


def _ecs_tags(resource):
    return {'Tag': tags.as_list(resource, 'TagKey', 'TagValue')}


def _wildcard(pattern):
    """A predicate for ECS name filters: ``*`` matches any characters, otherwise the name must be equal."""
    if pattern is None:
        return lambda value: True
    expression = re.compile('^%s$' % '.*'.join(re.escape(part) for part in pattern.split('*')))
    return lambda value: bool(expression.match(value or ''))


def _json_ids(params, name, code, limit=100):
    """A JSON-array-string parameter of ids (``["i-1", "i-2"]``), refused with ``code`` when malformed."""
    try:
        values = params.json_list(name)
    except ApiError:
        raise ApiError(code, 'The specified %s is not valid.' % name)
    if values is not None and (len(values) > limit or not all(isinstance(v, str) for v in values)):
        raise ApiError(code, 'The specified %s is not valid.' % name)
    return values


def _regional(ctx, region):
    """ctx itself, or a Context of another region for a cross-product call naming one."""
    if region is None or region == ctx.region:
        return ctx
    return Context(ctx.emulator, region, now=ctx.now, request_id=ctx.request_id, action=ctx.action)


def _minutes(epoch):
    return ids.iso_time_minutes(epoch)


def _decoded_user_data(text):
    """The raw bytes of base64 user data; refused when not base64 or larger than 32 KB before encoding."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError('InvalidUserData.Base64FormatInvalid', 'The specified parameter UserData is not valid base64.')
    if len(raw) > USER_DATA_LIMIT:
        raise ApiError('InvalidUserData.SizeExceeded', 'The specified parameter "UserData" exceeds the size.')
    return raw


# ---------------------------------------------------------------------------------------------------------------
# Regions and zones.

ACCEPT_LANGUAGES = ('zh-CN', 'zh-TW', 'en-US', 'ja', 'fr', 'de', 'ko')


def _check_language(params):
    if params.text('AcceptLanguage', 'zh-CN') not in ACCEPT_LANGUAGES:
        raise errors.not_found('InvalidAcceptLanguage.NotFound', 'Only Chinese (zh-CN), English (en-US), and Japanese (ja) are allowed.')


@ecs.action('DescribeRegions')
def describe_regions(ctx, params):
    _check_language(params)
    return {'Regions': {'Region': [{'RegionId': r.region_id, 'LocalName': r.local_name, 'Status': 'available',
                                    'RegionEndpoint': 'ecs.%s.aliyuncs.com' % r.region_id} for r in REGIONS.values()]}}


def _zone_resources():
    families = sorted(set(row[0].rsplit('.', 1)[0] for row in INSTANCE_TYPES))
    return {'ResourcesInfo': [{
        'IoOptimized': True,
        'InstanceTypes': {'supportedInstanceType': list(INSTANCE_TYPE_IDS)},
        'InstanceTypeFamilies': {'supportedInstanceTypeFamily': families},
        'InstanceGenerations': {'supportedInstanceGeneration': ['ecs-5', 'ecs-6']},
        'SystemDiskCategories': {'supportedSystemDiskCategory': list(DISK_CATEGORIES)},
        'DataDiskCategories': {'supportedDataDiskCategory': list(DISK_CATEGORIES)},
        'NetworkTypes': {'supportedNetworkCategory': ['vpc']},
    }]}


@ecs.action('DescribeZones')
def describe_zones(ctx, params):
    _check_language(params)
    verbose = params.flag('Verbose', True)
    zones = []
    for zone_id in ctx.region_info.zones:
        zone = {'ZoneId': zone_id, 'LocalName': ctx.region_info.zone_name(zone_id), 'ZoneType': 'AvailabilityZone',
                'AvailableResourceCreation': {'ResourceTypes': ['VSwitch', 'IoOptimized', 'Instance', 'Disk']},
                'AvailableDiskCategories': {'DiskCategories': list(DISK_CATEGORIES)},
                'AvailableVolumeCategories': {'VolumeCategories': list(DISK_CATEGORIES)},
                'AvailableDedicatedHostTypes': {'DedicatedHostType': []},
                'DedicatedHostGenerations': {'DedicatedHostGeneration': []}}
        if verbose:
            zone['AvailableInstanceTypes'] = {'InstanceTypes': list(INSTANCE_TYPE_IDS)}
            zone['AvailableResources'] = _zone_resources()
        zones.append(zone)
    return {'Zones': {'Zone': zones}}


# ---------------------------------------------------------------------------------------------------------------
# Security groups.

def find_security_group(ctx, group_id):
    found = ctx.get(SECURITY_GROUP, group_id)
    return found if found is not None and ctx.visible(found) else None


def _group_or_404(ctx, group_id):
    found = find_security_group(ctx, group_id)
    if found is None:
        raise errors.not_found('InvalidSecurityGroupId.NotFound', 'The specified SecurityGroupId does not exist.')
    return found


def _members(ctx, group_id):
    """Instances (releasing ones included) that belong to the security group."""
    return ctx.list(INSTANCE, lambda i: group_id in i['SecurityGroupIds'])


def _referencing_groups(ctx, group_id):
    """Other security groups with a rule naming this group as source or destination."""
    def references(group):
        return group['SecurityGroupId'] != group_id and any(
            group_id in (rule.get('SourceGroupId'), rule.get('DestGroupId')) for rule in group['Rules'])
    return ctx.list(SECURITY_GROUP, references)


@ecs.action('CreateSecurityGroup')
def create_security_group(ctx, params):
    name = _check_name(params, 'SecurityGroupName', 'InvalidSecurityGroupName.Malformed', 'Specified security group name is not valid.')
    description = _check_description(params.text('Description'), 'InvalidSecurityGroupDiscription.Malformed',
                                     'Specified security group description is not valid.')
    group_type = params.text('SecurityGroupType', 'normal')
    if group_type not in ('normal', 'enterprise'):
        raise errors.invalid_parameter('The specified SecurityGroupType is not valid.')
    vpc_id = params.text('VpcId')
    if vpc_id is None:
        raise ApiError('InvalidVpcId.NotFound', 'vpc id must not empty when only support vpc vm.', 403)
    parent = network.find_vpc(ctx, vpc_id)
    if parent is None or not ctx.visible(parent):
        raise errors.not_found('InvalidVpcId.NotFound', 'Specified VPC does not exist.')
    if parent['Status'] != 'Available':
        raise errors.incorrect_status('IncorrectVpcStatus', 'Current VPC status does not support this operation.')
    pairs = params.tags()
    tags.validate(pairs)
    if len(ctx.list(SECURITY_GROUP)) >= ctx.quota('ecs.security_groups_per_region', SECURITY_GROUPS_PER_REGION):
        raise ApiError('QuotaExceed.SecurityGroup', 'The maximum number of security groups is reached.', 403)
    group_id = ctx.new_id('sg', 20)
    group = ctx.add(SECURITY_GROUP, group_id, {
        'SecurityGroupId': group_id, 'SecurityGroupName': name or '', 'Description': description or '',
        'VpcId': vpc_id, 'SecurityGroupType': group_type, 'CreationTime': ctx.iso(),
        'InnerAccessPolicy': 'Accept' if group_type == 'normal' else 'Drop',
        'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']), 'Rules': [],
    })
    tags.set_tags(group, pairs)
    return {'SecurityGroupId': group_id}


def _group_view(ctx, group):
    return {
        'SecurityGroupId': group['SecurityGroupId'], 'SecurityGroupName': group['SecurityGroupName'],
        'Description': group['Description'], 'VpcId': group['VpcId'], 'SecurityGroupType': group['SecurityGroupType'],
        'CreationTime': group['CreationTime'], 'ResourceGroupId': group['ResourceGroupId'], 'ServiceManaged': False,
        'RuleCount': len(group['Rules']),
        'GroupToGroupRuleCount': sum(1 for r in group['Rules'] if r.get('SourceGroupId') or r.get('DestGroupId')),
        'EcsCount': len(_members(ctx, group['SecurityGroupId'])), 'AvailableInstanceAmount': 2000,
        'Tags': _ecs_tags(group),
    }


def _group_filter(params):
    wanted_ids = _json_ids(params, 'SecurityGroupIds', 'InvalidSecurityGroupIds.Malformed')
    single = params.text('SecurityGroupId')
    values = dict((name, params.text(name)) for name in ('VpcId', 'SecurityGroupName', 'SecurityGroupType', 'ResourceGroupId'))
    tag_filters = params.tags()

    def wanted(group):
        return ((wanted_ids is None or group['SecurityGroupId'] in wanted_ids)
                and (single is None or group['SecurityGroupId'] == single)
                and all(value is None or group[name] == value for name, value in values.items())
                and tags.matches(group, tag_filters))
    return wanted


def _uses_tokens(params):
    return params.get('NextToken') is not None or params.get('MaxResults') is not None


@ecs.action('DescribeSecurityGroups')
def describe_security_groups(ctx, params):
    found = ctx.listed(SECURITY_GROUP, _group_filter(params))
    body = {'RegionId': ctx.region, 'TotalCount': len(found)}
    if _uses_tokens(params):
        page, body['NextToken'], _ = pagination.by_token(params, found, query=_query_of(params), default_max=10, max_max=100)
    else:
        page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
        body.update(meta)
    body['SecurityGroups'] = {'SecurityGroup': [_group_view(ctx, g) for g in page]}
    return body


def _query_of(params):
    """The filter parameters a NextToken is bound to (everything but the paging parameters)."""
    return dict((k, v) for k, v in params.items() if k not in ('NextToken', 'MaxResults', 'PageNumber', 'PageSize'))


def _rule_view(ctx, rule):
    view = dict((key, value) for key, value in rule.items() if not key.startswith('_'))
    for field, name_field in (('SourceGroupId', 'SourceGroupName'), ('DestGroupId', 'DestGroupName')):
        other = ctx.get(SECURITY_GROUP, rule.get(field)) if rule.get(field) else None
        view[name_field] = other['SecurityGroupName'] if other else ''
    view.update(SourceGroupOwnerAccount='', DestGroupOwnerAccount='', SourcePrefixListName='', DestPrefixListName='',
                Ipv6SourceCidrIp='', Ipv6DestCidrIp='')
    return view


@ecs.action('DescribeSecurityGroupAttribute')
def describe_security_group_attribute(ctx, params):
    group = _group_or_404(ctx, params['SecurityGroupId'])
    direction = params.text('Direction', 'all')
    if direction not in ('ingress', 'egress', 'all'):
        raise errors.invalid_parameter('The specified Direction is not valid.')
    if params.text('NicType', 'intranet') not in ('intranet', 'internet'):
        raise ApiError('InvalidNicType.ValueNotSupported', 'The specified NicType does not exist.')
    if params.get('MaxResults') is not None and params['MaxResults'] < 10:
        raise errors.invalid('MaxResults')
    rules = [r for r in group['Rules'] if direction == 'all' or r['Direction'] == direction]
    page, next_token, _ = pagination.by_token(params, rules, query={'group': group['SecurityGroupId'], 'direction': direction},
                                              default_max=500, max_max=1000)
    return {'SecurityGroupId': group['SecurityGroupId'], 'SecurityGroupName': group['SecurityGroupName'],
            'Description': group['Description'], 'VpcId': group['VpcId'], 'RegionId': ctx.region,
            'InnerAccessPolicy': group['InnerAccessPolicy'], 'NextToken': next_token,
            'Permissions': {'Permission': [_rule_view(ctx, r) for r in page]}}


@ecs.action('ModifySecurityGroupAttribute')
def modify_security_group_attribute(ctx, params):
    group = _group_or_404(ctx, params['SecurityGroupId'])
    name = _check_name(params, 'SecurityGroupName', 'InvalidSecurityGroupName.Malformed', 'Specified security group name is not valid.')
    description = _check_description(params.text('Description'), 'InvalidSecurityGroupDiscription.Malformed',
                                     'Specified security group description is not valid.')
    if name is not None:
        group['SecurityGroupName'] = name
    if description is not None:
        group['Description'] = description
    return {}


@ecs.action('ModifySecurityGroupPolicy')
def modify_security_group_policy(ctx, params):
    group = _group_or_404(ctx, params['SecurityGroupId'])
    policy = (params.text('InnerAccessPolicy') or '').capitalize()
    if not policy:
        raise ApiError('MissingParameter', 'The input parameter "InnerAccessPolicy" that is mandatory for processing '
                       'this request is not supplied.')
    if policy not in ('Accept', 'Drop'):
        raise errors.invalid_parameter('The specified InnerAccessPolicy is not valid.')
    # Enterprise groups isolate their members, always (the operation's documentation).
    if group['SecurityGroupType'] == 'enterprise':
        raise ApiError('OperationDenied', 'The internal access policy of an enterprise security group cannot be '
                       'modified.', 403)
    group['InnerAccessPolicy'] = policy
    return {}


@ecs.action('DeleteSecurityGroup')
def delete_security_group(ctx, params):
    group = _group_or_404(ctx, params['SecurityGroupId'])
    if _members(ctx, group['SecurityGroupId']):
        raise ApiError('DependencyViolation', 'There is still instance(s) in the specified security group.', 403)
    if _referencing_groups(ctx, group['SecurityGroupId']):
        raise ApiError('DependencyViolation', 'The specified security group has been authorized in another one.', 403)
    ctx.check_dependents(SECURITY_GROUP, group)
    ctx.remove(SECURITY_GROUP, group['SecurityGroupId'])
    return {}


@dependent('vpc.vpc')
def _vpc_has_security_groups(ctx, vpc_resource):
    if ctx.list(SECURITY_GROUP, lambda g: g['VpcId'] == vpc_resource['VpcId']):
        return ApiError('DependencyViolation.SecurityGroup', 'Specified object has dependent resources SecurityGroup.')
    return None


# Security group rules. A rule is kept in the group as its Permission view (wire names); ``_identity`` is what
# makes two rules "the same rule" (everything but the description and the id).

PROTOCOLS = ('TCP', 'UDP', 'ICMP', 'GRE', 'ALL')
PORT_RANGE = re.compile(r'^(-?\d+)/(-?\d+)$')
LEGACY_RULE_FIELDS = ('IpProtocol', 'PortRange', 'SourceCidrIp', 'SourceGroupId', 'SourcePrefixListId', 'DestCidrIp',
                      'DestGroupId', 'DestPrefixListId', 'Policy', 'Priority', 'NicType', 'SourcePortRange', 'Description')


class Direction:
    """The names that differ between ingress and egress rules."""

    def __init__(self, name, peer, code_prefix, peer_word):
        self.name = name
        self.cidr = peer + 'CidrIp'
        self.group = peer + 'GroupId'
        self.prefix_list = peer + 'PrefixListId'
        self.code_prefix = code_prefix
        self.peer_word = peer_word


INGRESS = Direction('ingress', 'Source', 'Source', 'source')
EGRESS = Direction('egress', 'Dest', 'Dest', 'destination')


def _requested_rules(params):
    """The Permissions.N items, or the one rule of the deprecated top-level parameters."""
    permissions = params.list_of('Permissions')
    legacy = dict((name, params[name]) for name in LEGACY_RULE_FIELDS if params.get(name) not in (None, ''))
    if permissions and legacy:
        raise errors.invalid_parameter('Permissions.N and the deprecated top-level rule parameters cannot be used together.')
    if len(permissions) > 100:
        raise errors.invalid('Permissions')
    return permissions or ([legacy] if legacy else [])


def _protocol(rule):
    protocol = (rule.get('IpProtocol') or '').upper()
    if not protocol:
        raise ApiError('MissingParameter', 'The input parameter "IpProtocol" that is mandatory for processing this request is not supplied.')
    if protocol not in PROTOCOLS:
        raise ApiError('InvalidIpProtocol.ValueNotSupported',
                       'The parameter IpProtocol must be specified with case insensitive TCP, UDP, ICMP, GRE or All.')
    return protocol


def _port_range(value, protocol, malformed):
    """'a/b' with 1 <= a <= b <= 65535 for TCP/UDP, '-1/-1' for the others."""
    if protocol not in ('TCP', 'UDP'):
        if value in (None, '', '-1/-1'):
            return '-1/-1'
        raise ApiError('OperationDenied', 'The specified IpProtocol does not exist or IpProtocol and PortRange do not match.')
    match = PORT_RANGE.match(value or '')
    if not match:
        raise malformed
    low, high = int(match.group(1)), int(match.group(2))
    if (low, high) == (-1, -1):
        raise ApiError('OperationDenied', 'The specified IpProtocol does not exist or IpProtocol and PortRange do not match.')
    if not 1 <= low <= high <= 65535:
        raise malformed
    return '%d/%d' % (low, high)


def _cidr(value, code, name):
    try:
        found = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ApiError(code, 'The specified parameter "%s" is not valid.' % name)
    if found.version != 4:
        raise ApiError(code, 'The specified parameter "%s" is not valid.' % name)
    return found


def _peer(ctx, rule, group, direction):
    """(CIDR text, peer group id, normalised CIDR) of a rule; a CIDR wins over a group when both are given."""
    cidr = rule.get(direction.cidr) or ''
    peer_group = rule.get(direction.group) or ''
    if rule.get(direction.prefix_list):
        raise errors.not_found('InvalidPrefixListId.NotFound', 'The specified prefix list was not found.')
    if not cidr and not peer_group:
        raise ApiError('MissingParameter.%s' % direction.code_prefix, 'One of the parameters %s, %s or %s must be specified.'
                       % (direction.cidr, direction.group, direction.prefix_list))
    if cidr:
        return cidr, '', str(_cidr(cidr, 'Invalid%s.Malformed' % direction.cidr, direction.cidr))
    if group['SecurityGroupType'] == 'enterprise':  # enterprise groups authorize CIDRs and prefix lists only
        raise ApiError('OperationDenied', 'An enterprise security group does not support rules that reference a '
                       'security group.', 403)
    if peer_group == group['SecurityGroupId']:
        raise ApiError('InvalidParamter.Conflict', 'The specified SecurityGroupId should be different from the %s.' % direction.group, 403)
    other = find_security_group(ctx, peer_group)
    if other is None:
        raise errors.not_found('Invalid%sGroupId.NotFound' % direction.code_prefix,
                               'The %s provided does not exist in our records.' % direction.group)
    if other['VpcId'] != group['VpcId']:
        raise ApiError('Invalid%sGroupId.Mismatch' % direction.code_prefix,
                       'Specified security group and %s group are not in the same VPC.' % direction.peer_word)
    return '', peer_group, ''


def _policy(rule):
    policy = (rule.get('Policy') or 'accept').lower()
    if policy not in ('accept', 'drop'):
        raise ApiError('InvalidPolicy.Malformed', 'The specified parameter "Policy" is not valid.')
    return policy.capitalize()


def _priority(rule):
    priority = rule.get('Priority') or '1'
    if not re.match(r'^\d+$', priority) or not 1 <= int(priority) <= 100:
        raise ApiError('InvalidPriority.Malformed', 'The parameter Priority is invalid.')
    return str(int(priority))


def _rule_description(rule):
    description = rule.get('Description') or ''
    if len(description) > 512 or description.startswith(('http://', 'https://')):
        raise ApiError('InvalidSecurityGroupDiscription.Malformed', 'The specified security group rule description is not valid.')
    return description


def _normalised_rule(ctx, rule, group, direction, revoking):
    """The stored form of one requested rule, after the checks the API makes (in its order)."""
    protocol = _protocol(rule)
    malformed = ApiError('InvalidIpPortRange.Malformed' if revoking else 'InvalidIpProtocol.Malformed',
                         'The specified parameter "PortRange" is not valid.')
    port_range = _port_range(rule.get('PortRange'), protocol, malformed)
    source_ports = rule.get('SourcePortRange') or ''
    if source_ports:
        source_ports = _port_range(source_ports, protocol, ApiError('InvalidSourcePortRange.Malformed',
                                                                    'The specified parameter "SourcePortRange" is not valid.'))
    nic_type = rule.get('NicType') or 'intranet'
    if nic_type not in ('intranet', 'internet'):
        raise ApiError('InvalidNicType.ValueNotSupported', 'The specified NicType does not exist.')
    cidr, peer_group, canonical = _peer(ctx, rule, group, direction)
    stored = {
        'Direction': direction.name, 'IpProtocol': protocol, 'PortRange': port_range, 'SourcePortRange': source_ports,
        'SourceCidrIp': '', 'DestCidrIp': '', 'SourceGroupId': '', 'DestGroupId': '', 'SourcePrefixListId': '',
        'DestPrefixListId': '', 'Policy': _policy(rule), 'Priority': _priority(rule), 'NicType': 'intranet',
        'Description': _rule_description(rule), 'PortRangeListId': '', 'PortRangeListName': '',
    }
    stored[direction.cidr] = cidr
    stored[direction.group] = peer_group
    stored['_identity'] = '|'.join((direction.name, protocol, port_range, source_ports, canonical, peer_group,
                                    stored['Policy'], stored['Priority']))
    return stored


def _authorize(ctx, params, direction):
    group = _group_or_404(ctx, params['SecurityGroupId'])
    requested = _requested_rules(params)
    if not requested:
        raise ApiError('MissingParameter', 'The input parameter "Permissions" that is mandatory for processing this request is not supplied.')
    rules = [_normalised_rule(ctx, rule, group, direction, revoking=False) for rule in requested]
    existing = set(r['_identity'] for r in group['Rules'])
    for rule in rules:
        if rule['_identity'] in existing:
            continue  # the API answers success and keeps the one rule it has
        if len(group['Rules']) >= ctx.quota('ecs.rules_per_security_group', RULES_PER_SECURITY_GROUP):
            raise ApiError('AuthorizationLimitExceed', 'The limit of authorization records in the security group reaches.', 403)
        rule.update(SecurityGroupRuleId=ctx.new_id('sgr', 20), CreateTime=ctx.iso())
        group['Rules'].append(rule)
        existing.add(rule['_identity'])
    return {}


def _revoke(ctx, params, direction):
    group = _group_or_404(ctx, params['SecurityGroupId'])
    rule_ids = set(params.list_of('SecurityGroupRuleId'))
    requested = _requested_rules(params)
    if not rule_ids and not requested:
        raise ApiError('MissingParameter', 'The input parameter "Permissions" that is mandatory for processing this request is not supplied.')
    identities = set(_normalised_rule(ctx, rule, group, direction, revoking=True)['_identity'] for rule in requested)
    # Revoking a rule that does not exist succeeds and changes nothing, as the API does.
    group['Rules'] = [r for r in group['Rules'] if r['Direction'] != direction.name
                      or (r['SecurityGroupRuleId'] not in rule_ids and r['_identity'] not in identities)]
    return {}


@ecs.action('AuthorizeSecurityGroup')
def authorize_security_group(ctx, params):
    return _authorize(ctx, params, INGRESS)


@ecs.action('AuthorizeSecurityGroupEgress')
def authorize_security_group_egress(ctx, params):
    return _authorize(ctx, params, EGRESS)


@ecs.action('RevokeSecurityGroup')
def revoke_security_group(ctx, params):
    return _revoke(ctx, params, INGRESS)


@ecs.action('RevokeSecurityGroupEgress')
def revoke_security_group_egress(ctx, params):
    return _revoke(ctx, params, EGRESS)


# ---------------------------------------------------------------------------------------------------------------
# Key pairs, stored by '<region>/<name>' (names are unique per region only).

KEY_TYPES = ('ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521')


def _key_pair_id(ctx, name):
    return '%s/%s' % (ctx.region, name)


def find_key_pair(ctx, name):
    found = ctx.get(KEY_PAIR, _key_pair_id(ctx, name)) if name else None
    return found if found is not None and ctx.visible(found) else None


def _key_blob(public_key):
    """The decoded key blob of an OpenSSH public key line ``<type> <base64> [comment]``, or None."""
    parts = public_key.strip().split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    # The blob starts with the key type again, as a length-prefixed string.
    declared = parts[0].encode('ascii')
    if blob[:4] != len(declared).to_bytes(4, 'big') or blob[4:4 + len(declared)] != declared:
        return None
    return blob


def fingerprint(blob):
    """The MD5 fingerprint of a public key blob in RFC 4716 section 4 form (``xx:xx:...``)."""
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


@ecs.action('ImportKeyPair')
def import_key_pair(ctx, params):
    name = params['KeyPairName']
    if _bad_name(name):
        raise ApiError('InvalidKeyPairName.Malformed', 'Specified Key Pair name is not valid.')
    blob = _key_blob(params['PublicKeyBody'])
    if blob is None:
        raise ApiError('InvalidPublicKeyBody.Malformed', 'The PublicKeyBody format is not supported.')
    pairs = params.tags()
    tags.validate(pairs)
    if ctx.get(KEY_PAIR, _key_pair_id(ctx, name)) is not None:
        raise ApiError('KeyPair.AlreadyExist', 'The key pair already exist.')
    if len(ctx.list(KEY_PAIR)) >= ctx.quota('ecs.key_pairs_per_region', KEY_PAIRS_PER_REGION):
        raise ApiError('QuotaExceed.KeyPair', 'The key pair quota exceeds.', 403)
    key_pair = ctx.add(KEY_PAIR, _key_pair_id(ctx, name), {
        'KeyPairName': name, 'KeyPairFingerPrint': fingerprint(blob), 'PublicKey': params['PublicKeyBody'].strip(),
        'CreationTime': _minutes(ctx.now), 'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']),
    })
    tags.set_tags(key_pair, pairs)
    return {'KeyPairName': name, 'KeyPairFingerPrint': key_pair['KeyPairFingerPrint']}


@ecs.action('DescribeKeyPairs')
def describe_key_pairs(ctx, params):
    name_matches = _wildcard(params.text('KeyPairName'))
    wanted_fingerprint = params.text('KeyPairFingerPrint')
    group = params.text('ResourceGroupId')
    tag_filters = params.tags()
    found = ctx.listed(KEY_PAIR, lambda k: name_matches(k['KeyPairName'])
                       and wanted_fingerprint in (None, k['KeyPairFingerPrint'])
                       and group in (None, k['ResourceGroupId']) and tags.matches(k, tag_filters))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    include_key = params.flag('IncludePublicKey')
    pairs = []
    for key_pair in page:
        view = {'KeyPairName': key_pair['KeyPairName'], 'KeyPairFingerPrint': key_pair['KeyPairFingerPrint'],
                'CreationTime': key_pair['CreationTime'], 'ResourceGroupId': key_pair['ResourceGroupId'], 'Tags': _ecs_tags(key_pair)}
        if include_key:
            view['PublicKey'] = key_pair['PublicKey']
        pairs.append(view)
    return dict(meta, KeyPairs={'KeyPair': pairs})


@ecs.action('DeleteKeyPairs')
def delete_key_pairs(ctx, params):
    names = _json_ids(params, 'KeyPairNames', 'InvalidKeyPairNames.ValueNotSupported')
    if not names:
        raise ApiError('InvalidKeyPairNames.ValueNotSupported', 'The specified parameter "KeyPairNames" is not valid.')
    # Unknown names are skipped; instances keep (and still show) the name of a deleted key pair, as documented.
    for name in names:
        ctx.remove(KEY_PAIR, _key_pair_id(ctx, name))
    return {}


# ---------------------------------------------------------------------------------------------------------------
# Launch templates. A version keeps its content in the shape DescribeLaunchTemplateVersions returns
# (``LaunchTemplateData``); instances launched from it read the same fields.

def _launch_template_data_schema():
    version_set = response_schema(ecs.models, 'DescribeLaunchTemplateVersions').fields['LaunchTemplateVersionSets'].schema
    return version_set.fields['LaunchTemplateVersionSet'].schema.fields['LaunchTemplateData'].schema


def _shared_scalars(request, response):
    """Wire names that are scalars of the same type in both schemas: what a version stores as it was sent."""
    return tuple(name for name, field in response.fields.items() if field.kind == 'scalar' and name in request.fields
                 and request.fields[name].kind == 'scalar' and request.fields[name].scalar == field.scalar)


DATA_SCHEMA = _launch_template_data_schema()
CREATE_SCHEMA = request_schema(ecs.models, 'CreateLaunchTemplate')
TEMPLATE_SCALARS = _shared_scalars(CREATE_SCHEMA, DATA_SCHEMA)
SYSTEM_DISK_FIELDS = _shared_scalars(CREATE_SCHEMA.fields['SystemDisk'].schema, DATA_SCHEMA.fields['SystemDisk'].schema)
DATA_DISK_FIELDS = _shared_scalars(CREATE_SCHEMA.fields['DataDisk'].schema,
                                   DATA_SCHEMA.fields['DataDisks'].schema.fields['DataDisk'].schema)


def find_launch_template(ctx, template_id=None, name=None):
    def wanted(template):
        return (template_id is None or template['LaunchTemplateId'] == template_id) and \
            (name is None or template['LaunchTemplateName'] == name)
    found = ctx.listed(LAUNCH_TEMPLATE, wanted) if template_id or name else []
    return found[0] if found else None


def _template_or_404(ctx, params, message='The specified LaunchTemplate is not found.'):
    template_id, name = params.text('LaunchTemplateId'), params.text('LaunchTemplateName')
    if template_id is None and name is None:
        raise ApiError('MissingParameter', 'The input parameter "LaunchTemplateId" or "LaunchTemplateName" that is mandatory '
                                           'for processing this request is not supplied.')
    template = find_launch_template(ctx, template_id, name)
    if template is None:
        raise errors.not_found('InvalidLaunchTemplate.NotFound', message)
    return template


def _disk(value, fields):
    return dict((key, value[key]) for key in fields if value.get(key) is not None)


def _template_data(params):
    """LaunchTemplateData of a Create(LaunchTemplate|LaunchTemplateVersion) request, after its checks."""
    data = dict((name, params[name]) for name in TEMPLATE_SCALARS if params.get(name) not in (None, ''))
    if 'UserData' in data:
        _decoded_user_data(data['UserData'])
    if params.get('SystemDisk'):
        data['SystemDisk'] = _disk(params['SystemDisk'], SYSTEM_DISK_FIELDS)
    if params.get('DataDisk'):
        data['DataDisks'] = {'DataDisk': [_disk(disk, DATA_DISK_FIELDS) for disk in params['DataDisk']]}
    if params.get('SecurityGroupIds'):
        data['SecurityGroupIds'] = {'SecurityGroupId': params.list_of('SecurityGroupIds')}
    pairs = params.tags()
    tags.validate(pairs)
    if pairs:
        data['Tags'] = {'InstanceTag': [{'Key': key, 'Value': value} for key, value in pairs]}
    return data


def _check_version_description(params):
    return _check_description(params.text('VersionDescription'), 'InvalidParameter', 'The specified VersionDescription is not valid.') or ''


def _add_version(ctx, template, data, description):
    if len(template['Versions']) >= ctx.quota('ecs.versions_per_launch_template', VERSIONS_PER_LAUNCH_TEMPLATE):
        raise ApiError('LaunchTemplateVersionLimitExceed', 'The number of versions of the launch template exceeds the limit.', 403)
    number = template['LatestVersionNumber'] + 1
    template['Versions'][str(number)] = {'VersionNumber': number, 'VersionDescription': description, 'CreateTime': ctx.iso(),
                                         'ModifiedTime': ctx.iso(), 'LaunchTemplateData': data}
    template['LatestVersionNumber'] = number
    template['ModifiedTime'] = ctx.iso()
    return number


@ecs.action('CreateLaunchTemplate')
def create_launch_template(ctx, params):
    name = params['LaunchTemplateName']
    if _bad_name(name):
        raise errors.invalid_parameter('The specified LaunchTemplateName is not valid.')
    description = _check_version_description(params)
    data = _template_data(params)
    template_tags = params.tags('TemplateTag')
    tags.validate(template_tags, 'TemplateTag.N.Key')
    if ctx.list(LAUNCH_TEMPLATE, lambda t: t['LaunchTemplateName'] == name):
        raise ApiError('LaunchTemplateName.Duplicated', 'The specified LaunchTemplateName already exists.', 403)
    if len(ctx.list(LAUNCH_TEMPLATE)) >= ctx.quota('ecs.launch_templates_per_region', LAUNCH_TEMPLATES_PER_REGION):
        raise ApiError('LaunchTemplateLimitExceed', 'The number of launch templates exceeds the limit.', 403)
    template_id = ctx.new_id('lt', 20)
    template = ctx.add(LAUNCH_TEMPLATE, template_id, {
        'LaunchTemplateId': template_id, 'LaunchTemplateName': name, 'CreateTime': ctx.iso(), 'ModifiedTime': ctx.iso(),
        'CreatedBy': str(ctx.account['OwnerId']), 'DefaultVersionNumber': 1, 'LatestVersionNumber': 0, 'Versions': {},
        'ResourceGroupId': params.text('TemplateResourceGroupId', ctx.account['ResourceGroupId']),
    })
    tags.set_tags(template, template_tags)
    number = _add_version(ctx, template, data, description)
    return {'LaunchTemplateId': template_id, 'LaunchTemplateVersionNumber': number}


@ecs.action('CreateLaunchTemplateVersion')
def create_launch_template_version(ctx, params):
    template = _template_or_404(ctx, params)
    description = _check_version_description(params)
    number = _add_version(ctx, template, _template_data(params), description)
    return {'LaunchTemplateId': template['LaunchTemplateId'], 'LaunchTemplateVersionNumber': number}


def _version_or_404(template, number):
    version = template['Versions'].get(str(number))
    if version is None:
        raise errors.not_found('InvalidLaunchTemplateVersion.NotFound', 'The specified LaunchTemplateId "%s" Version "%s" is not found.'
                               % (template['LaunchTemplateId'], number))
    return version


@ecs.action('ModifyLaunchTemplateDefaultVersion')
def modify_launch_template_default_version(ctx, params):
    template = _template_or_404(ctx, params)
    template['DefaultVersionNumber'] = _version_or_404(template, params['DefaultVersionNumber'])['VersionNumber']
    template['ModifiedTime'] = ctx.iso()
    return {'LaunchTemplateId': template['LaunchTemplateId']}


def _template_view(template):
    return {'LaunchTemplateId': template['LaunchTemplateId'], 'LaunchTemplateName': template['LaunchTemplateName'],
            'DefaultVersionNumber': template['DefaultVersionNumber'], 'LatestVersionNumber': template['LatestVersionNumber'],
            'CreateTime': template['CreateTime'], 'ModifiedTime': template['ModifiedTime'], 'CreatedBy': template['CreatedBy'],
            'ResourceGroupId': template['ResourceGroupId'], 'Tags': _ecs_tags(template)}


@ecs.action('DescribeLaunchTemplates')
def describe_launch_templates(ctx, params):
    wanted_ids = params.list_of('LaunchTemplateId')
    wanted_names = params.list_of('LaunchTemplateName')
    group = params.text('TemplateResourceGroupId')
    tag_filters = params.tags('TemplateTag')
    found = ctx.listed(LAUNCH_TEMPLATE, lambda t: (not wanted_ids or t['LaunchTemplateId'] in wanted_ids)
                       and (not wanted_names or t['LaunchTemplateName'] in wanted_names)
                       and group in (None, t['ResourceGroupId']) and tags.matches(t, tag_filters))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, LaunchTemplateSets={'LaunchTemplateSet': [_template_view(t) for t in page]})


def _version_view(template, version, detailed):
    view = {'LaunchTemplateId': template['LaunchTemplateId'], 'LaunchTemplateName': template['LaunchTemplateName'],
            'VersionNumber': version['VersionNumber'], 'VersionDescription': version['VersionDescription'],
            'DefaultVersion': version['VersionNumber'] == template['DefaultVersionNumber'], 'CreatedBy': template['CreatedBy'],
            'CreateTime': version['CreateTime'], 'ModifiedTime': version['ModifiedTime']}
    if detailed:
        view['LaunchTemplateData'] = _template_data_view(version['LaunchTemplateData'])
    return view


# What DescribeLaunchTemplateVersions shows for settings a version never gave: the cloud answers with every field of
# LaunchTemplateData, holding its launch defaults (RunInstances') or an empty value.
TEMPLATE_DEFAULTS = {'InstanceChargeType': 'PostPaid', 'InternetChargeType': 'PayByTraffic', 'IoOptimized': 'optimized',
                     'NetworkType': 'vpc', 'SpotStrategy': 'NoSpot', 'SecurityEnhancementStrategy': 'Active',
                     'HttpEndpoint': 'enabled', 'HttpTokens': 'optional', 'HttpPutResponseHopLimit': 1,
                     'PeriodUnit': 'Month', 'ImageOwnerAlias': ''}
SYSTEM_DISK_DEFAULTS = {'Category': 'cloud_efficiency', 'Size': 40, 'DeleteWithInstance': True, 'Encrypted': 'false'}
DATA_DISK_DEFAULTS = {'Category': 'cloud_efficiency', 'DeleteWithInstance': True, 'Encrypted': 'false'}


def _template_data_view(data):
    disk = dict(SYSTEM_DISK_DEFAULTS, **data.get('SystemDisk', {}))
    if disk['Category'] == 'cloud_essd':
        disk.setdefault('PerformanceLevel', 'PL1')
    single = data.get('SecurityGroupId')
    groups = {'SecurityGroupId': (data.get('SecurityGroupIds') or {}).get('SecurityGroupId') or ([single] if single else [])}
    disks = [dict(DATA_DISK_DEFAULTS, **d) for d in (data.get('DataDisks') or {}).get('DataDisk', [])]
    given = dict(data, SystemDisk=disk, SecurityGroupIds=groups, DataDisks={'DataDisk': disks})
    return shapes.complete(DATA_SCHEMA, given, TEMPLATE_DEFAULTS)


@ecs.action('DescribeLaunchTemplateVersions')
def describe_launch_template_versions(ctx, params):
    template = _template_or_404(ctx, params)
    numbers = set(params.list_of('LaunchTemplateVersion'))
    low, high = params.get('MinVersion'), params.get('MaxVersion')
    only_default = params.flag('DefaultVersion')

    def wanted(version):
        number = version['VersionNumber']
        return ((not numbers or number in numbers) and (low is None or number >= low) and (high is None or number <= high)
                and (not only_default or number == template['DefaultVersionNumber']))
    found = sorted((v for v in template['Versions'].values() if wanted(v)), key=lambda v: v['VersionNumber'])
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    detailed = params.flag('DetailFlag', True)
    return dict(meta, LaunchTemplateVersionSets={'LaunchTemplateVersionSet': [_version_view(template, v, detailed) for v in page]})


@ecs.action('DeleteLaunchTemplateVersion')
def delete_launch_template_version(ctx, params):
    template = _template_or_404(ctx, params)
    numbers = params.list_of('DeleteVersion')
    for number in numbers:
        _version_or_404(template, number)
        if number == template['DefaultVersionNumber']:
            raise ApiError('InvalidOperation.DeleteDefaultVersion', 'Delete default version from template is not allowed.', 403)
    for number in numbers:
        template['Versions'].pop(str(number), None)
    template['ModifiedTime'] = ctx.iso()
    return {'LaunchTemplateVersions': {'LaunchTemplateVersion': [
        {'LaunchTemplateId': template['LaunchTemplateId'], 'LaunchTemplateVersionNumber': number} for number in numbers]}}


@ecs.action('DeleteLaunchTemplate')
def delete_launch_template(ctx, params):
    template = _template_or_404(ctx, params)
    ctx.check_dependents(LAUNCH_TEMPLATE, template)
    ctx.remove(LAUNCH_TEMPLATE, template['LaunchTemplateId'])
    return {'LaunchTemplateId': template['LaunchTemplateId'],
            'LaunchTemplateVersionNumbers': {'versionNumbers': sorted(v['VersionNumber'] for v in template['Versions'].values())}}


# ---------------------------------------------------------------------------------------------------------------
# Instances.

HOST_SEGMENT = re.compile(r'^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$')


def find_instance(ctx, instance_id):
    found = ctx.get(INSTANCE, instance_id)
    return found if found is not None and ctx.visible(found) else None


def _instance_or_404(ctx, instance_id):
    found = find_instance(ctx, instance_id)
    if found is None:
        raise errors.not_found('InvalidInstanceId.NotFound', 'The specified InstanceId does not exist.')
    return found


def _launch_spec_from_template(ctx, template, version):
    """The launch parameters of a launch template version, by RunInstances wire name."""
    data = dict(_version_or_404(template, version)['LaunchTemplateData'])
    single = data.pop('SecurityGroupId', None)
    several = data.pop('SecurityGroupIds', {}).get('SecurityGroupId') or []
    data['SecurityGroupIds'] = several or ([single] if single else [])
    data['Tag'] = [(t['Key'], t['Value']) for t in data.pop('Tags', {}).get('InstanceTag', [])]
    return data


def _launch_spec_from_request(params):
    """The launch parameters the RunInstances request itself gives (they override the template's)."""
    spec = dict((name, params[name]) for name in ('ImageId', 'InstanceType', 'VSwitchId', 'ZoneId', 'KeyPairName', 'UserData',
                                                  'InternetMaxBandwidthOut', 'InternetMaxBandwidthIn', 'InternetChargeType',
                                                  'InstanceChargeType', 'InstanceName', 'HostName', 'Description', 'Password',
                                                  'DeletionProtection', 'PrivateIpAddress')
                if params.get(name) not in (None, ''))
    single, several = params.text('SecurityGroupId'), params.list_of('SecurityGroupIds')
    if single and several:
        raise ApiError('InvalidParameter.Conflict', 'SecurityGroupId and SecurityGroupIds.N cannot be specified at the same time.')
    if single or several:
        spec['SecurityGroupIds'] = [single] if single else several
    if params.get('SystemDisk'):
        spec['SystemDisk'] = params['SystemDisk']
    if params.get('Tag'):
        spec['Tag'] = params.tags()
    return spec


def _resolve_template(ctx, template_id, name, version):
    template = find_launch_template(ctx, template_id, name)
    if template is None:
        raise errors.not_found('InvalidLaunchTemplate.NotFound', 'The specified LaunchTemplateId "%s" LaunchTemplateName "%s" is not found.'
                               % (template_id or '', name or ''))
    if version in (None, '', 'Default'):
        version = template['DefaultVersionNumber']
    elif version == 'Latest':
        version = template['LatestVersionNumber']
    if not str(version).isdigit():
        _version_or_404(template, version)  # refuses it as an unknown version
    return template, int(version)


def _check_image(ctx, spec):
    if not spec.get('ImageId'):
        raise ApiError('MissingParameter', 'The input parameter ImageId that is mandatory for processing this request is not supplied.')
    image = _image(ctx, spec['ImageId'])
    if image is None:
        raise errors.not_found('InvalidImageId.NotFound', 'The specified ImageId does not exist.')
    return image


def _check_instance_type(spec, image):
    if not spec.get('InstanceType'):
        raise ApiError('MissingParameter', 'The input parameter InstanceType that is mandatory for processing this request is not supplied.')
    row = _instance_type(spec['InstanceType'])
    if row is None:
        raise ApiError('InvalidInstanceType.ValueNotSupported', 'The specified InstanceType does not exist or beyond the permitted range.')
    if _architecture_of(row) != image['Architecture']:
        raise ApiError('ImageNotSupportInstanceType', 'The specified image does not support the specified InstanceType.', 403)
    return row


def _check_vswitch(ctx, spec):
    if not spec.get('VSwitchId'):
        raise ApiError('MissingParameter', 'The input parameter "VSwitchId" that is mandatory for processing this request is not supplied.')
    vswitch = network.find_vswitch(ctx, spec['VSwitchId'])
    if vswitch is None or not ctx.visible(vswitch):
        raise errors.not_found('InvalidVSwitchId.NotFound', 'Specified virtual switch does not exist.')
    if vswitch['Status'] != 'Available':
        raise ApiError('IncorrectVSwitchStatus', 'The current status of virtual switch does not support this operation.')
    if spec.get('ZoneId') and spec['ZoneId'] != vswitch['ZoneId']:
        raise ApiError('InvalidParameter.Mismatch', 'Specified virtual switch is not in the specified zone.')
    return vswitch


def _check_groups(ctx, group_ids, vpc_id):
    if not group_ids:
        raise ApiError('MissingParameter', 'The input parameter "SecurityGroupId" that is mandatory for processing this request is not supplied.')
    if len(group_ids) > GROUPS_PER_INSTANCE or len(set(group_ids)) != len(group_ids):
        raise ApiError('JoinedGroupLimitExceed', 'The instance can join at most %d distinct security groups.' % GROUPS_PER_INSTANCE)
    groups = [find_security_group(ctx, group_id) for group_id in group_ids]
    if any(group is None for group in groups):
        raise errors.not_found('InvalidSecurityGroupId.NotFound', 'The SecurityGroupId provided does not exist in our records.')
    if any(group['VpcId'] != vpc_id for group in groups):
        raise ApiError('InvalidParameter.Mismatch', 'Specified security group and virtual switch are not in the same VPC.')
    if len(set(group['SecurityGroupType'] for group in groups)) > 1:
        raise errors.invalid_parameter('Basic and advanced security groups cannot be mixed.')
    return group_ids


def _check_system_disk(spec, image):
    disk = dict(spec.get('SystemDisk') or {})
    category = disk.get('Category') or 'cloud_efficiency'
    if category not in DISK_CATEGORIES:
        raise ApiError('InvalidSystemDiskCategory.ValueNotSupported', 'The specified parameter "SystemDisk.Category" is not valid.')
    size = disk.get('Size')
    size = image['Size'] if size in (None, '') else size
    if not re.match(r'^\d+$', str(size)) or not 20 <= int(size) <= 2048:
        raise ApiError('InvalidSystemDiskSize.ValueNotSupported', 'The specified parameter "SystemDisk.Size" is not valid.')
    if int(size) < image['Size']:
        raise errors.not_found('InvalidSystemDiskSize.LessThanImageSize', 'The specified parameter SystemDisk.Size is less than the image size.')
    return {'Category': category, 'Size': int(size)}


def _check_host_name(host_name):
    segments = host_name.replace('${instance_id}', 'i-x').split('.')
    if not 2 <= len(host_name) <= 64 or not all(HOST_SEGMENT.match(segment) for segment in segments):
        raise ApiError('InvalidHostName.Malformed', 'The specified parameter "HostName" is not valid.')


def _check_texts(spec):
    name = spec.get('InstanceName')
    if name is not None and (not re.match(r'^[\w:.\-\[\],]{2,128}$', name) or name.startswith(('http://', 'https://'))):
        raise ApiError('InvalidInstanceName.Malformed', 'The specified parameter "InstanceName" is not valid.')
    if spec.get('HostName') is not None:
        _check_host_name(spec['HostName'])
    _check_description(spec.get('Description'), 'InvalidDescription.Malformed', 'The specified parameter "Description" is not valid.')
    password = spec.get('Password')
    if password is not None:
        kinds = sum(bool(re.search(pattern, password)) for pattern in (r'[a-z]', r'[A-Z]', r'\d', r'[^A-Za-z0-9]'))
        if not 8 <= len(password) <= 30 or kinds < 3:
            raise ApiError('InvalidPassword.Malformed', 'The specified parameter "Password" is not valid.')


def _check_bandwidth(spec):
    for name in ('InternetMaxBandwidthOut', 'InternetMaxBandwidthIn'):
        value = spec.get(name)
        limit = 100 if name.endswith('Out') else 10000
        if value is not None and not 0 <= value <= limit:
            raise ApiError('Invalid%s.Malformed' % name, 'The specified parameter %s is not valid.' % name)


def _check_private_address(address, vswitch, count):
    if count > 1:
        raise errors.invalid_parameter('PrivateIpAddress can only be specified when creating one instance.')
    try:
        parsed = ipaddress.IPv4Address(address)
    except ValueError:
        raise ApiError('InvalidPrivateIpAddress.Malformed', 'Specified private IP address is malformed.')
    if parsed not in ipaddress.ip_network(vswitch['CidrBlock']):
        raise ApiError('InvalidPrivateIpAddress', 'Specified private IP address is not in the CIDR block of virtual switch.')


def _allocate_private_address(ctx, vswitch, instance_id, address):
    try:
        return network.allocate_address(ctx, vswitch, instance_id, address)
    except network.AddressUnavailable:
        raise ApiError('InvalidPrivateIpAddress.Duplicated', 'Specified private IP address is duplicated.')


def _validated(ctx, spec, count):
    """Everything an instance needs, checked in the order the API reports problems; nothing is changed yet."""
    image = _check_image(ctx, spec)
    type_row = _check_instance_type(spec, image)
    vswitch = _check_vswitch(ctx, spec)
    group_ids = _check_groups(ctx, spec.get('SecurityGroupIds'), vswitch['VpcId'])
    if spec.get('KeyPairName') and find_key_pair(ctx, spec['KeyPairName']) is None:
        raise errors.not_found('InvalidKeyPairName.NotFound', 'The specified KeyPairName does not exist.')
    if spec.get('UserData'):
        _decoded_user_data(spec['UserData'])
    _check_bandwidth(spec)
    _check_texts(spec)
    system_disk = _check_system_disk(spec, image)
    pairs = list(spec.get('Tag') or [])
    tags.validate(pairs)
    if spec.get('PrivateIpAddress'):
        _check_private_address(spec['PrivateIpAddress'], vswitch, count)
    if network.available_addresses(vswitch) < count:
        raise ApiError('QuotaExceeded.PrivateIpAddress', "Don't have enough private IPs in this switch")
    if len(ctx.list(INSTANCE)) + count > ctx.quota('ecs.instances_per_region', INSTANCES_PER_REGION):
        raise ApiError('QuotaExceed.ElasticQuota', 'No additional quota is available for the specified ECS instance type.', 403)
    return {'image': image, 'type': type_row, 'vswitch': vswitch, 'groups': group_ids, 'system_disk': system_disk, 'tags': pairs}


_random = random.SystemRandom()


def _public_address(ctx):
    """A random public IPv4 address of the pool that no instance of any region holds."""
    taken = ctx.store.kind(PUBLIC_IP)
    while True:
        candidate = str(PUBLIC_POOL.network_address + _random.randrange(1, PUBLIC_POOL.num_addresses - 1))
        if candidate not in taken:
            return candidate


def _numbered(text, index, count, unique_suffix):
    if text is None or count == 1 or not unique_suffix:
        return text
    return '%s%03d' % (text, index + 1)


def _new_instance(ctx, spec, checked, index, count, scaling_group_id):
    instance_id = ctx.new_id('i', 20)
    vswitch = checked['vswitch']
    image, type_row = checked['image'], checked['type']
    unique = bool(spec.get('UniqueSuffix'))
    host_name = _numbered(spec.get('HostName'), index, count, unique) or 'iZ%sZ' % instance_id[2:]
    private_ip = _allocate_private_address(ctx, vswitch, instance_id, spec.get('PrivateIpAddress'))
    bandwidth = spec.get('InternetMaxBandwidthOut') or 0
    public_ip = ''
    if bandwidth > 0:
        public_ip = _public_address(ctx)
        ctx.add(PUBLIC_IP, public_ip, {'InstanceId': instance_id}, visible_now=True)
    instance = ctx.add(INSTANCE, instance_id, {
        'InstanceId': instance_id, 'InstanceName': _numbered(spec.get('InstanceName'), index, count, unique) or instance_id,
        'Description': spec.get('Description', ''), 'HostName': host_name.replace('${instance_id}', instance_id),
        'ImageId': image['ImageId'], 'OSName': image['OSName'], 'OSNameEn': image['OSNameEn'], 'InstanceType': type_row[0],
        'InstanceTypeFamily': type_row[0].rsplit('.', 1)[0], 'Cpu': type_row[1], 'Memory': int(type_row[2] * 1024),
        'ZoneId': vswitch['ZoneId'], 'VpcId': vswitch['VpcId'], 'VSwitchId': vswitch['VSwitchId'], 'PrivateIpAddress': private_ip,
        'PublicIpAddress': public_ip, 'InternetMaxBandwidthOut': bandwidth, 'InternetMaxBandwidthIn': spec.get('InternetMaxBandwidthIn') or 100,
        'InternetChargeType': spec.get('InternetChargeType') or 'PayByTraffic', 'InstanceChargeType': spec.get('InstanceChargeType') or 'PostPaid',
        'KeyPairName': spec.get('KeyPairName', ''), 'SecurityGroupIds': list(checked['groups']), 'UserData': spec.get('UserData', ''),
        'SystemDisk': checked['system_disk'], 'Status': 'Pending', 'CreationTime': _minutes(ctx.now), 'StartTime': '',
        'StoppedMode': 'Not-applicable', 'DeletionProtection': bool(spec.get('DeletionProtection')),
        'ResourceGroupId': ctx.account['ResourceGroupId'], 'SerialNumber': str(uuid.uuid4()),
        'NetworkInterfaceId': ctx.new_id('eni', 20), 'MacAddress': _mac_address(instance_id), 'ScalingGroupId': scaling_group_id or '',
        '_releasing': False,
    })
    tags.set_tags(instance, checked['tags'])
    if scaling_group_id:  # system tag the cloud puts on instances Auto Scaling creates
        tags.of(instance)['acs:autoscaling:scalingGroupId'] = scaling_group_id
    _begin(ctx, instance, [('Starting', ctx.delay('ecs.instance_pending')), ('Running', ctx.delay('ecs.instance_starting'))])
    return instance_id


def _mac_address(instance_id):
    digest = hashlib.sha256(instance_id.encode('ascii')).hexdigest()
    return '00:16:3e:%s:%s:%s' % (digest[0:2], digest[2:4], digest[4:6])


def _create_instances(ctx, spec, count, scaling_group_id=None):
    checked = _validated(ctx, spec, count)
    return [_new_instance(ctx, spec, checked, index, count, scaling_group_id) for index in range(count)]


# Status transitions: an instance walks through ``steps`` [(status, seconds before it)], one scheduled event each.
# A step only applies if the instance is still where the previous step left it.

def _begin(ctx, instance, steps):
    if steps:
        ctx.schedule(steps[0][1], 'ecs.advance', instance_id=instance['InstanceId'], expected=instance['Status'], steps=steps)


@ecs.event('advance')
def _advance(ctx, instance_id, expected, steps):
    instance = ctx.get(INSTANCE, instance_id)
    if instance is None or instance['Status'] != expected or instance['_releasing']:
        return
    status = steps[0][0]
    plane = ctx.emulator.dataplane
    if plane is not None and plane.holds(ctx, instance, status, steps):
        return  # with the data plane on, the step is replayed once the instance's host runs (or has stopped)
    instance['Status'] = status
    if status == 'Running':
        instance['StartTime'] = _minutes(ctx.now)
        instance['StoppedMode'] = 'Not-applicable'
    _begin(ctx, instance, [tuple(step) for step in steps[1:]])


@ecs.event('release')
def _finish_release(ctx, instance_id):
    instance = ctx.get(INSTANCE, instance_id)
    if instance is None:
        return
    network.release_address(ctx, instance['VSwitchId'], instance['PrivateIpAddress'])
    if instance['PublicIpAddress']:
        ctx.remove(PUBLIC_IP, instance['PublicIpAddress'])
    ctx.remove(INSTANCE, instance_id)


def _release(ctx, instance):
    instance['_releasing'] = True
    if instance['Status'] != 'Stopped':
        instance['Status'] = 'Stopping'  # what a running instance shows while it is released
    ctx.schedule(ctx.delay('ecs.instance_releasing'), 'ecs.release', instance_id=instance['InstanceId'])


def _refuse_unless(instance, *statuses):
    if instance['_releasing'] or instance['Status'] not in statuses:
        raise ApiError('IncorrectInstanceStatus', 'The current status of the resource does not support this operation.', 403)


def _check_releasable(instance, force):
    if instance['Status'] == 'Pending' and not instance['_releasing']:
        raise ApiError('IncorrectInstanceStatus.Initializing', 'The specified instance status does not support this operation.', 403)
    _refuse_unless(instance, 'Stopped', 'Running') if force else _refuse_unless(instance, 'Stopped')
    if instance['DeletionProtection']:
        raise ApiError('InvalidOperation.DeletionProtection', 'The instance is protected against release. Disable DeletionProtection first.', 403)


@ecs.action('RunInstances')
def run_instances(ctx, params):
    token = params.text('ClientToken')
    if token is not None and (len(token) > 64 or not token.isascii()):
        raise ApiError('InvalidClientToken.ValueNotSupported', 'The ClientToken provided is invalid.')
    amount = params.get('Amount', 1)
    minimum = params.get('MinAmount')
    if not 1 <= amount <= 100 or (minimum is not None and not 1 <= minimum <= amount):
        raise ApiError('InvalidParam.Amount', 'The specified parameter Amount is not valid.', 403)
    spec = {}
    if params.text('LaunchTemplateId') or params.text('LaunchTemplateName'):
        template, version = _resolve_template(ctx, params.text('LaunchTemplateId'), params.text('LaunchTemplateName'),
                                              params.get('LaunchTemplateVersion'))
        spec = _launch_spec_from_template(ctx, template, version)
    spec.update(_launch_spec_from_request(params))
    spec['UniqueSuffix'] = params.flag('UniqueSuffix')
    created = _create_instances(ctx, spec, amount)
    return {'InstanceIdSets': {'InstanceIdSet': created}, 'OrderId': '', 'TradePrice': 0.0}


def _instance_view(ctx, instance):
    public = [instance['PublicIpAddress']] if instance['PublicIpAddress'] else []
    return {
        'InstanceId': instance['InstanceId'], 'InstanceName': instance['InstanceName'], 'Description': instance['Description'],
        'HostName': instance['HostName'], 'ImageId': instance['ImageId'], 'InstanceType': instance['InstanceType'],
        'InstanceTypeFamily': instance['InstanceTypeFamily'], 'Cpu': instance['Cpu'], 'Memory': instance['Memory'],
        'OSName': instance['OSName'], 'OSNameEn': instance['OSNameEn'], 'OSType': 'linux', 'Status': instance['Status'],
        'RegionId': instance['_region'], 'ZoneId': instance['ZoneId'], 'CreationTime': instance['CreationTime'],
        'StartTime': instance['StartTime'], 'ExpiredTime': '2099-12-31T15:59Z', 'StoppedMode': instance['StoppedMode'],
        'InstanceNetworkType': 'vpc', 'InstanceChargeType': instance['InstanceChargeType'],
        'InternetChargeType': instance['InternetChargeType'], 'InternetMaxBandwidthOut': instance['InternetMaxBandwidthOut'],
        'InternetMaxBandwidthIn': instance['InternetMaxBandwidthIn'], 'IoOptimized': True, 'KeyPairName': instance['KeyPairName'],
        'DeletionProtection': instance['DeletionProtection'], 'ResourceGroupId': instance['ResourceGroupId'],
        'SerialNumber': instance['SerialNumber'], 'SpotStrategy': 'NoSpot', 'DeviceAvailable': True, 'Recyclable': False,
        'GPUAmount': 0, 'GPUSpec': '', 'VlanId': '', 'DeploymentSetId': '', 'CreditSpecification': '', 'AutoReleaseTime': '',
        'VpcAttributes': {'VpcId': instance['VpcId'], 'VSwitchId': instance['VSwitchId'], 'NatIpAddress': '',
                          'PrivateIpAddress': {'IpAddress': [instance['PrivateIpAddress']]}},
        'PublicIpAddress': {'IpAddress': public}, 'InnerIpAddress': {'IpAddress': []}, 'RdmaIpAddress': {'IpAddress': []},
        'EipAddress': vpc_eip_nat.instance_eip_view(ctx, instance),
        'SecurityGroupIds': {'SecurityGroupId': list(instance['SecurityGroupIds'])},
        'NetworkInterfaces': {'NetworkInterface': [{
            'NetworkInterfaceId': instance['NetworkInterfaceId'], 'MacAddress': instance['MacAddress'], 'Type': 'Primary',
            'PrimaryIpAddress': instance['PrivateIpAddress'],
            'PrivateIpSets': {'PrivateIpSet': [{'PrivateIpAddress': instance['PrivateIpAddress'], 'Primary': True,
                                                 'PrivateDnsName': ''}]},
            'Ipv6Sets': {'Ipv6Set': []}, 'Ipv4PrefixSets': {'Ipv4PrefixSet': []}, 'Ipv6PrefixSets': {'Ipv6PrefixSet': []}}]},
        'MetadataOptions': {'HttpEndpoint': 'enabled', 'HttpTokens': 'optional', 'HttpPutResponseHopLimit': 1,
                            'InstanceMetadataTags': 'disabled'},
        'OperationLocks': {'LockReason': []},
        'Tags': _ecs_tags(instance),
        # Settings this emulator does not model, with the values an instance without them shows.
        'CpuOptions': {'CoreCount': max(1, instance['Cpu'] // 2), 'ThreadsPerCore': 2 if instance['Cpu'] > 1 else 1,
                       'Numa': '', 'TopologyType': '', 'NestedVirtualization': '', 'TurboMode': '',
                       'EnableVISST': False, 'EnableVRDT': False},
        'ImageOptions': {'LoginAsNonRoot': False, 'CurrentOSNVMeSupported': True},
        'HibernationOptions': {'Configured': False}, 'SecurityOptions': {'EnableSecureBoot': False},
        'ClockOptions': {'PtpStatus': ''},
        'AdditionalInfo': {'EnableHighDensityMode': False, 'ManagedHostId': '', 'NodeSerialNumber': ''},
        'PrivateDnsNameOptions': {'HostnameType': 'Custom', 'EnableInstanceIdDnsARecord': False,
                                  'EnableInstanceIdDnsAAAARecord': False, 'EnableIpDnsARecord': False,
                                  'EnableIpDnsPtrRecord': False},
        'DedicatedHostAttribute': {'DedicatedHostId': '', 'DedicatedHostName': '', 'DedicatedHostClusterId': ''},
        'DedicatedInstanceAttribute': {'Affinity': '', 'Tenancy': ''},
        'EcsCapacityReservationAttr': {'CapacityReservationId': '', 'CapacityReservationPreference': ''},
        'LocalStorageAmount': 0, 'LocalStorageCapacity': 0, 'ClusterId': '', 'HpcClusterId': '', 'DeploymentSetGroupNo': 0,
        'SaleCycle': '', 'SpotPriceLimit': 0.0, 'SpotDuration': 0, 'SpotInterruptionBehavior': 'Terminate',
        'ISP': '', 'EnableNVS': False,
    }


def _instance_filter(params):
    wanted_ids = _json_ids(params, 'InstanceIds', 'InvalidInstanceIds.Malformed')
    private_ips = _json_ids(params, 'PrivateIpAddresses', 'InvalidPrivateIpAddresses.Malformed')
    public_ips = _json_ids(params, 'PublicIpAddresses', 'InvalidPublicIpAddresses.Malformed')
    status = params.text('Status')
    if status is not None and status not in STATUSES:
        raise errors.not_found('InvalidStatus.NotFound', 'The specified Status is not found')
    exact = dict((name, params.text(name)) for name in ('VpcId', 'VSwitchId', 'ZoneId', 'InstanceType', 'ImageId', 'KeyPairName',
                                                        'ResourceGroupId', 'InstanceChargeType', 'InternetChargeType'))
    exact['Status'] = status
    group_id = params.text('SecurityGroupId')
    name_matches = _wildcard(params.text('InstanceName'))
    tag_filters = params.tags()

    def wanted(instance):
        return ((wanted_ids is None or instance['InstanceId'] in wanted_ids)
                and (private_ips is None or instance['PrivateIpAddress'] in private_ips)
                and (public_ips is None or instance['PublicIpAddress'] in public_ips)
                and all(value is None or instance[name] == value for name, value in exact.items())
                and (group_id is None or group_id in instance['SecurityGroupIds'])
                and name_matches(instance['InstanceName']) and tags.matches(instance, tag_filters))
    return wanted


@ecs.action('DescribeInstances')
def describe_instances(ctx, params):
    found = ctx.listed(INSTANCE, _instance_filter(params))
    body = {'TotalCount': len(found)}
    if _uses_tokens(params):
        clamped = Params(dict(params))
        clamped['MaxResults'] = min(max(params.get('MaxResults') or 10, 10), 100)  # documented: below 10 -> 10, above 100 -> 100
        page, body['NextToken'], _ = pagination.by_token(clamped, found, query=_query_of(params), default_max=10, max_max=100)
    else:
        page, meta = pagination.by_page(params, found, default_size=10, max_size=100)
        body.update(meta)
    body['Instances'] = {'Instance': [_instance_view(ctx, i) for i in page]}
    return body


@ecs.action('DescribeInstanceStatus')
def describe_instance_status(ctx, params):
    wanted_ids = params.list_of('InstanceId')
    zone = params.text('ZoneId')
    found = ctx.listed(INSTANCE, lambda i: (not wanted_ids or i['InstanceId'] in wanted_ids) and zone in (None, i['ZoneId']))
    page, meta = pagination.by_page(params, found, default_size=10, max_size=50)
    return dict(meta, InstanceStatuses={'InstanceStatus': [{'InstanceId': i['InstanceId'], 'Status': i['Status']} for i in page]})


ATTRIBUTE_FIELDS = ('InstanceId', 'InstanceName', 'Description', 'HostName', 'ImageId', 'InstanceType', 'Cpu', 'Memory', 'Status',
                    'RegionId', 'ZoneId', 'CreationTime', 'ExpiredTime', 'StoppedMode', 'InstanceNetworkType', 'InstanceChargeType',
                    'InternetChargeType', 'InternetMaxBandwidthOut', 'InternetMaxBandwidthIn', 'SerialNumber', 'VlanId',
                    'VpcAttributes', 'PublicIpAddress', 'InnerIpAddress', 'SecurityGroupIds', 'OperationLocks')


@ecs.action('DescribeInstanceAttribute')
def describe_instance_attribute(ctx, params):
    view = _instance_view(ctx, _instance_or_404(ctx, params['InstanceId']))
    attribute = dict((name, view[name]) for name in ATTRIBUTE_FIELDS)
    attribute['IoOptimized'] = 'optimized'  # a string here, a boolean in DescribeInstances
    attribute['EipAddress'] = {'AllocationId': '', 'IpAddress': '', 'Bandwidth': 0, 'InternetChargeType': ''}
    return attribute


@ecs.action('DescribeUserData')
def describe_user_data(ctx, params):
    instance = _instance_or_404(ctx, params['InstanceId'])
    return {'InstanceId': instance['InstanceId'], 'RegionId': ctx.region, 'UserData': instance['UserData']}


def _start(ctx, instance):
    _refuse_unless(instance, 'Stopped')
    instance['Status'] = 'Starting'
    _begin(ctx, instance, [('Running', ctx.delay('ecs.instance_starting'))])


def _stop(ctx, instance, stopped_mode):
    _refuse_unless(instance, 'Running')
    instance['Status'] = 'Stopping'
    instance['StoppedMode'] = stopped_mode
    _begin(ctx, instance, [('Stopped', ctx.delay('ecs.instance_stopping'))])


def _stopped_mode(params):
    mode = params.text('StoppedMode', 'KeepCharging')
    if mode not in ('KeepCharging', 'StopCharging'):
        raise errors.invalid_parameter('The specified StoppedMode is not valid.')
    return mode


@ecs.action('StartInstance')
def start_instance(ctx, params):
    _start(ctx, _instance_or_404(ctx, params['InstanceId']))
    return {}


@ecs.action('StopInstance')
def stop_instance(ctx, params):
    _stop(ctx, _instance_or_404(ctx, params['InstanceId']), _stopped_mode(params))
    return {}


@ecs.action('RebootInstance')
def reboot_instance(ctx, params):
    instance = _instance_or_404(ctx, params['InstanceId'])
    _refuse_unless(instance, 'Running')
    instance['Status'] = 'Stopping'
    _begin(ctx, instance, [('Starting', ctx.delay('ecs.instance_stopping')), ('Running', ctx.delay('ecs.instance_starting'))])
    return {}


def _batch(ctx, params, operation):
    """Start/StopInstances: AllTogether (default) applies to all or none; SuccessFirst reports each instance."""
    mode = params.text('BatchOptimization', 'AllTogether')
    if mode not in ('AllTogether', 'SuccessFirst'):
        raise errors.invalid_parameter('The specified BatchOptimization is not valid.')
    instance_ids = params.list_of('InstanceId')
    if len(instance_ids) > 100:
        raise errors.invalid('InstanceId')
    responses = []
    for instance_id in instance_ids:
        try:
            instance = _instance_or_404(ctx, instance_id)
            previous = instance['Status']
            operation(instance)
            responses.append({'InstanceId': instance_id, 'Code': '200', 'Message': 'success', 'PreviousStatus': previous,
                              'CurrentStatus': instance['Status']})
        except ApiError as error:
            if mode == 'AllTogether':
                raise  # the whole call is rolled back
            found = ctx.get(INSTANCE, instance_id)
            status = found['Status'] if found else ''
            responses.append({'InstanceId': instance_id, 'Code': error.code, 'Message': error.message, 'PreviousStatus': status,
                              'CurrentStatus': status})
    return {'InstanceResponses': {'InstanceResponse': responses}}


@ecs.action('StartInstances')
def start_instances(ctx, params):
    return _batch(ctx, params, lambda instance: _start(ctx, instance))


@ecs.action('StopInstances')
def stop_instances(ctx, params):
    mode = _stopped_mode(params)
    return _batch(ctx, params, lambda instance: _stop(ctx, instance, mode))


@ecs.action('DeleteInstance')
def delete_instance(ctx, params):
    instance = _instance_or_404(ctx, params['InstanceId'])
    _check_releasable(instance, params.flag('Force'))
    ctx.check_dependents(INSTANCE, instance)
    _release(ctx, instance)
    return {}


@ecs.action('DeleteInstances')
def delete_instances(ctx, params):
    instance_ids = params.list_of('InstanceId')
    if len(instance_ids) > 100:
        raise ApiError('InvalidParameter.ToManyInstanceIds', 'No more than 100 InstanceIds can be specified.', 403)
    instances = [_instance_or_404(ctx, instance_id) for instance_id in instance_ids]
    for instance in instances:
        _check_releasable(instance, params.flag('Force'))
        ctx.check_dependents(INSTANCE, instance)
    for instance in instances:
        _release(ctx, instance)
    return {}


@ecs.action('ModifyInstanceAttribute')
def modify_instance_attribute(ctx, params):
    instance = _instance_or_404(ctx, params['InstanceId'])
    if instance['_releasing']:
        raise ApiError('IncorrectInstanceStatus', 'The current status of the resource does not support this operation.', 403)
    changes = dict((name, params[name]) for name in ('InstanceName', 'HostName', 'Description', 'Password') if params.get(name) is not None)
    _check_texts(changes)
    changes.pop('Password', None)  # accepted, never stored or returned
    if params.get('SecurityGroupIds'):
        changes['SecurityGroupIds'] = _check_groups(ctx, params.list_of('SecurityGroupIds'), instance['VpcId'])
    if params.text('UserData') is not None:
        _decoded_user_data(params['UserData'])
        _refuse_unless(instance, 'Stopped')
        changes['UserData'] = params['UserData']
    if params.get('DeletionProtection') is not None:
        changes['DeletionProtection'] = params['DeletionProtection']
    instance.update(changes)
    return {}


@ecs.action('GetInstanceConsoleOutput')
def get_instance_console_output(ctx, params):
    """The console text the data plane kept (boot messages and user data output); empty without the data plane."""
    instance = _instance_or_404(ctx, params['InstanceId'])
    text = instance.get('_console') or ''
    if params.flag('RemoveSymbols'):
        text = re.sub(r'\x1b\[[0-9;?]*[A-Za-z]|\r', '', text)
    updated = instance.get('_console_time') or ctx.now
    return {'InstanceId': instance['InstanceId'], 'ConsoleOutput': base64.b64encode(text.encode('utf-8')).decode('ascii'),
            'LastUpdateTime': time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(updated + 8 * 3600))}  # UTC+8, documented


# ---------------------------------------------------------------------------------------------------------------
# Images and instance types.

def _image_view(image, in_use):
    view = dict(image)
    view.update({
        'Status': 'Available', 'OSType': 'linux', 'Usage': 'instance' if image['ImageId'] in in_use else 'none',
        'IsSupportCloudinit': True, 'IsSupportIoOptimized': True, 'IsSubscribed': False, 'IsSelfShared': '', 'IsCopied': False,
        'Progress': '100%', 'BootMode': 'UEFI-Preferred', 'LoginAsNonRootSupported': True, 'Usable': True, 'ResourceGroupId': '',
        'DiskDeviceMappings': {'DiskDeviceMapping': [{'Device': '/dev/xvda', 'Size': str(image['Size']), 'Type': 'system',
                                                      'Format': '', 'SnapshotId': '', 'ImportOSSBucket': '', 'ImportOSSObject': '',
                                                      'Progress': '100%', 'RemainTime': 0, 'Encrypted': False}]},
        'Tags': {'Tag': []}, 'ImageOwnerId': 0, 'LicenseType': 'Auto',
        'DetectionOptions': {'Status': 'Finished', 'Items': {'Item': []}},
        'Features': {'NvmeSupport': 'supported', 'ImdsSupport': 'v2', 'CpuOnlineUpgrade': 'unsupported',
                     'CpuOnlineDowngrade': 'unsupported', 'MemoryOnlineUpgrade': 'unsupported',
                     'MemoryOnlineDowngrade': 'unsupported'},
        'SecureBootOptions': {'SecureBootSupport': 'unsupported'},
    })
    return view


def _image_filter(params):
    owner = params.text('ImageOwnerAlias')
    if owner is not None and owner not in IMAGE_OWNER_ALIASES:
        raise ApiError('InvalidImageOwnerAlias.ValueNotSupported', 'The specified ImageOwnerAlias value is not supported.')
    os_type = params.text('OSType')
    if os_type is not None and os_type not in ('linux', 'windows'):
        raise errors.not_found('InvalidOSType', 'The specifed OSType is not valid')
    architecture = params.text('Architecture')
    if architecture is not None and architecture not in ('i386', 'x86_64', 'arm64'):
        raise errors.not_found('InvalidArchitecture', 'The specifed Architecture is not valid')
    type_id = params.text('InstanceType')
    type_row = _instance_type(type_id) if type_id else None
    if type_id and type_row is None:
        raise ApiError('InvalidInstanceType.ValueNotSupported', 'The specified InstanceType does not exist or beyond the permitted range.')
    statuses = set(params.comma_list('Status') or ['Available'])
    owners = [owner] if owner else ['system', 'self', 'others']  # marketplace images only when asked for
    image_ids = params.comma_list('ImageId')
    name = params.text('ImageName')
    name_matches = _wildcard(name) if name and '*' in name else (lambda value: name is None or name in value)
    family = params.text('ImageFamily')

    def wanted(image):
        return (image['ImageOwnerAlias'] in owners and (not image_ids or image['ImageId'] in image_ids)
                and name_matches(image['ImageName']) and os_type in (None, 'linux')
                and architecture in (None, image['Architecture']) and family in (None, image['ImageFamily'])
                and (type_row is None or _architecture_of(type_row) == image['Architecture'])
                and ('ALL' in statuses or 'Available' in statuses))
    return wanted


@ecs.action('DescribeImages')
def describe_images(ctx, params):
    wanted = _image_filter(params)
    in_use = set(i['ImageId'] for i in ctx.list(INSTANCE))
    usage = params.text('Usage')
    if usage is not None and usage not in ('instance', 'none'):
        raise errors.not_found('InvalidUsage', 'The specifed Usage is not valid')
    views = [_image_view(image, in_use) for image in _images(ctx) if wanted(image)]
    if params.tags():
        views = []  # the catalogue's images carry no tags
    views = [view for view in views if usage in (None, view['Usage'])]
    page, meta = pagination.by_page(params, views, default_size=10, max_size=100)
    return dict(meta, RegionId=ctx.region, Images={'Image': page})


def _instance_type_view(row):
    type_id, cpus, memory, architecture, processor, bandwidth, pps, enis, addresses = row
    return {'InstanceTypeId': type_id, 'InstanceTypeFamily': type_id.rsplit('.', 1)[0], 'CpuCoreCount': cpus, 'MemorySize': memory,
            'CpuArchitecture': architecture, 'PhysicalProcessorModel': processor, 'InstanceBandwidthRx': bandwidth,
            'InstanceBandwidthTx': bandwidth, 'InstancePpsRx': pps, 'InstancePpsTx': pps, 'EniQuantity': enis,
            'EniPrivateIpAddressQuantity': addresses, 'EniTotalQuantity': enis, 'EniIpv6AddressQuantity': 1, 'GPUAmount': 0,
            'GPUSpec': '', 'LocalStorageCategory': '', 'InstanceCategory': 'General-purpose', 'InstanceFamilyLevel': 'EnterpriseLevel',
            'NvmeSupport': 'required', 'DiskQuantity': 17, 'PrimaryEniQueueNumber': cpus, 'SecondaryEniQueueNumber': cpus,
            'TotalEniQueueQuantity': cpus * enis, 'MaximumQueueNumberPerEni': cpus, 'EriQuantity': 0, 'QueuePairNumber': 0,
            'NetworkCardQuantity': 1, 'JumboFrameSupport': True, 'NetworkEncryptionSupport': False, 'EniTrunkSupported': True,
            'CpuSpeedFrequency': 2.7 if architecture == 'X86' else 2.75, 'CpuTurboFrequency': 3.5 if architecture == 'X86' else 2.75,
            'CpuOptions': {'Core': cpus // 2 if architecture == 'X86' else cpus, 'ThreadsPerCore': 2 if architecture == 'X86' else 1,
                           'CoreFactor': 1, 'HyperThreadingAdjustable': architecture == 'X86',
                           'SupportedTopologyTypes': {'SupportedTopologyType': []}, 'NestedVirtualizationSupport': 'unsupported'},
            'EnhancedNetwork': {'SriovSupport': False, 'RssSupport': True, 'VfQueueNumberPerEni': 0, 'ExpressSupport': False},
            'NetworkCards': {'NetworkCardInfo': [{'NetworkCardIndex': 0}]},
            'NetworkInfo': {'BandwidthWeighting': {'WeightingInfos': {'WeightingInfo': []}}},
            'SupportedBootModes': {'SupportedBootMode': ['BIOS', 'UEFI']}, 'SecurityOptions': {'SecureBootSupport': 'unsupported'},
            'Clock': {'PtpSupport': 'unsupported'}, 'Attributes': {'Attribute': []},
            'LocalStorageAmount': 0, 'LocalStorageCapacity': 0, 'GPUMemorySize': 0.0, 'BaselineCredit': 0, 'InitialCredit': 0}


@ecs.action('DescribeInstanceTypes')
def describe_instance_types(ctx, params):
    wanted_ids = params.list_of('InstanceTypes')
    families = params.list_of('InstanceTypeFamilies') + ([params['InstanceTypeFamily']] if params.text('InstanceTypeFamily') else [])
    low_cpu, high_cpu = params.get('MinimumCpuCoreCount'), params.get('MaximumCpuCoreCount')
    low_memory, high_memory = params.get('MinimumMemorySize'), params.get('MaximumMemorySize')
    architectures = params.list_of('CpuArchitectures') + ([params['CpuArchitecture']] if params.text('CpuArchitecture') else [])

    def wanted(row):
        return ((not wanted_ids or row[0] in wanted_ids) and (not families or row[0].rsplit('.', 1)[0] in families)
                and (low_cpu is None or row[1] >= low_cpu) and (high_cpu is None or row[1] <= high_cpu)
                and (low_memory is None or row[2] >= low_memory) and (high_memory is None or row[2] <= high_memory)
                and (not architectures or row[3] in architectures))
    found = [_instance_type_view(row) for row in INSTANCE_TYPES if wanted(row)]
    page, next_token, _ = pagination.by_token(params, found, query=_query_of(params), default_max=1600, max_max=1600)
    return {'InstanceTypes': {'InstanceType': page}, 'NextToken': next_token}


# ---------------------------------------------------------------------------------------------------------------
# Tags.

TAGGABLE = {'instance': (INSTANCE, 'InstanceId'), 'securitygroup': (SECURITY_GROUP, 'SecurityGroupId'),
            'keypair': (KEY_PAIR, 'KeyPairName'), 'launchtemplate': (LAUNCH_TEMPLATE, 'LaunchTemplateId')}


def _taggable_kind(params):
    found = TAGGABLE.get(params['ResourceType'])
    if found is None:
        raise errors.not_found('InvalidResourceType.NotFound', 'The ResourceType provided does not exist in our records.')
    return found


def _resource_key(ctx, kind, resource_id):
    return _key_pair_id(ctx, resource_id) if kind == KEY_PAIR else resource_id


def _tagged_resources(ctx, params):
    kind, _ = _taggable_kind(params)
    resource_ids = params.list_of('ResourceId')
    if len(resource_ids) > 50:
        raise errors.invalid('ResourceId')
    resources = [ctx.get(kind, _resource_key(ctx, kind, resource_id)) for resource_id in resource_ids]
    if any(resource is None for resource in resources):
        raise errors.not_found('InvalidResourceId.NotFound', 'The specified ResourceIds are not found in our records.')
    return resources


@ecs.action('TagResources')
def tag_resources(ctx, params):
    pairs = params.tags()
    if len(set(key for key, _ in pairs)) != len(pairs):
        raise ApiError('Duplicate.TagKey', 'The Tag.N.Key contain duplicate key.')
    for resource in _tagged_resources(ctx, params):
        tags.set_tags(resource, pairs)
    return {}


@ecs.action('UntagResources')
def untag_resources(ctx, params):
    keys = params.list_of('TagKey')
    if len(keys) > tags.MAX_TAGS:
        raise errors.invalid('TagKey')
    for resource in _tagged_resources(ctx, params):
        tags.remove_tags(resource, keys, everything=params.flag('All'))
    return {}


def _tag_filter_matches(resource, tag_filters):
    """TagFilter.N: the resource has the key and, when TagValues are given, one of those values."""
    own = tags.of(resource)
    return all(f.get('TagKey') in own and (not f.get('TagValues') or own[f['TagKey']] in f['TagValues']) for f in tag_filters)


@ecs.action('ListTagResources')
def list_tag_resources(ctx, params):
    kind, id_field = _taggable_kind(params)
    resource_ids = params.list_of('ResourceId')
    filters = params.tags()
    tag_filters = params.list_of('TagFilter')
    if filters and tag_filters:
        raise errors.invalid_parameter('Tag.N and TagFilter.N cannot be used together.')
    if not resource_ids and not filters and not tag_filters:
        raise ApiError('MissingParameter', 'One of ResourceId.N, Tag.N and TagFilter.N is mandatory for this action.')
    rows = []
    for resource in ctx.listed(kind, lambda r: not resource_ids or r[id_field] in resource_ids):
        if not tags.matches(resource, filters) or not _tag_filter_matches(resource, tag_filters):
            continue
        rows.extend({'ResourceId': resource[id_field], 'ResourceType': params['ResourceType'], 'TagKey': key, 'TagValue': value}
                    for key, value in tags.of(resource).items())
    page, next_token, _ = pagination.by_token(params, rows, query=_query_of(params), default_max=50, max_max=50)
    return {'TagResources': {'TagResource': page}, 'NextToken': next_token}


# ---------------------------------------------------------------------------------------------------------------
# Cross-product functions (ESS launches and releases instances; ALB reads them).

def launch_instances(ctx, region, launch_template_id, version, vswitch_id, count, tags=(), scaling_group_id=None):
    """Instance ids launched from a launch template version into ``vswitch_id``, as RunInstances would.

    ``tags`` ({key: value}, [(key, value)] or [{'Key', 'Value'}]) are added to the template's instance tags. Raises the ApiError
    RunInstances would raise (nothing is created then).
    """
    ctx = _regional(ctx, region)
    template, number = _resolve_template(ctx, launch_template_id, None, version)
    spec = _launch_spec_from_template(ctx, template, number)
    spec['VSwitchId'] = vswitch_id
    spec.pop('ZoneId', None)  # the vSwitch decides the zone
    spec['Tag'] = list(dict(list(spec.get('Tag') or []) + _tag_pairs(tags)).items())
    return _create_instances(ctx, spec, count, scaling_group_id)


def _tag_pairs(given):
    """[(key, value)] from {key: value}, [(key, value)] or [{'Key'|'TagKey': k, 'Value'|'TagValue': v}]."""
    if isinstance(given, dict):
        return list(given.items())
    pairs = []
    for item in given or ():
        if isinstance(item, dict):
            pairs.append((item.get('Key', item.get('TagKey')), item.get('Value', item.get('TagValue')) or ''))
        else:
            pairs.append(tuple(item))
    return pairs


def release_instances(ctx, region, instance_ids):
    """Release instances whatever their state; unknown or already released ids are skipped."""
    ctx = _regional(ctx, region)
    for instance_id in instance_ids:
        instance = ctx.get(INSTANCE, instance_id)
        if instance is not None and not instance['_releasing']:
            _release(ctx, instance)


def get_instance(ctx, region, instance_id):
    """A copy of the instance (wire-style names plus ``PrivateIpAddress``/``PublicIpAddress`` as strings), or None."""
    ctx = _regional(ctx, region)
    instance = ctx.get(INSTANCE, instance_id)
    if instance is None:
        return None
    copy = dict((key, value) for key, value in instance.items() if not key.startswith('_'))
    copy.update(Tags=dict(tags.of(instance)), Releasing=instance['_releasing'], RegionId=instance['_region'])
    return copy


def get_launch_template(ctx, region, launch_template_id):
    """A copy of the launch template with its versions ({number: LaunchTemplateData}), or None."""
    ctx = _regional(ctx, region)
    template = ctx.get(LAUNCH_TEMPLATE, launch_template_id)
    if template is None:
        return None
    copy = _template_view(template)
    copy['Versions'] = dict((int(number), dict(v['LaunchTemplateData'])) for number, v in template['Versions'].items())
    return copy

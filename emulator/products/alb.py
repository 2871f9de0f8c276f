"""ALB 2020-06-16: load balancers, server groups and their backends, listeners, asynchronous jobs and tags.

The API has no RegionId anywhere: the region is the x-emulator-region header (the endpoint's region in the cloud).
Every write but CreateLoadBalancer and the deletion-protection switches returns a JobId that stays ``Processing``
for the profile's delay and then ``Succeeded`` (ListAsynJobs); the resource shows the transition meanwhile
(load balancer ``Provisioning``/``Configuring`` -> ``Active``, server group ``Creating``/``Configuring`` ->
``Available``, listener ``Provisioning``/``Configuring`` -> ``Running``, backend ``Adding`` -> ``Available``).

Other products use these functions (``region`` may differ from the caller's):

* ``get_server_group(ctx, region, server_group_id)`` -> the ListServerGroups view plus ``Servers``, or None;
* ``add_backends(ctx, region, server_group_id, servers)`` with servers ``{ServerId, ServerType: 'Ecs', Port,
  Weight}`` (already present ones are left alone);
* ``remove_backends(ctx, region, server_group_id, server_ids)``.

ALB registers ``@dependent('cas.certificate')``: a certificate used by a listener cannot be deleted.
"""

import ipaddress
import random
import re

from emulator.core import ApiError, Context, Product, dependent, errors, jobs, pagination, tags

alb = Product('alb', '2020-06-16', 'alibabacloud_alb20200616', endpoint='alb.cn-hangzhou.aliyuncs.com')
alb.delay('lb_provisioning', fast=0.0, realistic=120.0)
alb.delay('lb_configuring', fast=0.0, realistic=15.0)
alb.delay('lb_deleting', fast=0.0, realistic=30.0)
alb.delay('servergroup_creating', fast=0.0, realistic=5.0)
alb.delay('servergroup_configuring', fast=0.0, realistic=5.0)
alb.delay('servergroup_deleting', fast=0.0, realistic=5.0)
alb.delay('backend_adding', fast=0.0, realistic=10.0)
alb.delay('backend_removing', fast=0.0, realistic=10.0)
alb.delay('listener_provisioning', fast=0.0, realistic=20.0)
alb.delay('listener_configuring', fast=0.0, realistic=10.0)
alb.delay('listener_deleting', fast=0.0, realistic=10.0)

LOAD_BALANCER = 'alb.loadbalancer'
SERVER_GROUP = 'alb.servergroup'
LISTENER = 'alb.listener'
# ResourceType of the tag and job APIs -> (kind, id field, not-found code).
RESOURCE_TYPES = {
    'loadbalancer': (LOAD_BALANCER, 'LoadBalancerId', 'ResourceNotFound.LoadBalancer'),
    'servergroup': (SERVER_GROUP, 'ServerGroupId', 'ResourceNotFound.ServerGroup'),
    'listener': (LISTENER, 'ListenerId', 'ResourceNotFound.Listener'),
    'acl': (None, 'AclId', 'ResourceNotFound.Acl'),
    'securitypolicy': (None, 'SecurityPolicyId', 'ResourceNotFound.SecurityPolicy'),
}
ADDRESS_TYPES = ('Internet', 'Intranet')
EDITIONS = ('Basic', 'Standard', 'StandardWithWaf')
LISTENER_PROTOCOLS = ('HTTP', 'HTTPS', 'QUIC')
SERVER_GROUP_PROTOCOLS = ('HTTP', 'HTTPS', 'gRPC')
SCHEDULERS = ('Wrr', 'Wlc', 'Sch', 'Uch')
STICKY_TYPES = ('Insert', 'Server')
HEALTH_CHECK_CODES = ('http_2xx', 'http_3xx', 'http_4xx', 'http_5xx')
NAME = re.compile(r'^[A-Za-z0-9\u4e00-\u9fa5][\w.\- \u4e00-\u9fa5]{1,127}$')
LOAD_BALANCERS_PER_REGION = 50
SERVER_GROUPS_PER_REGION = 200
LISTENERS_PER_LOAD_BALANCER = 50
DEFAULT_SECURITY_POLICY = 'tls_cipher_policy_1_0'
XFF_FLAGS = ('XForwardedForClientCertClientVerifyEnabled', 'XForwardedForClientCertFingerprintEnabled',
             'XForwardedForClientCertIssuerDNEnabled', 'XForwardedForClientCertSubjectDNEnabled',
             'XForwardedForClientSourceIpsEnabled', 'XForwardedForClientSrcPortEnabled', 'XForwardedForHostEnabled',
             'XForwardedForProtoEnabled', 'XForwardedForSLBIdEnabled', 'XForwardedForSLBPortEnabled')
XFF_TEXTS = ('XForwardedForClientCertClientVerifyAlias', 'XForwardedForClientCertFingerprintAlias',
             'XForwardedForClientCertIssuerDNAlias', 'XForwardedForClientCertSubjectDNAlias',
             'XForwardedForClientSourceIpsTrusted')


def _invalid(message):
    return ApiError('InvalidParameter', message)


def _in_region(ctx, region):
    return ctx if region == ctx.region else Context(ctx.emulator, region, now=ctx.now)


def _check_name(value, what):
    if value is not None and not NAME.match(value):
        raise _invalid('The %s must be 2 to 128 characters long and start with a letter, a digit or a Chinese '
                       'character.' % what)


def _one_of(value, allowed, name):
    if value is not None and value not in allowed:
        raise _invalid('The parameter %s must be one of %s.' % (name, ', '.join(allowed)))
    return value


def _within(value, low, high, name):
    if value is not None and not low <= value <= high:
        raise _invalid('The parameter %s must be between %d and %d.' % (name, low, high))
    return value


def _tag_pairs(params):
    pairs = params.tags()
    tags.validate(pairs)
    return pairs


# Lookups.

def _found(ctx, kind, resource_id, code, what):
    resource = ctx.get(kind, resource_id)
    if resource is None or not ctx.visible(resource):
        raise errors.not_found(code, 'The specified resource %s is not found.' % (resource_id or what))
    return resource


def _load_balancer(ctx, load_balancer_id):
    return _found(ctx, LOAD_BALANCER, load_balancer_id, 'ResourceNotFound.LoadBalancer', 'loadbalancer')


def _server_group(ctx, server_group_id):
    return _found(ctx, SERVER_GROUP, server_group_id, 'ResourceNotFound.ServerGroup', 'servergroup')


def _listener(ctx, listener_id):
    return _found(ctx, LISTENER, listener_id, 'ResourceNotFound.Listener', 'listener')


def _listeners_of(ctx, load_balancer_id):
    return ctx.list(LISTENER, lambda r: r['LoadBalancerId'] == load_balancer_id)


def _forwarded_groups(listener):
    return [t['ServerGroupId'] for a in listener['DefaultActions']
            for t in a['ForwardGroupConfig']['ServerGroupTuples']]


def _listeners_forwarding_to(ctx, server_group_id):
    return ctx.list(LISTENER, lambda r: server_group_id in _forwarded_groups(r))


# Status rules.

def _require_lb_active(resource):
    if resource['LoadBalancerStatus'] != 'Active' or resource.get('_deleting'):
        raise errors.incorrect_status('IncorrectStatus.LoadBalancer', 'The status of %s [%s] is incorrect.'
                                      % (resource['LoadBalancerId'], resource['LoadBalancerStatus']))


def _require_group_available(resource):
    if resource['ServerGroupStatus'] != 'Available' or resource.get('_deleting'):
        raise errors.incorrect_status('IncorrectStatus.ServerGroup', 'The status of servergroup [%s] is incorrect.'
                                      % resource['ServerGroupId'])


def _require_listener_settled(resource):
    if resource['ListenerStatus'] not in ('Running', 'Stopped') or resource.get('_deleting'):
        raise errors.incorrect_status('IncorrectStatus.Listener', 'The status of %s [%s] is incorrect.'
                                      % (resource['ListenerId'], resource['ListenerStatus']))


# Load balancers.

def _public_address(ctx):
    """A public address for an Internet-facing zone, drawn from an Alibaba Cloud (Hangzhou) block."""
    return str(ipaddress.ip_address(int(ipaddress.ip_address('47.96.0.0')) + random.randrange(1, 2 ** 16)))


def _zone_mappings(ctx, params):
    """Validated [(zone id, vSwitch)] of CreateLoadBalancer: two zones at least, one vSwitch per zone."""
    from emulator.products import vpc as vpc_product
    mappings = params.list_of('ZoneMappings')
    zones = [m['ZoneId'] for m in mappings]
    if len(set(zones)) != len(zones):
        raise ApiError('DuplicatedParam.ZoneId', 'The param of ZoneId is duplicated.')
    if len(ctx.region_info.zones) >= 2 and len(mappings) < 2:
        raise _invalid('At least two zones are required in a region that has two or more zones.')
    chosen = []
    for mapping in mappings:
        vswitch = vpc_product.find_vswitch(ctx, mapping['VSwitchId'])
        if vswitch is None or not ctx.visible(vswitch):
            raise errors.not_found('ResourceNotFound.VSwitch', 'The specified resource %s is not found.'
                                   % mapping['VSwitchId'])
        if vswitch['VpcId'] != params['VpcId']:
            raise ApiError('Mismatch.VpcId', 'The VpcId is mismatched for %s and %s.'
                           % (mapping['VSwitchId'], params['VpcId']))
        if vswitch['ZoneId'] != mapping['ZoneId']:
            raise ApiError('Mismatch.ZoneIdAndVSwitchId', 'The %s and %s are mismatched.'
                           % (mapping['ZoneId'], mapping['VSwitchId']))
        chosen.append((mapping, vswitch))
    return chosen


def _allocate_zone_addresses(ctx, load_balancer_id, chosen, address_type):
    from emulator.products import vpc as vpc_product
    zones = []
    for mapping, vswitch in chosen:
        wanted = mapping.get('IntranetAddress')
        try:
            if wanted is not None:
                wanted = str(ipaddress.IPv4Address(wanted))
        except ValueError:
            raise _invalid('The parameter ZoneMappings.N.IntranetAddress is not a valid IPv4 address.')
        try:
            private = vpc_product.allocate_address(ctx, vswitch, load_balancer_id, wanted)
        except (vpc_product.AddressesExhausted, vpc_product.AddressUnavailable):
            raise ApiError('ResourceNotEnough.VSwitchIp', 'The specified resource %s is not enough.'
                           % vswitch['VSwitchId'])
        zones.append({'ZoneId': mapping['ZoneId'], 'VSwitchId': vswitch['VSwitchId'], 'IntranetAddress': private,
                      'Address': _public_address(ctx) if address_type == 'Internet' else private,
                      'AllocationId': mapping.get('AllocationId', ''), 'EipType': mapping.get('EipType', 'Common')})
    return zones


@alb.action('CreateLoadBalancer')
def create_load_balancer(ctx, params):
    from emulator.products import vpc as vpc_product
    _check_name(params.get('LoadBalancerName'), 'load balancer name')
    address_type = _one_of(params['AddressType'], ADDRESS_TYPES, 'AddressType')
    _one_of(params['LoadBalancerEdition'], EDITIONS, 'LoadBalancerEdition')
    _one_of(params['LoadBalancerBillingConfig'].get('PayType'), ('PostPay',), 'LoadBalancerBillingConfig.PayType')
    _one_of(params.get('AddressAllocatedMode'), ('Fixed', 'Dynamic'), 'AddressAllocatedMode')
    _one_of(params.get('AddressIpVersion'), ('IPv4', 'DualStack'), 'AddressIpVersion')
    pairs = _tag_pairs(params)
    parent = vpc_product.find_vpc(ctx, params['VpcId'])
    if parent is None or not ctx.visible(parent):
        raise errors.not_found('ResourceNotFound.Vpc', 'The specified resource %s is not found.' % params['VpcId'])
    chosen = _zone_mappings(ctx, params)
    if len(ctx.list(LOAD_BALANCER)) >= ctx.quota('alb.load_balancers_per_region', LOAD_BALANCERS_PER_REGION):
        raise ApiError('QuotaExceeded.LoadBalancersNum', 'The quota of LoadBalancersNum is exceeded.')
    load_balancer_id = ctx.new_id('alb', 18, regional=False)
    protection = params.flag('DeletionProtectionEnabled')
    modification = params.get('ModificationProtectionConfig') or {}
    resource = ctx.add(LOAD_BALANCER, load_balancer_id, {
        'LoadBalancerId': load_balancer_id, 'LoadBalancerName': params.get('LoadBalancerName', ''),
        'VpcId': params['VpcId'], 'AddressType': address_type, 'LoadBalancerEdition': params['LoadBalancerEdition'],
        'AddressAllocatedMode': params.text('AddressAllocatedMode', 'Fixed'),
        'AddressIpVersion': params.text('AddressIpVersion', 'IPv4'),
        'PayType': 'PostPay', 'BandwidthPackageId': params['LoadBalancerBillingConfig'].get('BandwidthPackageId', ''),
        'LoadBalancerStatus': 'Provisioning', 'CreateTime': ctx.iso(),
        'DNSName': '%s.%s.alb.aliyuncs.com' % (load_balancer_id, ctx.region),
        'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']),
        'DeletionProtection': {'Enabled': protection, 'EnabledTime': ctx.iso() if protection else ''},
        'ModificationProtection': {'Status': modification.get('Status', 'NonProtection'),
                                   'Reason': modification.get('Reason', '')},
        'SecurityGroupIds': params.list_of('SecurityGroupIds'),
        'Zones': _allocate_zone_addresses(ctx, load_balancer_id, chosen, address_type),
    })
    tags.set_tags(resource, pairs)
    ctx.update_later(LOAD_BALANCER, load_balancer_id, ctx.delay('alb.lb_provisioning'), LoadBalancerStatus='Active')
    return {'LoadBalancerId': load_balancer_id}


def _zone_view(resource, zone):
    address = {'Address': zone['Address'], 'IntranetAddress': zone['IntranetAddress'],
               'AllocationId': zone['AllocationId'], 'EipType': zone['EipType'], 'Ipv4LocalAddresses': [],
               'Ipv6LocalAddresses': []}
    active = resource['LoadBalancerStatus'] != 'Provisioning'
    if active:
        address['IntranetAddressHcStatus'] = 'Healthy'
    return {'ZoneId': zone['ZoneId'], 'VSwitchId': zone['VSwitchId'], 'Status': 'Active' if active else 'Starting',
            'LoadBalancerAddresses': [address]}


def _load_balancer_view(resource):
    return {
        'LoadBalancerId': resource['LoadBalancerId'], 'LoadBalancerName': resource['LoadBalancerName'],
        'LoadBalancerStatus': resource['LoadBalancerStatus'], 'LoadBalancerBussinessStatus': 'Normal',
        'LoadBalancerEdition': resource['LoadBalancerEdition'], 'AddressType': resource['AddressType'],
        'AddressAllocatedMode': resource['AddressAllocatedMode'], 'AddressIpVersion': resource['AddressIpVersion'],
        'DNSName': resource['DNSName'], 'VpcId': resource['VpcId'], 'CreateTime': resource['CreateTime'],
        'ResourceGroupId': resource['ResourceGroupId'], 'BandwidthPackageId': resource['BandwidthPackageId'],
        'LoadBalancerBillingConfig': {'PayType': resource['PayType']},
        'DeletionProtectionConfig': dict(resource['DeletionProtection']),
        'ModificationProtectionConfig': dict(resource['ModificationProtection']),
        'LoadBalancerOperationLocks': [], 'SecurityGroupIds': list(resource['SecurityGroupIds']),
        'AccessLogConfig': {'LogProject': '', 'LogStore': ''},
        'Tags': tags.as_list(resource),
    }


@alb.action('GetLoadBalancerAttribute')
def get_load_balancer_attribute(ctx, params):
    resource = _load_balancer(ctx, params['LoadBalancerId'])
    view = _load_balancer_view(resource)
    view.update(RegionId=ctx.region, ZoneMappings=[_zone_view(resource, z) for z in resource['Zones']])
    return view


def _load_balancer_filter(params):
    wanted_ids = params.list_of('LoadBalancerIds')
    names = params.list_of('LoadBalancerNames')
    vpc_ids = params.list_of('VpcIds')
    if len(wanted_ids) > 20 or len(names) > 10 or len(vpc_ids) > 10:
        raise _invalid('Too many values in a list filter.')
    exact = dict((name, params.text(name)) for name in ('LoadBalancerStatus', 'AddressType', 'ResourceGroupId',
                                                        'AddressIpVersion', 'DNSName', 'PayType'))
    zone = params.text('ZoneId')
    business = params.text('LoadBalancerBussinessStatus')
    tag_filters = params.tags()

    def wanted(resource):
        return ((not wanted_ids or resource['LoadBalancerId'] in wanted_ids)
                and (not names or resource['LoadBalancerName'] in names)
                and (not vpc_ids or resource['VpcId'] in vpc_ids)
                and all(value is None or resource[name] == value for name, value in exact.items())
                and (zone is None or zone in [z['ZoneId'] for z in resource['Zones']])
                and business in (None, 'Normal')
                and tags.matches(resource, tag_filters))
    return wanted


def _token_page(params, items):
    """A NextToken/MaxResults page (1-100, default 20) of ``items``, bound to the request's filters."""
    query = dict((k, v) for k, v in params.items() if k not in ('NextToken', 'MaxResults'))
    page, next_token, maximum = pagination.by_token(params, items, query=query, default_max=20, max_max=100)
    return page, {'NextToken': next_token, 'MaxResults': maximum, 'TotalCount': len(items)}


@alb.action('ListLoadBalancers')
def list_load_balancers(ctx, params):
    page, meta = _token_page(params, ctx.listed(LOAD_BALANCER, _load_balancer_filter(params)))
    return dict(meta, LoadBalancers=[_load_balancer_view(r) for r in page])


def _configure_load_balancer(ctx, resource, api_name):
    """Mark the load balancer Configuring for the profile's delay; the returned job brings it back to Active."""
    resource['LoadBalancerStatus'] = 'Configuring'
    return ctx.start_job(api_name, 'loadbalancer', resource['LoadBalancerId'], ctx.delay('alb.lb_configuring'),
                         'Update', then='alb.load_balancer_configured', load_balancer_id=resource['LoadBalancerId'])


@alb.event('load_balancer_configured')
def _load_balancer_configured(ctx, load_balancer_id):
    resource = ctx.get(LOAD_BALANCER, load_balancer_id)
    if resource is not None and resource['LoadBalancerStatus'] == 'Configuring':
        resource['LoadBalancerStatus'] = 'Active'


@alb.action('UpdateLoadBalancerAttribute')
def update_load_balancer_attribute(ctx, params):
    resource = _load_balancer(ctx, params['LoadBalancerId'])
    _check_name(params.get('LoadBalancerName'), 'load balancer name')
    modification = params.get('ModificationProtectionConfig')
    if modification is not None:
        _one_of(modification.get('Status'), ('NonProtection', 'ConsoleProtection'),
                'ModificationProtectionConfig.Status')
    _require_lb_active(resource)
    if params.get('LoadBalancerName') is not None:
        resource['LoadBalancerName'] = params['LoadBalancerName']
    if modification is not None:
        status = modification.get('Status', resource['ModificationProtection']['Status'])
        reason = modification.get('Reason', '') if status == 'ConsoleProtection' else ''
        resource['ModificationProtection'] = {'Status': status, 'Reason': reason}
    return {'JobId': _configure_load_balancer(ctx, resource, 'UpdateLoadBalancerAttribute')}


def _set_deletion_protection(ctx, params, enabled):
    resource = _load_balancer(ctx, params['ResourceId'])
    _require_lb_active(resource)
    resource['DeletionProtection'] = {'Enabled': enabled, 'EnabledTime': ctx.iso() if enabled else ''}
    return {}


@alb.action('EnableDeletionProtection')
def enable_deletion_protection(ctx, params):
    return _set_deletion_protection(ctx, params, True)


@alb.action('DisableDeletionProtection')
def disable_deletion_protection(ctx, params):
    return _set_deletion_protection(ctx, params, False)


@alb.action('DeleteLoadBalancer')
def delete_load_balancer(ctx, params):
    resource = _load_balancer(ctx, params['LoadBalancerId'])
    if resource['DeletionProtection']['Enabled']:
        raise ApiError('OperationDenied.DeletionProtectionEnabled',
                       'The operation is not allowed because of DeletionProtectionEnabled.')
    _require_lb_active(resource)
    resource['_deleting'] = True
    job_id = ctx.start_job('DeleteLoadBalancer', 'loadbalancer', resource['LoadBalancerId'],
                           ctx.delay('alb.lb_deleting'), 'Delete', then='alb.load_balancer_deleted',
                           load_balancer_id=resource['LoadBalancerId'])
    return {'JobId': job_id}


@alb.event('load_balancer_deleted')
def _load_balancer_deleted(ctx, load_balancer_id):
    """The load balancer goes with its listeners; its private addresses return to the vSwitches."""
    from emulator.products import vpc as vpc_product
    resource = ctx.get(LOAD_BALANCER, load_balancer_id)
    if resource is None:
        return
    for listener in _listeners_of(ctx, load_balancer_id):
        ctx.remove(LISTENER, listener['ListenerId'])
    for zone in resource['Zones']:
        vpc_product.release_address(ctx, zone['VSwitchId'], zone['IntranetAddress'])
    ctx.remove(LOAD_BALANCER, load_balancer_id)


# Server groups.

HEALTH_CHECK_DEFAULTS = {
    'HealthCheckEnabled': True, 'HealthCheckProtocol': 'HTTP', 'HealthCheckPath': '/', 'HealthCheckMethod': 'HEAD',
    'HealthCheckCodes': ['http_2xx', 'http_3xx'], 'HealthCheckConnectPort': 0, 'HealthCheckHost': '',
    'HealthCheckHttpVersion': 'HTTP1.1', 'HealthCheckInterval': 2, 'HealthCheckTimeout': 5, 'HealthyThreshold': 3,
    'UnhealthyThreshold': 3,
}
STICKY_DEFAULTS = {'StickySessionEnabled': False, 'StickySessionType': 'Insert', 'CookieTimeout': 1000, 'Cookie': ''}


def _health_check(current, given):
    merged = dict(current)
    merged.update((k, v) for k, v in (given or {}).items() if v is not None)
    _one_of(merged['HealthCheckProtocol'], ('HTTP', 'HTTPS', 'TCP', 'gRPC'), 'HealthCheckConfig.HealthCheckProtocol')
    _one_of(merged['HealthCheckMethod'], ('GET', 'POST', 'HEAD'), 'HealthCheckConfig.HealthCheckMethod')
    _one_of(merged['HealthCheckHttpVersion'], ('HTTP1.0', 'HTTP1.1'), 'HealthCheckConfig.HealthCheckHttpVersion')
    for code in merged['HealthCheckCodes']:
        _one_of(code, HEALTH_CHECK_CODES, 'HealthCheckConfig.HealthCheckCodes')
    _within(merged['HealthCheckConnectPort'], 0, 65535, 'HealthCheckConfig.HealthCheckConnectPort')
    _within(merged['HealthCheckInterval'], 1, 50, 'HealthCheckConfig.HealthCheckInterval')
    _within(merged['HealthCheckTimeout'], 1, 300, 'HealthCheckConfig.HealthCheckTimeout')
    _within(merged['HealthyThreshold'], 2, 10, 'HealthCheckConfig.HealthyThreshold')
    _within(merged['UnhealthyThreshold'], 2, 10, 'HealthCheckConfig.UnhealthyThreshold')
    path = merged['HealthCheckPath']
    if not path.startswith('/') or len(path) > 80:
        raise _invalid('The parameter HealthCheckConfig.HealthCheckPath must start with / and be 1 to 80 '
                       'characters long.')
    return merged


def _sticky_session(current, given):
    merged = dict(current)
    merged.update((k, v) for k, v in (given or {}).items() if v is not None)
    _one_of(merged['StickySessionType'], STICKY_TYPES, 'StickySessionConfig.StickySessionType')
    _within(merged['CookieTimeout'], 1, 86400, 'StickySessionConfig.CookieTimeout')
    if merged['StickySessionEnabled'] and merged['StickySessionType'] == 'Server' and not merged['Cookie']:
        raise _invalid('The parameter StickySessionConfig.Cookie is required when StickySessionType is Server.')
    return merged


@alb.action('CreateServerGroup')
def create_server_group(ctx, params):
    from emulator.products import vpc as vpc_product
    _check_name(params['ServerGroupName'], 'server group name')
    group_type = _one_of(params.text('ServerGroupType', 'Instance'), ('Instance', 'Ip'), 'ServerGroupType')
    protocol = _one_of(params.text('Protocol', 'HTTP'), SERVER_GROUP_PROTOCOLS, 'Protocol')
    scheduler = _one_of(params.text('Scheduler', 'Wrr'), SCHEDULERS, 'Scheduler')
    health = _health_check(HEALTH_CHECK_DEFAULTS, params['HealthCheckConfig'])
    sticky = _sticky_session(STICKY_DEFAULTS, params.get('StickySessionConfig'))
    pairs = _tag_pairs(params)
    vpc_id = params.text('VpcId')
    if vpc_id is None:
        raise errors.missing('VpcId')
    parent = vpc_product.find_vpc(ctx, vpc_id)
    if parent is None or not ctx.visible(parent):
        raise errors.not_found('ResourceNotFound.Vpc', 'The specified resource %s is not found.' % vpc_id)
    if len(ctx.list(SERVER_GROUP)) >= ctx.quota('alb.server_groups_per_region', SERVER_GROUPS_PER_REGION):
        raise ApiError('QuotaExceeded.ServerGroupsNum', 'The quota of ServerGroupsNum is exceeded.')
    server_group_id = ctx.new_id('sgp', 18, regional=False)
    drain = params.get('ConnectionDrainConfig') or {}
    slow = params.get('SlowStartConfig') or {}
    resource = ctx.add(SERVER_GROUP, server_group_id, {
        'ServerGroupId': server_group_id, 'ServerGroupName': params['ServerGroupName'], 'ServerGroupType': group_type,
        'ServerGroupStatus': 'Creating', 'Protocol': protocol, 'Scheduler': scheduler, 'VpcId': vpc_id,
        'HealthCheckConfig': health, 'StickySessionConfig': sticky, 'CreateTime': ctx.iso(),
        'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']),
        'CrossZoneEnabled': params.flag('CrossZoneEnabled', True),
        'UpstreamKeepaliveEnabled': params.flag('UpstreamKeepaliveEnabled'),
        'ConnectionDrainConfig': {'ConnectionDrainEnabled': bool(drain.get('ConnectionDrainEnabled', False)),
                                  'ConnectionDrainTimeout': drain.get('ConnectionDrainTimeout', 300)},
        'SlowStartConfig': {'SlowStartEnabled': bool(slow.get('SlowStartEnabled', False)),
                            'SlowStartDuration': slow.get('SlowStartDuration', 30)},
        'Servers': [],
    })
    tags.set_tags(resource, pairs)
    job_id = ctx.start_job('CreateServerGroup', 'servergroup', server_group_id, ctx.delay('alb.servergroup_creating'),
                           'Create', then='alb.server_group_settled', server_group_id=server_group_id)
    return {'ServerGroupId': server_group_id, 'JobId': job_id}


@alb.event('server_group_settled')
def _server_group_settled(ctx, server_group_id):
    resource = ctx.get(SERVER_GROUP, server_group_id)
    if resource is not None and resource['ServerGroupStatus'] in ('Creating', 'Configuring'):
        resource['ServerGroupStatus'] = 'Available'


def _configure_server_group(ctx, resource, api_name, delay_key='alb.servergroup_configuring', then=None, **args):
    resource['ServerGroupStatus'] = 'Configuring'
    then_args = dict(args, server_group_id=resource['ServerGroupId'])
    return ctx.start_job(api_name, 'servergroup', resource['ServerGroupId'], ctx.delay(delay_key), 'Update',
                         then=then or 'alb.server_group_settled', **then_args)


def _released(ctx, server):
    """True for an ECS backend whose instance is gone or being released."""
    if server['ServerType'] != 'Ecs':
        return False
    instance = _instance(ctx, server['ServerId'])
    return instance is None or instance.get('Releasing', False)


def _prune_released_backends(ctx, resource):
    """The cloud drops a released ECS instance from its server groups."""
    resource['Servers'] = [s for s in resource['Servers'] if not _released(ctx, s)]


def _related_load_balancers(ctx, server_group_id):
    return sorted(set(listener['LoadBalancerId'] for listener in _listeners_forwarding_to(ctx, server_group_id)))


def _server_group_view(ctx, resource):
    _prune_released_backends(ctx, resource)
    return {
        'ServerGroupId': resource['ServerGroupId'], 'ServerGroupName': resource['ServerGroupName'],
        'ServerGroupType': resource['ServerGroupType'], 'ServerGroupStatus': resource['ServerGroupStatus'],
        'Protocol': resource['Protocol'], 'Scheduler': resource['Scheduler'], 'VpcId': resource['VpcId'],
        'HealthCheckConfig': dict(resource['HealthCheckConfig']),
        'StickySessionConfig': dict(resource['StickySessionConfig']),
        'ConnectionDrainConfig': dict(resource['ConnectionDrainConfig']),
        'SlowStartConfig': dict(resource['SlowStartConfig']), 'CrossZoneEnabled': resource['CrossZoneEnabled'],
        'UpstreamKeepaliveEnabled': resource['UpstreamKeepaliveEnabled'], 'ConfigManagedEnabled': False,
        'Ipv6Enabled': False, 'CreateTime': resource['CreateTime'], 'ResourceGroupId': resource['ResourceGroupId'],
        'ServerCount': len(resource['Servers']),
        'RelatedLoadBalancerIds': _related_load_balancers(ctx, resource['ServerGroupId']),
        'Tags': tags.as_list(resource),
    }


def _server_group_filter(params):
    wanted_ids = params.list_of('ServerGroupIds')
    names = params.list_of('ServerGroupNames')
    if len(names) > 10:
        raise _invalid('You can specify up to 10 server group names.')
    exact = dict((name, params.text(name)) for name in ('ServerGroupType', 'VpcId', 'ResourceGroupId'))
    tag_filters = params.tags()

    def wanted(resource):
        return ((not wanted_ids or resource['ServerGroupId'] in wanted_ids)
                and (not names or resource['ServerGroupName'] in names)
                and all(value is None or resource[name] == value for name, value in exact.items())
                and tags.matches(resource, tag_filters))
    return wanted


@alb.action('ListServerGroups')
def list_server_groups(ctx, params):
    page, meta = _token_page(params, ctx.listed(SERVER_GROUP, _server_group_filter(params)))
    return dict(meta, ServerGroups=[_server_group_view(ctx, r) for r in page])


@alb.action('UpdateServerGroupAttribute')
def update_server_group_attribute(ctx, params):
    resource = _server_group(ctx, params['ServerGroupId'])
    if params.get('ServerGroupName') is not None:
        _check_name(params['ServerGroupName'], 'server group name')
    scheduler = _one_of(params.text('Scheduler'), SCHEDULERS, 'Scheduler')
    health = _health_check(resource['HealthCheckConfig'], params.get('HealthCheckConfig'))
    sticky = _sticky_session(resource['StickySessionConfig'], params.get('StickySessionConfig'))
    _require_group_available(resource)
    resource.update(HealthCheckConfig=health, StickySessionConfig=sticky)
    if scheduler is not None:
        resource['Scheduler'] = scheduler
    if params.get('ServerGroupName') is not None:
        resource['ServerGroupName'] = params['ServerGroupName']
    for flag in ('CrossZoneEnabled', 'UpstreamKeepaliveEnabled'):
        if params.get(flag) is not None:
            resource[flag] = params[flag]
    for name in ('ConnectionDrainConfig', 'SlowStartConfig'):
        resource[name].update((k, v) for k, v in (params.get(name) or {}).items() if v is not None)
    return {'JobId': _configure_server_group(ctx, resource, 'UpdateServerGroupAttribute')}


@alb.action('DeleteServerGroup')
def delete_server_group(ctx, params):
    resource = _server_group(ctx, params['ServerGroupId'])
    if _listeners_forwarding_to(ctx, resource['ServerGroupId']):
        raise ApiError('ResourceInUse.ServerGroup', 'The specified resource %s is in use.' % resource['ServerGroupId'])
    ctx.check_dependents(SERVER_GROUP, resource)
    _require_group_available(resource)
    resource['_deleting'] = True
    job_id = ctx.start_job('DeleteServerGroup', 'servergroup', resource['ServerGroupId'],
                           ctx.delay('alb.servergroup_deleting'), 'Delete', then='alb.server_group_deleted',
                           server_group_id=resource['ServerGroupId'])
    return {'JobId': job_id}


@alb.event('server_group_deleted')
def _server_group_deleted(ctx, server_group_id):
    ctx.remove(SERVER_GROUP, server_group_id)


# Backend servers.

def _instance(ctx, instance_id):
    """The ECS instance (the ECS product's copy, with ``Status``, ``VpcId``, ``PrivateIpAddress``...) or None."""
    from emulator.products import ecs as ecs_product
    return ecs_product.get_instance(ctx, ctx.region, instance_id)


def _backend(ctx, group, server):
    """A stored backend for one Servers.N entry of AddServersToServerGroup."""
    server_type = server['ServerType']
    expected = 'Ecs' if group['ServerGroupType'] == 'Instance' else 'Ip'
    if server_type != expected:
        raise ApiError('Mismatch.ServerType', 'The ServerType is mismatched for %s and %s.'
                       % (server_type, group['ServerGroupType']))
    if server.get('Port') is None:
        raise ApiError('MissingParameter', 'The input parameter "Servers.N.Port" that is mandatory for processing '
                                           'this request is not supplied.')
    _within(server['Port'], 1, 65535, 'Servers.N.Port')
    weight = _within(server.get('Weight', 100), 0, 100, 'Servers.N.Weight')
    if server_type == 'Ecs':
        instance = _instance(ctx, server['ServerId'])
        if instance is None:
            raise errors.not_found('ResourceNotFound.Ecs', 'The specified resource %s is not found.'
                                   % server['ServerId'])
        if instance['VpcId'] != group['VpcId']:
            raise ApiError('Mismatch.VpcId', 'The VpcId is mismatched for %s and %s.'
                           % (server['ServerId'], group['ServerGroupId']))
        address = instance['PrivateIpAddress']
    else:
        try:
            address = str(ipaddress.ip_address(server['ServerId']))
        except ValueError:
            raise ApiError('IllegalParam.ServerIp', 'The param of ServerIp is illegal.')
    return {'ServerId': server['ServerId'], 'ServerType': server_type, 'Port': server['Port'], 'Weight': weight,
            'ServerIp': address, 'Description': server.get('Description', ''),
            'RemoteIpEnabled': bool(server.get('RemoteIpEnabled', False)), 'Status': 'Adding'}


def _same_backend(stored, server):
    return stored['ServerId'] == server['ServerId'] and stored['Port'] == server.get('Port')


def _add_servers(ctx, group, servers, api_name, from_cloud=False):
    """Add backends; ``from_cloud`` (another product attaching) skips present ones and waits for no status."""
    keys = [(s['ServerId'], s.get('Port')) for s in servers]
    if len(set(keys)) != len(keys):
        raise ApiError('DuplicatedParam.BackendServer', 'The param of BackendServer is duplicated.')
    added = []
    for server in servers:
        if any(_same_backend(stored, server) for stored in group['Servers']):
            if from_cloud:
                continue
            raise ApiError('Conflict.BackendServer', 'There is already %s having the same configuration with %s.'
                           % (server['ServerId'], server['ServerId']))
        added.append(_backend(ctx, group, server))
    if not from_cloud:
        _require_group_available(group)
    group['Servers'].extend(added)
    return _configure_server_group(ctx, group, api_name, 'alb.backend_adding', then='alb.backends_settled')


@alb.event('backends_settled')
def _backends_settled(ctx, server_group_id):
    """Adding backends become Available, Removing ones leave, and the group is Available again."""
    group = ctx.get(SERVER_GROUP, server_group_id)
    if group is None:
        return
    group['Servers'] = [dict(s, Status='Available') for s in group['Servers'] if s['Status'] != 'Removing']
    _server_group_settled(ctx, server_group_id)


@alb.action('AddServersToServerGroup')
def add_servers_to_server_group(ctx, params):
    group = _server_group(ctx, params['ServerGroupId'])
    servers = params.list_of('Servers')
    if len(servers) > 200:
        raise _invalid('You can add up to 200 servers in a call.')
    return {'JobId': _add_servers(ctx, group, servers, 'AddServersToServerGroup')}


def _remove_servers(ctx, group, matches, api_name):
    for server in group['Servers']:
        if matches(server):
            server['Status'] = 'Removing'
    return _configure_server_group(ctx, group, api_name, 'alb.backend_removing', then='alb.backends_settled')


@alb.action('RemoveServersFromServerGroup')
def remove_servers_from_server_group(ctx, params):
    group = _server_group(ctx, params['ServerGroupId'])
    _prune_released_backends(ctx, group)
    wanted = params.list_of('Servers')
    for server in wanted:
        if not any(_same_backend(stored, server) or (server.get('Port') is None
                                                     and stored['ServerId'] == server['ServerId'])
                   for stored in group['Servers']):
            raise errors.not_found('ResourceNotFound.BackendServer', 'The specified resource %s is not found.'
                                   % server['ServerId'])
    _require_group_available(group)

    def matches(stored):
        return any(stored['ServerId'] == s['ServerId'] and s.get('Port') in (None, stored['Port']) for s in wanted)
    return {'JobId': _remove_servers(ctx, group, matches, 'RemoveServersFromServerGroup')}


def _server_view(group, server):
    view = dict((k, server[k]) for k in ('ServerId', 'ServerType', 'Port', 'Weight', 'ServerIp', 'Description',
                                         'RemoteIpEnabled', 'Status'))
    view['ServerGroupId'] = group['ServerGroupId']
    return view


@alb.action('ListServerGroupServers')
def list_server_group_servers(ctx, params):
    server_ids = params.list_of('ServerIds')
    tag_filters = params.tags()
    group_id = params.text('ServerGroupId')
    groups = [_server_group(ctx, group_id)] if group_id else ctx.listed(SERVER_GROUP)
    rows = []
    for group in groups:
        _prune_released_backends(ctx, group)
        if not tags.matches(group, tag_filters):
            continue
        rows.extend(_server_view(group, s) for s in group['Servers'] if not server_ids or s['ServerId'] in server_ids)
    page, meta = _token_page(params, rows)
    return dict(meta, Servers=page)


# Listeners.

XFF_DEFAULTS = dict([(name, False) for name in XFF_FLAGS] + [(name, '') for name in XFF_TEXTS]
                    + [('XForwardedForEnabled', True), ('XForwardedForProcessingMode', 'append')])


def _forward_actions(ctx, load_balancer, listener_protocol, actions):
    """Validated DefaultActions: one ForwardGroup action to existing server groups of the load balancer's VPC."""
    if len(actions) != 1 or actions[0].get('Type') != 'ForwardGroup':
        raise _invalid('DefaultActions must hold exactly one action of Type ForwardGroup.')
    tuples = (actions[0].get('ForwardGroupConfig') or {}).get('ServerGroupTuples') or []
    if not tuples:
        raise errors.missing('DefaultActions.1.ForwardGroupConfig.ServerGroupTuples')
    for entry in tuples:
        group = _server_group(ctx, entry['ServerGroupId'])
        if group['VpcId'] != load_balancer['VpcId']:
            raise ApiError('Mismatch.VpcId', 'The VpcId is mismatched for %s and %s.'
                           % (group['ServerGroupId'], load_balancer['LoadBalancerId']))
        if listener_protocol == 'HTTP' and group['Protocol'] != 'HTTP':
            raise ApiError('OperationDenied.ServerGroupProtocolNotSupport',
                           'The operation is not allowed because of ServerGroupProtocolNotSupport.')
    return [{'Type': 'ForwardGroup', 'ForwardGroupConfig': {
        'ServerGroupTuples': [{'ServerGroupId': t['ServerGroupId']} for t in tuples]}}]


def _certificates(ctx, protocol, certificates):
    """The default certificate of an HTTPS/QUIC listener: '<CertId>-<region>' of an uploaded CAS certificate."""
    from emulator.products import cas as cas_product
    if protocol == 'HTTP':
        return []
    ids_given = [c.get('CertificateId') for c in certificates if c.get('CertificateId')]
    if not ids_given:
        raise _invalid('Certificates is required for %s listeners.' % protocol)
    if len(ids_given) > 1:
        raise _invalid('Only one default certificate can be specified.')
    if cas_product.find_certificate(ctx, ids_given[0]) is None:
        raise errors.not_found('ResourceNotFound.Certificate', 'The specified resource %s is not found.'
                               % ids_given[0])
    return [{'CertificateId': ids_given[0]}]


def _timeouts(params, current):
    values = dict(current)
    if params.get('IdleTimeout') is not None:
        values['IdleTimeout'] = _within(params['IdleTimeout'], 1, 600, 'IdleTimeout')
    if params.get('RequestTimeout') is not None:
        values['RequestTimeout'] = _within(params['RequestTimeout'], 1, 600, 'RequestTimeout')
    return values


def _forwarded_for(current, given, protocol):
    merged = dict(current)
    merged.update((k, v) for k, v in (given or {}).items() if v is not None)
    _one_of(merged['XForwardedForProcessingMode'], ('append', 'remove'), 'XForwardedForConfig.ProcessingMode')
    if protocol == 'HTTP' and any(merged[name] for name in XFF_FLAGS if name.startswith('XForwardedForClientCert')):
        raise _invalid('Client certificate headers are supported by HTTPS listeners only.')
    return merged


@alb.action('CreateListener')
def create_listener(ctx, params):
    load_balancer = _load_balancer(ctx, params['LoadBalancerId'])
    protocol = _one_of(params['ListenerProtocol'], LISTENER_PROTOCOLS, 'ListenerProtocol')
    port = _within(params['ListenerPort'], 1, 65535, 'ListenerPort')
    if params.get('ListenerDescription') is not None and not 2 <= len(params['ListenerDescription']) <= 256:
        raise _invalid('The listener description must be 2 to 256 characters long.')
    pairs = _tag_pairs(params)
    actions = _forward_actions(ctx, load_balancer, protocol, params['DefaultActions'])
    certificates = _certificates(ctx, protocol, params.list_of('Certificates'))
    timeouts = _timeouts(params, {'IdleTimeout': 15, 'RequestTimeout': 60})
    forwarded_for = _forwarded_for(XFF_DEFAULTS, params.get('XForwardedForConfig'), protocol)
    siblings = _listeners_of(ctx, load_balancer['LoadBalancerId'])
    # QUIC listens on UDP, so it may share a port with an HTTP or HTTPS listener.
    if any(s['ListenerPort'] == port and (s['ListenerProtocol'] == 'QUIC') == (protocol == 'QUIC') for s in siblings):
        raise ApiError('ResourceAlreadyExist.Listener', 'The specified resource %s:%d is already exist.'
                       % (load_balancer['LoadBalancerId'], port))
    if len(siblings) >= ctx.quota('alb.listeners_per_load_balancer', LISTENERS_PER_LOAD_BALANCER):
        raise ApiError('ResourceQuotaExceeded.LoadBalancerListenersNum',
                       'The quota of LoadBalancerListenersNum is exceeded for resource %s.'
                       % load_balancer['LoadBalancerId'])
    _require_lb_active(load_balancer)
    secure = protocol != 'HTTP'
    listener_id = ctx.new_id('lsn', 18, regional=False)
    resource = ctx.add(LISTENER, listener_id, dict(timeouts, **{
        'ListenerId': listener_id, 'LoadBalancerId': load_balancer['LoadBalancerId'], 'ListenerProtocol': protocol,
        'ListenerPort': port, 'ListenerStatus': 'Provisioning', 'ListenerDescription': params.get(
            'ListenerDescription', ''),
        'DefaultActions': actions, 'Certificates': certificates, 'XForwardedForConfig': forwarded_for,
        'GzipEnabled': params.flag('GzipEnabled', True), 'Http2Enabled': params.flag('Http2Enabled', True) and secure,
        'SecurityPolicyId': params.text('SecurityPolicyId', DEFAULT_SECURITY_POLICY) if secure else '',
        'CaEnabled': params.flag('CaEnabled'), 'AdditionalCertificates': [], '_target_status': 'Running',
    }))
    tags.set_tags(resource, pairs)
    job_id = ctx.start_job('CreateListener', 'listener', listener_id, ctx.delay('alb.listener_provisioning'),
                           'Create', then='alb.listener_settled', listener_id=listener_id)
    return {'ListenerId': listener_id, 'JobId': job_id}


@alb.event('listener_settled')
def _listener_settled(ctx, listener_id):
    """The listener reaches its target status; associating certificates are associated, dissociating ones go."""
    resource = ctx.get(LISTENER, listener_id)
    if resource is not None:
        resource['ListenerStatus'] = resource.pop('_target_status', 'Running')
        resource['AdditionalCertificates'] = [dict(c, Status='Associated') for c in resource['AdditionalCertificates']
                                              if c['Status'] != 'Dissociating']


def _listener_view(resource):
    return {
        'ListenerId': resource['ListenerId'], 'LoadBalancerId': resource['LoadBalancerId'],
        'ListenerProtocol': resource['ListenerProtocol'], 'ListenerPort': resource['ListenerPort'],
        'ListenerStatus': resource['ListenerStatus'], 'ListenerDescription': resource['ListenerDescription'],
        'DefaultActions': [{'Type': a['Type'], 'ForwardGroupConfig': {'ServerGroupTuples': [
            dict(t) for t in a['ForwardGroupConfig']['ServerGroupTuples']]}} for a in resource['DefaultActions']],
        'IdleTimeout': resource['IdleTimeout'], 'RequestTimeout': resource['RequestTimeout'],
        'GzipEnabled': resource['GzipEnabled'], 'Http2Enabled': resource['Http2Enabled'],
        'SecurityPolicyId': resource['SecurityPolicyId'],
        'XForwardedForConfig': dict(resource['XForwardedForConfig']),
        'QuicConfig': {'QuicUpgradeEnabled': False, 'QuicListenerId': ''},
        'LogConfig': {'AccessLogRecordCustomizedHeadersEnabled': False,
                      'AccessLogTracingConfig': {'TracingEnabled': False, 'TracingSample': 0, 'TracingType': ''}},
        'Tags': tags.as_list(resource),
    }


@alb.action('GetListenerAttribute')
def get_listener_attribute(ctx, params):
    resource = _listener(ctx, params['ListenerId'])
    view = _listener_view(resource)
    view.update(Certificates=[dict(c) for c in resource['Certificates']], CaCertificates=[],
                CaEnabled=resource['CaEnabled'], AclConfig={'AclType': '', 'AclRelations': []})
    return view


def _listener_filter(params):
    load_balancer_ids = params.list_of('LoadBalancerIds')
    listener_ids = params.list_of('ListenerIds')
    protocol = params.text('ListenerProtocol')
    tag_filters = params.tags()

    def wanted(resource):
        return ((not load_balancer_ids or resource['LoadBalancerId'] in load_balancer_ids)
                and (not listener_ids or resource['ListenerId'] in listener_ids)
                and (protocol is None or resource['ListenerProtocol'] == protocol)
                and tags.matches(resource, tag_filters))
    return wanted


@alb.action('ListListeners')
def list_listeners(ctx, params):
    page, meta = _token_page(params, ctx.listed(LISTENER, _listener_filter(params)))
    return dict(meta, Listeners=[_listener_view(r) for r in page])


def _configure_listener(ctx, resource, api_name, delay_key, operate_type, target_status):
    resource['_target_status'] = target_status
    resource['ListenerStatus'] = 'Configuring'
    return ctx.start_job(api_name, 'listener', resource['ListenerId'], ctx.delay(delay_key), operate_type,
                         then='alb.listener_settled', listener_id=resource['ListenerId'])


@alb.action('UpdateListenerAttribute')
def update_listener_attribute(ctx, params):
    resource = _listener(ctx, params['ListenerId'])
    load_balancer = _load_balancer(ctx, resource['LoadBalancerId'])
    protocol = resource['ListenerProtocol']
    changes = _timeouts(params, {})
    if params.get('DefaultActions') is not None:
        changes['DefaultActions'] = _forward_actions(ctx, load_balancer, protocol, params['DefaultActions'])
    if params.get('Certificates') is not None:
        changes['Certificates'] = _certificates(ctx, protocol, params['Certificates'])
    if params.get('ListenerDescription') is not None:
        if not 2 <= len(params['ListenerDescription']) <= 256:
            raise _invalid('The listener description must be 2 to 256 characters long.')
        changes['ListenerDescription'] = params['ListenerDescription']
    if params.get('XForwardedForConfig') is not None:
        changes['XForwardedForConfig'] = _forwarded_for(resource['XForwardedForConfig'],
                                                        params['XForwardedForConfig'], protocol)
    for flag in ('GzipEnabled', 'Http2Enabled', 'CaEnabled'):
        if params.get(flag) is not None:
            changes[flag] = params[flag] and (flag != 'Http2Enabled' or protocol != 'HTTP')
    if params.text('SecurityPolicyId') and protocol != 'HTTP':
        changes['SecurityPolicyId'] = params['SecurityPolicyId']
    _require_listener_settled(resource)
    _require_lb_active(load_balancer)
    resource.update(changes)
    return {'JobId': _configure_listener(ctx, resource, 'UpdateListenerAttribute', 'alb.listener_configuring',
                                         'Update', resource['ListenerStatus'])}


def _switch_listener(ctx, params, api_name, target_status):
    resource = _listener(ctx, params['ListenerId'])
    _require_listener_settled(resource)
    _require_lb_active(_load_balancer(ctx, resource['LoadBalancerId']))
    return {'JobId': _configure_listener(ctx, resource, api_name, 'alb.listener_configuring', 'Update',
                                         target_status)}


@alb.action('StartListener')
def start_listener(ctx, params):
    return _switch_listener(ctx, params, 'StartListener', 'Running')


@alb.action('StopListener')
def stop_listener(ctx, params):
    return _switch_listener(ctx, params, 'StopListener', 'Stopped')


@alb.action('DeleteListener')
def delete_listener(ctx, params):
    resource = _listener(ctx, params['ListenerId'])
    if resource['ListenerStatus'] not in ('Running', 'Stopped') or resource.get('_deleting'):
        raise ApiError('ResourceInConfiguring.Listener',
                       'The specified resource is being configured, please try again later.')
    resource['_deleting'] = True
    job_id = ctx.start_job('DeleteListener', 'listener', resource['ListenerId'], ctx.delay('alb.listener_deleting'),
                           'Delete', then='alb.listener_deleted', listener_id=resource['ListenerId'])
    return {'JobId': job_id}


@alb.event('listener_deleted')
def _listener_deleted(ctx, listener_id):
    ctx.remove(LISTENER, listener_id)


# Additional certificates of HTTPS and QUIC listeners.

ADDITIONAL_CERTIFICATES_PER_LISTENER = 25


def _secure_listener(ctx, listener_id):
    resource = _listener(ctx, listener_id)
    if resource['ListenerProtocol'] == 'HTTP':
        raise ApiError('OperationDenied.HttpListenerNotSupport', 'The operation is not allowed because of '
                                                                 'HttpListenerNotSupport.')
    return resource


def _requested_certificates(params):
    wanted = [c['CertificateId'] for c in params['Certificates']]
    if len(set(wanted)) != len(wanted):
        raise ApiError('DuplicatedParam.CertificateId', 'The param of CertificateId is duplicated.')
    return wanted


@alb.action('AssociateAdditionalCertificatesWithListener')
def associate_additional_certificates_with_listener(ctx, params):
    from emulator.products import cas as cas_product
    resource = _secure_listener(ctx, params['ListenerId'])
    _require_listener_settled(resource)
    wanted = _requested_certificates(params)
    present = [c['CertificateId'] for c in resource['AdditionalCertificates']]
    for certificate_id in wanted:
        if any(c['CertificateId'] == certificate_id for c in resource['Certificates']):
            raise ApiError('OperationDenied.DefaultCertificateUsed', 'The operation is not allowed because of '
                                                                     'DefaultCertificateUsed.')
        if certificate_id in present:
            raise ApiError('ResourceAlreadyAssociated.Certificate', 'The specified resource %s is already '
                                                                    'associated.' % certificate_id)
        if cas_product.find_certificate(ctx, certificate_id) is None:
            raise errors.not_found('ResourceNotFound.Certificate', 'The specified resource %s is not found.'
                                   % certificate_id)
    if len(present) + len(wanted) > ctx.quota('alb.certificates_per_listener', ADDITIONAL_CERTIFICATES_PER_LISTENER):
        raise ApiError('ResourceQuotaExceeded.LoadBalancerCertificatesNum',
                       'The quota of LoadBalancerCertificatesNum is exceeded for resource %s.' % resource['ListenerId'])
    resource['AdditionalCertificates'].extend({'CertificateId': c, 'Status': 'Associating'} for c in wanted)
    return {'JobId': _configure_listener(ctx, resource, 'AssociateAdditionalCertificatesWithListener',
                                         'alb.listener_configuring', 'Update', resource['ListenerStatus'])}


@alb.action('DissociateAdditionalCertificatesFromListener')
def dissociate_additional_certificates_from_listener(ctx, params):
    resource = _secure_listener(ctx, params['ListenerId'])
    _require_listener_settled(resource)
    wanted = _requested_certificates(params)
    present = [c['CertificateId'] for c in resource['AdditionalCertificates']]
    for certificate_id in wanted:
        if any(c['CertificateId'] == certificate_id for c in resource['Certificates']):
            raise ApiError('OperationDenied.DefaultCertificateUsed', 'The operation is not allowed because of '
                                                                     'DefaultCertificateUsed.')
        if certificate_id not in present:
            raise ApiError('ResourceNotAssociated.Certificate', 'The specified resource %s is not associated.'
                           % certificate_id)
    for certificate in resource['AdditionalCertificates']:
        if certificate['CertificateId'] in wanted:
            certificate['Status'] = 'Dissociating'
    return {'JobId': _configure_listener(ctx, resource, 'DissociateAdditionalCertificatesFromListener',
                                         'alb.listener_configuring', 'Update', resource['ListenerStatus'])}


@alb.action('ListListenerCertificates')
def list_listener_certificates(ctx, params):
    resource = _secure_listener(ctx, params['ListenerId'])
    wanted = params.list_of('CertificateIds')
    rows = [{'CertificateId': c['CertificateId'], 'CertificateType': 'Server', 'IsDefault': True,
             'Status': 'Associated'} for c in resource['Certificates']]
    rows += [{'CertificateId': c['CertificateId'], 'CertificateType': 'Server', 'IsDefault': False,
              'Status': c['Status']} for c in resource['AdditionalCertificates']]
    certificate_type = params.text('CertificateType')
    rows = [r for r in rows if (not wanted or r['CertificateId'] in wanted)
            and certificate_type in (None, r['CertificateType'])]
    page, meta = _token_page(params, rows)
    return dict(meta, Certificates=page)


@alb.action('GetListenerHealthStatus')
def get_listener_health_status(ctx, params):
    """Backend health derived from the ECS instances (Running is healthy), or the data plane's real checks."""
    resource = _listener(ctx, params['ListenerId'])
    _within(params.get('MaxResults'), 1, 30, 'MaxResults')
    infos = []
    for group_id in _forwarded_groups(resource):
        group = ctx.get(SERVER_GROUP, group_id)
        if group is None:
            continue
        _prune_released_backends(ctx, group)
        enabled = group['HealthCheckConfig']['HealthCheckEnabled']
        abnormal = [_abnormal(ctx, group_id, s) for s in group['Servers']] if enabled else []
        infos.append({'ServerGroupId': group_id, 'ActionType': 'ForwardGroup', 'ServerCount': len(group['Servers']),
                      'HealthCheckEnabled': 'on' if enabled else 'off',
                      'NonNormalServers': [entry for entry in abnormal if entry is not None]})
    return {'ListenerHealthStatus': [{'ListenerId': resource['ListenerId'], 'ListenerPort': resource['ListenerPort'],
                                      'ListenerProtocol': resource['ListenerProtocol'], 'ServerGroupInfos': infos}],
            'RuleHealthStatus': [], 'NextToken': ''}


def _abnormal(ctx, group_id, server):
    """The NonNormalServers entry of a backend, or None when it is healthy."""
    entry = {'ServerId': server['ServerId'], 'ServerIp': server['ServerIp'], 'Port': server['Port']}
    if server['Weight'] == 0:
        return dict(entry, Status='Unused')
    if server['Status'] == 'Adding':
        return dict(entry, Status='Initial')
    plane = ctx.emulator.dataplane
    verdict = plane.backend_health(group_id, server) if plane is not None else None
    if verdict is not None:  # the data plane's real health check of this backend
        status, reason = verdict
        return None if status == 'Healthy' else dict(entry, Status=status, **({'Reason': reason} if reason else {}))
    if server['ServerType'] == 'Ecs':
        instance = _instance(ctx, server['ServerId'])
        if instance is None or instance['Status'] != 'Running':
            return dict(entry, Status='Unhealthy', Reason={'ReasonCode': 'CONNECT_FAILED'})
    return None


# Asynchronous jobs.

@alb.action('ListAsynJobs')
def list_asyn_jobs(ctx, params):
    begin, end = params.get('BeginTime'), params.get('EndTime')
    found = [job for job in jobs.query(ctx, params.list_of('JobIds'), params.list_of('ResourceIds'),
                                       params.text('ResourceType'), params.text('ApiName'))
             if (begin is None or job['CreateTime'] >= begin) and (end is None or job['CreateTime'] <= end)]
    page, meta = _token_page(params, found)
    keys = ('Id', 'ApiName', 'ResourceType', 'ResourceId', 'OperateType', 'Status', 'CreateTime', 'ModifyTime',
            'ErrorCode', 'ErrorMessage')
    return dict(meta, Jobs=[dict((k, job[k]) for k in keys) for job in page])


# Tags.

def _tag_targets(ctx, params):
    """(resource type, [(id, resource)]) named by ResourceType and ResourceId.N; unknown ids are refused."""
    resource_type = params['ResourceType']
    if resource_type not in RESOURCE_TYPES:
        raise _invalid('The parameter ResourceType must be one of %s.' % ', '.join(RESOURCE_TYPES))
    kind, _, code = RESOURCE_TYPES[resource_type]
    found = []
    for resource_id in params.list_of('ResourceId'):
        resource = ctx.get(kind, resource_id) if kind else None
        if resource is None:
            raise errors.not_found(code, 'The specified resource %s is not found.' % resource_id)
        found.append((resource_id, resource))
    return resource_type, found


@alb.action('TagResources')
def tag_resources(ctx, params):
    _, targets = _tag_targets(ctx, params)
    pairs = _tag_pairs(params)
    for _, resource in targets:
        tags.set_tags(resource, pairs)
    return {}


@alb.action('UnTagResources')
def untag_resources(ctx, params):
    _, targets = _tag_targets(ctx, params)
    keys = params.list_of('TagKey') + [key for key, _ in params.tags()]
    for _, resource in targets:
        tags.remove_tags(resource, keys, everything=params.flag('All'))
    return {}


@alb.action('ListTagResources')
def list_tag_resources(ctx, params):
    resource_type, targets = _tag_targets(ctx, params)
    kind, id_field, _ = RESOURCE_TYPES[resource_type]
    filters = params.tags()
    if not targets:
        targets = [(r[id_field], r) for r in ctx.listed(kind)] if kind else []
    rows = []
    for resource_id, resource in targets:
        if filters and not tags.matches(resource, filters):
            continue
        rows.extend({'ResourceId': resource_id, 'ResourceType': resource_type, 'TagKey': key, 'TagValue': value}
                    for key, value in tags.of(resource).items())
    page, meta = _token_page(params, rows)
    meta.pop('TotalCount')
    return dict(meta, TagResources=page)


# What other products call.

def get_server_group(ctx, region, server_group_id):
    """The ListServerGroups view of a server group plus its ``Servers``, or None."""
    local = _in_region(ctx, region)
    resource = local.get(SERVER_GROUP, server_group_id)
    if resource is None:
        return None
    view = _server_group_view(local, resource)
    view['Servers'] = [_server_view(resource, s) for s in resource['Servers']]
    return view


def add_backends(ctx, region, server_group_id, servers):
    """Add ECS backends (``{ServerId, ServerType, Port, Weight}``); ones already present stay as they are."""
    local = _in_region(ctx, region)
    group = _server_group(local, server_group_id)
    return _add_servers(local, group, [dict(s) for s in servers], 'AddServersToServerGroup', from_cloud=True)


def remove_backends(ctx, region, server_group_id, server_ids):
    """Remove every backend of these server ids (any port); ids not in the group are ignored."""
    local = _in_region(ctx, region)
    group = _server_group(local, server_group_id)
    wanted = set(server_ids)
    return _remove_servers(local, group, lambda s: s['ServerId'] in wanted, 'RemoveServersFromServerGroup')


@dependent('cas.certificate')
def _certificate_in_use(ctx, certificate):
    """A CAS certificate named as a listener's default certificate cannot be deleted."""
    from emulator.products import cas as cas_product
    identifier = cas_product.identifier(certificate)
    for listener in ctx.store.kind(LISTENER).values():
        if any(c['CertificateId'] == identifier for c in listener['Certificates'] + listener['AdditionalCertificates']):
            return ApiError('InvalidStatus.DeleteProtection', 'The certificate is used by ALB listener %s.'
                            % listener['ListenerId'])
    return None

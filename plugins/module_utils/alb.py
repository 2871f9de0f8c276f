# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the ALB modules share: input checks made before any API call, request shaping, and waiting for jobs.

ALB answers most writes with a ``JobId`` and finishes the work later; ``ListAsynJobs`` tells when the job has
``Succeeded`` or ``Failed``. The ALB API has no RegionId parameter: the region is the endpoint's (sdk.py sends it
to an emulator in a header).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import to_snake

# Load balancer, server group and listener names: 2-128 characters, starting with a letter, digit or Chinese
# character; then letters, digits, Chinese characters, periods, underscores, hyphens and spaces.
_NAME = re.compile(r'^[A-Za-z0-9\u4e00-\u9fa5][A-Za-z0-9_.\- \u4e00-\u9fa5]{1,127}$')

NOT_FOUND_CODES = frozenset((
    'ResourceNotFound.LoadBalancer', 'ResourceNotFound.ServerGroup', 'ResourceNotFound.Listener',
))

HEALTH_CHECK_CODES = ('http_2xx', 'http_3xx', 'http_4xx', 'http_5xx')

# Module suboption -> wire field, for the nested configurations the modules expose.
HEALTH_CHECK_FIELDS = dict(
    enabled='HealthCheckEnabled', protocol='HealthCheckProtocol', path='HealthCheckPath',
    method='HealthCheckMethod', port='HealthCheckConnectPort', codes='HealthCheckCodes', host='HealthCheckHost',
    http_version='HealthCheckHttpVersion', interval='HealthCheckInterval', timeout='HealthCheckTimeout',
    healthy_threshold='HealthyThreshold', unhealthy_threshold='UnhealthyThreshold',
)
STICKY_SESSION_FIELDS = dict(
    enabled='StickySessionEnabled', type='StickySessionType', cookie_timeout='CookieTimeout', cookie='Cookie',
)
X_FORWARDED_FOR_FIELDS = dict(
    enabled='XForwardedForEnabled', processing_mode='XForwardedForProcessingMode',
    proto_enabled='XForwardedForProtoEnabled', host_enabled='XForwardedForHostEnabled',
    slb_id_enabled='XForwardedForSLBIdEnabled', slb_port_enabled='XForwardedForSLBPortEnabled',
    client_src_port_enabled='XForwardedForClientSrcPortEnabled',
)


# Input checks: each raises ValueError with a message for the user (module.check turns it into the failure).

def check_name(value, what):
    if value is not None and not _NAME.match(value):
        raise ValueError('%s %r must be 2 to 128 characters long, start with a letter or digit, and contain only '
                         'letters, digits, periods, underscores, hyphens and spaces.' % (what, value))


def check_range(value, low, high, what):
    if value is not None and not low <= value <= high:
        raise ValueError('%s must be between %d and %d, got %d.' % (what, low, high, value))


def check_zone_mappings(mappings):
    """At least two zones, each named once: an ALB spans two zones or more."""
    mappings = mappings or []
    zones = [mapping['zone_id'] for mapping in mappings]
    if len(zones) < 2:
        raise ValueError('zone_mappings needs at least two zones (each with its vSwitch); got %d.' % len(zones))
    repeated = sorted(set(zone for zone in zones if zones.count(zone) > 1))
    if repeated:
        raise ValueError('zone_mappings names zone %s more than once; give one vSwitch per zone.'
                         % ', '.join(repeated))


def check_health_check(health_check):
    if not health_check:
        return
    path = health_check.get('path')
    if path is not None and (not path.startswith('/') or len(path) > 80):
        raise ValueError('health_check.path must start with / and be at most 80 characters long, got %r.' % path)
    unknown = sorted(set(health_check.get('codes') or []) - set(HEALTH_CHECK_CODES))
    if unknown:
        raise ValueError('health_check.codes may hold only %s; got %s.'
                         % (', '.join(HEALTH_CHECK_CODES), ', '.join(unknown)))
    check_range(health_check.get('port'), 0, 65535, 'health_check.port')
    check_range(health_check.get('interval'), 1, 50, 'health_check.interval')
    check_range(health_check.get('timeout'), 1, 300, 'health_check.timeout')
    check_range(health_check.get('healthy_threshold'), 2, 10, 'health_check.healthy_threshold')
    check_range(health_check.get('unhealthy_threshold'), 2, 10, 'health_check.unhealthy_threshold')


def check_sticky_session(sticky):
    if not sticky:
        return
    check_range(sticky.get('cookie_timeout'), 1, 86400, 'sticky_session.cookie_timeout')
    if sticky.get('enabled') and sticky.get('type') == 'Server' and not sticky.get('cookie'):
        raise ValueError('sticky_session.cookie is required when sticky_session.type is Server.')


def check_servers(servers):
    """Each (server_id, port) once, ports and weights in range."""
    seen = set()
    for server in servers or []:
        key = (server['server_id'], server['port'])
        if key in seen:
            raise ValueError('servers lists %s port %d twice.' % key)
        seen.add(key)
        check_range(server['port'], 1, 65535, 'servers[].port')
        check_range(server.get('weight'), 0, 100, 'servers[].weight')


def check_listener(params):
    """Port, protocol/certificate consistency, timeouts and description of alb_listener."""
    check_range(params.get('port'), 1, 65535, 'port')
    secure = params.get('protocol') == 'HTTPS'
    if params.get('state', 'present') == 'present' and secure and not params.get('certificate_id'):
        raise ValueError('An HTTPS listener needs certificate_id (the CertIdentifier of an uploaded certificate, '
                         'for example 12345-cn-hangzhou).')
    if params.get('protocol') == 'HTTP':
        https_only = [name for name in ('certificate_id', 'additional_certificate_ids', 'http2_enabled',
                                        'security_policy_id') if params.get(name)]
        if https_only:
            raise ValueError('Only HTTPS listeners take %s.' % ', '.join(https_only))
    check_range(params.get('idle_timeout'), 1, 600, 'idle_timeout')
    check_range(params.get('request_timeout'), 1, 600, 'request_timeout')
    description = params.get('description')
    if description is not None and not 2 <= len(description) <= 256:
        raise ValueError('description must be 2 to 256 characters long.')


# Request shaping.

def to_wire(options, fields):
    """A module suboption dict -> the wire struct, leaving out what the user did not set."""
    return dict((fields[name], value) for name, value in (options or {}).items()
                if value is not None and name in fields)


def _same(current, wanted):
    if isinstance(wanted, list) and isinstance(current, list):
        return sorted(current) == sorted(wanted)
    return current == wanted


def config_changes(current, wanted):
    """The wire fields of ``wanted`` whose value differs from ``current`` (a described struct in snake_case)."""
    current = current or {}
    return dict((wire, value) for wire, value in wanted.items() if not _same(current.get(to_snake(wire)), value))


def apply_config(current, changes):
    """``current`` (snake_case) with the wire ``changes`` applied: what the resource will show afterwards."""
    merged = dict(current or {})
    merged.update((to_snake(wire), value) for wire, value in changes.items())
    return merged


def forward_to(server_group_id):
    """DefaultActions of a listener that forwards everything to one server group."""
    return [{'Type': 'ForwardGroup', 'ForwardGroupConfig': {'ServerGroupTuples': [{'ServerGroupId': server_group_id}]}}]


def forwarded_groups(listener):
    """Server group ids a described listener (snake_case) forwards to by default."""
    return [entry['server_group_id'] for action in listener.get('default_actions') or []
            for entry in (action.get('forward_group_config') or {}).get('server_group_tuples') or []]


def zone_pairs(mappings):
    """Sorted (zone, vSwitch) pairs of zone_mappings as the user writes them or as the API describes them."""
    return sorted((mapping['zone_id'], mapping['vswitch_id']) for mapping in mappings or [])


def server_key(server):
    return (server['server_id'], int(server['port']))


def membership_changes(current, wanted):
    """Servers to add and to remove so that the members are exactly ``wanted`` (identity: server id and port)."""
    present = set(server_key(server) for server in current)
    desired = set(server_key(server) for server in wanted)
    to_add = [server for server in wanted if server_key(server) not in present]
    to_remove = [server for server in current if server_key(server) not in desired]
    return to_add, to_remove


# Errors and jobs.

def is_not_found(error):
    return error.code in NOT_FOUND_CODES or error.status == 404


def job_failure(job):
    """The reason a ListAsynJobs entry failed, or None while it has not."""
    if job and job.get('Status') == 'Failed':
        return 'job %s ended Failed: %s %s' % (job.get('Id'), job.get('ErrorCode') or '', job.get('ErrorMessage') or '')
    return None


def wait_for_job(module, client, job_id, resource_type, resource_id):
    """Poll ListAsynJobs until the job has Succeeded; a Failed job fails the task with the cloud's reason."""
    def fetch():
        found = client.call('ListAsynJobs', {'JobIds': [job_id], 'ResourceType': resource_type,
                                             'ResourceIds': [resource_id]}).get('Jobs') or []
        return found[0] if found else None

    return module.wait(fetch, lambda job: job is not None and job.get('Status') == 'Succeeded',
                       '%s job %s on %s' % (resource_type, job_id, resource_id), failed=job_failure)

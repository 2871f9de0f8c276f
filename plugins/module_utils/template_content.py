# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The content of a launch template version, without the API.

A version's content is held in one canonical form, keyed by the launch_template module's option names:
empty values and the API's defaults are left out, security groups are sorted and user data is canonical base64, so
two contents are equal exactly when launching from them gives the same instances. ``content_from_data`` reads it
from a DescribeLaunchTemplateVersions ``LaunchTemplateData``, ``desired_content`` applies module options to it,
``content_request`` turns it into the wire fields of CreateLaunchTemplate(Version), and ``content_view`` is what
the modules return (user data only as a digest: it carries bootstrap secrets).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii

from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import encode_user_data
from ansible_collections.lowlatency.alicloud.plugins.module_utils.compute import user_data_digest
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import tags_to_dict

# option name -> LaunchTemplateData / request wire name, for the plain string fields.
SCALARS = (
    ('image_id', 'ImageId'),
    ('instance_type', 'InstanceType'),
    ('vswitch_id', 'VSwitchId'),
    ('key_pair_name', 'KeyPairName'),
    ('instance_name', 'InstanceName'),
)

DISK_CATEGORIES = ('cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd', 'cloud_auto', 'cloud_essd_entry')
SYSTEM_DISK_SIZE = (20, 2048)  # GiB, as CreateLaunchTemplate documents SystemDisk.Size
# DescribeLaunchTemplateVersions answers a version without system disk settings with RunInstances' defaults (the
# category, and 40 GiB for images up to that size). Set or filled in, they launch the same disk: left out.
SYSTEM_DISK_DEFAULTS = {'category': 'cloud_efficiency', 'size': 40}
BANDWIDTH_OUT = (0, 100)  # Mbit/s, InternetMaxBandwidthOut
SECURITY_GROUPS_PER_INSTANCE = 5
INSTANCE_TAGS_LIMIT = 20
VERSIONS_LIMIT = 30  # versions per template (LaunchTemplateVersionLimitExceed beyond)


def _in_range(value, bounds, what):
    low, high = bounds
    if value is not None and not low <= value <= high:
        raise ValueError('%s must be between %d and %d, got %d' % (what, low, high, value))


def check_content_options(params):
    """Refuse option values the API would refuse, or that would only fail when an instance is launched."""
    _in_range(params.get('internet_max_bandwidth_out'), BANDWIDTH_OUT, 'internet_max_bandwidth_out (Mbit/s)')
    disk = params.get('system_disk') or {}
    _in_range(disk.get('size'), SYSTEM_DISK_SIZE, 'system_disk.size (GiB)')
    if params.get('user_data'):
        encode_user_data(params['user_data'])
    groups = params.get('security_group_ids') or []
    repeated = sorted(set(group for group in groups if groups.count(group) > 1))
    if repeated:
        raise ValueError('security_group_ids lists %s more than once' % ', '.join(repeated))
    if len(groups) > SECURITY_GROUPS_PER_INSTANCE:
        raise ValueError('security_group_ids: an instance joins at most %d security groups, got %d'
                         % (SECURITY_GROUPS_PER_INSTANCE, len(groups)))
    tags = params.get('instance_tags') or {}
    if len(tags) > INSTANCE_TAGS_LIMIT:
        raise ValueError('instance_tags: at most %d tags, got %d' % (INSTANCE_TAGS_LIMIT, len(tags)))
    for key in tags:
        if not key or len(key) > 128 or key.lower().startswith(('aliyun', 'acs:')):
            raise ValueError('instance_tags: key %r is not valid: 1 to 128 characters, not starting with "aliyun" '
                             'or "acs:"' % (key,))


def _canonical_user_data(value):
    # The API may hand back the base64 with other padding or line breaks; compare what it decodes to.
    try:
        return base64.b64encode(base64.b64decode(value)).decode('ascii')
    except (binascii.Error, ValueError):
        return value


def _drop_empty(mapping):
    return dict((key, value) for key, value in mapping.items() if value not in (None, '', 0, [], {}))


def _canonical_disk(disk):
    return dict((key, value) for key, value in _drop_empty(disk).items() if SYSTEM_DISK_DEFAULTS.get(key) != value)


def content_from_data(data):
    """A DescribeLaunchTemplateVersions ``LaunchTemplateData`` (wire names) -> canonical content."""
    data = data or {}
    content = dict((option, data.get(wire)) for option, wire in SCALARS)
    groups = data.get('SecurityGroupIds') or []
    if isinstance(groups, dict):  # {"SecurityGroupId": [...]}
        groups = groups.get('SecurityGroupId') or []
    if not groups and data.get('SecurityGroupId'):
        groups = [data['SecurityGroupId']]
    content['security_group_ids'] = sorted(set(groups))
    content['internet_max_bandwidth_out'] = int(data.get('InternetMaxBandwidthOut') or 0)
    disk = data.get('SystemDisk') or {}
    content['system_disk'] = _canonical_disk({'category': disk.get('Category'), 'size': int(disk.get('Size') or 0)})
    content['user_data'] = _canonical_user_data(data['UserData']) if data.get('UserData') else None
    content['instance_tags'] = tags_to_dict(data.get('Tags'))
    return _drop_empty(content)


def desired_content(params, current):
    """The content the module options ask for: an option that is not set keeps the ``current`` value, an empty
    one ('', [], {}, 0) removes it; system_disk is merged key by key."""
    wanted = dict(current or {})
    for option in [name for name, _wire in SCALARS] + ['internet_max_bandwidth_out']:
        if params.get(option) is not None:
            wanted[option] = params[option]
    if params.get('security_group_ids') is not None:
        wanted['security_group_ids'] = sorted(set(params['security_group_ids']))
    if params.get('instance_tags') is not None:
        wanted['instance_tags'] = dict((str(k), '' if v is None else str(v)) for k, v in params['instance_tags'].items())
    if params.get('user_data') is not None:
        wanted['user_data'] = encode_user_data(params['user_data']) if params['user_data'] else None
    if params.get('system_disk') is not None:
        disk = dict(wanted.get('system_disk') or {})
        disk.update((key, value) for key, value in params['system_disk'].items() if value is not None)
        wanted['system_disk'] = _canonical_disk(disk)
    return _drop_empty(wanted)


def content_request(content):
    """Canonical content -> the wire fields of CreateLaunchTemplate / CreateLaunchTemplateVersion."""
    request = dict((wire, content.get(option)) for option, wire in SCALARS)
    request['SecurityGroupIds'] = content.get('security_group_ids')
    request['InternetMaxBandwidthOut'] = content.get('internet_max_bandwidth_out')
    disk = content.get('system_disk') or {}
    request['SystemDisk'] = _drop_empty({'Category': disk.get('category'), 'Size': disk.get('size')}) or None
    request['UserData'] = content.get('user_data')
    request['Tag'] = dict_to_tags(content.get('instance_tags')) or None
    return dict((key, value) for key, value in request.items() if value is not None)


def content_view(content):
    """Canonical content as the modules return it: every option present (empty when unset), user data as a digest."""
    view = dict((option, content.get(option, '')) for option, _wire in SCALARS)
    view.update(security_group_ids=list(content.get('security_group_ids', [])),
                internet_max_bandwidth_out=content.get('internet_max_bandwidth_out', 0),
                system_disk=dict(content.get('system_disk', {})),
                instance_tags=dict(content.get('instance_tags', {})),
                user_data_sha256=user_data_digest(content['user_data']) if content.get('user_data') else '')
    return view


def matching_version(versions, desired, default_number):
    """The version whose content is ``desired``: the default when it matches, else the newest that does; None.

    ``versions`` maps version numbers to canonical contents.
    """
    if versions.get(default_number) == desired:
        return default_number
    for number in sorted(versions, reverse=True):
        if versions[number] == desired:
            return number
    return None


def versions_to_prune(numbers, protected, keep):
    """Version numbers to delete so that ``keep`` versions remain: the ``protected`` ones (the default version and
    the one holding the wanted content) always stay, even beyond ``keep``; the newest others fill the rest."""
    others = sorted((number for number in numbers if number not in protected), reverse=True)
    room = max(keep - len(set(protected) & set(numbers)), 0)
    return sorted(others[room:])

# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Desired versus current tags. ``tags: null`` leaves tags alone; ``tags: {}`` with purge removes them all."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import dict_to_tags


def compare_tags(current, desired, purge=True):
    """Return (to_set, to_remove): a dict of tags to add or change and a sorted list of keys to remove."""
    current = current or {}
    if desired is None:
        return {}, []
    desired = dict((str(k), '' if v is None else str(v)) for k, v in desired.items())
    to_set = dict((k, v) for k, v in desired.items() if current.get(k) != v)
    to_remove = sorted(k for k in current if k not in desired) if purge else []
    return to_set, to_remove


def merged_tags(current, desired, purge=True):
    """The tags a resource will carry after compare_tags' changes are applied (for diff and check mode)."""
    to_set, to_remove = compare_tags(current, desired, purge)
    result = dict((k, v) for k, v in (current or {}).items() if k not in to_remove)
    result.update(to_set)
    return result


def apply_tags(client, resource_type, resource_id, to_set, to_remove, untag_action='UntagResources', region=None):
    """Send the tag changes compare_tags computed. Product differences are the untag action's name
    (VPC and ALB spell it UnTagResources) and whether the call carries a RegionId."""
    base = {'ResourceType': resource_type, 'ResourceId': [resource_id]}
    if region:
        base['RegionId'] = region
    if to_remove:
        client.call(untag_action, dict(base, TagKey=to_remove))
    if to_set:
        client.call('TagResources', dict(base, Tag=dict_to_tags(to_set)))

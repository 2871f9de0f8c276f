# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shape API responses (PascalCase wire names, XML-heritage wrappers) into the snake_case dicts modules return."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re

# Alibaba spells a few one-letter prefixes as separate capitals; users know them as one word (vswitch_id).
_PREFIX_WORDS = re.compile(r'V(Switch|Router|Pc)|IPv(?=\d)')
_ACRONYM_BOUNDARY = re.compile(r'([A-Z]+)([A-Z][a-z])')
_WORD_BOUNDARY = re.compile(r'([a-z0-9])([A-Z])')


def to_snake(name):
    """VpcId -> vpc_id, DNSName -> dns_name, VSwitchIds -> vswitch_ids, LoadBalancerBussinessStatus -> ..."""
    name = _PREFIX_WORDS.sub(lambda m: m.group(0).capitalize(), name)
    name = _ACRONYM_BOUNDARY.sub(r'\1_\2', name)
    return _WORD_BOUNDARY.sub(r'\1_\2', name).lower()


def _unwrap(value, key):
    # ECS, VPC and Alidns wrap arrays in an object named after the item: {"Vpcs": {"Vpc": [...]}},
    # {"PublicIpAddress": {"IpAddress": [...]}}. A struct with one list member of another name
    # ({"ForwardGroupConfig": {"ServerGroupTuples": [...]}}) is not a wrapper.
    if isinstance(value, dict) and len(value) == 1:
        inner_key, inner = next(iter(value.items()))
        if isinstance(inner, list) and inner_key.lower() in key.lower():
            return inner
    return value


def snake_dict(value, keep_keys=('Tags',)):
    """Convert a response (dict/list/scalar) to snake_case recursively, unwrapping item wrappers.

    Values under ``keep_keys`` whose content is user data (tags) are turned into a plain {key: value} dict
    instead of being case-converted.
    """
    if isinstance(value, list):
        return [snake_dict(item, keep_keys) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in keep_keys:
            result[to_snake(key)] = tags_to_dict(item)
        else:
            result[to_snake(key)] = snake_dict(_unwrap(item, key), keep_keys)
    return result


def tags_to_dict(tags):
    """Tag lists in any of the products' shapes (Key/Value, TagKey/TagValue, wrapped or not) -> {key: value}."""
    if isinstance(tags, dict) and len(tags) == 1 and isinstance(next(iter(tags.values())), list):
        tags = next(iter(tags.values()))  # {"Tag": [...]} or {"InstanceTag": [...]}
    tags = tags or []
    if isinstance(tags, dict):
        return dict(tags)
    result = {}
    for tag in tags:
        key = tag.get('Key', tag.get('TagKey'))
        if key is not None:
            result[key] = tag.get('Value', tag.get('TagValue', ''))
    return result


def dict_to_tags(tags, key='Key', value='Value'):
    """{key: value} -> [{'Key': k, 'Value': v}] in a stable order, for request parameters."""
    return [{key: k, value: v} for k, v in sorted((tags or {}).items())]


def client_token(action, params, nonce):
    """A ClientToken for one create: derived from the request and a nonce made once per task.

    The same task reuses it on every retry, so an interrupted or repeated request never makes a twin. The
    nonce keeps a later, deliberate create of an identical resource (after a delete) from being answered with
    the deleted one. At most 64 ASCII characters, as every product accepts.
    """
    canonical = json.dumps([action, params, nonce], sort_keys=True, separators=(',', ':'), default=str)
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:64]


def attribute_changes(current, wanted):
    """Compare wanted attributes with a described resource.

    ``wanted`` maps a wire parameter name to (snake_case key in ``current``, desired value); a desired value of
    None means "leave alone". Returns ({wire name: new value} to send, ``current`` as it will be afterwards).
    """
    to_send, after = {}, dict(current)
    for wire_name, (key, value) in wanted.items():
        if value is not None and value != current.get(key):
            to_send[wire_name] = value
            after[key] = value
    return to_send, after

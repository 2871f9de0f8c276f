# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Auto Scaling (ESS) logic that needs no API: input checks, desired-versus-current comparisons, result shaping."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict

# Launch template ids are "lt-" and 20 lowercase letters and digits (region code + random part).
_TEMPLATE_ID = re.compile(r'^lt-[a-z0-9]{20}$')

# ESS group and rule names: 2-64 characters, starting with a letter, a digit or a Chinese character.
_NAME = re.compile(r'^[A-Za-z0-9\u4e00-\u9fa5][\w.\-\u4e00-\u9fa5]{1,63}$')

MAX_VSWITCHES = 8
MAX_INSTANCE_TYPES = 10  # LaunchTemplateOverrides: "Valid values of N: 1 to 10" (ESS API reference)
MAX_SIZE_LIMIT = 2000
DEFAULT_COOLDOWN = 300
DEFAULT_REMOVAL_POLICIES = ['OldestScalingConfiguration', 'OldestInstance']

# Module choice -> API ScalingRuleType.
RULE_TYPES = {'target_tracking': 'TargetTrackingScalingRule', 'simple': 'SimpleScalingRule'}
# Ant Media's own templates scale out at 60 % CPU, below the 75 % at which a node refuses new streams.
DEFAULT_TARGET_VALUE = 60.0
DEFAULT_METRIC = 'CpuUtilization'
ADJUSTMENT_RANGES = {'QuantityChangeInCapacity': (-1000, 1000), 'PercentChangeInCapacity': (-100, 10000),
                     'TotalCapacity': (0, 2000)}
# Options that belong to one rule type only.
TARGET_TRACKING_OPTIONS = ('metric_name', 'target_value', 'estimated_instance_warmup', 'disable_scale_in')
SIMPLE_OPTIONS = ('adjustment_type', 'adjustment_value', 'cooldown')


def check_name(value, what):
    if value is not None and not _NAME.match(value):
        raise ValueError('%s %r is not valid: 2 to 64 characters, starting with a letter or digit, then letters, '
                         'digits, "_", "-" or "."' % (what, value))
    return value


def looks_like_template_id(value):
    return bool(_TEMPLATE_ID.match(value or ''))


def normalise_template_version(value):
    """'Default', 'Latest' (any case) or a version number as a string; ValueError for anything else."""
    if value is None:
        return None
    text = str(value).strip()
    for word in ('Default', 'Latest'):
        if text.lower() == word.lower():
            return word
    if text.isdigit() and int(text) > 0:
        return str(int(text))
    raise ValueError('launch_template_version %r is not valid: use Default, Latest or a version number' % (value,))


def check_capacity(min_size, max_size, desired):
    """The sizes a group will have once the request is applied: 0 <= min <= desired <= max <= 2000."""
    for what, value in (('min_size', min_size), ('max_size', max_size), ('desired_capacity', desired)):
        if value is not None and not 0 <= value <= MAX_SIZE_LIMIT:
            raise ValueError('%s must be between 0 and %d, not %d' % (what, MAX_SIZE_LIMIT, value))
    if min_size is not None and max_size is not None and min_size > max_size:
        raise ValueError('min_size %d is greater than max_size %d' % (min_size, max_size))
    if desired is not None and min_size is not None and desired < min_size:
        raise ValueError('desired_capacity %d is below min_size %d' % (desired, min_size))
    if desired is not None and max_size is not None and desired > max_size:
        raise ValueError('desired_capacity %d is above max_size %d' % (desired, max_size))


def check_vswitch_ids(vswitch_ids):
    if vswitch_ids is None:
        return
    if not vswitch_ids:
        raise ValueError('vswitch_ids must name at least one vSwitch')
    if len(vswitch_ids) > MAX_VSWITCHES:
        raise ValueError('A scaling group takes at most %d vSwitches, not %d' % (MAX_VSWITCHES, len(vswitch_ids)))
    repeated = sorted(set(v for v in vswitch_ids if vswitch_ids.count(v) > 1))
    if repeated:
        raise ValueError('vswitch_ids lists %s more than once' % ', '.join(repeated))


def check_instance_types(instance_types):
    """instance_types (the launch template overrides): each a non-empty name, once, at most ten."""
    if instance_types is None:
        return
    if any(not (value or '').strip() for value in instance_types):
        raise ValueError('instance_types must not contain an empty name')
    if len(instance_types) > MAX_INSTANCE_TYPES:
        raise ValueError('A scaling group takes at most %d instance_types, not %d'
                         % (MAX_INSTANCE_TYPES, len(instance_types)))
    repeated = sorted(set(v for v in instance_types if instance_types.count(v) > 1))
    if repeated:
        raise ValueError('instance_types lists %s more than once' % ', '.join(repeated))


def override_types(group):
    """The instance types of a described group's launch template overrides, in priority order."""
    return [entry.get('instance_type') for entry in group.get('launch_template_overrides') or []]


def wire_overrides(instance_types):
    """LaunchTemplateOverrides for the instance types, in their order (no weights: each instance counts as one)."""
    return [{'InstanceType': instance_type} for instance_type in instance_types]


def check_attachments(attachments):
    """alb_server_groups: each (server group, port) once, ports 1-65535, weights 0-100."""
    seen = set()
    for entry in attachments or []:
        key = attachment_key(entry)
        if key in seen:
            raise ValueError('alb_server_groups lists server group %s on port %d more than once' % key)
        seen.add(key)
        if not 1 <= entry['port'] <= 65535:
            raise ValueError('alb_server_groups: port %d of %s is not between 1 and 65535' % (entry['port'], key[0]))
        if not 0 <= entry['weight'] <= 100:
            raise ValueError('alb_server_groups: weight %d of %s is not between 0 and 100'
                             % (entry['weight'], key[0]))


def attachment_key(entry):
    return (entry.get('server_group_id') or entry.get('alb_server_group_id'), entry['port'])


def as_attachment(entry):
    """An option entry as the group describes it: {alb_server_group_id, port, weight}."""
    return dict(alb_server_group_id=attachment_key(entry)[0], port=entry['port'], weight=entry['weight'])


def attachment_changes(current, wanted):
    """(to_detach, to_attach) turning the attachments ``current`` into ``wanted``.

    A changed weight is a detach and an attach: ESS has no call that changes an attachment in place.
    """
    current = [as_attachment(a) for a in current or []]
    wanted = [as_attachment(a) for a in wanted or []]
    to_detach = [a for a in current if a not in wanted]
    to_attach = [a for a in wanted if a not in current]
    return to_detach, to_attach


def sorted_attachments(attachments):
    return sorted((as_attachment(a) for a in attachments or []), key=lambda a: (a['alb_server_group_id'], a['port']))


def tag_changes(current, propagated, desired, propagate=None, purge=True):
    """(to_set, to_remove) for ESS tags, which carry a Propagate flag besides their value.

    ``current`` is {key: value}, ``propagated`` the keys whose Propagate is true. With ``propagate`` true or false a
    tag whose value is right but whose flag differs is set again; None leaves the flags alone. ``desired`` None
    leaves tags alone.
    """
    current = current or {}
    if desired is None:
        return {}, []
    desired = dict((str(k), '' if v is None else str(v)) for k, v in desired.items())
    flags = set(propagated or ())
    to_set = dict((k, v) for k, v in desired.items()
                  if current.get(k) != v or (propagate is not None and (k in flags) != propagate))
    to_remove = sorted(k for k in current if k not in desired) if purge else []
    return to_set, to_remove


def tag_flags(to_set, propagated, propagate=None):
    """{key: Propagate} for the tags being set: ``propagate`` when given, else each key's current flag."""
    return dict((key, bool(propagate) if propagate is not None else key in (propagated or ())) for key in to_set)


def propagated_after(propagated, to_set, to_remove, propagate=None):
    """The keys that propagate once the tag changes are made."""
    flags = tag_flags(to_set, propagated, propagate)
    kept = set(propagated or ()) - set(to_remove) - set(to_set)
    return sorted(kept | set(key for key, flag in flags.items() if flag))


def group_view(item):
    """A DescribeScalingGroups entry in snake_case; tags as a dict and the keys that propagate to instances."""
    view = snake_dict(item)
    view['propagated_tags'] = sorted(t.get('TagKey') for t in item.get('Tags') or [] if t.get('Propagate'))
    return view


def capacity_reached(group):
    """True when the group's in-service instances match its capacity and nothing is starting or leaving."""
    active = group.get('active_capacity') or 0
    settling = (group.get('pending_capacity') or 0) + (group.get('removing_capacity') or 0)
    if settling or (group.get('total_capacity') or 0) != active:
        return False
    desired = group.get('desired_capacity')
    if desired is not None:
        return active == desired
    return group['min_size'] <= active <= group['max_size']


def rule_wanted(params):
    """The wire fields a scaling rule should have, from the module options; ValueError for a contradiction.

    Options left unset are left out (the API default applies on create, the current value stays on update), except
    that a target tracking rule tracks CpuUtilization at 60 unless told otherwise.
    """
    rule_type = params['rule_type']
    foreign = TARGET_TRACKING_OPTIONS if rule_type == 'simple' else SIMPLE_OPTIONS
    given = [name for name in foreign if params.get(name) is not None]
    if given:
        raise ValueError('%s only appl%s to %s rules, and this rule_type is %s' % (
            ', '.join(given), 'ies' if len(given) == 1 else 'y', 'simple' if rule_type != 'simple' else
            'target_tracking', rule_type))
    if rule_type == 'simple':
        missing = [name for name in ('adjustment_type', 'adjustment_value') if params.get(name) is None]
        if missing:
            raise ValueError('A simple rule needs %s' % ' and '.join(missing))
        low, high = ADJUSTMENT_RANGES[params['adjustment_type']]
        if not low <= params['adjustment_value'] <= high:
            raise ValueError('adjustment_value must be between %d and %d for %s, not %d'
                             % (low, high, params['adjustment_type'], params['adjustment_value']))
        _check_seconds(params.get('cooldown'), 'cooldown')
        return _without_none({'ScalingRuleType': RULE_TYPES['simple'], 'AdjustmentType': params['adjustment_type'],
                              'AdjustmentValue': params['adjustment_value'], 'Cooldown': params.get('cooldown')})
    target = DEFAULT_TARGET_VALUE if params.get('target_value') is None else float(params['target_value'])
    if target <= 0 or abs(target * 1000 - round(target * 1000)) > 1e-6:
        raise ValueError('target_value must be greater than 0 with at most three decimals, not %s' % target)
    _check_seconds(params.get('estimated_instance_warmup'), 'estimated_instance_warmup')
    return _without_none({
        'ScalingRuleType': RULE_TYPES['target_tracking'], 'MetricName': params.get('metric_name') or DEFAULT_METRIC,
        'TargetValue': target, 'EstimatedInstanceWarmup': params.get('estimated_instance_warmup'),
        'DisableScaleIn': params.get('disable_scale_in')})


def _check_seconds(value, what):
    if value is not None and not 0 <= value <= 86400:
        raise ValueError('%s must be between 0 and 86400 seconds, not %d' % (what, value))


def _without_none(mapping):
    return dict((k, v) for k, v in mapping.items() if v is not None)


def rule_changes(current, wanted):
    """The wire fields of ``wanted`` whose value differs from the described rule ``current`` (wire names)."""
    changes = {}
    for name, value in wanted.items():
        if name == 'ScalingRuleType':
            continue
        have = current.get(name)
        if isinstance(value, float) and have is not None:
            same = abs(float(have) - value) < 1e-9
        else:
            same = have == value
        if not same:
            changes[name] = value
    return changes

# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Security group rules: the module's vocabulary, the API's, and what to add or remove to get from one to the other.

A rule here is a dict ``{protocol, ports, cidr_ip, group_id, policy, priority, description}``: protocol in lower
case, ports ``'22'`` or ``'8000-9000'`` (None for protocols without ports), one peer (a canonical IPv4 CIDR or a
security group id; the source of an ingress rule, the destination of an egress rule). Rules read from the API also
carry ``rule_id``, and any attribute this vocabulary has no option for (a source port range, a prefix list), so that
such a rule never passes for a wanted one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.lowlatency.alicloud.plugins.module_utils.network import parse_cidr

PROTOCOLS = ('tcp', 'udp', 'icmp', 'gre', 'all')
PORTED_PROTOCOLS = ('tcp', 'udp')
POLICIES = ('accept', 'drop')
PORTS = re.compile(r'^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$')
# The two parts of a rule that differ by direction: the wire names of its peer.
PEER_FIELDS = {'ingress': ('SourceCidrIp', 'SourceGroupId'), 'egress': ('DestCidrIp', 'DestGroupId')}
PEER_WORDS = {'ingress': ('from', 'source'), 'egress': ('to', 'destination')}
# Not part of what makes two rules the same rule (the API itself does not add a rule that differs only by its
# description).
NOT_IDENTITY = ('description', 'rule_id')


class InvalidRule(ValueError):
    pass


def parse_ports(value):
    """22, '22' or '8000-9000' -> (low, high) with 1 <= low <= high <= 65535."""
    match = None if isinstance(value, bool) else PORTS.match(str(value))
    if not match:
        raise InvalidRule('ports %r must be one port (22) or a range (8000-9000)' % (value,))
    low = int(match.group(1))
    high = int(match.group(2) or low)
    check_port_range(low, high)
    return low, high


def check_port_range(low, high):
    for port in (low, high):
        if not 1 <= port <= 65535:
            raise InvalidRule('port %s is outside 1-65535' % port)
    if low > high:
        raise InvalidRule('port range %s-%s ends before it starts' % (low, high))


def format_ports(low, high):
    return str(low) if low == high else '%d-%d' % (low, high)


def _ports(rule, protocol):
    """The canonical ports text of a requested rule, from ``ports`` or ``from_port``/``to_port``."""
    ports, from_port, to_port = rule.get('ports'), rule.get('from_port'), rule.get('to_port')
    given = ports not in (None, '') or from_port is not None or to_port is not None
    if protocol not in PORTED_PROTOCOLS:
        if given:
            raise InvalidRule('protocol %s has no ports; leave out ports, from_port and to_port' % protocol)
        return None
    if ports not in (None, '') and (from_port is not None or to_port is not None):
        raise InvalidRule('give ports, or from_port and to_port, not both')
    if ports not in (None, ''):
        return format_ports(*parse_ports(ports))
    if from_port is None:
        if to_port is not None:
            raise InvalidRule('to_port needs from_port')
        raise InvalidRule('protocol %s needs ports (22 or 8000-9000) or from_port and to_port' % protocol)
    to_port = from_port if to_port is None else to_port
    check_port_range(from_port, to_port)
    return format_ports(from_port, to_port)


def _peer(rule, direction):
    cidr_ip, group_id = (rule.get('cidr_ip') or '').strip(), (rule.get('group_id') or '').strip()
    if cidr_ip and group_id:
        raise InvalidRule('give cidr_ip or group_id, not both')
    if group_id:
        return None, group_id
    if not cidr_ip:
        raise InvalidRule('the %s is missing: give cidr_ip or group_id' % PEER_WORDS[direction][1])
    network = parse_cidr(cidr_ip, 'cidr_ip')
    if network.version != 4:
        raise InvalidRule('cidr_ip %r is IPv6; only IPv4 rules are supported' % cidr_ip)
    return str(network), None


def normalise_rule(rule, direction):
    """A rule as the user wrote it -> the canonical rule, or InvalidRule saying what is wrong."""
    protocol = str(rule.get('protocol') or '').lower()
    if protocol not in PROTOCOLS:
        raise InvalidRule('protocol %r is not one of %s' % (rule.get('protocol'), ', '.join(PROTOCOLS)))
    policy = str(rule.get('policy') or 'accept').lower()
    if policy not in POLICIES:
        raise InvalidRule('policy %r is not one of %s' % (rule.get('policy'), ', '.join(POLICIES)))
    priority = 1 if rule.get('priority') is None else rule['priority']
    if not isinstance(priority, int) or not 1 <= priority <= 100:
        raise InvalidRule('priority %r is outside 1-100' % (priority,))
    description = rule.get('description')
    if description is not None and len(description) > 512:
        raise InvalidRule('description is longer than 512 characters')
    cidr_ip, group_id = _peer(rule, direction)
    return dict(protocol=protocol, ports=_ports(rule, protocol), cidr_ip=cidr_ip, group_id=group_id,
                policy=policy, priority=priority, description=description)


def normalise_rules(rules, option, direction):
    """Every rule of one option (``rules`` or ``rules_egress``) made canonical; None stays None (leave alone).

    The message names the option and the rule's position. Two rules that are the same rule are an error too.
    """
    if rules is None:
        return None
    result, seen = [], {}
    for index, rule in enumerate(rules):
        where = '%s[%d]' % (option, index)
        try:
            canonical = normalise_rule(rule, direction)
        except ValueError as error:  # InvalidRule, or network.InvalidNetwork from parse_cidr
            raise InvalidRule('%s: %s' % (where, error))
        key = identity(canonical)
        if key in seen:
            raise InvalidRule('%s is the same rule as %s (only the description may differ)' % (where, seen[key]))
        seen[key] = where
        result.append(canonical)
    return result


def _api_cidr(value):
    # The API accepts a bare address or a CIDR with host bits and may return it as given.
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        return value


def from_permission(permission):
    """One ``Permissions.Permission`` item of DescribeSecurityGroupAttribute -> (direction, canonical rule)."""
    direction = permission.get('Direction') or 'ingress'
    cidr_field, group_field = PEER_FIELDS[direction]
    prefix = cidr_field[:-len('CidrIp')]
    protocol = (permission.get('IpProtocol') or '').lower()
    port_range = permission.get('PortRange') or '-1/-1'
    ports = None
    if port_range != '-1/-1':
        low, high = (port_range.split('/') + [None])[:2]
        ports = format_ports(int(low), int(high or low))
    cidr = permission.get(cidr_field) or permission.get('Ipv6' + cidr_field)
    rule = dict(protocol=protocol, ports=ports, cidr_ip=_api_cidr(cidr) if cidr else None,
                group_id=permission.get(group_field) or None, policy=(permission.get('Policy') or 'accept').lower(),
                priority=int(permission.get('Priority') or 1), description=permission.get('Description') or '',
                rule_id=permission.get('SecurityGroupRuleId'))
    # Attributes without an option: kept only when set, so that they make the rule differ from any wanted one.
    extras = dict(source_ports=permission.get('SourcePortRange'),
                  prefix_list_id=permission.get(prefix + 'PrefixListId'),
                  port_range_list_id=permission.get('PortRangeListId'))
    rule.update((key, value) for key, value in extras.items() if value not in (None, '', '-1/-1'))
    return direction, rule


def split_permissions(permissions):
    """DescribeSecurityGroupAttribute's permissions -> (ingress rules, egress rules), each in a stable order."""
    rules = {'ingress': [], 'egress': []}
    for permission in permissions or []:
        direction, rule = from_permission(permission)
        rules.setdefault(direction, []).append(rule)
    return sort_rules(rules['ingress']), sort_rules(rules['egress'])


def to_permission(rule, direction):
    """A canonical rule -> one ``Permissions.N`` item of Authorize/RevokeSecurityGroup(Egress)."""
    cidr_field, group_field = PEER_FIELDS[direction]
    if rule['ports']:
        low, high = parse_ports(rule['ports'])
        port_range = '%d/%d' % (low, high)
    else:
        port_range = '-1/-1'
    permission = {'IpProtocol': rule['protocol'].upper(), 'PortRange': port_range, 'Policy': rule['policy'],
                  'Priority': str(rule['priority'])}
    if rule['cidr_ip']:
        permission[cidr_field] = rule['cidr_ip']
    else:
        permission[group_field] = rule['group_id']
    if rule.get('description'):
        permission['Description'] = rule['description']
    return permission


def identity(rule):
    return tuple(sorted((key, value) for key, value in rule.items() if key not in NOT_IDENTITY and value is not None))


def _sort_key(rule):
    return (rule['protocol'], parse_ports(rule['ports']) if rule['ports'] else (0, 0), rule.get('cidr_ip') or '',
            rule.get('group_id') or '', rule['priority'], rule['policy'], rule.get('description') or '')


def sort_rules(rules):
    return sorted(rules, key=_sort_key)


def plan_rules(current, desired, purge=True):
    """What it takes to turn the ``current`` rules of one direction into the ``desired`` ones.

    Returns (to_add, to_remove, after). A wanted rule matches a current one with the same identity and, when the
    wanted description is not None, the same description; a description change is a removal plus an addition
    (the API keeps one rule per identity, so the old one goes first). Current rules nobody wants are removed only
    with ``purge``. ``after`` is the rule list once applied, with description '' for unset ones.
    """
    remaining = list(current)
    to_add = []
    for wanted in desired:
        match = next((rule for rule in remaining if identity(rule) == identity(wanted)), None)
        if match is not None and wanted['description'] in (None, match.get('description') or ''):
            remaining.remove(match)
            continue
        to_add.append(dict(wanted, description=wanted['description'] or ''))
    wanted_keys = set(identity(rule) for rule in to_add)
    # A rule being replaced (same identity, new description) must go even without purge.
    to_remove = [rule for rule in remaining if purge or identity(rule) in wanted_keys]
    kept = [rule for rule in current if not any(rule is removed for removed in to_remove)]
    return to_add, to_remove, sort_rules(kept + to_add)


def rule_text(rule, direction):
    """One line per rule for the diff, e.g. ``tcp 22 from 10.0.0.0/8 accept priority 1 (ssh)``."""
    words = [rule['protocol']]
    if rule.get('ports'):
        words.append(rule['ports'])
    if rule.get('source_ports'):
        words.append('source ports %s' % rule['source_ports'])
    peer = rule.get('cidr_ip') or rule.get('group_id') or rule.get('prefix_list_id') or '?'
    words.extend([PEER_WORDS[direction][0], peer, rule['policy'], 'priority %s' % rule['priority']])
    if rule.get('description'):
        words.append('(%s)' % rule['description'])
    return ' '.join(words)


def rules_text(rules, direction):
    return [rule_text(rule, direction) for rule in sort_rules(rules)]

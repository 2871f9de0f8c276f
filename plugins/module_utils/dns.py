# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DNS records: input checks done before any API call, value comparison, and Alibaba Cloud DNS conflict rules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

APEX = '@'
TYPES = ('A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA')
HOST_VALUE_TYPES = ('CNAME', 'MX', 'NS')
TTL_RANGE = (1, 86400)  # the widest any Alibaba Cloud DNS edition accepts; the free edition starts at 600
MX_PRIORITY_RANGE = (1, 50)

# Alibaba Cloud DNS conflict rules for one host record and line: a CNAME cannot sit beside these types; at the
# apex MX, TXT and NS may (the service relaxed those pairs). Several records of one type are fine.
CNAME_EXCLUDES = frozenset(('A', 'AAAA', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'REDIRECT_URL', 'FORWARD_URL'))
CNAME_EXCLUDES_AT_APEX = CNAME_EXCLUDES - frozenset(('MX', 'TXT', 'NS'))

_LABEL = r'[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?'
_RECORD = re.compile(r'^(?:\*|(?:\*\.)?%s(?:\.%s)*)$' % (_LABEL, _LABEL))
_HOST_LABEL = re.compile(r'^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$')


class InvalidRecord(ValueError):
    pass


def normalise_domain(domain):
    return (domain or '').strip().rstrip('.').lower()


def normalise_record(record):
    """Host records compare case-insensitively; '' means the apex, as '@'."""
    record = (record or '').strip()
    return APEX if record in ('', APEX) else record.lower()


def sub_domain(record, domain):
    """The full host name DescribeSubDomainRecords takes: 'www' -> 'www.example.com', '@' -> 'example.com'."""
    return domain if record == APEX else '%s.%s' % (record, domain)


def is_host_name(value):
    labels = value.rstrip('.').split('.')
    return len(labels) >= 2 and all(_HOST_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def check_record(domain, record, record_type, value, ttl, priority, present=True):
    """Raise InvalidRecord with what to fix; nothing here needs the cloud."""
    if not is_host_name(domain):
        raise InvalidRecord('domain %r is not a domain name such as example.com.' % domain)
    if record != APEX and not _RECORD.match(record):
        raise InvalidRecord("record %r is not a host record: use '@' for the domain itself, a name such as 'www' or "
                            "'_acme-challenge.live', or '*' / '*.live' for a wildcard." % record)
    if record == domain or record.endswith('.' + domain):
        raise InvalidRecord("record is relative to the domain: use %r (or '@'), not %r."
                            % (record[:-len(domain) - 1] or APEX, record))
    if ttl is not None and not TTL_RANGE[0] <= ttl <= TTL_RANGE[1]:
        raise InvalidRecord('ttl must be %d to %d seconds, got %d.' % (TTL_RANGE + (ttl,)))
    if priority is not None and record_type != 'MX':
        raise InvalidRecord('priority applies to MX records only (an SRV record carries it in its value).')
    if not present:
        return
    if value is None or value == '':
        raise InvalidRecord('value is required with state=present.')
    if record_type == 'MX':
        if priority is None:
            raise InvalidRecord('An MX record needs a priority (%d to %d, lower is preferred).' % MX_PRIORITY_RANGE)
        if not MX_PRIORITY_RANGE[0] <= priority <= MX_PRIORITY_RANGE[1]:
            raise InvalidRecord('priority must be %d to %d, got %d.' % (MX_PRIORITY_RANGE + (priority,)))
    check_value(record_type, value)


def check_value(record_type, value):
    if record_type in ('A', 'AAAA'):
        version = 4 if record_type == 'A' else 6
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            address = None
        if address is None or address.version != version:
            raise InvalidRecord('The value of an %s record must be an IPv%d address, got %r.'
                                % (record_type, version, value))
    elif record_type in HOST_VALUE_TYPES and not is_host_name(value):
        raise InvalidRecord('The value of a %s record must be a host name such as alb-xyz.cn-hangzhou.alb.aliyuncs.com, '
                            'got %r.' % (record_type, value))


def same_value(record_type, first, second):
    """Whether two values are the same record data (host names without case or final dot, addresses canonical)."""
    if record_type in ('A', 'AAAA'):
        try:
            return ipaddress.ip_address(first) == ipaddress.ip_address(second)
        except ValueError:
            return first == second
    if record_type in HOST_VALUE_TYPES + ('SRV',):
        return first.rstrip('.').lower() == second.rstrip('.').lower()
    return first == second


def conflicting(record, record_type, others):
    """The records among ``others`` (same host and line, any type) that a new ``record_type`` record may not join."""
    excludes = CNAME_EXCLUDES_AT_APEX if record == APEX else CNAME_EXCLUDES
    if record_type == 'CNAME':
        return [other for other in others if other['type'] in excludes]
    if record_type in excludes:
        return [other for other in others if other['type'] == 'CNAME']
    return []

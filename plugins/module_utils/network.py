# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Address checks done before any API call, so bad input fails with a clear message and changes nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress


class InvalidNetwork(ValueError):
    pass


def parse_cidr(value, what='CIDR block'):
    """'10.0.1.0/24' -> IPv4Network. Host bits set (10.0.1.5/24) or a missing prefix are errors, not guesses."""
    if not value or '/' not in value:
        raise InvalidNetwork('%s %r must be written as address/prefix, for example 10.0.0.0/16' % (what, value))
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise InvalidNetwork('%s %r is not valid: %s' % (what, value, error))


def cidr_within(inner, outer):
    """True when the network ``inner`` lies entirely inside ``outer`` (both strings)."""
    inner, outer = parse_cidr(inner), parse_cidr(outer)
    return inner.version == outer.version and inner.subnet_of(outer)

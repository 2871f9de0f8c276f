# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils.network import InvalidNetwork
from ansible_collections.lowlatency.alicloud.plugins.module_utils.network import cidr_within
from ansible_collections.lowlatency.alicloud.plugins.module_utils.network import parse_cidr


@pytest.mark.parametrize('inner, outer, expected', [
    ('10.0.1.0/24', '10.0.0.0/16', True),
    ('10.0.0.0/16', '10.0.0.0/16', True),
    ('10.1.0.0/24', '10.0.0.0/16', False),
    ('10.0.0.0/8', '10.0.0.0/16', False),
    ('192.168.0.0/24', '10.0.0.0/8', False),
])
def test_cidr_within(inner, outer, expected):
    assert cidr_within(inner, outer) is expected


@pytest.mark.parametrize('value, fragment', [
    ('10.0.1.5/24', 'host bits set'),
    ('10.0.0.0', 'address/prefix'),
    ('10.0.0.0/33', 'not valid'),
    ('banana/8', 'not valid'),
    ('', 'address/prefix'),
    (None, 'address/prefix'),
])
def test_malformed_cidrs_are_refused_with_the_reason(value, fragment):
    with pytest.raises(InvalidNetwork) as raised:
        parse_cidr(value)
    assert fragment in str(raised.value)

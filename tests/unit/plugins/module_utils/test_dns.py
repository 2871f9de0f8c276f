# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils import dns
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import InvalidRecord


@pytest.mark.parametrize('record, expected', [('', '@'), ('@', '@'), (' WWW ', 'www'), ('*.Live', '*.live')])
def test_records_are_compared_without_case_and_blank_means_the_apex(record, expected):
    assert dns.normalise_record(record) == expected


def test_the_sub_domain_of_the_apex_is_the_domain_itself():
    assert dns.sub_domain('@', 'example.com') == 'example.com'
    assert dns.sub_domain('live', 'example.com') == 'live.example.com'
    assert dns.normalise_domain('Example.COM.') == 'example.com'


@pytest.mark.parametrize('record, record_type, value, ttl, priority', [
    ('www', 'A', '203.0.113.7', 600, None),
    ('@', 'AAAA', '2001:db8::1', 86400, None),
    ('*', 'CNAME', 'alb-x.cn-hangzhou.alb.aliyuncs.com.', 1, None),
    ('*.live', 'TXT', 'anything at all, with commas', 600, None),
    ('_acme-challenge.live', 'TXT', 'token', 600, None),
    ('@', 'MX', 'mx1.example.net', 600, 1),
    ('@', 'MX', 'mx1.example.net', 600, 50),
    ('_sip._tcp', 'SRV', '10 5 5060 sip.example.com', 600, None),
])
def test_good_records_pass(record, record_type, value, ttl, priority):
    dns.check_record('example.com', record, record_type, value, ttl, priority)


@pytest.mark.parametrize('domain, record, record_type, value, ttl, priority, fragment', [
    ('localhost', 'www', 'A', '1.2.3.4', 600, None, "domain 'localhost' is not a domain name"),
    ('example.com', 'www..x', 'A', '1.2.3.4', 600, None, "record 'www..x' is not a host record"),
    ('example.com', '-www', 'A', '1.2.3.4', 600, None, 'is not a host record'),
    ('example.com', 'live.*', 'A', '1.2.3.4', 600, None, 'is not a host record'),
    ('example.com', 'www.example.com', 'A', '1.2.3.4', 600, None, "use 'www' (or '@'), not 'www.example.com'"),
    ('example.com', 'example.com', 'A', '1.2.3.4', 600, None, "use '@' (or '@'), not 'example.com'"),
    ('example.com', 'www', 'A', '1.2.3.4', 0, None, 'ttl must be 1 to 86400 seconds, got 0.'),
    ('example.com', 'www', 'A', '1.2.3.4', 86401, None, 'got 86401'),
    ('example.com', 'www', 'A', '1.2.3.4', 600, 10, 'priority applies to MX records only'),
    ('example.com', 'www', 'A', None, 600, None, 'value is required with state=present.'),
    ('example.com', 'www', 'A', '2001:db8::1', 600, None, 'an IPv4 address'),
    ('example.com', 'www', 'A', '1.2.3', 600, None, "must be an IPv4 address, got '1.2.3'"),
    ('example.com', 'www', 'AAAA', '1.2.3.4', 600, None, 'must be an IPv6 address'),
    ('example.com', 'www', 'CNAME', '1.2.3.4', 600, None, 'must be a host name'),
    ('example.com', 'www', 'CNAME', 'http://alb.example.com', 600, None, 'must be a host name'),
    ('example.com', '@', 'MX', 'mx1.example.net', 600, None, 'An MX record needs a priority'),
    ('example.com', '@', 'MX', 'mx1.example.net', 600, 51, 'priority must be 1 to 50, got 51.'),
    ('example.com', '@', 'NS', 'ns1', 600, None, 'must be a host name'),
])
def test_bad_records_are_refused_with_what_to_fix(domain, record, record_type, value, ttl, priority, fragment):
    with pytest.raises(InvalidRecord) as caught:
        dns.check_record(domain, record, record_type, value, ttl, priority)
    assert fragment in str(caught.value)


def test_deleting_needs_no_value_but_still_a_valid_host():
    dns.check_record('example.com', 'www', 'CNAME', None, 600, None, present=False)
    with pytest.raises(InvalidRecord):
        dns.check_record('example.com', 'www.example.com', 'CNAME', None, 600, None, present=False)


@pytest.mark.parametrize('record_type, first, second, expected', [
    ('A', '10.0.0.1', '10.0.0.1', True),
    ('A', '10.0.0.1', '10.0.0.2', False),
    ('AAAA', '2001:DB8:0:0::1', '2001:db8::1', True),
    ('CNAME', 'ALB.example.com.', 'alb.example.com', True),
    ('MX', 'mx1.example.net', 'mx2.example.net', False),
    ('SRV', '10 5 5060 SIP.example.com.', '10 5 5060 sip.example.com', True),
    ('TXT', 'Hello', 'hello', False),
    ('TXT', 'v=spf1 -all', 'v=spf1 -all', True),
])
def test_values_compare_as_the_dns_does(record_type, first, second, expected):
    assert dns.same_value(record_type, first, second) is expected


def records(*types):
    return [{'type': t, 'value': 'v%d' % index} for index, t in enumerate(types)]


@pytest.mark.parametrize('record, record_type, others, blocking', [
    ('www', 'CNAME', ('A', 'TXT', 'CNAME'), ['A', 'TXT']),
    ('www', 'CNAME', ('CNAME',), []),
    ('www', 'A', ('CNAME', 'A'), ['CNAME']),
    ('www', 'TXT', ('CNAME',), ['CNAME']),
    ('www', 'A', ('A', 'TXT', 'MX'), []),
    ('@', 'CNAME', ('MX', 'TXT', 'NS'), []),
    ('@', 'CNAME', ('MX', 'A'), ['A']),
    ('@', 'MX', ('CNAME',), []),
    ('@', 'AAAA', ('CNAME',), ['CNAME']),
])
def test_a_cname_shares_its_host_only_as_the_dns_service_allows(record, record_type, others, blocking):
    assert [r['type'] for r in dns.conflicting(record, record_type, records(*others))] == blocking

"""Alidns 2015-01-09 through the unmodified SDK: domains, record lifecycle, duplicates, conflicts, TTL, searches."""

import re

import pytest

from emulator.testing import sdk_models
from emulator.tests.conftest import sdk_error

D = sdk_models('alidns')


@pytest.fixture
def dns(emulator_server):
    return emulator_server.client('alidns', region_header=True)


def add(client, rr, record_type, value, domain='example.com', **extra):
    return client.add_domain_record(D.AddDomainRecordRequest(domain_name=domain, rr=rr, type=record_type,
                                                             value=value, **extra)).body


def info(client, record_id):
    return client.describe_domain_record_info(D.DescribeDomainRecordInfoRequest(record_id=record_id)).body


def records(client, domain='example.com', **query):
    return client.describe_domain_records(D.DescribeDomainRecordsRequest(domain_name=domain, **query)).body


def rows(body):
    return [(r.rr, r.type, r.value) for r in body.domain_records.record]


def sub_domain(client, name, **query):
    return client.describe_sub_domain_records(D.DescribeSubDomainRecordsRequest(sub_domain=name, **query)).body


def update(client, record_id, rr, record_type, value, **extra):
    return client.update_domain_record(D.UpdateDomainRecordRequest(record_id=record_id, rr=rr, type=record_type,
                                                                   value=value, **extra)).body


def domains(client, **query):
    return client.describe_domains(D.DescribeDomainsRequest(**query)).body


def test_the_account_starts_with_example_com(dns):
    body = domains(dns)
    assert [d.domain_name for d in body.domains.domain] == ['example.com']
    domain = body.domains.domain[0]
    assert domain.dns_servers.dns_server == ['ns1.alidns.com', 'ns2.alidns.com'] and domain.record_count == 0


def test_record_lifecycle(dns):
    target = 'alb-abc123.cn-hangzhou.alb.aliyuncs.com'
    created = add(dns, 'www', 'CNAME', target)
    assert re.match(r'^\d{19}$', created.record_id)

    found = info(dns, created.record_id)
    assert (found.domain_name, found.rr, found.type, found.value, found.ttl, found.line, found.status,
            found.locked) == ('example.com', 'www', 'CNAME', target, 600, 'default', 'Enable', False)
    assert found.domain_id == domains(dns).domains.domain[0].domain_id

    listed = sub_domain(dns, 'www.example.com', type='CNAME')
    assert [(r.record_id, r.value) for r in listed.domain_records.record] == [(created.record_id, target)]
    assert listed.total_count == 1 and domains(dns).domains.domain[0].record_count == 1

    moved = 'alb-def456.cn-hangzhou.alb.aliyuncs.com'
    assert update(dns, created.record_id, 'www', 'CNAME', moved, ttl=1200).record_id == created.record_id
    found = info(dns, created.record_id)
    assert (found.value, found.ttl) == (moved, 1200)

    dns.delete_domain_record(D.DeleteDomainRecordRequest(record_id=created.record_id))
    error = sdk_error(info, dns, created.record_id)
    assert (error.code, error.status_code) == ('DomainRecordNotBelongToUser', 400)
    error = sdk_error(dns.delete_domain_record, D.DeleteDomainRecordRequest(record_id=created.record_id))
    assert error.code == 'DomainRecordNotBelongToUser'
    assert sub_domain(dns, 'www.example.com').total_count == 0


def test_a_domain_not_in_the_account_is_refused(dns):
    error = sdk_error(add, dns, 'www', 'A', '192.0.2.1', domain='not-mine.org')
    assert (error.code, error.status_code) == ('IncorrectDomainUser', 400)
    assert sdk_error(records, dns, 'not-mine.org').code == 'IncorrectDomainUser'


def test_identical_records_are_duplicates(dns):
    first = add(dns, 'www', 'A', '192.0.2.1')
    error = sdk_error(add, dns, 'WWW', 'A', '192.0.2.1')
    assert (error.code, error.status_code) == ('DomainRecordDuplicate', 400)
    add(dns, 'www', 'A', '192.0.2.2')  # several A records of one host are allowed
    add(dns, 'www', 'A', '192.0.2.1', line='telecom')  # another line is another record
    error = sdk_error(update, dns, first.record_id, 'www', 'A', '192.0.2.2')
    assert error.code == 'DomainRecordDuplicate'
    # Updating a record to what it already is is refused too: compare before updating.
    error = sdk_error(update, dns, first.record_id, 'www', 'A', '192.0.2.1')
    assert error.code == 'DomainRecordDuplicate'
    assert records(dns).total_count == 3


@pytest.mark.parametrize('existing, new, conflict', [
    (('www', 'A', '192.0.2.1'), ('www', 'CNAME', 'target.example.net'), True),
    (('www', 'CNAME', 'target.example.net'), ('www', 'A', '192.0.2.1'), True),
    (('www', 'CNAME', 'target.example.net'), ('www', 'TXT', 'hello'), True),
    (('www', 'MX', 'mail.example.net'), ('www', 'CNAME', 'target.example.net'), True),
    (('www', 'CNAME', 'one.example.net'), ('www', 'CNAME', 'two.example.net'), False),
    (('www', 'A', '192.0.2.1'), ('www', 'TXT', 'hello'), False),
    (('www', 'A', '192.0.2.1'), ('api', 'CNAME', 'target.example.net'), False),
    (('@', 'MX', 'mail.example.net'), ('@', 'CNAME', 'target.example.net'), False),
    (('@', 'TXT', 'v=spf1 -all'), ('@', 'CNAME', 'target.example.net'), False),
    (('@', 'A', '192.0.2.1'), ('@', 'CNAME', 'target.example.net'), True),
])
def test_cname_conflict_rules(dns, existing, new, conflict):
    extra = {'priority': 10}
    add(dns, *existing, **(extra if existing[1] == 'MX' else {}))
    if conflict:
        error = sdk_error(add, dns, *new)
        assert (error.code, error.status_code) == ('DomainRecordConflict', 400)
        assert records(dns).total_count == 1
    else:
        add(dns, *new)
        assert records(dns).total_count == 2


def test_update_into_a_conflict_is_refused(dns):
    add(dns, 'www', 'A', '192.0.2.1')
    other = add(dns, 'api', 'CNAME', 'target.example.net')
    error = sdk_error(update, dns, other.record_id, 'www', 'CNAME', 'target.example.net')
    assert error.code == 'DomainRecordConflict'
    assert info(dns, other.record_id).rr == 'api'


@pytest.mark.parametrize('ttl, accepted', [(599, False), (600, True), (86400, True), (86401, False), (1, False)])
def test_ttl_bounds(dns, ttl, accepted):
    if accepted:
        assert info(dns, add(dns, 'www', 'A', '192.0.2.1', ttl=ttl).record_id).ttl == ttl
    else:
        error = sdk_error(add, dns, 'www', 'A', '192.0.2.1', ttl=ttl)
        assert (error.code, error.status_code) == ('QuotaExceeded.TTL', 400)
        assert records(dns).total_count == 0


@pytest.mark.parametrize('rr, record_type, value, extra, code', [
    ('www', 'A', 'not-an-address', {}, 'InvalidValue.A'),
    ('www', 'AAAA', '192.0.2.1', {}, 'InvalidValue.AAAA'),
    ('www', 'CNAME', 'no_dots', {}, 'InvalidValue.CNAME'),
    ('www', 'BOGUS', 'x', {}, 'InvalidParameter'),
    ('bad host!', 'A', '192.0.2.1', {}, 'InvalidRR.Format'),
    ('@', 'MX', 'mail.example.net', {}, 'MissingPriority'),
    ('@', 'MX', 'mail.example.net', {'priority': 51}, 'InvalidPriority'),
])
def test_record_values_are_checked(dns, rr, record_type, value, extra, code):
    error = sdk_error(add, dns, rr, record_type, value, **extra)
    assert error.code == code
    assert records(dns).total_count == 0


def test_mx_records_carry_their_priority(dns):
    created = add(dns, '@', 'MX', 'mail.example.net', priority=5)
    assert info(dns, created.record_id).priority == 5
    assert [r.priority for r in records(dns).domain_records.record] == [5]


def test_describe_domain_records_searches(dns):
    add(dns, 'www', 'A', '192.0.2.1')
    add(dns, 'www2', 'A', '192.0.2.2')
    add(dns, 'api', 'CNAME', 'www.example.com')
    add(dns, '_acme', 'TXT', 'token-value')
    assert sorted(r[0] for r in rows(records(dns, rrkey_word='WW'))) == ['www', 'www2']
    assert sorted(r[0] for r in rows(records(dns, type_key_word='a'))) == ['www', 'www2']
    assert [r[0] for r in rows(records(dns, value_key_word='TOKEN'))] == ['_acme']
    assert [r[0] for r in rows(records(dns, search_mode='COMBINATION', rrkey_word='www', type='A'))] == ['www']
    assert [r[0] for r in rows(records(dns, key_word='www', search_mode='EXACT'))] == ['www']
    assert sorted(r[0] for r in rows(records(dns, key_word='www'))) == ['api', 'www', 'www2']  # value contains it
    assert [r[0] for r in rows(records(dns, direction='ASC'))] == ['www', 'www2', 'api', '_acme']
    assert [r[0] for r in rows(records(dns))] == ['_acme', 'api', 'www2', 'www']  # newest first by default


def test_describe_domain_records_pages(dns):
    for n in range(5):
        add(dns, 'host%d' % n, 'A', '192.0.2.%d' % (n + 1))
    first = records(dns, page_number=1, page_size=2, direction='ASC')
    third = records(dns, page_number=3, page_size=2, direction='ASC')
    assert (first.total_count, first.page_number, first.page_size) == (5, 1, 2)
    assert [r.rr for r in first.domain_records.record] == ['host0', 'host1']
    assert [r.rr for r in third.domain_records.record] == ['host4']
    assert records(dns).page_size == 20
    assert sdk_error(records, dns, page_size=501).code == 'InvalidPageSize'
    assert sdk_error(sub_domain, dns, 'host0.example.com', page_size=101).code == 'InvalidPageSize'


def test_sub_domains_resolve_to_the_longest_domain_of_the_account(dns):
    dns.add_domain(D.AddDomainRequest(domain_name='media.example.com'))
    add(dns, 'live', 'A', '192.0.2.1')                                # live.example.com
    add(dns, 'live', 'A', '192.0.2.9', domain='media.example.com')    # live.media.example.com
    add(dns, '@', 'A', '192.0.2.5')
    assert [r.value for r in sub_domain(dns, 'live.media.example.com').domain_records.record] == ['192.0.2.9']
    assert [r.value for r in sub_domain(dns, 'live.example.com').domain_records.record] == ['192.0.2.1']
    assert [r.rr for r in sub_domain(dns, 'example.com').domain_records.record] == ['@']
    assert sub_domain(dns, 'live.example.com', type='CNAME').total_count == 0
    assert sdk_error(sub_domain, dns, 'www.unknown.org').code == 'IncorrectDomainUser'


def test_domains_can_be_added_listed_and_deleted(dns):
    added = dns.add_domain(D.AddDomainRequest(domain_name='Stream.Example.org')).body
    assert (added.domain_name, added.dns_servers.dns_server) == ('stream.example.org', ['ns1.alidns.com',
                                                                                        'ns2.alidns.com'])
    assert sdk_error(dns.add_domain, D.AddDomainRequest(domain_name='stream.example.org')).code == \
        'InvalidDomainName.Duplicate'
    assert sdk_error(dns.add_domain, D.AddDomainRequest(domain_name='no-dot')).code == 'InvalidDomainName.Format'
    assert [d.domain_name for d in domains(dns, key_word='stream').domains.domain] == ['stream.example.org']
    assert domains(dns, key_word='stream', search_mode='EXACT').total_count == 0
    assert domains(dns).total_count == 2

    add(dns, 'www', 'A', '192.0.2.1', domain='stream.example.org')
    dns.delete_domain(D.DeleteDomainRequest(domain_name='stream.example.org'))
    assert [d.domain_name for d in domains(dns).domains.domain] == ['example.com']
    error = sdk_error(dns.delete_domain, D.DeleteDomainRequest(domain_name='stream.example.org'))
    assert (error.code, error.status_code) == ('IncorrectDomainUser', 400)
    # Adding it again starts empty: its records went with it.
    dns.add_domain(D.AddDomainRequest(domain_name='stream.example.org'))
    assert records(dns, 'stream.example.org').total_count == 0


def test_delete_sub_domain_records(dns):
    add(dns, 'www', 'A', '192.0.2.1')
    add(dns, 'www', 'A', '192.0.2.2')
    add(dns, 'www', 'TXT', 'keep me')
    body = dns.delete_sub_domain_records(D.DeleteSubDomainRecordsRequest(domain_name='example.com', rr='www',
                                                                         type='A')).body
    assert (body.rr, body.total_count) == ('www', '2')
    assert rows(records(dns)) == [('www', 'TXT', 'keep me')]


def test_dns_is_global_whatever_the_region(dns, emulator_server):
    created = add(dns, 'www', 'A', '192.0.2.1')
    singapore = emulator_server.client('alidns', region='ap-southeast-1', region_header=True)
    assert info(singapore, created.record_id).value == '192.0.2.1'
    assert [d.domain_name for d in domains(singapore).domains.domain] == ['example.com']

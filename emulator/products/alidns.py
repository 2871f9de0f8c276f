"""Alidns (Alibaba Cloud DNS) 2015-01-09: the account's domains and their DNS records.

DNS is a global service: whatever region a request names, it sees the same domains (kept in the region of
alidns.aliyuncs.com, cn-hangzhou). The account starts with the domain ``example.com``; AddDomain adds more.
Records follow the cloud's rules: TTL 600-86400 (free edition), an identical record is ``DomainRecordDuplicate``,
a CNAME cannot share its host record and line with most other types (``DomainRecordConflict``).
"""

import ipaddress
import re
import uuid

from emulator.core import ApiError, Context, Product, errors, ids, pagination, regions

alidns = Product('alidns', '2015-01-09', 'alibabacloud_alidns20150109', endpoint='alidns.aliyuncs.com')

DOMAIN = 'alidns.domain'
RECORD = 'alidns.record'
SEEDED = 'alidns.seeded'
SEED_DOMAIN = 'example.com'
HOME_REGION = regions.DEFAULT_REGION
TTL_MIN, TTL_MAX = 600, 86400
APEX = '@'
TYPES = ('A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA', 'REDIRECT_URL', 'FORWARD_URL')
# Types that cannot share host record and line with a CNAME (the cloud's conflict table, for the types modelled);
# at the apex (@) MX, TXT and NS may sit beside a CNAME. Several CNAMEs of one host are allowed (weighted).
CNAME_EXCLUDES = {'A', 'AAAA', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'REDIRECT_URL', 'FORWARD_URL'}
CNAME_EXCLUDES_AT_APEX = CNAME_EXCLUDES - {'MX', 'TXT', 'NS'}
DNS_SERVERS = ['ns1.alidns.com', 'ns2.alidns.com']
LABEL = re.compile(r'^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$')
HOST = re.compile(r'^(@|\*|(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)$')


def _dns(ctx):
    """The global DNS view: a context in the home region, seeded with example.com on first use."""
    home = ctx if ctx.region == HOME_REGION else Context(ctx.emulator, HOME_REGION, now=ctx.now)
    if not home.store.kind(SEEDED):
        home.store.kind(SEEDED)['account'] = {'seeded': True}
        _add_domain(home, SEED_DOMAIN)
    return home


# Domains.

def _valid_domain(name):
    labels = (name or '').rstrip('.').split('.')
    return len(labels) >= 2 and all(LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def _add_domain(dns, name):
    # Derived from the account and the name, so the seeded domain keeps its id if it is seeded again.
    domain_id = str(uuid.uuid5(uuid.NAMESPACE_DNS, '%s.%s' % (name, dns.account['OwnerId'])))
    return dns.add(DOMAIN, name, {
        'DomainId': domain_id, 'DomainName': name, 'GroupId': 'defaultGroup', 'GroupName': 'defaultGroup',
        'CreateTime': ids.iso_time_minutes(dns.now), 'CreateTimestamp': ids.epoch_millis(dns.now),
        'ResourceGroupId': dns.account['ResourceGroupId'],
    }, visible_now=True)


def _domain(dns, name):
    found = dns.get(DOMAIN, (name or '').lower().rstrip('.'))
    if found is None:
        raise ApiError('IncorrectDomainUser', 'The domain name does not belong to this user.')
    return found


def _records_of(dns, domain_name):
    return dns.list(RECORD, lambda r: r['DomainName'] == domain_name)


@alidns.action('AddDomain')
def add_domain(ctx, params):
    dns = _dns(ctx)
    name = params['DomainName'].lower().rstrip('.')
    if not _valid_domain(name):
        raise ApiError('InvalidDomainName.Format', 'The domain name format is invalid.')
    if dns.get(DOMAIN, name) is not None:
        raise ApiError('InvalidDomainName.Duplicate', 'The domain name already exists in your account.')
    domain = _add_domain(dns, name)
    return {'DomainId': domain['DomainId'], 'DomainName': name, 'GroupId': domain['GroupId'],
            'GroupName': domain['GroupName'], 'DnsServers': {'DnsServer': list(DNS_SERVERS)}}


def _domain_view(dns, domain):
    return {
        'DomainId': domain['DomainId'], 'DomainName': domain['DomainName'], 'GroupId': domain['GroupId'],
        'GroupName': domain['GroupName'], 'CreateTime': domain['CreateTime'],
        'CreateTimestamp': domain['CreateTimestamp'], 'ResourceGroupId': domain['ResourceGroupId'],
        'RecordCount': len(_records_of(dns, domain['DomainName'])), 'AliDomain': False, 'Starmark': False,
        'InstanceId': '', 'InstanceExpired': False, 'VersionCode': 'mianfei', 'VersionName': 'Alibaba Cloud DNS',
        'PunyCode': domain['DomainName'], 'Remark': '', 'DnsServers': {'DnsServer': list(DNS_SERVERS)},
        'Tags': {'Tag': []},
    }


@alidns.action('DescribeDomains')
def describe_domains(ctx, params):
    dns = _dns(ctx)
    keyword = (params.text('KeyWord') or '').lower()
    exact = params.text('SearchMode', 'LIKE') == 'EXACT'
    group = params.text('GroupId')

    def wanted(domain):
        name = domain['DomainName']
        return ((not keyword or (name == keyword if exact else keyword in name))
                and group in (None, domain['GroupId']))
    found = dns.listed(DOMAIN, wanted)
    page, meta = pagination.by_page(params, found, default_size=20, max_size=100)
    return dict(meta, Domains={'Domain': [_domain_view(dns, d) for d in page]})


@alidns.action('DeleteDomain')
def delete_domain(ctx, params):
    dns = _dns(ctx)
    domain = _domain(dns, params['DomainName'])
    for record in _records_of(dns, domain['DomainName']):
        dns.remove(RECORD, record['RecordId'])
    dns.remove(DOMAIN, domain['DomainName'])
    return {'DomainName': domain['DomainName']}


# Records.

def _check_value(record_type, value):
    try:
        if record_type == 'A':
            return str(ipaddress.IPv4Address(value))
        if record_type == 'AAAA':
            return str(ipaddress.IPv6Address(value))
    except ValueError:
        raise ApiError('InvalidValue.%s' % record_type, 'The record value is invalid for an %s record.'
                       % record_type)
    if record_type in ('CNAME', 'MX', 'NS') and not _valid_domain(value):
        raise ApiError('InvalidValue.%s' % record_type, 'The record value must be a domain name for a %s record.'
                       % record_type)
    return value


def _record_fields(params):
    """Validated {RR, Type, Value, TTL, Line, Priority} of AddDomainRecord / UpdateDomainRecord."""
    rr = params['RR']
    if not HOST.match(rr):
        raise ApiError('InvalidRR.Format', 'The host record format is invalid.')
    record_type = params['Type'].upper()
    if record_type not in TYPES:
        raise errors.invalid_parameter('The record type %s is not supported.' % params['Type'])
    ttl = params.get('TTL', 600)
    if not TTL_MIN <= ttl <= TTL_MAX:
        raise ApiError('QuotaExceeded.TTL', 'The TTL has exceeded the limit of the domain edition (%d-%d).'
                       % (TTL_MIN, TTL_MAX))
    priority = params.get('Priority')
    if record_type == 'MX':
        if priority is None:
            raise errors.missing('Priority')
        if not 1 <= priority <= 50:
            raise errors.invalid('Priority')
    return {'RR': rr.lower() if rr != APEX else rr, 'Type': record_type, 'Value': _check_value(record_type, params['Value']),
            'TTL': ttl, 'Line': params.text('Line', 'default'), 'Priority': priority if record_type == 'MX' else None}


def _same_value(record_type, first, second):
    # Host names compare case-insensitively (and with or without the final dot); TXT values are exact.
    if record_type in ('CNAME', 'MX', 'NS', 'SRV'):
        return first.lower().rstrip('.') == second.lower().rstrip('.')
    return first == second


def _conflicts(new_type, other_type, rr):
    excludes = CNAME_EXCLUDES_AT_APEX if rr == APEX else CNAME_EXCLUDES
    return (new_type == 'CNAME' and other_type in excludes) or (other_type == 'CNAME' and new_type in excludes)


def _check_against(dns, domain_name, fields, record_id=None):
    """Refuse a record identical to, or in conflict with, another record of the domain."""
    for other in _records_of(dns, domain_name):
        if other['RecordId'] == record_id or other['RR'] != fields['RR'] or other['Line'] != fields['Line']:
            continue
        if other['Type'] == fields['Type'] and _same_value(fields['Type'], other['Value'], fields['Value']):
            raise ApiError('DomainRecordDuplicate', 'The DNS record already exists.')
        if _conflicts(fields['Type'], other['Type'], fields['RR']):
            raise ApiError('DomainRecordConflict', 'The DNS record conflicts with other records.')


def _new_record_id(dns):
    while True:
        record_id = str(ids.numeric_id(19))
        if dns.store.kind(RECORD).get(record_id) is None:
            return record_id


@alidns.action('AddDomainRecord')
def add_domain_record(ctx, params):
    dns = _dns(ctx)
    domain = _domain(dns, params['DomainName'])
    fields = _record_fields(params)
    _check_against(dns, domain['DomainName'], fields)
    record_id = _new_record_id(dns)
    millis = ids.epoch_millis(dns.now)
    dns.add(RECORD, record_id, dict(fields, RecordId=record_id, DomainName=domain['DomainName'], Status='Enable',
                                    Locked=False, Weight=1, Remark='', CreateTimestamp=millis,
                                    UpdateTimestamp=millis), visible_now=True)
    return {'RecordId': record_id}


def _record(dns, record_id):
    found = dns.get(RECORD, record_id)
    if found is None:
        raise ApiError('DomainRecordNotBelongToUser', 'The DNS record does not belong to this user.')
    return found


@alidns.action('UpdateDomainRecord')
def update_domain_record(ctx, params):
    """An update that changes nothing is refused as a duplicate, as the cloud does: compare before updating."""
    dns = _dns(ctx)
    record = _record(dns, params['RecordId'])
    fields = _record_fields(params)
    unchanged = all(record[k] == fields[k] for k in ('RR', 'Type', 'TTL', 'Line', 'Priority')) and \
        _same_value(fields['Type'], record['Value'], fields['Value'])
    if unchanged:
        raise ApiError('DomainRecordDuplicate', 'The DNS record already exists.')
    _check_against(dns, record['DomainName'], fields, record_id=record['RecordId'])
    record.update(fields, UpdateTimestamp=ids.epoch_millis(dns.now))
    return {'RecordId': record['RecordId']}


@alidns.action('DeleteDomainRecord')
def delete_domain_record(ctx, params):
    dns = _dns(ctx)
    record = _record(dns, params['RecordId'])
    dns.remove(RECORD, record['RecordId'])
    return {'RecordId': record['RecordId']}


def _record_view(record, full=True):
    view = dict((k, record[k]) for k in ('RecordId', 'DomainName', 'RR', 'Type', 'Value', 'TTL', 'Line', 'Status',
                                         'Locked', 'Weight', 'Remark'))
    if record['Priority'] is not None:
        view['Priority'] = record['Priority']
    if full:
        view.update(CreateTimestamp=record['CreateTimestamp'], UpdateTimestamp=record['UpdateTimestamp'],
                    LbaStatus=False)
    return view


@alidns.action('DescribeDomainRecordInfo')
def describe_domain_record_info(ctx, params):
    dns = _dns(ctx)
    record = _record(dns, params['RecordId'])
    domain = dns.get(DOMAIN, record['DomainName'])
    view = _record_view(record, full=False)
    view.pop('Weight')
    view.update(DomainId=domain['DomainId'], GroupId=domain['GroupId'], GroupName=domain['GroupName'],
                PunyCode=domain['DomainName'])
    return view


def _contains(text, keyword):
    return keyword is None or keyword.lower() in text.lower()


def _equals(text, keyword):
    return keyword is None or keyword.lower() == text.lower()


def _record_filter(params):
    """The record search of DescribeDomainRecords, by SearchMode (LIKE/EXACT: KeyWord; ADVANCED or none:
    RRKeyWord/ValueKeyWord fuzzy, TypeKeyWord/Type/Line/Status exact; COMBINATION: RRKeyWord and Type exact)."""
    mode = (params.text('SearchMode') or ('LIKE' if params.text('KeyWord') else 'ADVANCED')).upper()
    keyword = params.text('KeyWord')
    if mode in ('LIKE', 'EXACT'):
        match = _equals if mode == 'EXACT' else _contains
        return lambda r: keyword is None or match(r['RR'], keyword) or match(r['Value'], keyword)
    rr_match = _equals if mode == 'COMBINATION' else _contains
    rr_key, value_key = params.text('RRKeyWord'), params.text('ValueKeyWord')
    type_key, record_type = params.text('TypeKeyWord'), params.text('Type')
    line, status = params.text('Line'), params.text('Status')

    def wanted(record):
        return (rr_match(record['RR'], rr_key) and _contains(record['Value'], value_key)
                and _equals(record['Type'], type_key) and _equals(record['Type'], record_type)
                and _equals(record['Line'], line) and _equals(record['Status'], status))
    return wanted


@alidns.action('DescribeDomainRecords')
def describe_domain_records(ctx, params):
    dns = _dns(ctx)
    domain = _domain(dns, params['DomainName'])
    wanted = _record_filter(params)
    found = [r for r in _records_of(dns, domain['DomainName']) if wanted(r)]
    newest_first = params.text('Direction', 'DESC').upper() != 'ASC'
    found.sort(key=lambda r: r['_seq'], reverse=newest_first)
    page, meta = pagination.by_page(params, found, default_size=20, max_size=500)
    return dict(meta, DomainRecords={'Record': [_record_view(r) for r in page]})


def _split_sub_domain(dns, sub_domain, domain_name=None):
    """(domain, RR) for a full host name, e.g. 'www.example.com' -> (example.com, 'www')."""
    host = sub_domain.lower().rstrip('.')
    if domain_name:
        domain = _domain(dns, domain_name)
    else:
        candidates = [d for d in dns.list(DOMAIN) if host == d['DomainName'] or host.endswith('.' + d['DomainName'])]
        if not candidates:
            raise ApiError('IncorrectDomainUser', 'The domain name does not belong to this user.')
        domain = max(candidates, key=lambda d: len(d['DomainName']))
    name = domain['DomainName']
    if host == name:
        return domain, APEX
    if not host.endswith('.' + name):
        raise errors.invalid_parameter('The SubDomain %s is not under the domain %s.' % (sub_domain, name))
    return domain, host[:-len(name) - 1]


@alidns.action('DescribeSubDomainRecords')
def describe_sub_domain_records(ctx, params):
    dns = _dns(ctx)
    domain, rr = _split_sub_domain(dns, params['SubDomain'], params.text('DomainName'))
    record_type, line = params.text('Type'), params.text('Line')
    found = [r for r in _records_of(dns, domain['DomainName'])
             if r['RR'] == rr and _equals(r['Type'], record_type) and _equals(r['Line'], line)]
    page, meta = pagination.by_page(params, found, default_size=20, max_size=100)
    return dict(meta, DomainRecords={'Record': [_record_view(r, full=False) for r in page]})


@alidns.action('DeleteSubDomainRecords')
def delete_sub_domain_records(ctx, params):
    dns = _dns(ctx)
    domain = _domain(dns, params['DomainName'])
    rr = params['RR'] if params['RR'] == APEX else params['RR'].lower()
    record_type = params.text('Type')
    doomed = [r for r in _records_of(dns, domain['DomainName'])
              if r['RR'] == rr and _equals(r['Type'], record_type)]
    for record in doomed:
        dns.remove(RECORD, record['RecordId'])
    return {'RR': params['RR'], 'TotalCount': str(len(doomed))}

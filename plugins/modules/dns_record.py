#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dns_record
short_description: Create, update or delete a DNS record in Alibaba Cloud DNS
version_added: 0.1.0
description:
  - Manages a DNS record of a domain hosted in Alibaba Cloud DNS (Alidns), for example the CNAME that points the
    user's host name at the load balancer.
  - A record is found by its host (O(record)), O(type) and O(line). With O(exclusive=true), the default, it is
    the only record of that type for the host and line - an existing one is updated in place when its value, TTL
    or priority differ, and any other record of that type there is deleted. With O(exclusive=false) the value is
    part of its identity, so several records of one type can share a host (round-robin A records, several MX or
    TXT values), one task each.
  - Input is checked before any API call (host record syntax, an address for A/AAAA, a host name for
    CNAME/MX/NS, MX priority, TTL range). A record that the DNS service would refuse beside the host's other
    records (a CNAME beside A, AAAA, TXT, MX... records) fails with the records in the way, before any change.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  domain:
    description:
      - The domain, as added to Alibaba Cloud DNS, for example V(example.com).
    type: str
    required: true
    aliases: [domain_name]
  record:
    description:
      - The host record, relative to O(domain) - V(www) for C(www.example.com), V(@) for the domain itself,
        V(*) for a wildcard.
    type: str
    required: true
    aliases: [rr, host]
  type:
    description:
      - Record type.
    type: str
    required: true
    choices: [A, AAAA, CNAME, TXT, MX, NS, SRV, CAA]
  value:
    description:
      - Record data - an IPv4 address for V(A), IPv6 for V(AAAA), a host name for V(CNAME), V(MX) and V(NS),
        text for V(TXT), C(priority weight port target) for V(SRV).
      - Required with O(state=present). With O(state=absent), only the record with this value is deleted;
        without it, every record of O(type) for the host and line.
    type: str
  ttl:
    description:
      - Time to live in seconds, 1 to 86400. The free DNS edition accepts 600 and above.
    type: int
    default: 600
  priority:
    description:
      - Priority of an V(MX) record, 1 to 50, lower preferred. Required for V(MX), refused for other types.
    type: int
  line:
    description:
      - Resolution line (the resolver networks the record answers), V(default) for everyone.
    type: str
    default: default
  exclusive:
    description:
      - V(true) makes this the only O(type) record of the host and line, updated in place, others deleted.
      - V(false) manages only the record with this O(value) and leaves the others alone.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or updates the record, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes
notes:
  - Alibaba Cloud DNS is a global service; O(region) only selects the API endpoint.
  - Host records are compared without regard to case, host-name values also without a final dot.
requirements:
  - alibabacloud-alidns20150109
seealso:
  - module: lowlatency.alicloud.dns_record_info
'''

EXAMPLES = r'''
- name: Point live.example.com at the load balancer
  lowlatency.alicloud.dns_record:
    domain: example.com
    record: live
    type: CNAME
    value: "{{ alb.load_balancer.dns_name }}"

- name: Two mail exchangers, one task each
  lowlatency.alicloud.dns_record:
    domain: example.com
    record: "@"
    type: MX
    value: "{{ item.host }}"
    priority: "{{ item.priority }}"
    exclusive: false
  loop:
    - {host: mx1.example.net, priority: 10}
    - {host: mx2.example.net, priority: 20}

- name: Remove every TXT record of _acme-challenge.live
  lowlatency.alicloud.dns_record:
    domain: example.com
    record: _acme-challenge.live
    type: TXT
    state: absent
'''

RETURN = r'''
record:
  description: The record as the API describes it, in snake_case. Empty after deletion.
  returned: always
  type: dict
  contains:
    record_id:
      description: Record id. Not known in check mode before the record exists.
      type: str
      sample: "9999985412345678901"
    domain_name:
      description: Domain.
      type: str
      sample: example.com
    rr:
      description: Host record.
      type: str
      sample: live
    type:
      description: Record type.
      type: str
      sample: CNAME
    value:
      description: Record data.
      type: str
      sample: alb-abc123.cn-hangzhou.alb.aliyuncs.com
    ttl:
      description: Time to live in seconds.
      type: int
      sample: 600
    line:
      description: Resolution line.
      type: str
      sample: default
    priority:
      description: MX priority (MX records only).
      type: int
    status:
      description: V(Enable) or V(Disable).
      type: str
    locked:
      description: Whether the record is locked against changes.
      type: bool
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import create_once
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import check_record
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import conflicting
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import normalise_domain
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import normalise_record
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import same_value
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import sub_domain
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


class Record(object):
    """The wanted record and the host's records it is compared with."""

    def __init__(self, module):
        params = module.params
        self.module = module
        self.domain = normalise_domain(params['domain'])
        self.record = normalise_record(params['record'])
        self.type = params['type']
        self.line = params['line']
        self.value = params['value']
        self.priority = params['priority'] if self.type == 'MX' else None
        module.check(check_record, self.domain, self.record, self.type, self.value, params['ttl'], params['priority'],
                     params['state'] == 'present')

    def describe(self, client):
        """Every record of the host, any type and line: one read, which also shows what a new record would meet."""
        try:
            found = client.paginate('DescribeSubDomainRecords', {
                'SubDomain': sub_domain(self.record, self.domain), 'DomainName': self.domain,
            }, ('DomainRecords', 'Record'), page_size=100)
        except ApiError as error:
            if error.code == 'IncorrectDomainUser':
                self.module.fail_api(error, msg='Domain %s is not in this account\'s Alibaba Cloud DNS; add it there '
                                                'first' % self.domain)
            raise
        # The service matches the host record case-insensitively; keep exactly this host's records.
        return [snake_dict(r) for r in found if normalise_record(r['RR']) == self.record]

    def matches(self, record):
        return same_value(self.type, record['value'], self.value)

    def up_to_date(self, record):
        return self.matches(record) and record['ttl'] == self.module.params['ttl'] and \
            record.get('priority') == self.priority

    def wire(self):
        return {'RR': self.record, 'Type': self.type, 'Value': self.value, 'TTL': self.module.params['ttl'],
                'Line': self.line, 'Priority': self.priority}

    def after(self, record=None):
        """``record`` (or a new one) as it is once this record's value, TTL and priority are applied."""
        base = dict(record or {}, domain_name=self.domain, rr=self.record, type=self.type, line=self.line)
        base.update(value=self.value, ttl=self.module.params['ttl'], priority=self.priority)
        base.setdefault('record_id', None)
        base.setdefault('status', 'Enable')
        base.setdefault('locked', False)
        if self.priority is None:
            base.pop('priority')
        return base


def diff_view(record, records):
    return dict(record=record.record, type=record.type, line=record.line, records=sorted(
        (dict((k, r.get(k)) for k in ('value', 'ttl', 'priority') if r.get(k) is not None) for r in records),
        key=lambda r: r['value']))


def fail_conflict(module, record, blocking, error=None):
    described = ', '.join('%s %s' % (r['type'], r['value']) for r in blocking) or 'records of another type'
    host = sub_domain(record.record, record.domain)
    msg = ('The %s record %s of %s cannot sit beside the %s already there (line %s); delete them first '
           '(state=absent) or use another host' % (record.type, record.value, host, described, record.line))
    if error is not None:
        module.fail_api(error, msg=msg)
    module.fail_json(msg=msg + '.')


def add(module, client, record, host_records):
    blocking = conflicting(record.record, record.type, [r for r in host_records if r['line'] == record.line])
    if blocking:
        fail_conflict(module, record, blocking)
    if module.check_mode:
        return record.after()
    try:
        # AddDomainRecord takes no ClientToken: after a lost answer, the host's record of this type, line and
        # value is the answer.
        created = create_once(lambda: client.call('AddDomainRecord', dict(record.wire(), DomainName=record.domain)),
                              lambda: next(({'RecordId': r['record_id']} for r in record.describe(client)
                                            if r['type'] == record.type and r['line'] == record.line
                                            and record.matches(r)), None))
    except ApiError as error:
        if error.code == 'DomainRecordConflict':
            fail_conflict(module, record, blocking, error)
        raise
    return record.after({'record_id': created['RecordId']})


def update(module, client, record, current):
    if module.check_mode:
        return record.after(current)
    # The service refuses an update that changes nothing (DomainRecordDuplicate): only called on a difference.
    client.call('UpdateDomainRecord', dict(record.wire(), RecordId=current['record_id']))
    return record.after(current)


def delete(module, client, records):
    if module.check_mode:
        return
    for doomed in records:
        try:
            client.call('DeleteDomainRecord', {'RecordId': doomed['record_id']})
        except ApiError as error:
            if error.code != 'DomainRecordNotBelongToUser':  # already gone
                raise


def converge(module, client, record):
    host_records = record.describe(client)
    same_kind = [r for r in host_records if r['type'] == record.type and r['line'] == record.line]
    exclusive = module.params['exclusive']
    if module.params['state'] == 'absent':
        doomed = [r for r in same_kind if record.value is None or record.matches(r)]
        delete(module, client, doomed)
        module.exit_json(changed=bool(doomed), record={}, diff=dict(
            before=diff_view(record, same_kind), after=diff_view(record, [r for r in same_kind if r not in doomed])))
    current = next((r for r in same_kind if record.matches(r)), None)
    if current is None and exclusive and same_kind:
        current = same_kind[0]  # the record to update in place; the others go
    extras = [r for r in same_kind if r is not current] if exclusive else []
    delete(module, client, extras)
    if current is None:
        after = add(module, client, record, [r for r in host_records if r not in extras])
    elif not record.up_to_date(current):
        after = update(module, client, record, current)
    else:
        after = current
    remaining = [r for r in same_kind if r is not current and r not in extras] + [after]
    module.exit_json(changed=after is not current or bool(extras), record=after,
                     diff=dict(before=diff_view(record, same_kind), after=diff_view(record, remaining)))


def main():
    module = AlicloudModule(
        argument_spec=dict(
            domain=dict(type='str', required=True, aliases=['domain_name']),
            record=dict(type='str', required=True, aliases=['rr', 'host']),
            type=dict(type='str', required=True, choices=['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA']),
            value=dict(type='str'),
            ttl=dict(type='int', default=600),
            priority=dict(type='int'),
            line=dict(type='str', default='default'),
            exclusive=dict(type='bool', default=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    record = Record(module)
    client = module.client('alidns')
    try:
        converge(module, client, record)
    except ApiError as error:
        if error.code == 'QuotaExceeded.TTL':
            module.fail_api(error, msg='ttl %d is below what the domain\'s DNS edition allows (the free edition '
                                       'starts at 600)' % module.params['ttl'])
        module.fail_api(error)


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: dns_record_info
short_description: Look up DNS records in Alibaba Cloud DNS
version_added: 0.1.0
description:
  - Lists the DNS records of a domain hosted in Alibaba Cloud DNS (Alidns), all of them or those of one host.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  domain:
    description:
      - The domain, for example V(example.com).
    type: str
    required: true
    aliases: [domain_name]
  record:
    description:
      - Only the records of this host, relative to O(domain) (V(www), V(@) for the domain itself).
    type: str
    aliases: [rr, host]
  type:
    description:
      - Only records of this type.
    type: str
    choices: [A, AAAA, CNAME, TXT, MX, NS, SRV, CAA, REDIRECT_URL, FORWARD_URL]
  line:
    description:
      - Only records of this resolution line, for example V(default).
    type: str
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-alidns20150109
seealso:
  - module: lowlatency.alicloud.dns_record
'''

EXAMPLES = r'''
- name: What live.example.com points at
  lowlatency.alicloud.dns_record_info:
    domain: example.com
    record: live
  register: live

- name: Every CNAME of the domain
  lowlatency.alicloud.dns_record_info:
    domain: example.com
    type: CNAME
  register: cnames
'''

RETURN = r'''
records:
  description: The matching records, as M(lowlatency.alicloud.dns_record) returns one.
  returned: always
  type: list
  elements: dict
  contains:
    record_id:
      description: Record id.
      type: str
    domain_name:
      description: Domain.
      type: str
    rr:
      description: Host record.
      type: str
    type:
      description: Record type.
      type: str
    value:
      description: Record data.
      type: str
    ttl:
      description: Time to live in seconds.
      type: int
    line:
      description: Resolution line.
      type: str
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

from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import normalise_domain
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import normalise_record
from ansible_collections.lowlatency.alicloud.plugins.module_utils.dns import sub_domain
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import snake_dict


def main():
    module = AlicloudModule(
        argument_spec=dict(
            domain=dict(type='str', required=True, aliases=['domain_name']),
            record=dict(type='str', aliases=['rr', 'host']),
            type=dict(type='str', choices=['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA', 'REDIRECT_URL',
                                           'FORWARD_URL']),
            line=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    domain = normalise_domain(params['domain'])
    client = module.client('alidns')
    query = {'DomainName': domain, 'Type': params['type'], 'Line': params['line']}
    try:
        if params['record'] is not None:
            record = normalise_record(params['record'])
            found = client.paginate('DescribeSubDomainRecords', dict(query, SubDomain=sub_domain(record, domain)),
                                    ('DomainRecords', 'Record'), page_size=100)
            found = [r for r in found if normalise_record(r['RR']) == record]
        else:
            found = client.paginate('DescribeDomainRecords', query, ('DomainRecords', 'Record'), page_size=500)
    except ApiError as error:
        if error.code == 'IncorrectDomainUser':
            module.fail_api(error, msg='Domain %s is not in this account\'s Alibaba Cloud DNS' % domain)
        module.fail_api(error)
    module.exit_json(changed=False, records=[snake_dict(r) for r in found])


if __name__ == '__main__':
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ssl_certificate_info
short_description: Look up certificates uploaded to Alibaba Cloud Certificate Management Service
version_added: 0.1.0
description:
  - Lists the certificates uploaded to the Certificate Management Service (CAS), with the
    RV(certificates[].cert_identifier) load balancer listeners take. Never returns a private key.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Only the certificate with exactly this name.
    type: str
    aliases: [certificate_name]
  certificate_id:
    description:
      - Only the certificate with this numeric id, or this C(<id>-<region>) identifier.
      - An id that does not exist gives an empty list.
    type: str
    aliases: [id, cert_identifier]
  keyword:
    description:
      - Only certificates whose name, common name, subject alternative names or resource id contain this text
        (as the service matches it).
    type: str
  status:
    description:
      - Only certificates in this state. V(willExpire) means expiring within 30 days.
      - All states when not set.
    type: str
    choices: [issued, willExpire, expired]
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
  - lowlatency.alicloud.attributes.info
requirements:
  - alibabacloud-cas20200407
seealso:
  - module: lowlatency.alicloud.ssl_certificate
'''

EXAMPLES = r'''
- name: The listener id of the certificate named ams-live-2025
  lowlatency.alicloud.ssl_certificate_info:
    name: ams-live-2025
  register: found

- name: Certificates about to expire
  lowlatency.alicloud.ssl_certificate_info:
    status: willExpire
  register: expiring
'''

RETURN = r'''
certificates:
  description: The matching certificates, as M(lowlatency.alicloud.ssl_certificate) returns one.
  returned: always
  type: list
  elements: dict
  contains:
    certificate_id:
      description: Numeric id.
      type: int
      sample: 12345678
    cert_identifier:
      description: The id load balancer listeners take, C(<certificate_id>-<CAS site region>).
      type: str
      sample: 12345678-cn-hangzhou
    name:
      description: Name.
      type: str
    common_name:
      description: Common name (CN) of the subject.
      type: str
    subject_alternative_names:
      description: DNS names the certificate is valid for.
      type: list
      elements: str
    fingerprint:
      description: Fingerprint as CAS lists it (SHA-1, upper-case hex).
      type: str
    issuer:
      description: Issuing organisation (or CA common name).
      type: str
    algorithm:
      description: Key algorithm, V(RSA) or V(ECC).
      type: str
    key_size:
      description: Key length in bits (not reported when looked up by O(certificate_id)).
      type: int
    serial:
      description: Serial number, lower-case hex.
      type: str
    not_before:
      description: Start of validity, ISO 8601 UTC.
      type: str
    not_after:
      description: End of validity, ISO 8601 UTC.
      type: str
    status:
      description: V(issued), V(willExpire) or V(expired).
      type: str
    instance_id:
      description: Resource id in CAS.
      type: str
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.certificates import get_certificate
from ansible_collections.lowlatency.alicloud.plugins.module_utils.certificates import list_certificates
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError


def by_id(client, certificate_id):
    try:
        return [get_certificate(client, certificate_id)]
    except ApiError as error:
        if error.code == 'NotFound':
            return []
        raise


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type='str', aliases=['certificate_name']),
            certificate_id=dict(type='str', aliases=['id', 'cert_identifier']),
            keyword=dict(type='str', no_log=False),
            status=dict(type='str', choices=['issued', 'willExpire', 'expired']),
        ),
        mutually_exclusive=[('certificate_id', 'keyword')],
        supports_check_mode=True,
    )
    params = module.params
    certificate_id = None
    if params['certificate_id']:
        # '12345678-cn-hangzhou' as listeners name it, or the bare number.
        certificate_id = params['certificate_id'].split('-', 1)[0]
        if not certificate_id.isdigit():
            module.fail_json(msg='certificate_id must be a number or <number>-<region>, got %r.'
                             % params['certificate_id'])
    client = module.client('cas')
    try:
        if certificate_id:
            found = by_id(client, certificate_id)
        else:
            found = list_certificates(client, keyword=params['keyword'] or params['name'], status=params['status'])
    except ApiError as error:
        module.fail_api(error)
    wanted = [c for c in found if (not params['name'] or c['name'] == params['name'])
              and (not params['status'] or c['status'] == params['status'])]
    module.exit_json(changed=False, certificates=wanted)


if __name__ == '__main__':
    main()

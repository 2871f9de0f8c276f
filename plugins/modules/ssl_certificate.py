#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ssl_certificate
short_description: Upload or delete an SSL/TLS certificate in Alibaba Cloud Certificate Management Service
version_added: 0.1.0
description:
  - Uploads a PEM certificate (with its intermediates) and its private key to the Certificate Management Service
    (CAS), where HTTPS listeners of an Application Load Balancer pick it up by its RV(certificate.cert_identifier).
  - The certificate is found by O(name). CAS cannot change an uploaded certificate, and the name stays with the
    certificate it was first given to.
  - When a certificate with this name exists and is the same certificate (same fingerprint), nothing changes. When
    it is a different one (a renewal), the task fails and says so, unless O(force=true), which deletes the old
    certificate and uploads the new one under the same name.
  - "Rotating a certificate that a listener uses: upload the renewed one under a new name (for example with the
    year or the expiry date in it), point the listener at its RV(certificate.cert_identifier), then delete the old
    one with O(state=absent). O(force=true) cannot replace a certificate a listener still uses: CAS refuses to
    delete it."
  - The certificate and key are checked on the controller before any change - PEM that cannot be read, a key that
    does not belong to the (first) certificate, an encrypted key, an expired certificate - and the task fails
    with the reason, having changed nothing.
author:
  - lowlatency.alicloud maintainers (@lowlatency)
options:
  name:
    description:
      - Name of the certificate in CAS, unique in the account; its identity.
      - 1 to 63 characters.
    type: str
    required: true
    aliases: [certificate_name]
  certificate:
    description:
      - The certificate in PEM format, the server certificate first, then its intermediates in order.
      - Required with O(state=present). Use the P(ansible.builtin.file#lookup) lookup to read a file.
      - Only its certificate blocks are uploaded (text around them is left out). A private key in it (a combined
        key and certificate file, in any PEM encoding) is refused, before any change, rather than stripped; give
        the key in O(private_key) only. For the same reason this option is not logged.
    type: str
    aliases: [cert]
  private_key:
    description:
      - The unencrypted private key of the certificate in PEM format (PKCS#8, or traditional RSA / EC). Never
        logged.
      - Required with O(state=present). Only RSA and ECDSA keys are accepted.
    type: str
    aliases: [key]
  force:
    description:
      - When a certificate with this O(name) exists and differs from O(certificate), delete it and upload
        O(certificate) under the same name.
      - The replacement gets a new RV(certificate.cert_identifier); listeners must be updated to use it. CAS refuses
        to delete a certificate a listener still uses, so this fails, having changed nothing, in that case.
      - Without it, a different certificate under an existing name is an error.
    type: bool
    default: false
  state:
    description:
      - V(present) uploads the certificate unless it is already there; V(absent) deletes it.
      - Deleting a certificate that a load balancer listener uses fails with a message saying so; with
        O(state=absent) a name that does not exist is not an error.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - lowlatency.alicloud.auth
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Check mode cannot tell whether a listener still uses a certificate it would delete.
  diff_mode:
    support: full
  platform:
    platforms: all
notes:
  - Uploaded certificates belong to a CAS site, not to a region - the China site for mainland regions
    (RV(certificate.cert_identifier) ends in C(-cn-hangzhou)) and the international site otherwise (C(-ap-southeast-1)).
    Always use the returned RV(certificate.cert_identifier) rather than building it.
  - A certificate that expires within 30 days or is not valid yet is accepted with a warning.
  - The certificate is compared by fingerprint only; its tags and resource group are not managed.
requirements:
  - alibabacloud-cas20200407
  - cryptography
seealso:
  - module: lowlatency.alicloud.ssl_certificate_info
'''

EXAMPLES = r'''
- name: Upload the cluster's certificate
  lowlatency.alicloud.ssl_certificate:
    name: ams-live-2025
    certificate: "{{ lookup('ansible.builtin.file', 'files/live.example.com.fullchain.pem') }}"
    private_key: "{{ lookup('ansible.builtin.file', 'files/live.example.com.key') }}"
  register: live_cert

- name: The id an HTTPS listener of the load balancer takes
  ansible.builtin.debug:
    msg: "{{ live_cert.certificate.cert_identifier }}"

# Rotation: upload the renewal under a new name, switch the listener, then delete the old one.
- name: Delete last year's certificate once no listener uses it
  lowlatency.alicloud.ssl_certificate:
    name: ams-live-2024
    state: absent

- name: Replace a certificate no listener uses (deletes it and uploads the new one under the same name)
  lowlatency.alicloud.ssl_certificate:
    name: ams-staging
    certificate: "{{ lookup('ansible.builtin.file', 'files/staging.pem') }}"
    private_key: "{{ lookup('ansible.builtin.file', 'files/staging.key') }}"
    force: true
'''

RETURN = r'''
certificate:
  description: The certificate as CAS describes it (never its private key). Empty after deletion.
  returned: always
  type: dict
  contains:
    certificate_id:
      description: Numeric id of the certificate in CAS. Not known in check mode before the upload.
      type: int
      sample: 12345678
    cert_identifier:
      description:
        - The id load balancer listeners take, C(<certificate_id>-<CAS site region>), as CAS reports it.
        - Not known in check mode before the upload.
      type: str
      sample: 12345678-cn-hangzhou
    name:
      description: Name.
      type: str
      sample: ams-live-2025
    common_name:
      description: Common name (CN) of the certificate's subject.
      type: str
      sample: live.example.com
    subject_alternative_names:
      description: DNS names the certificate is valid for.
      type: list
      elements: str
      sample: [live.example.com, www.example.com]
    fingerprint:
      description: Fingerprint of the certificate as CAS lists it (SHA-1, upper-case hex).
      type: str
      sample: 6DEB816DE48D5E7DE6D7FE92A6B620B13DD3266B
    issuer:
      description: Issuing organisation (or CA common name).
      type: str
    algorithm:
      description: Key algorithm, V(RSA) or V(ECC).
      type: str
    key_size:
      description: Key length in bits.
      type: int
      sample: 2048
    serial:
      description: Serial number, lower-case hex.
      type: str
    not_before:
      description: Start of validity, ISO 8601 UTC.
      type: str
      sample: "2025-01-01T00:00:00Z"
    not_after:
      description: End of validity, ISO 8601 UTC.
      type: str
      sample: "2026-01-01T00:00:00Z"
    status:
      description: V(issued), V(willExpire) (within 30 days) or V(expired).
      type: str
    instance_id:
      description: Resource id of the uploaded certificate in CAS. Not known in check mode before the upload.
      type: str
      sample: cas-upload-a1b2c3
'''

from ansible_collections.lowlatency.alicloud.plugins.module_utils.certificates import get_certificate
from ansible_collections.lowlatency.alicloud.plugins.module_utils.certificates import list_certificates
from ansible_collections.lowlatency.alicloud.plugins.module_utils.consistency import after_create
from ansible_collections.lowlatency.alicloud.plugins.module_utils.finding import Kind
from ansible_collections.lowlatency.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import CRYPTOGRAPHY_MISSING
from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import HAS_CRYPTOGRAPHY
from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import certificate_blocks
from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import check_pair
from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import same_certificate
from ansible_collections.lowlatency.alicloud.plugins.module_utils.sdk import ApiError

NAME_LIMIT = 63  # the UploadUserCertificate documentation's maximum
# Parts of the codes CAS may answer when a product still uses the certificate it is asked to delete.
IN_USE_MARKERS = ('DeleteProtection', 'InUse', 'Using', 'Dependen', 'Deployed')


CERTIFICATE = Kind('Certificate', 'certificates', None, 'cert_identifier', 'name')


def find_certificate(module, client):
    found = module.find(CERTIFICATE, None, lambda name: list_certificates(client, keyword=name))
    if found and not found['fingerprint']:
        # A listing without a fingerprint: the detail call always reports it.
        found['fingerprint'] = get_certificate(client, found['certificate_id'])['fingerprint']
    return found


def comparable(certificate):
    return dict((key, certificate.get(key)) for key in ('name', 'fingerprint', 'common_name',
                                                        'subject_alternative_names', 'not_after'))


def predicted(module, facts):
    """The certificate as it will be once uploaded (check mode knows no id yet)."""
    keep = ('common_name', 'subject_alternative_names', 'fingerprint', 'issuer', 'algorithm', 'key_size', 'serial',
            'not_before', 'not_after')
    return dict(dict((key, facts[key]) for key in keep), name=module.params['name'], certificate_id=None,
                cert_identifier=None, instance_id=None, status='issued')


def upload(module, client, facts):
    params = module.params
    if module.check_mode:
        return predicted(module, facts)
    try:
        created = client.call('UploadUserCertificate', {
            'Name': params['name'], 'Cert': '\n'.join(certificate_blocks(params['certificate'])) + '\n',
            'Key': params['private_key'],
        }, idempotent=True)
    except ApiError as error:
        if error.code != 'NameRepeat':
            raise
        # CAS answers a repeated upload (a retry whose first attempt did land) with NameRepeat, not the first
        # answer: the certificate is there if it carries our fingerprint.
        existing = find_certificate(module, client)
        if existing is None or not same_certificate(facts, existing['fingerprint']):
            taken = ('CAS refuses the name %r: another certificate has it (one that is not an upload, such as a '
                     'purchased certificate, or one uploaded meanwhile)' % params['name'])
            module.fail_api(error, msg=taken)
        return existing
    return after_create(lambda: get_certificate(client, created['CertId'], key_size=facts['key_size']))


def delete(module, client, certificate, replacing=False):
    if module.check_mode:
        return
    try:
        client.call('DeleteUserCertificate', {'CertId': certificate['certificate_id']})
    except ApiError as error:
        if error.code == 'NotFound':
            return  # deleted meanwhile: what was asked for
        if any(marker in error.code for marker in IN_USE_MARKERS):
            advice = ('upload the new certificate under another name, point the listeners at it, then delete this '
                      'one' if replacing else 'point those listeners at another certificate (or delete them) first')
            module.fail_api(error, msg='Certificate %r (%s) is still used by a load balancer listener; %s' % (
                certificate['name'], certificate['cert_identifier'], advice))
        raise


def update(module, client, current, facts):
    """Nothing to do for the same certificate; a different one is replaced only with force."""
    if same_certificate(facts, current['fingerprint']):
        return False, current
    if not module.params['force']:
        module.fail_json(
            msg='Certificate %r (%s) in CAS is a different certificate (fingerprint %s, %s, valid until %s) from the '
                'one given (fingerprint %s, %s, valid until %s). An uploaded certificate cannot be changed: give the '
                'new one another name, or set force=true to delete this one and upload the new one under the same '
                'name.' % (current['name'], current['cert_identifier'], current['fingerprint'],
                           current['common_name'], current['not_after'], facts['fingerprint'], facts['common_name'],
                           facts['not_after']),
            certificate=current)
    delete(module, client, current, replacing=True)
    return True, upload(module, client, facts)


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type='str', required=True, aliases=['certificate_name']),
            # no_log: a private key pasted into it (refused below) must not be echoed with the task's arguments.
            certificate=dict(type='str', no_log=True, aliases=['cert']),
            private_key=dict(type='str', no_log=True, aliases=['key']),
            force=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ['certificate', 'private_key'])],
        supports_check_mode=True,
        kinds=[CERTIFICATE],
    )
    params = module.params
    if not 1 <= len(params['name']) <= NAME_LIMIT:
        module.fail_json(msg='name must be 1 to %d characters long, got %d.' % (NAME_LIMIT, len(params['name'])))
    facts = None
    if params['state'] == 'present':
        if not HAS_CRYPTOGRAPHY:
            module.fail_json(msg=CRYPTOGRAPHY_MISSING)
        facts, warnings = module.check(check_pair, params['certificate'], params['private_key'])
        for warning in warnings:
            module.warn(warning)
    client = module.client('cas')
    current = find_certificate(module, client)
    module.converge('certificate', current, lambda: upload(module, client, facts),
                    lambda certificate: update(module, client, certificate, facts),
                    lambda certificate: delete(module, client, certificate), comparable)


if __name__ == '__main__':
    main()

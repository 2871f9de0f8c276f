# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Uploaded certificates in the certificate service (CAS): listing, lookup by id, and one result shape.

CAS answers in two shapes (ListCertificates and GetUserCertificateDetail name the same facts differently, with
dates in epoch milliseconds); both become the dict ssl_certificate and ssl_certificate_info return.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import iso8601
from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import normalise_fingerprint

PAGE_SIZE = 100  # ListCertificates' maximum ShowSize
WILL_EXPIRE_DAYS = 30  # CAS calls a certificate willExpire this long before its end


def _moment(millis):
    if millis in (None, ''):
        return None
    return iso8601(datetime.datetime.fromtimestamp(int(millis) / 1000.0, datetime.timezone.utc))


def _status(expired, not_after_ms, now=None):
    if expired:
        return 'expired'
    now = now or datetime.datetime.now(datetime.timezone.utc)
    left = int(not_after_ms or 0) / 1000.0 - now.timestamp()
    return 'willExpire' if left <= WILL_EXPIRE_DAYS * 86400 else 'issued'


def from_listing(item):
    """A ListCertificates item as the modules return it."""
    return dict(
        certificate_id=int(item['CertificateId']),
        cert_identifier=item.get('CertIdentifier'),
        name=item.get('CertificateName'),
        common_name=item.get('CommonName'),
        subject_alternative_names=list(item.get('SubjectAlternativeNames') or [])
        or [name for name in (item.get('Domain') or '').split(',') if name],
        fingerprint=normalise_fingerprint(item.get('FingerPrint')),
        issuer=item.get('Issuer'),
        algorithm=item.get('Algorithm'),
        key_size=item.get('KeySize'),
        serial=item.get('Serial'),
        not_before=_moment(item.get('NotBefore')),
        not_after=_moment(item.get('NotAfter')),
        status=item.get('CertificateStatus'),
        instance_id=item.get('InstanceId'),
    )


def from_detail(body, key_size=None):
    """A GetUserCertificateDetail body as the modules return it (that call does not report the key size)."""
    return dict(
        certificate_id=int(body['Id']),
        cert_identifier=body.get('CertIdentifier'),
        name=body.get('Name'),
        common_name=body.get('Common'),
        subject_alternative_names=[name for name in (body.get('Sans') or '').split(',') if name],
        fingerprint=normalise_fingerprint(body.get('Fingerprint')),
        issuer=body.get('Issuer'),
        algorithm=body.get('Algorithm'),
        key_size=key_size,
        serial=body.get('SerialNo'),
        not_before=_moment(body.get('NotBefore')),
        not_after=_moment(body.get('NotAfter')),
        status=_status(body.get('Expired'), body.get('NotAfter')),
        instance_id=body.get('InstanceId'),
    )


def list_certificates(client, keyword=None, status=None):
    """Every uploaded certificate (all statuses unless ``status``), over all pages, in the modules' shape."""
    query = dict(CertificateSource='UPLOAD', Keyword=keyword or None, CertificateStatus=status,
                 ShowSize=PAGE_SIZE, CurrentPage=1)
    found = []
    while True:
        body = client.call('ListCertificates', query)
        page = body.get('CertificateList') or []
        found.extend(from_listing(item) for item in page)
        if not page or len(found) >= int(body.get('TotalCount') or 0):
            return found
        query['CurrentPage'] += 1


def get_certificate(client, certificate_id, key_size=None):
    """One certificate by its numeric id, without its PEM or key (CertFilter)."""
    return from_detail(client.call('GetUserCertificateDetail', {'CertId': int(certificate_id), 'CertFilter': True}),
                       key_size)

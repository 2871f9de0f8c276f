# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PEM certificates and private keys, checked on the controller before anything is uploaded.

Pure logic on top of ``cryptography`` (a dependency of ansible-core, so present wherever Ansible runs). Every
problem is a ``PemError`` (a ValueError) whose message tells the user what to fix; secrets never appear in it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    HAS_CRYPTOGRAPHY = True
except ImportError:
    HAS_CRYPTOGRAPHY = False

CRYPTOGRAPHY_MISSING = ('This module needs the Python package cryptography on the host that runs it (usually the '
                        'controller; ansible-core normally brings it): pip install cryptography')

_CERTIFICATE_BLOCK = re.compile(r'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', re.S)
_KEY_BLOCK = re.compile(r'-----BEGIN ([A-Z ]*)PRIVATE KEY-----')
_NOT_HEX = re.compile(r'[^0-9A-F]')


class PemError(ValueError):
    """A certificate or key that cannot be uploaded; the message says why."""


def _utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _validity(certificate):
    # cryptography >= 42 has timezone-aware properties; older versions only the naive UTC ones.
    if hasattr(certificate, 'not_valid_after_utc'):
        return certificate.not_valid_before_utc, certificate.not_valid_after_utc
    return _utc(certificate.not_valid_before), _utc(certificate.not_valid_after)


def _public_der(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _attribute(name, oid):
    values = name.get_attributes_for_oid(oid)
    return values[0].value if values else ''


def _dns_names(certificate):
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return extension.value.get_values_for_type(x509.DNSName)


def iso8601(moment):
    return moment.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def normalise_fingerprint(value):
    """'ab:cd:...' / 'ABCD...' -> 'ABCD...': the spellings APIs and tools use compare equal."""
    return _NOT_HEX.sub('', (value or '').upper())


def certificate_blocks(text, what='certificate'):
    """The certificate blocks of a PEM text, in order: what is uploaded as the certificate, nothing else.

    A private key in it (a combined key + certificate file) is refused, in any encoding: kept, it would be stored
    as part of the certificate and sent over the wire; stripped silently, the user would not learn that the file
    they pass around holds the key.
    """
    if not text or not text.strip():
        raise PemError('The %s is empty.' % what)
    blocks = _CERTIFICATE_BLOCK.findall(text)
    key = _KEY_BLOCK.search(text)
    if not blocks:
        if key:
            raise PemError('The %s holds a private key, not a certificate: the two options are swapped.' % what)
        raise PemError('The %s is not PEM: expected a block starting with -----BEGIN CERTIFICATE-----.' % what)
    if key:
        raise PemError('The %s also holds a private key (a -----BEGIN %sPRIVATE KEY----- block); give only the '
                       'certificate blocks there and the key in private_key, e.g. from a file split with '
                       'openssl x509 / openssl pkey.' % (what, key.group(1)))
    return blocks


def load_chain(text, what='certificate'):
    """The certificates of a PEM text, server (leaf) certificate first, as CAS and ALB expect."""
    blocks = certificate_blocks(text, what)
    chain = []
    for number, block in enumerate(blocks, 1):
        try:
            chain.append(x509.load_pem_x509_certificate(block.encode('ascii')))
        except (ValueError, UnicodeEncodeError) as error:
            raise PemError('Certificate %d of the %s cannot be read: %s.' % (number, what, error))
    return chain


def load_private_key(text):
    """An unencrypted RSA or ECDSA private key: the only kinds the certificate service accepts here."""
    if not text or not text.strip():
        raise PemError('The private key is empty.')
    header = _KEY_BLOCK.search(text)
    if not header:
        if _CERTIFICATE_BLOCK.search(text):
            raise PemError('The private key holds a certificate, not a key: the two options are swapped.')
        raise PemError('The private key is not PEM: expected a block starting with -----BEGIN PRIVATE KEY----- '
                       '(or BEGIN RSA / EC PRIVATE KEY).')
    if 'ENCRYPTED' in header.group(1) or 'Proc-Type: 4,ENCRYPTED' in text:
        raise PemError('The private key is encrypted; the certificate service needs it unencrypted '
                       '(decrypt it first, e.g. openssl pkey -in key.pem -out plain.pem).')
    try:
        key = serialization.load_pem_private_key(text.strip().encode('ascii'), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise PemError('The private key cannot be read: %s.' % error)
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise PemError('The private key is a %s key; the certificate service accepts RSA and ECDSA keys only.'
                       % type(key).__name__.replace('PrivateKey', '').lstrip('_'))
    return key


def certificate_facts(certificate):
    """What identifies and describes a certificate, in the names the modules return."""
    not_before, not_after = _validity(certificate)
    public_key = certificate.public_key()
    if isinstance(public_key, rsa.RSAPublicKey):
        algorithm, key_size = 'RSA', public_key.key_size
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        algorithm, key_size = 'ECC', public_key.curve.key_size
    else:
        algorithm, key_size = type(public_key).__name__.replace('PublicKey', '').lstrip('_'), None
    common_name = _attribute(certificate.subject, NameOID.COMMON_NAME)
    return dict(
        common_name=common_name,
        subject_alternative_names=_dns_names(certificate) or ([common_name] if common_name else []),
        issuer=_attribute(certificate.issuer, NameOID.ORGANIZATION_NAME)
        or _attribute(certificate.issuer, NameOID.COMMON_NAME),
        # SHA-1 as an identity only (it is what CAS lists), not for any security decision.
        fingerprint=certificate.fingerprint(hashes.SHA1()).hex().upper(),
        fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex().upper(),
        serial=format(certificate.serial_number, 'x'),
        algorithm=algorithm, key_size=key_size,
        not_before=iso8601(not_before), not_after=iso8601(not_after),
    )


def check_pair(certificate_text, key_text, now=None, expiring_days=30):
    """Check a certificate (chain) and its private key for upload; return (the leaf's facts, warnings).

    Refused: unreadable PEM, a key that does not belong to the first certificate (with a hint when it belongs to
    a later one: the chain is in the wrong order), an expired certificate. A certificate not valid yet (renewed
    ahead of time) or expiring within ``expiring_days`` is accepted with a warning.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    chain = load_chain(certificate_text)
    key = load_private_key(key_text)
    wanted = _public_der(key.public_key())
    if _public_der(chain[0].public_key()) != wanted:
        if any(_public_der(other.public_key()) == wanted for other in chain[1:]):
            raise PemError('The private key belongs to a later certificate of the chain: put the server '
                           'certificate first, then its intermediates.')
        raise PemError('The certificate and the private key do not match (the key belongs to another '
                       'certificate).')
    not_before, not_after = _validity(chain[0])
    if not_after <= now:
        raise PemError('The certificate expired on %s (subject %s); renew it before uploading.'
                       % (iso8601(not_after), chain[0].subject.rfc4514_string()))
    warnings = []
    if not_before > now:
        warnings.append('The certificate is not valid before %s; clients will refuse it until then.'
                        % iso8601(not_before))
    days_left = (not_after - now).days
    if days_left < expiring_days:
        warnings.append('The certificate expires on %s, in %d day(s).' % (iso8601(not_after), days_left))
    return certificate_facts(chain[0]), warnings


def same_certificate(facts, listed_fingerprint):
    """True when a fingerprint an API listed is this certificate's (SHA-1 or SHA-256, any spelling)."""
    listed = normalise_fingerprint(listed_fingerprint)
    return bool(listed) and listed in (facts['fingerprint'], facts['fingerprint_sha256'])

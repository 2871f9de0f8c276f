# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Certificates and keys are generated here at run time; none is stored in the repository.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ansible_collections.lowlatency.alicloud.plugins.module_utils import pem
from ansible_collections.lowlatency.alicloud.plugins.module_utils.pem import PemError

NOW = datetime.datetime(2030, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def key_pem(key, encrypt=None, traditional=False):
    encoding = serialization.PrivateFormat.TraditionalOpenSSL if traditional else serialization.PrivateFormat.PKCS8
    algorithm = serialization.BestAvailableEncryption(encrypt) if encrypt else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, encoding, algorithm).decode('ascii')


def cert_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')


def make_certificate(key, common_name='live.example.com', sans=('live.example.com', 'www.example.com'),
                     not_before=NOW - 10 * DAY, not_after=NOW + 365 * DAY, issuer_key=None, issuer_name=None,
                     serial=0x1234abcd):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'Low Latency')])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name or subject)
               .public_key(key.public_key()).serial_number(serial)
               .not_valid_before(not_before).not_valid_after(not_after))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
    signer = issuer_key or key
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(signer, algorithm)


@pytest.fixture(scope='module')
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope='module')
def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope='module')
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def test_a_matching_rsa_pair_gives_the_facts_an_upload_is_compared_by(rsa_key):
    certificate = make_certificate(rsa_key)
    facts, warnings = pem.check_pair(cert_pem(certificate), key_pem(rsa_key), now=NOW)
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert facts['fingerprint'] == hashlib.sha1(der).hexdigest().upper()
    assert facts['fingerprint_sha256'] == hashlib.sha256(der).hexdigest().upper()
    assert facts['common_name'] == 'live.example.com'
    assert facts['subject_alternative_names'] == ['live.example.com', 'www.example.com']
    assert facts['issuer'] == 'Low Latency'
    assert (facts['algorithm'], facts['key_size']) == ('RSA', 2048)
    assert facts['serial'] == '1234abcd'
    assert facts['not_before'] == '2030-05-22T12:00:00Z'
    assert facts['not_after'] == '2031-06-01T12:00:00Z'
    assert warnings == []


def test_an_ecdsa_pair_with_a_traditional_key_and_no_sans_is_accepted(ec_key):
    certificate = make_certificate(ec_key, common_name='origin.example.com', sans=())
    facts = pem.check_pair(cert_pem(certificate), key_pem(ec_key, traditional=True), now=NOW)[0]
    assert (facts['algorithm'], facts['key_size']) == ('ECC', 256)
    assert facts['subject_alternative_names'] == ['origin.example.com']


def test_a_key_of_another_certificate_is_refused(rsa_key, other_key):
    with pytest.raises(PemError, match='do not match'):
        pem.check_pair(cert_pem(make_certificate(rsa_key)), key_pem(other_key), now=NOW)


def test_a_chain_with_the_intermediate_first_is_refused_with_the_order_to_use(rsa_key, other_key):
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'Test CA')])
    leaf = make_certificate(rsa_key, issuer_key=other_key, issuer_name=ca_name)
    ca = make_certificate(other_key, common_name='Test CA', sans=())
    facts = pem.check_pair(cert_pem(leaf) + cert_pem(ca), key_pem(rsa_key), now=NOW)[0]
    assert facts['issuer'] == 'Test CA'
    with pytest.raises(PemError, match='put the server certificate first'):
        pem.check_pair(cert_pem(ca) + cert_pem(leaf), key_pem(rsa_key), now=NOW)


def test_an_expired_certificate_is_refused_with_its_end_date(rsa_key):
    expired = make_certificate(rsa_key, not_before=NOW - 400 * DAY, not_after=NOW - DAY)
    with pytest.raises(PemError, match=r'expired on 2030-05-31T12:00:00Z .*CN=live.example.com'):
        pem.check_pair(cert_pem(expired), key_pem(rsa_key), now=NOW)


def test_a_certificate_expiring_soon_or_not_valid_yet_is_accepted_with_a_warning(rsa_key):
    soon = make_certificate(rsa_key, not_after=NOW + 5 * DAY + datetime.timedelta(hours=1))
    warnings = pem.check_pair(cert_pem(soon), key_pem(rsa_key), now=NOW)[1]
    assert warnings == ['The certificate expires on 2030-06-06T13:00:00Z, in 5 day(s).']
    ahead = make_certificate(rsa_key, not_before=NOW + DAY)
    warnings = pem.check_pair(cert_pem(ahead), key_pem(rsa_key), now=NOW)[1]
    assert warnings == ['The certificate is not valid before 2030-06-02T12:00:00Z; clients will refuse it until then.']


def test_the_real_clock_is_used_when_no_time_is_given(rsa_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    valid = make_certificate(rsa_key, not_before=now - DAY, not_after=now + 90 * DAY)
    assert pem.check_pair(cert_pem(valid), key_pem(rsa_key))[1] == []
    expired = make_certificate(rsa_key, not_before=now - 10 * DAY, not_after=now - DAY)
    with pytest.raises(PemError, match='expired'):
        pem.check_pair(cert_pem(expired), key_pem(rsa_key))


@pytest.mark.parametrize('text, fragment', [
    ('', 'The certificate is empty.'),
    ('   \n', 'The certificate is empty.'),
    ('hello world', 'not PEM: expected a block starting with -----BEGIN CERTIFICATE-----'),
    ('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
     'Certificate 1 of the certificate cannot be read'),
])
def test_garbage_instead_of_a_certificate_is_refused(text, fragment):
    with pytest.raises(PemError) as caught:
        pem.load_chain(text)
    assert fragment in str(caught.value)


def test_swapped_options_are_recognised(rsa_key):
    certificate = cert_pem(make_certificate(rsa_key))
    with pytest.raises(PemError, match='holds a private key, not a certificate'):
        pem.check_pair(key_pem(rsa_key), certificate, now=NOW)
    with pytest.raises(PemError, match='holds a certificate, not a key'):
        pem.load_private_key(certificate)


@pytest.mark.parametrize('text, fragment', [
    (None, 'The private key is empty.'),
    ('no key here', 'The private key is not PEM'),
    ('-----BEGIN PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END PRIVATE KEY-----\n', 'The private key cannot be read'),
])
def test_garbage_instead_of_a_key_is_refused(text, fragment):
    with pytest.raises(PemError) as caught:
        pem.load_private_key(text)
    assert fragment in str(caught.value)


@pytest.mark.parametrize('traditional', [False, True])
def test_an_encrypted_key_is_refused_with_how_to_decrypt_it_and_without_the_key(rsa_key, traditional):
    text = key_pem(rsa_key, encrypt=b'passphrase', traditional=traditional)
    with pytest.raises(PemError) as caught:
        pem.load_private_key(text)
    assert 'encrypted' in str(caught.value) and 'openssl pkey' in str(caught.value)
    assert text.splitlines()[1] not in str(caught.value)


def test_an_ed25519_key_is_refused_as_unsupported():
    key = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(PemError, match='Ed25519 key; the certificate service accepts RSA and ECDSA keys only'):
        pem.load_private_key(key_pem(key))


def test_every_certificate_of_a_chain_is_read_in_order(rsa_key, ec_key):
    first, second = make_certificate(rsa_key, common_name='a.example.com'), make_certificate(ec_key)
    chain = pem.load_chain('junk before\n' + cert_pem(first) + '\n' + cert_pem(second) + 'junk after')
    assert [c.subject.rfc4514_string() for c in chain] == [first.subject.rfc4514_string(),
                                                           second.subject.rfc4514_string()]


@pytest.mark.parametrize('listed, expected', [
    ('SHA1', True), ('sha1-colons', True), ('SHA256', True), ('', False), (None, False), ('00FF', False),
])
def test_a_listed_fingerprint_matches_in_any_spelling(rsa_key, listed, expected):
    facts = pem.certificate_facts(make_certificate(rsa_key))
    spelled = {'SHA1': facts['fingerprint'], 'SHA256': facts['fingerprint_sha256'],
               'sha1-colons': ':'.join(facts['fingerprint'][i:i + 2] for i in range(0, 40, 2)).lower()}
    assert pem.same_certificate(facts, spelled.get(listed, listed)) is expected


@pytest.mark.parametrize('which, traditional, header', [
    ('rsa', True, 'BEGIN RSA PRIVATE KEY'),
    ('rsa', False, 'BEGIN PRIVATE KEY'),
    ('ec', True, 'BEGIN EC PRIVATE KEY'),
    ('ec', False, 'BEGIN PRIVATE KEY'),
])
def test_a_certificate_input_holding_a_private_key_is_refused(rsa_key, ec_key, which, traditional, header):
    key = rsa_key if which == 'rsa' else ec_key
    combined = key_pem(key, traditional=traditional) + cert_pem(make_certificate(key))
    assert header in combined
    with pytest.raises(PemError) as caught:
        pem.check_pair(combined, key_pem(key), now=NOW)
    message = str(caught.value)
    assert message.startswith('The certificate also holds a private key (a -----%s----- block)' % header)
    assert key_pem(key, traditional=traditional).splitlines()[1] not in message


def test_only_the_certificate_blocks_are_kept(rsa_key):
    leaf, chain = cert_pem(make_certificate(rsa_key)), cert_pem(make_certificate(rsa_key, common_name='ca'))
    blocks = pem.certificate_blocks('Bag Attributes\n    friendlyName: live\n' + leaf + 'subject=/CN=ca\n' + chain)
    assert blocks == [leaf.strip(), chain.strip()]

"""CAS 2020-04-07 through the unmodified SDK: uploads parsed for real, refusals, listings, deletion, regions."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from emulator.testing import sdk_models
from emulator.tests.conftest import sdk_error

C = sdk_models('cas')
NOW = datetime.datetime.now(datetime.timezone.utc)


# Test certificates, generated at run time.

def new_key(kind='ec'):
    return ec.generate_private_key(ec.SECP256R1()) if kind == 'ec' else rsa.generate_private_key(65537, 2048)


def key_pem(key, password=None):
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             encryption).decode()


def certificate(key, common_name='www.example.com', sans=('www.example.com', 'example.com'), issuer_key=None,
                issuer_name='Emulator Test CA', not_before=None, days=90):
    """(certificate object, PEM) signed by ``issuer_key`` (self-signed when None)."""
    oid = x509.oid.NameOID
    subject = x509.Name([x509.NameAttribute(oid.COMMON_NAME, common_name),
                         x509.NameAttribute(oid.ORGANIZATION_NAME, 'Low Latency Tests'),
                         x509.NameAttribute(oid.COUNTRY_NAME, 'CN')])
    issuer = subject if issuer_key is None else x509.Name([x509.NameAttribute(oid.COMMON_NAME, issuer_name),
                                                           x509.NameAttribute(oid.ORGANIZATION_NAME, issuer_name)])
    start = not_before or NOW - datetime.timedelta(days=1)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start)
               .not_valid_after(start + datetime.timedelta(days=days)))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), False)
    cert = builder.sign(issuer_key or key, hashes.SHA256())
    return cert, cert.public_bytes(serialization.Encoding.PEM).decode()


def pair(**options):
    """(certificate PEM, key PEM, certificate object) of a fresh self-signed certificate."""
    key = new_key(options.pop('kind', 'ec'))
    cert, cert_pem = certificate(key, **options)
    return cert_pem, key_pem(key), cert


def upload(client, name, cert_pem, key_text, **extra):
    return client.upload_user_certificate(C.UploadUserCertificateRequest(name=name, cert=cert_pem, key=key_text,
                                                                         **extra)).body


def detail(client, cert_id, **extra):
    return client.get_user_certificate_detail(C.GetUserCertificateDetailRequest(cert_id=cert_id, **extra)).body


def uploads(client, **query):
    return client.list_user_certificate_order(C.ListUserCertificateOrderRequest(order_type='UPLOAD', **query)).body


@pytest.fixture
def cas(emulator_server):
    return emulator_server.client('cas', region_header=True)


def test_upload_reads_the_certificate(cas):
    cert_pem, key_text, cert = pair(kind='rsa')
    created = upload(cas, 'site-rsa', cert_pem, key_text,
                     tags=[C.UploadUserCertificateRequestTags(key='app', value='ams')])
    assert isinstance(created.cert_id, int) and created.resource_id.startswith('cas-upload-')

    found = detail(cas, created.cert_id)
    assert (found.id, found.name, found.common, found.sans) == \
        (created.cert_id, 'site-rsa', 'www.example.com', 'www.example.com,example.com')
    assert found.cert_identifier == '%d-cn-hangzhou' % created.cert_id
    assert found.fingerprint == cert.fingerprint(hashes.SHA1()).hex().upper()
    assert found.sha_2 == cert.fingerprint(hashes.SHA256()).hex().upper()
    assert (found.start_date, found.end_date) == (cert.not_valid_before_utc.strftime('%Y-%m-%d'),
                                                  cert.not_valid_after_utc.strftime('%Y-%m-%d'))
    assert found.not_after == int(cert.not_valid_after_utc.timestamp() * 1000)
    assert (found.issuer, found.org_name, found.country, found.algorithm) == \
        ('Low Latency Tests', 'Low Latency Tests', 'CN', 'RSA')
    assert found.expired is False and found.serial_no == format(cert.serial_number, 'x')
    assert (found.cert, found.key) == (cert_pem, key_text)
    assert [(t.tag_key, t.tag_value) for t in found.tags] == [('app', 'ams')]
    assert [c.common_name for c in found.cert_chain] == ['www.example.com']
    assert 88 <= found.cert_chain[0].remain_day <= 89

    filtered = detail(cas, created.cert_id, cert_filter=True)
    assert (filtered.cert, filtered.key, filtered.common) == (None, None, 'www.example.com')


def test_a_certificate_without_sans_reports_its_common_name(cas):
    cert_pem, key_text, _ = pair(common_name='media.example.org', sans=())
    found = detail(cas, upload(cas, 'no-sans', cert_pem, key_text).cert_id)
    assert (found.common, found.sans, found.algorithm) == ('media.example.org', 'media.example.org', 'ECC')


def test_leaf_plus_issuer_chain_is_accepted_in_that_order_only(cas):
    ca_key, leaf_key = new_key(), new_key()
    _, ca_pem = certificate(ca_key, common_name='Emulator Test CA', sans=())
    _, leaf_pem = certificate(leaf_key, issuer_key=ca_key)
    cert_id = upload(cas, 'chained', leaf_pem + ca_pem, key_pem(leaf_key)).cert_id
    chain = detail(cas, cert_id).cert_chain
    assert [(c.common_name, c.issuer_common_name) for c in chain] == \
        [('www.example.com', 'Emulator Test CA'), ('Emulator Test CA', 'Emulator Test CA')]
    error = sdk_error(upload, cas, 'ca-first', ca_pem + leaf_pem, key_pem(leaf_key))
    assert (error.code, error.status_code) == ('NotMatch.CertificateAndPrivateKey', 400)


@pytest.mark.parametrize('broken, code', [
    ('key-of-another-certificate', 'NotMatch.CertificateAndPrivateKey'),
    ('garbage-certificate', 'ParseCertificateFailed'),
    ('truncated-certificate', 'ParseCertificateFailed'),
    ('garbage-key', 'PrivateKeyFormatException'),
    ('encrypted-key', 'PrivateKeyFormatException'),
])
def test_bad_pem_is_refused_and_nothing_is_stored(cas, emulator_server, broken, code):
    cert_pem, key_text, _ = pair()
    if broken == 'key-of-another-certificate':
        key_text = pair()[1]
    elif broken == 'garbage-certificate':
        cert_pem = '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n'
    elif broken == 'truncated-certificate':
        cert_pem = cert_pem[:len(cert_pem) // 2]
    elif broken == 'garbage-key':
        key_text = 'this is not a key'
    else:
        key_text = key_pem(new_key(), password=b'secret')
    marker = emulator_server.admin.marker()
    error = sdk_error(upload, cas, 'broken', cert_pem, key_text)
    assert (error.code, error.status_code) == (code, 400)
    assert uploads(cas).total_count == 0
    assert emulator_server.admin.counts(since=marker)['mutating_succeeded'] == 0


def test_names_are_unique_and_required(cas):
    cert_pem, key_text, _ = pair()
    upload(cas, 'same-name', cert_pem, key_text)
    other_cert, other_key, _ = pair()
    error = sdk_error(upload, cas, 'same-name', other_cert, other_key)
    assert (error.code, error.status_code) == ('NameRepeat', 400)
    error = sdk_error(cas.upload_user_certificate, C.UploadUserCertificateRequest(cert=cert_pem, key=key_text))
    assert error.code == 'MissingName'
    error = sdk_error(upload, cas, 'n' * 65, cert_pem, key_text)
    assert error.code == 'InvalidParameter'
    error = sdk_error(cas.upload_user_certificate, C.UploadUserCertificateRequest(name='no-key', cert=cert_pem))
    assert error.code == 'MissingKey'
    assert uploads(cas).total_count == 1


def test_a_repeated_client_token_answers_name_repeat_as_the_cloud_does(cas):
    cert_pem, key_text, _ = pair()
    first = upload(cas, 'tokened', cert_pem, key_text, client_token='upload-1')
    error = sdk_error(upload, cas, 'tokened', cert_pem, key_text, client_token='upload-1')
    assert error.code == 'NameRepeat'
    assert [c.certificate_id for c in uploads(cas).certificate_order_list] == [first.cert_id]


def test_list_user_certificate_order_pages_filters_and_status(cas, emulator_server):
    created = []
    for index in range(5):
        cert_pem, key_text, _ = pair(common_name='host%d.example.net' % index, sans=('host%d.example.net' % index,))
        created.append(upload(cas, 'page-%d' % index, cert_pem, key_text).cert_id)
    first = uploads(cas, current_page=1, show_size=2)
    second = uploads(cas, current_page=2, show_size=2)
    third = uploads(cas, current_page=3, show_size=2)
    assert (first.total_count, first.current_page, first.show_size) == (5, 1, 2)
    assert [c.certificate_id for body in (first, second, third) for c in body.certificate_order_list] == created
    assert uploads(cas).show_size == 50

    item = first.certificate_order_list[0]
    assert (item.name, item.common_name, item.sans, item.upload, item.expired) == \
        ('page-0', 'host0.example.net', 'host0.example.net', True, False)
    assert [c.name for c in uploads(cas, keyword='HOST3').certificate_order_list] == ['page-3']
    assert [c.name for c in uploads(cas, keyword='page-4').certificate_order_list] == ['page-4']
    # The default order type lists resource-package orders, of which the emulator has none.
    default = cas.list_user_certificate_order(C.ListUserCertificateOrderRequest()).body
    assert (default.total_count, default.certificate_order_list) == (0, [])

    soon_pem, soon_key, _ = pair(days=20)
    soon = upload(cas, 'expiring', soon_pem, soon_key).cert_id
    assert [c.certificate_id for c in uploads(cas, status='WILLEXPIRED').certificate_order_list] == [soon]
    assert soon not in [c.certificate_id for c in uploads(cas, status='ISSUED').certificate_order_list]

    emulator_server.admin.advance_clock(21 * 86400)  # the emulated clock moves past its end date
    assert [c.certificate_id for c in uploads(cas, status='EXPIRED').certificate_order_list] == [soon]
    assert soon not in [c.certificate_id for c in uploads(cas).certificate_order_list]
    assert detail(cas, soon).expired is True


def test_an_already_expired_certificate_is_stored_as_expired(cas):
    cert_pem, key_text, _ = pair(not_before=NOW - datetime.timedelta(days=400), days=365)
    cert_id = upload(cas, 'old', cert_pem, key_text).cert_id
    assert detail(cas, cert_id).expired is True
    assert uploads(cas).total_count == 0
    assert uploads(cas, status='EXPIRED').certificate_order_list[0].expired is True


def test_list_certificates(cas):
    cert_pem, key_text, cert = pair(kind='rsa')
    cert_id = upload(cas, 'listed', cert_pem, key_text).cert_id
    body = cas.list_certificates(C.ListCertificatesRequest(certificate_source='UPLOAD')).body
    assert (body.total_count, body.current_page, body.show_size) == (1, 1, 10)
    item = body.certificate_list[0]
    assert (item.certificate_id, item.cert_identifier, item.certificate_name, item.certificate_status) == \
        (str(cert_id), '%d-cn-hangzhou' % cert_id, 'listed', 'issued')
    assert (item.subject_alternative_names, item.key_size, item.algorithm, item.exist_private_key) == \
        (['www.example.com', 'example.com'], 2048, 'RSA', True)
    assert item.not_before == int(cert.not_valid_before_utc.timestamp() * 1000)
    assert cas.list_certificates(C.ListCertificatesRequest(certificate_source='BUY')).body.total_count == 0
    assert cas.list_certificates(C.ListCertificatesRequest(certificate_status='expired')).body.total_count == 0
    error = sdk_error(cas.list_certificates, C.ListCertificatesRequest(show_size=101))
    assert error.code == 'InvalidShowSize'


def test_delete_user_certificate(cas):
    cert_pem, key_text, _ = pair()
    cert_id = upload(cas, 'doomed', cert_pem, key_text).cert_id
    cas.delete_user_certificate(C.DeleteUserCertificateRequest(cert_id=cert_id))
    error = sdk_error(detail, cas, cert_id)
    assert (error.code, error.status_code) == ('NotFound', 400)
    error = sdk_error(cas.delete_user_certificate, C.DeleteUserCertificateRequest(cert_id=cert_id))
    assert error.code == 'NotFound'
    # The name is free again.
    assert upload(cas, 'doomed', cert_pem, key_text).cert_id != cert_id


def test_certificates_belong_to_their_endpoint_region(cas, emulator_server):
    cert_pem, key_text, _ = pair()
    singapore = emulator_server.client('cas', region='ap-southeast-1', region_header=True)
    cert_id = upload(singapore, 'intl', cert_pem, key_text).cert_id
    assert detail(singapore, cert_id).cert_identifier == '%d-ap-southeast-1' % cert_id
    assert sdk_error(detail, cas, cert_id).code == 'NotFound'
    assert uploads(cas).total_count == 0
    # The same name is free on the other site.
    assert upload(cas, 'intl', cert_pem, key_text).cert_id != cert_id

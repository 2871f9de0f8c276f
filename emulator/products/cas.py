"""CAS (SSL Certificates Service) 2020-04-07: uploaded certificates.

Certificates belong to the endpoint's region (the cloud keeps the China and international sites apart: one
uploaded in cn-hangzhou is invisible in ap-southeast-1). The PEM is really parsed (``cryptography``): common name,
SANs, validity, fingerprints and issuer come from the certificate, and a key that does not match it is refused.

Other products use:

* ``find_certificate(ctx, certificate_identifier)``: the certificate named ``<CertId>-<region>`` (the form ALB
  listeners take, returned here as ``CertIdentifier``), or None;
* ``identifier(certificate)``: that string for a stored certificate;
* ``@dependent('cas.certificate')`` (emulator.core): refuse deleting a certificate that is in use (ALB does).
"""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from emulator.core import ApiError, Context, Product, errors, ids, pagination, tags

cas = Product('cas', '2020-04-07', 'alibabacloud_cas20200407', endpoint='cas.aliyuncs.com')

CERTIFICATE = 'cas.certificate'
NAME_LIMIT = 64
WILL_EXPIRE_DAYS = 30
DAY_MS = 86400 * 1000


def _rejected(code, message):
    return ApiError(code, message)


# The certificate and its key.

def _chain(cert_pem):
    try:
        return x509.load_pem_x509_certificates(cert_pem.encode('utf-8'))
    except ValueError:
        raise _rejected('ParseCertificateFailed', 'Failed to parse the certificate. Check the certificate content.')


def _private_key(key_pem):
    """The private key; an encrypted or malformed one is a format error, as the cloud reports it."""
    try:
        return serialization.load_pem_private_key(key_pem.encode('utf-8'), password=None)
    except (ValueError, TypeError):
        raise _rejected('PrivateKeyFormatException', 'The private key format is invalid. Check the input.')


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


def _algorithm(public_key):
    if isinstance(public_key, rsa.RSAPublicKey):
        return 'RSA', public_key.key_size
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return 'ECC', public_key.curve.key_size
    return 'UNKNOWN', 0


def _millis(moment):
    return int(moment.timestamp() * 1000)


def _chain_entry(certificate):
    oid = x509.oid.NameOID
    return {'CommonName': _attribute(certificate.subject, oid.COMMON_NAME),
            'IssuerCommonName': _attribute(certificate.issuer, oid.COMMON_NAME),
            'NotBefore': _millis(certificate.not_valid_before_utc),
            'NotAfter': _millis(certificate.not_valid_after_utc)}


def read_pem(cert_pem, key_pem):
    """The facts CAS reports about an uploaded pair; the leaf (first certificate) must match the key."""
    chain = _chain(cert_pem)
    key = _private_key(key_pem)
    leaf = chain[0]
    if _public_der(leaf.public_key()) != _public_der(key.public_key()):
        raise _rejected('NotMatch.CertificateAndPrivateKey', 'The certificate and the private key do not match.')
    oid = x509.oid.NameOID
    common = _attribute(leaf.subject, oid.COMMON_NAME)
    algorithm, key_size = _algorithm(leaf.public_key())
    issuer = _attribute(leaf.issuer, oid.ORGANIZATION_NAME) or _attribute(leaf.issuer, oid.COMMON_NAME)
    return {
        'Common': common, 'Sans': _dns_names(leaf) or ([common] if common else []), 'Issuer': issuer,
        'OrgName': _attribute(leaf.subject, oid.ORGANIZATION_NAME),
        'Country': _attribute(leaf.subject, oid.COUNTRY_NAME),
        'Province': _attribute(leaf.subject, oid.STATE_OR_PROVINCE_NAME),
        'City': _attribute(leaf.subject, oid.LOCALITY_NAME),
        'Fingerprint': leaf.fingerprint(hashes.SHA1()).hex().upper(),
        'Sha2': leaf.fingerprint(hashes.SHA256()).hex().upper(),
        'SerialNo': format(leaf.serial_number, 'x'), 'Algorithm': algorithm, 'KeySize': key_size,
        'NotBefore': _millis(leaf.not_valid_before_utc), 'NotAfter': _millis(leaf.not_valid_after_utc),
        'Chain': [_chain_entry(c) for c in chain],
    }


# Stored certificates.

def identifier(certificate):
    """``<CertId>-<region>``: how ALB and other products name a CAS certificate."""
    return '%d-%s' % (certificate['Id'], certificate['_region'])


def find_certificate(ctx, certificate_identifier):
    cert_id, _, region = (certificate_identifier or '').partition('-')
    if not cert_id.isdigit() or not region:
        return None
    try:
        local = ctx if region == ctx.region else Context(ctx.emulator, region, now=ctx.now)
    except ApiError:  # not a region the emulator knows
        return None
    return local.get(CERTIFICATE, cert_id)


def _certificate(ctx, cert_id):
    found = ctx.get(CERTIFICATE, str(cert_id))
    if found is None or not ctx.visible(found):
        raise _rejected('NotFound', 'The resource not found. Check the input parameters.')
    return found


def _status(ctx, certificate):
    """ISSUED, WILLEXPIRED (within 30 days) or EXPIRED, on the emulated clock."""
    now_ms = ids.epoch_millis(ctx.now)
    if now_ms > certificate['NotAfter']:
        return 'EXPIRED'
    if certificate['NotAfter'] - now_ms <= WILL_EXPIRE_DAYS * DAY_MS:
        return 'WILLEXPIRED'
    return 'ISSUED'


def _date(millis):
    return datetime.datetime.fromtimestamp(millis / 1000, datetime.timezone.utc).strftime('%Y-%m-%d')


# The cloud does not replay a repeated ClientToken here: a second upload of the same name is NameRepeat.
@cas.action('UploadUserCertificate', replays_client_token=False)
def upload_user_certificate(ctx, params):
    name = params['Name']
    if not name or len(name) > NAME_LIMIT:
        raise errors.invalid_parameter('The certificate name must be 1 to %d characters long.' % NAME_LIMIT)
    if any(params.get(field) for field in ('EncryptCert', 'EncryptPrivateKey', 'SignCert', 'SignPrivateKey')) \
            and not (params.text('Cert') and params.text('Key')):
        raise errors.invalid_parameter('SM (ShangMi) certificates are not supported by the emulator.')
    for field in ('Cert', 'Key'):
        if not params.text(field):
            raise errors.missing(field)
    pairs = params.tags('Tags')
    tags.validate(pairs, 'Tags.N.Key')
    facts = read_pem(params['Cert'], params['Key'])
    if ctx.list(CERTIFICATE, lambda c: c['Name'] == name):
        raise _rejected('NameRepeat', 'The name is duplicated. Enter another name.')
    cert_id = _free_id(ctx)
    resource = ctx.add(CERTIFICATE, str(cert_id), dict(facts, **{
        'Id': cert_id, 'Name': name, 'Cert': params['Cert'], 'Key': params['Key'],
        'InstanceId': ids.resource_id('cas-upload', '', 6),
        'ResourceGroupId': params.text('ResourceGroupId', ctx.account['ResourceGroupId']),
    }))
    tags.set_tags(resource, pairs)
    return {'CertId': cert_id, 'ResourceId': resource['InstanceId']}


def _free_id(ctx):
    while True:
        cert_id = ids.numeric_id(8)
        if ctx.store.kind(CERTIFICATE).get(str(cert_id)) is None:
            return cert_id


@cas.action('GetUserCertificateDetail')
def get_user_certificate_detail(ctx, params):
    certificate = _certificate(ctx, params['CertId'])
    now_ms = ids.epoch_millis(ctx.now)
    view = {
        'Id': certificate['Id'], 'Name': certificate['Name'], 'Common': certificate['Common'],
        'Sans': ','.join(certificate['Sans']), 'Issuer': certificate['Issuer'], 'OrgName': certificate['OrgName'],
        'Country': certificate['Country'], 'Province': certificate['Province'], 'City': certificate['City'],
        'Fingerprint': certificate['Fingerprint'], 'Sha2': certificate['Sha2'], 'CertSha2': certificate['Sha2'],
        'SerialNo': certificate['SerialNo'], 'Algorithm': certificate['Algorithm'],
        'StartDate': _date(certificate['NotBefore']), 'EndDate': _date(certificate['NotAfter']),
        'NotBefore': certificate['NotBefore'], 'NotAfter': certificate['NotAfter'],
        'Expired': now_ms > certificate['NotAfter'], 'BuyInAliyun': False, 'InstanceId': certificate['InstanceId'],
        'ResourceGroupId': certificate['ResourceGroupId'], 'CertIdentifier': identifier(certificate),
        'CertChain': [dict(entry, RemainDay=max((entry['NotAfter'] - now_ms) // DAY_MS, 0))
                      for entry in certificate['Chain']],
        'Tags': tags.as_list(certificate, 'TagKey', 'TagValue'),
    }
    if not params.flag('CertFilter'):
        view.update(Cert=certificate['Cert'], Key=certificate['Key'])
    return view


def _keyword_matches(certificate, keyword):
    if not keyword:
        return True
    wanted = keyword.lower()
    names = [certificate['Name'], certificate['InstanceId'], certificate['Common']] + certificate['Sans']
    return any(wanted in (text or '').lower() for text in names)


@cas.action('ListUserCertificateOrder')
def list_user_certificate_order(ctx, params):
    order_type = params.text('OrderType', 'CPACK')
    if order_type not in ('CPACK', 'BUY', 'UPLOAD', 'CERT'):
        raise errors.invalid_parameter('OrderType must be CPACK, BUY, UPLOAD or CERT.')
    status = params.text('Status')
    keyword = params.text('Keyword')
    group = params.text('ResourceGroupId')
    found = []
    if order_type in ('UPLOAD', 'CERT'):  # the emulator has no purchased certificates or orders
        found = [c for c in ctx.listed(CERTIFICATE)
                 if _keyword_matches(c, keyword) and (group is None or c['ResourceGroupId'] == group)
                 and (_status(ctx, c) == status if status else _status(ctx, c) != 'EXPIRED')]
    page, meta = pagination.by_page(params, found, default_size=50, max_size=100, number_name='CurrentPage',
                                    size_name='ShowSize')
    return dict(meta, CertificateOrderList=[_order_view(ctx, c) for c in page])


def _order_view(ctx, certificate):
    return {
        'CertificateId': certificate['Id'], 'Name': certificate['Name'], 'CommonName': certificate['Common'],
        'Sans': ','.join(certificate['Sans']), 'Issuer': certificate['Issuer'], 'OrgName': certificate['OrgName'],
        'Country': certificate['Country'], 'Province': certificate['Province'], 'City': certificate['City'],
        'Fingerprint': certificate['Fingerprint'], 'Sha2': certificate['Sha2'], 'SerialNo': certificate['SerialNo'],
        'StartDate': _date(certificate['NotBefore']), 'EndDate': _date(certificate['NotAfter']),
        'Expired': _status(ctx, certificate) == 'EXPIRED', 'Upload': True, 'InstanceId': certificate['InstanceId'],
        'ResourceGroupId': certificate['ResourceGroupId'],
    }


LIST_STATUSES = {'ISSUED': 'issued', 'WILLEXPIRED': 'willExpire', 'EXPIRED': 'expired'}


@cas.action('ListCertificates')
def list_certificates(ctx, params):
    source = params.text('CertificateSource')
    status = params.text('CertificateStatus')
    keyword = params.text('Keyword')
    group = params.text('ResourceGroupId')
    instance = params.text('InstanceId')
    found = []
    if source in (None, 'UPLOAD'):  # no purchased (BUY) or test (TEST) certificates in the emulator
        found = [c for c in ctx.listed(CERTIFICATE)
                 if _keyword_matches(c, keyword) and (group is None or c['ResourceGroupId'] == group)
                 and (instance is None or c['InstanceId'] == instance)
                 and (status is None or LIST_STATUSES[_status(ctx, c)] == status)]
    page, meta = pagination.by_page(params, found, default_size=10, max_size=100, number_name='CurrentPage',
                                    size_name='ShowSize')
    return dict(meta, CertificateList=[_certificate_list_view(ctx, c) for c in page])


def _certificate_list_view(ctx, certificate):
    return {
        'CertificateId': str(certificate['Id']), 'CertIdentifier': identifier(certificate),
        'CertificateName': certificate['Name'], 'CertificateSource': 'UPLOAD',
        'CertificateStatus': LIST_STATUSES[_status(ctx, certificate)], 'CommonName': certificate['Common'],
        'Domain': ','.join(certificate['Sans']), 'SubjectAlternativeNames': list(certificate['Sans']),
        'ExistPrivateKey': True, 'FingerPrint': certificate['Fingerprint'], 'Issuer': certificate['Issuer'],
        'Algorithm': certificate['Algorithm'], 'KeySize': certificate['KeySize'],
        'NotBefore': certificate['NotBefore'], 'NotAfter': certificate['NotAfter'], 'Serial': certificate['SerialNo'],
        'InstanceId': certificate['InstanceId'], 'UsingProductList': [], 'DeploymentDesc': '',
    }


@cas.action('DeleteUserCertificate')
def delete_user_certificate(ctx, params):
    certificate = _certificate(ctx, params['CertId'])
    ctx.check_dependents(CERTIFICATE, certificate)
    ctx.remove(CERTIFICATE, str(certificate['Id']))
    return {}

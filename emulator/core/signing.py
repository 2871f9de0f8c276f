"""Check a request's signature the way the cloud does, for the two schemes the official SDKs use.

* V3, ``Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<hex>``: the
  canonical request is METHOD, path, the sorted query (values RFC 3986-encoded), the signed headers and the SHA-256
  of the body; the signature is HMAC-SHA256 of ``ACS3-HMAC-SHA256\\n`` + SHA-256(canonical request).
* Signature version 1 (aliyun-python-sdk-core, ``Config(signature_algorithm='v2')``): ``Signature`` is
  base64(HMAC-SHA1(secret + '&', METHOD&%2F&percent(sorted k=v pairs of query and form body))).
"""

import base64
import calendar
import hashlib
import hmac
import threading
import time
from urllib.parse import quote

from emulator.core.errors import ApiError

V3_ALGORITHM = 'ACS3-HMAC-SHA256'
# Parameters of the signature version 1 envelope; they are not the action's own parameters.
V1_PARAMETERS = frozenset(('Action', 'Version', 'Format', 'AccessKeyId', 'Signature', 'SignatureMethod',
                           'SignatureVersion', 'SignatureNonce', 'Timestamp', 'SecurityToken', 'SignatureType',
                           'BearerToken'))
TIMESTAMP_TOLERANCE = 15 * 60  # seconds, as the cloud allows


def percent(text):
    return quote(text, safe='~')


def signature_mismatch(string_to_sign):
    # The gateway shows its own string to sign after this exact text; aliyun-python-sdk-core splits the message on
    # 'server string to sign is:' to compare it with the client's, and fails on a message without it.
    return ApiError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. '
                                             'server string to sign is:' + string_to_sign)


def unknown_key():
    return ApiError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404)


def incomplete(detail):
    return ApiError('IncompleteSignature', 'The request signature does not conform to Aliyun standards. ' + detail)


class NonceCache:
    """Nonces seen in the last TIMESTAMP_TOLERANCE seconds: a replayed request is refused."""

    def __init__(self):
        self._seen = {}
        self._lock = threading.Lock()

    def check_and_add(self, nonce, now=None):
        now = time.time() if now is None else now
        with self._lock:
            if len(self._seen) > 10000:
                self._seen = dict((n, t) for n, t in self._seen.items() if now - t < TIMESTAMP_TOLERANCE)
            if nonce in self._seen and now - self._seen[nonce] < TIMESTAMP_TOLERANCE:
                raise ApiError('SignatureNonceUsed', 'Specified signature nonce was used already.')
            self._seen[nonce] = now


def _same(expected, given):
    return hmac.compare_digest(expected.encode('utf-8'), given.encode('utf-8', 'replace'))


def _check_timestamp(text):
    try:
        stamp = calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))
    except (TypeError, ValueError):
        raise ApiError('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.')
    if abs(time.time() - stamp) > TIMESTAMP_TOLERANCE:
        raise ApiError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')


def _parse_authorization(value):
    algorithm, _, rest = value.strip().partition(' ')
    if algorithm != V3_ALGORITHM:
        raise ApiError('InvalidSignatureMethod', 'Specified signature method is not valid.')
    fields = {}
    for part in rest.split(','):
        name, _, content = part.strip().partition('=')
        fields[name] = content
    if not all(fields.get(name) for name in ('Credential', 'SignedHeaders', 'Signature')):
        raise incomplete('The Authorization header lacks Credential, SignedHeaders or Signature.')
    return fields


def _v3_canonical_request(method, path, query, headers, signed_names, body):
    canonical_query = '&'.join('%s=%s' % (key, percent(query[key])) for key in sorted(query))
    canonical_headers = ''.join('%s:%s\n' % (name, headers.get(name, '').strip()) for name in signed_names)
    return '\n'.join((method, path or '/', canonical_query, canonical_headers, ';'.join(signed_names),
                      hashlib.sha256(body).hexdigest()))


def verify_v3(method, path, query, headers, body, secrets, nonces):
    """Return the access key id of a valid V3 request; raise the cloud's error otherwise.

    ``headers`` maps lower-case names to values; ``query`` is the decoded query string.
    """
    fields = _parse_authorization(headers['authorization'])
    key_id = fields['Credential']
    if key_id not in secrets:
        raise unknown_key()
    _check_timestamp(headers.get('x-acs-date'))
    signed_names = fields['SignedHeaders'].split(';')
    canonical = _v3_canonical_request(method, path, query, headers, signed_names, body)
    string_to_sign = '%s\n%s' % (V3_ALGORITHM, hashlib.sha256(canonical.encode('utf-8')).hexdigest())
    expected = hmac.new(secrets[key_id].encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    if not _same(expected, fields['Signature']):
        raise signature_mismatch(string_to_sign)
    nonces.check_and_add(headers.get('x-acs-signature-nonce') or '')
    return key_id


def verify_v1(method, params, secrets, nonces):
    """Return the access key id of a valid signature version 1 request (query and form body merged in ``params``)."""
    key_id = params.get('AccessKeyId')
    if key_id not in secrets:
        raise unknown_key()
    if params.get('SignatureMethod') != 'HMAC-SHA1':
        raise ApiError('InvalidSignatureMethod', 'Specified signature method is not valid.')
    _check_timestamp(params.get('Timestamp'))
    signed = '&'.join('%s=%s' % (percent(key), percent(params[key])) for key in sorted(params) if key != 'Signature')
    string_to_sign = '%s&%s&%s' % (method, percent('/'), percent(signed))
    digest = hmac.new((secrets[key_id] + '&').encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
    if not _same(base64.b64encode(digest).decode('ascii'), params.get('Signature') or ''):
        raise signature_mismatch(string_to_sign)
    nonces.check_and_add(params.get('SignatureNonce') or '')
    return key_id

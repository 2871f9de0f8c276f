"""Write throw-away certificates and keys for the tests (nothing is kept in the repository).

    python make_cert.py DIR SPEC...     SPEC = NAME[,OPTION...]

Each SPEC writes DIR/NAME.crt and DIR/NAME.key. Options: cn=NAME (default live.example.com), days=N (validity,
default 365), expired (ended yesterday), encrypt (key encrypted with a passphrase), ec (ECDSA P-256 instead of
RSA 2048), chain (the leaf signed by a throw-away CA; NAME.crt holds the leaf, then the CA).
"""

import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

CA_NAME = 'Test Intermediate CA'


def new_key(use_ec):
    return ec.generate_private_key(ec.SECP256R1()) if use_ec else rsa.generate_private_key(65537, 2048)


def certificate(key, subject_cn, issuer_key, issuer_cn, start, end, sans, is_ca=False):
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def write(directory, spec):
    name, *words = spec.split(',')
    options = dict(word.partition('=')[::2] for word in words)
    now = datetime.datetime.now(datetime.timezone.utc)
    if 'expired' in options:
        start, end = now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)
    else:
        start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=int(options.get('days', 365)))
    common_name = options.get('cn', 'live.example.com')
    sans = [common_name, 'www.' + common_name.split('.', 1)[-1]]
    key = new_key('ec' in options)
    if 'chain' in options:
        ca_key = new_key(False)
        ca = certificate(ca_key, CA_NAME, ca_key, CA_NAME, start, end, [], is_ca=True)
        chain = [certificate(key, common_name, ca_key, CA_NAME, start, end, sans), ca]
    else:
        chain = [certificate(key, common_name, key, common_name, start, end, sans)]
    encryption = serialization.BestAvailableEncryption(b'not-a-secret') if 'encrypt' in options else \
        serialization.NoEncryption()
    with open(os.path.join(directory, name + '.crt'), 'wb') as handle:
        handle.write(b''.join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    with open(os.path.join(directory, name + '.key'), 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))


if __name__ == '__main__':
    for each in sys.argv[2:]:
        write(sys.argv[1], each)

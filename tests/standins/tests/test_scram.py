"""SCRAM server side against the RFC test vectors, and MongoDB's password derivation."""
import base64
import hashlib
import sys

import pytest

from conftest import MONGOD_DIR

sys.path.insert(0, str(MONGOD_DIR))

from mongod_standin import scram  # noqa: E402

RFC5802 = {  # RFC 5802 section 5, SCRAM-SHA-1, user "user", password "pencil"
    "mechanism": "SCRAM-SHA-1", "salt": "QSXCR+Q6sek8bf92", "server_nonce": "3rfcNHYJY1ZVvWVs7j",
    "client_first": "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    "server_first": "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    "client_final": "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    "server_final": "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
}
RFC7677 = {  # RFC 7677 section 3, SCRAM-SHA-256, user "user", password "pencil"
    "mechanism": "SCRAM-SHA-256", "salt": "W22ZaJ0SNY7soEsUEjb6gQ==", "server_nonce": "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    "client_first": "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    "server_first": "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    "client_final": "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "server_final": "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
}


def conversation(vector, password=b"pencil"):
    credentials = scram.make_credentials(vector["mechanism"], password, base64.b64decode(vector["salt"]), 4096)
    return scram.ScramConversation(vector["mechanism"], lambda user: credentials if user == "user" else None,
                                   server_nonce=vector["server_nonce"])


@pytest.mark.parametrize("vector", [RFC5802, RFC7677], ids=["rfc5802-sha1", "rfc7677-sha256"])
def test_exchange_matches_the_rfc_example(vector):
    exchange = conversation(vector)
    assert exchange.first(vector["client_first"]) == vector["server_first"]
    assert exchange.final(vector["client_final"]) == vector["server_final"]
    assert exchange.done


@pytest.mark.parametrize("vector", [RFC5802, RFC7677], ids=["rfc5802-sha1", "rfc7677-sha256"])
def test_wrong_password_is_refused(vector):
    exchange = conversation(vector, password=b"pencil2")
    exchange.first(vector["client_first"])
    with pytest.raises(scram.ScramError, match="wrong password"):
        exchange.final(vector["client_final"])


def test_tampered_nonce_is_refused():
    exchange = conversation(RFC7677)
    exchange.first(RFC7677["client_first"])
    with pytest.raises(scram.ScramError, match="nonce"):
        exchange.final(RFC7677["client_final"].replace("r=rOpr", "r=XOpr"))


def test_unknown_user_is_refused_at_the_first_message():
    with pytest.raises(scram.ScramError):
        conversation(RFC7677).first("n,,n=nobody,r=abc")


def test_escaped_username_is_unescaped():
    seen = []
    exchange = scram.ScramConversation("SCRAM-SHA-256", seen.append)
    with pytest.raises(scram.ScramError):
        exchange.first("n,,n=a=2Cb=3Dc,r=abc")
    assert seen == ["a,b=c"]


def test_mongodb_sha1_secret_is_the_hex_md5_of_user_mongo_password():
    assert scram.mongo_password("SCRAM-SHA-1", "alice", "pw") == hashlib.md5(b"alice:mongo:pw").hexdigest().encode()


def test_sha256_secret_is_saslprepped():
    # RFC 4013 examples: soft hyphen maps to nothing, ordinal indicator normalises to "a"; controls are prohibited
    assert scram.mongo_password("SCRAM-SHA-256", "u", "I\u00adX") == b"IX"
    assert scram.saslprep("\u00aa") == "a"
    with pytest.raises(ValueError):
        scram.saslprep("\u0007")

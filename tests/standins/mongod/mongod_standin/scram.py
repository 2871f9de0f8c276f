"""Server side of SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) as MongoDB uses them.

MongoDB specifics: SCRAM-SHA-1 runs over the hex MD5 of "user:mongo:password" instead of the password,
SCRAM-SHA-256 over the SASLprep'd password (RFC 4013); the server keeps only salt, iteration count,
StoredKey and ServerKey per mechanism (the user's "credentials").
"""
import base64
import hashlib
import hmac
import os
import stringprep
import unicodedata

from mongod_standin.errors import CommandError

# mechanism -> (hash name, default iteration count, salt length) as mongod uses them.
MECHANISMS = {
    "SCRAM-SHA-1": ("sha1", 10000, 16),
    "SCRAM-SHA-256": ("sha256", 15000, 28),
}


class ScramError(Exception):
    """The client's message is malformed or its proof is wrong."""


def saslprep(text):
    """RFC 4013 SASLprep for stored strings: map, NFKC-normalise, refuse prohibited and unassigned code points."""
    mapped = "".join(" " if stringprep.in_table_c12(c) else c for c in text if not stringprep.in_table_b1(c))
    normalised = unicodedata.normalize("NFKC", mapped)
    _refuse_prohibited(normalised)
    _check_bidi(normalised)
    return normalised


_PROHIBITED = (
    stringprep.in_table_a1, stringprep.in_table_c12, stringprep.in_table_c21_c22, stringprep.in_table_c3,
    stringprep.in_table_c4, stringprep.in_table_c5, stringprep.in_table_c6, stringprep.in_table_c7,
    stringprep.in_table_c8, stringprep.in_table_c9,
)


def _refuse_prohibited(text):
    for char in text:
        if any(table(char) for table in _PROHIBITED):
            raise ValueError("SASLprep: prohibited character U+%04X" % ord(char))


def _check_bidi(text):
    rand_al = [stringprep.in_table_d1(c) for c in text]
    if not any(rand_al):
        return
    if any(stringprep.in_table_d2(c) for c in text) or not (rand_al[0] and rand_al[-1]):
        raise ValueError("SASLprep: invalid bidirectional text")


def mongo_password(mechanism, user, password):
    """The secret each mechanism actually hashes, as MongoDB defines it."""
    if mechanism == "SCRAM-SHA-1":
        return hashlib.md5(("%s:mongo:%s" % (user, password)).encode("utf-8")).hexdigest().encode("ascii")
    return saslprep(password).encode("utf-8")


def _hmac(hash_name, key, message):
    return hmac.new(key, message, hash_name).digest()


def make_credentials(mechanism, secret, salt=None, iterations=None):
    """StoredKey/ServerKey for one mechanism from the secret mongo_password() returns."""
    hash_name, default_iterations, salt_length = MECHANISMS[mechanism]
    salt = salt if salt is not None else os.urandom(salt_length)
    iterations = iterations or default_iterations
    salted = hashlib.pbkdf2_hmac(hash_name, secret, salt, iterations)
    client_key = _hmac(hash_name, salted, b"Client Key")
    return {
        "iterationCount": iterations,
        "salt": base64.b64encode(salt).decode("ascii"),
        "storedKey": base64.b64encode(hashlib.new(hash_name, client_key).digest()).decode("ascii"),
        "serverKey": base64.b64encode(_hmac(hash_name, salted, b"Server Key")).decode("ascii"),
    }


def _attributes(message):
    """'a=1,b=2' -> {'a': '1', 'b': '2'}; values may contain '='."""
    pairs = {}
    for part in message.split(","):
        if len(part) < 2 or part[1] != "=":
            raise ScramError("malformed SCRAM attribute %r" % part)
        pairs[part[0]] = part[2:]
    return pairs


def _unescape_username(name):
    if "=" in name.replace("=2C", "").replace("=3D", ""):
        raise ScramError("invalid escape in SCRAM username")
    return name.replace("=2C", ",").replace("=3D", "=")


class ScramConversation:
    """One authentication exchange; lookup(user) returns the user's credentials for this mechanism, or None."""

    def __init__(self, mechanism, lookup, server_nonce=None):
        if mechanism not in MECHANISMS:
            raise CommandError("MechanismUnavailable", "Received authentication for mechanism %s which is unknown or not enabled" % mechanism)
        self.mechanism = mechanism
        self.hash_name = MECHANISMS[mechanism][0]
        self.lookup = lookup
        self.server_nonce = server_nonce
        self.user = None
        self.done = False
        self.speculative = False

    def first(self, client_first):
        """client-first-message -> server-first-message."""
        gs2_flag, separator, rest = client_first.partition(",")
        authzid, separator, bare = rest.partition(",")
        if gs2_flag not in ("n", "y") or authzid:
            raise ScramError("channel binding and authorization identities are not supported")
        attributes = _attributes(bare)
        if "m" in attributes or "n" not in attributes or "r" not in attributes:
            raise ScramError("client-first-message lacks n= or r=, or carries m=")
        self.user = _unescape_username(attributes["n"])
        self.credentials = self.lookup(self.user)
        if self.credentials is None:
            raise ScramError("no %s credentials for user %s" % (self.mechanism, self.user))
        self.gs2_header = client_first[: len(client_first) - len(bare)]
        self.client_first_bare = bare
        self.nonce = attributes["r"] + (self.server_nonce or base64.b64encode(os.urandom(24)).decode("ascii"))
        self.server_first = "r=%s,s=%s,i=%d" % (self.nonce, self.credentials["salt"], self.credentials["iterationCount"])
        return self.server_first

    def final(self, client_final):
        """client-final-message -> server-final-message ('v=...'), or ScramError when the proof is wrong."""
        without_proof, separator, proof = client_final.rpartition(",p=")
        if not separator:
            raise ScramError("client-final-message has no proof")
        attributes = _attributes(without_proof)
        if attributes.get("r") != self.nonce:
            raise ScramError("nonce mismatch")
        if base64.b64decode(attributes.get("c", "")) != self.gs2_header.encode("utf-8"):
            raise ScramError("channel binding mismatch")
        auth_message = ",".join((self.client_first_bare, self.server_first, without_proof)).encode("utf-8")
        self._verify_proof(base64.b64decode(proof), auth_message)
        self.done = True
        server_signature = _hmac(self.hash_name, base64.b64decode(self.credentials["serverKey"]), auth_message)
        return "v=" + base64.b64encode(server_signature).decode("ascii")

    def _verify_proof(self, proof, auth_message):
        stored_key = base64.b64decode(self.credentials["storedKey"])
        client_signature = _hmac(self.hash_name, stored_key, auth_message)
        if len(proof) != len(client_signature):
            raise ScramError("proof has the wrong length")
        client_key = bytes(a ^ b for a, b in zip(proof, client_signature))
        if not hmac.compare_digest(hashlib.new(self.hash_name, client_key).digest(), stored_key):
            raise ScramError("wrong password")

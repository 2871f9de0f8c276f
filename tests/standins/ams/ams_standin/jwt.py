"""HS256 JSON Web Tokens, as AMS checks the ProxyAuthorization header against server.jwtServerSecretKey."""
import base64
import hashlib
import hmac
import json
import time


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(payload, secret):
    """A token for tests and tools: header {"alg": "HS256", "typ": "JWT"}."""
    header = _b64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode("utf-8"))
    body = _b64url_encode(json.dumps(payload).encode("utf-8"))
    signature = hmac.new(secret.encode("utf-8"), ("%s.%s" % (header, body)).encode("ascii"), hashlib.sha256).digest()
    return "%s.%s.%s" % (header, body, _b64url_encode(signature))


def is_valid(token, secret, now=None):
    """True for a well-formed HS256 token signed with `secret` that has not expired."""
    try:
        header, body, signature = token.split(".")
        if json.loads(_b64url_decode(header)).get("alg") != "HS256":
            return False
        expected = hmac.new(secret.encode("utf-8"), ("%s.%s" % (header, body)).encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64url_decode(signature)):
            return False
        expiry = json.loads(_b64url_decode(body)).get("exp")
    except (ValueError, AttributeError):
        return False
    return expiry is None or expiry > (now or time.time())

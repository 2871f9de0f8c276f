"""Identifiers in the formats the cloud uses."""

import random
import string
import time
import uuid

_ALPHABET = string.ascii_lowercase + string.digits
_random = random.SystemRandom()


def resource_id(prefix, id_code, length=21):
    """'<prefix>-' + the region's three-character code + random lowercase letters and digits, ``length`` in all.

    Like ``vpc-bp1e6h7rkq2ldd3pzl4ua`` (Hangzhou); pass length=20 for the shorter kinds.
    """
    return '%s-%s%s' % (prefix, id_code, ''.join(_random.choice(_ALPHABET) for _ in range(length - len(id_code))))


def numeric_id(digits=8):
    """A random number with ``digits`` digits and no leading zero (CAS CertId, Alidns RecordId...)."""
    return _random.randrange(10 ** (digits - 1), 10 ** digits)


def request_id():
    """Upper-case UUID, as in ``0ED8D006-F706-4D23-88ED-E11ED28DCAC0``."""
    return str(uuid.uuid4()).upper()


def lower_uuid():
    """Lower-case UUID, as ALB job ids."""
    return str(uuid.uuid4())


def iso_time(epoch):
    """``2018-04-18T15:02:37Z``: the creation-time format of ECS and VPC."""
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


def iso_time_minutes(epoch):
    """``2018-04-18T15:02Z``: the minute-precision format some ECS/ESS fields use."""
    return time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime(epoch))


def epoch_millis(epoch):
    return int(epoch * 1000)

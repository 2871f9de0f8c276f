# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ECS input checks and result shaping done without the API: key fingerprints, user data, names, images."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re

# Key types ImportKeyPair accepts as OpenSSH public key lines.
KEY_TYPES = ('ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521')

USER_DATA_LIMIT = 32 * 1024  # bytes before base64, as RunInstances and ModifyInstanceAttribute document

# ECS names (key pairs, instances, launch templates): 2-128 characters, a letter first, then letters, digits, ':', '_', '.', '-'.
_NAME = re.compile(r'^[^\W\d_][\w:.\-]{1,127}$')

# DescribeInstanceTypes' CpuArchitecture -> the DescribeImages Architecture values it runs.
_ARCHITECTURES = {'X86': ('x86_64', 'i386'), 'ARM': ('arm64',)}


def check_name(value, what):
    """Refuse a name the ECS API would refuse (and '*', which its name filters read as a wildcard)."""
    if not _NAME.match(value or '') or value.startswith(('http://', 'https://')):
        raise ValueError('%s %r is not valid: 2 to 128 characters, starting with a letter, then letters, digits, '
                         '":", "_", "." or "-"' % (what, value))
    return value


def key_blob(public_key):
    """The decoded blob of an OpenSSH public key line ``<type> <base64> [comment]``; ValueError when malformed."""
    parts = (public_key or '').strip().split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        raise ValueError('public_key must be one OpenSSH public key line "<type> <base64> [comment]" with type one '
                         'of %s (the content of a .pub file, not a private key)' % ', '.join(KEY_TYPES))
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError('public_key: the key data after %s is not valid base64' % parts[0])
    # The blob names its own type first, as a length-prefixed string: a mismatch means a damaged or edited line.
    declared = parts[0].encode('ascii')
    if blob[:4] != len(declared).to_bytes(4, 'big') or blob[4:4 + len(declared)] != declared:
        raise ValueError('public_key: the key data does not hold a %s key' % parts[0])
    return blob


def key_fingerprint(public_key):
    """The fingerprint ECS reports as KeyPairFingerPrint: MD5 of the key blob in colon hex (RFC 4716 section 4),
    what ``ssh-keygen -l -E md5`` prints after ``MD5:``."""
    # MD5 is the format the API uses here, not a security measure.
    digest = hashlib.md5(key_blob(public_key), usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def encode_user_data(text):
    """Plain-text user data -> the base64 the API takes; ValueError when over the 32 KB limit."""
    raw = text.encode('utf-8')
    if len(raw) > USER_DATA_LIMIT:
        raise ValueError('user_data is %d bytes; ECS accepts at most %d bytes before base64 encoding'
                         % (len(raw), USER_DATA_LIMIT))
    return base64.b64encode(raw).decode('ascii')


def user_data_digest(user_data):
    """SHA-256 (hex) of the bytes base64 ``user_data`` holds: shows a change without showing the secrets in it."""
    try:
        raw = base64.b64decode(user_data)
    except (binascii.Error, ValueError):
        raw = user_data.encode('utf-8')
    return hashlib.sha256(raw).hexdigest()


def newest_image(images):
    """The image created last (DescribeImages items in wire names); ties go to the greatest ImageId."""
    if not images:
        return None
    return max(images, key=lambda image: (image.get('CreationTime') or '', image.get('ImageId') or ''))


def architecture_fits(cpu_architecture, image_architecture):
    """Whether an instance type's CpuArchitecture (X86/ARM) runs an image's Architecture (x86_64/i386/arm64)."""
    return image_architecture in _ARCHITECTURES.get(cpu_architecture, ())


def power_change(status, state):
    """What takes an instance in ``status`` to the module's ``state``: 'start', 'stop' or None.

    A transition already under way counts as done (Starting for running, Stopping for stopped); the module waits
    for it instead of asking again, which the API would refuse with IncorrectInstanceStatus.
    """
    if state == 'running' and status in ('Stopped', 'Stopping'):
        return 'start'
    if state == 'stopped' and status in ('Pending', 'Starting', 'Running'):
        return 'stop'
    return None


def settled_status(status, state):
    """The status a wait ends on: the state's own, or for ``present`` wherever a transition under way leads."""
    if state in ('running', 'stopped'):
        return state.capitalize()
    return {'Pending': 'Running', 'Starting': 'Running', 'Stopping': 'Stopped'}.get(status, status)


def instance_view(instance):
    """A snake_case DescribeInstances item plus the fields playbooks reach for: vpc_id, vswitch_id, private_ip
    and public_ip ('' when the instance has none)."""
    view = dict(instance)
    vpc = instance.get('vpc_attributes') or {}
    private = vpc.get('private_ip_address') or []
    public = instance.get('public_ip_address') or []
    eip = (instance.get('eip_address') or {}).get('ip_address') or ''
    view.update(vpc_id=vpc.get('vpc_id') or '', vswitch_id=vpc.get('vswitch_id') or '',
                private_ip=private[0] if private else '', public_ip=public[0] if public else eip)
    return view

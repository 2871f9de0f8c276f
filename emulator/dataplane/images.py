"""Which podman image backs an emulated ECS image, and the AMS "marketplace" image built from the stand-in.

A mapping entry is ``PATTERN=IMAGE``: PATTERN an emulated ImageId (``*`` matches any characters, so
``m-*ams*`` covers the marketplace image of every region), IMAGE a podman image or ``@ams``. The first matching entry
wins; the defaults send the marketplace image to ``@ams`` and every other image to the test-host image.

``@ams`` is the test-host image with the AMS Enterprise stand-in installed by its installer with ``-s true``
(installed, enabled and started, as on the marketplace image), then stripped of per-node state (conf/instanceId,
logs, ssh host keys, machine-id). It is built once and tagged with a hash of its inputs (base image id, zip,
installer, this recipe), so a later run reuses it.
"""

import fnmatch
import hashlib
import inspect
import os
import threading
import time

from emulator.dataplane import podman

AMS = '@ams'
AMS_IMAGE = 'localhost/lowlatency-ams-marketplace'
AMS_VERSION = '2.11.3'  # the version the emulated marketplace image carries (emulator/products/ecs.py)
DEFAULT_MAP = (('m-*ams*', AMS), ('*', podman.DEFAULT_IMAGE))

_build_lock = threading.Lock()


def parse_map(entries):
    """[(pattern, image)] from ``PATTERN=IMAGE`` texts, followed by the defaults."""
    pairs = []
    for entry in entries or ():
        pattern, separator, image = entry.partition('=')
        if not separator or not pattern or not image:
            raise ValueError('an image mapping is IMAGE_ID=PODMAN_IMAGE (or IMAGE_ID=@ams), not %r' % entry)
        pairs.append((pattern, image))
    return pairs + list(DEFAULT_MAP)


def image_for(mapping, image_id):
    return next(image for pattern, image in mapping if fnmatch.fnmatchcase(image_id, pattern))


def resolve(mapping, image_id, standins):
    """The podman image to run for ``image_id`` (building the AMS image first when needed)."""
    image = image_for(mapping, image_id)
    return build_ams_image(standins) if image == AMS else image


def _digest(standins, base_id):
    digest = hashlib.sha256()
    digest.update(base_id.encode())
    for name in (_zip_name(), 'install_ant-media-server.sh'):
        with open(os.path.join(standins, name), 'rb') as handle:
            digest.update(handle.read())
    digest.update(inspect.getsource(_build).encode())
    return digest.hexdigest()[:12]


def _zip_name():
    return 'ant-media-server-enterprise-standin-%s.zip' % AMS_VERSION


def build_ams_image(standins):
    """``localhost/lowlatency-ams-marketplace:<hash>``, built unless it exists."""
    for name in (_zip_name(), 'install_ant-media-server.sh'):
        if not os.path.exists(os.path.join(standins, name)):
            raise podman.PodmanError('the AMS stand-in is not built (%s missing): run make standins-build'
                                     % os.path.join(standins, name))
    base_id = podman.podman('image', 'inspect', '--format', '{{.Id}}', podman.DEFAULT_IMAGE).stdout.strip()
    tag = '%s:%s' % (AMS_IMAGE, _digest(standins, base_id))
    with _build_lock:
        if podman.podman('image', 'exists', tag, check=False).returncode != 0:
            _build(standins, tag)
            _remove_older(tag)
    return tag


def _remove_older(tag):
    """Older builds (other input hashes) go, as tests/hosts/build-image.sh does with older host images."""
    listed = podman.podman('images', '--filter', 'reference=%s' % AMS_IMAGE, '--format', '{{.Repository}}:{{.Tag}}')
    for other in set(listed.stdout.split()) - {tag}:
        podman.podman('rmi', other, check=False)


def _build(standins, tag):
    name = 'llemu-ams-build-%d' % os.getpid()
    podman.remove(name)
    podman.podman('run', '-d', '--name', name, *podman.labels(), '--runtime', 'runc', *podman.limits(),
                  '--systemd=always', podman.DEFAULT_IMAGE, '/sbin/init')
    try:
        podman.exec_in(name, 'systemctl', 'is-system-running', '--wait', check=False, timeout=90)
        podman.exec_in(name, 'mkdir', '-p', '/root/ams-build', '/etc/systemd/system/antmedia.service.d')
        for file_name in (_zip_name(), 'install_ant-media-server.sh'):
            podman.podman('cp', os.path.join(standins, file_name), '%s:/root/ams-build/%s' % (name, file_name))
        # The unit asks for LimitNOFILE=65536:524288, more than root may grant here (tests/hosts/README.md).
        podman.exec_in(name, 'sh', '-c', 'cat > /etc/systemd/system/antmedia.service.d/limits.conf',
                       stdin='[Service]\nLimitNOFILE=%d\n' % podman.nofile())
        podman.exec_in(name, 'bash', '/root/ams-build/install_ant-media-server.sh',
                       '-i', '/root/ams-build/' + _zip_name(), '-s', 'true', timeout=600)
        for _ in range(50):  # the service is enabled and started by the installer, as on the marketplace image
            if podman.exec_in(name, 'systemctl', 'is-active', 'antmedia', check=False).stdout.strip() == 'active':
                break
            time.sleep(0.2)
        else:
            raise podman.PodmanError('the AMS stand-in did not start while building the marketplace image')
        podman.exec_in(name, 'systemctl', 'stop', 'antmedia')
        # Per-node state: every instance made from the image must start as a new node.
        podman.exec_in(name, 'sh', '-c', 'rm -rf /root/ams-build /usr/local/antmedia/conf/instanceId '
                       '/var/log/antmedia/* /etc/ssh/ssh_host_* /root/.ssh && : > /etc/machine-id')
        podman.podman('stop', '-t', '10', name)
        podman.podman('commit', '-q', name, tag, timeout=300)
    finally:
        podman.remove(name)

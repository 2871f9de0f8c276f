"""A small wrapper around the podman command line: the test-host recipe of tests/hosts/hosts.sh, with a fixed
address on a network whose subnet is a vSwitch's CIDR, and labels that let a crashed run be cleaned up.

Everything the data plane creates carries ``lowlatency.emulator-dataplane=1`` and ``lowlatency.emulator-pid=<pid of
the emulator>``; ``clean()`` removes what belongs to emulators that are no longer running (or everything).
"""

import json
import os
import resource
import subprocess
import threading

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LABEL = 'lowlatency.emulator-dataplane'
PID_LABEL = 'lowlatency.emulator-pid'
DEFAULT_IMAGE = 'localhost/lowlatency-debian12-systemd:latest'


class PodmanError(Exception):
    pass


def environment():
    """The environment of every podman call: the project's containers.conf, as tests/hosts/lib.sh sets it."""
    env = dict(os.environ)
    conf = os.path.join(REPOSITORY, '.cache', 'hosts', 'containers.conf')
    if 'CONTAINERS_CONF' not in env and os.path.exists(conf):
        env['CONTAINERS_CONF'] = conf
    return env


def podman(*args, stdin=None, timeout=120, check=True):
    """Run ``podman ARGS``; the completed process (text), or PodmanError with podman's message when it fails."""
    try:
        done = subprocess.run(('podman',) + tuple(str(a) for a in args), input=stdin, capture_output=True, text=True,
                              timeout=timeout, env=environment())
    except subprocess.TimeoutExpired:
        raise PodmanError('podman %s: no answer within %ss' % (args[0], timeout))
    if check and done.returncode != 0:
        raise PodmanError('podman %s: %s' % (' '.join(str(a) for a in args[:2]), (done.stderr or done.stdout).strip()))
    return done


def labels(**extra):
    pairs = {LABEL: '1', PID_LABEL: str(os.getpid())}
    pairs.update(extra)
    args = []
    for key, value in pairs.items():
        args += ['--label', '%s=%s' % (key, value)]
    return args


def nofile():
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def limits():
    """The rlimits a container may ask for: root here lacks CAP_SYS_RESOURCE (see tests/hosts/lib.sh)."""
    nofile_limit = nofile()
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    nproc = 32768 if nproc == resource.RLIM_INFINITY or nproc > 32768 else nproc
    return ['--ulimit', 'nofile=%d:%d' % (nofile_limit, nofile_limit), '--ulimit', 'nproc=%d:%d' % (nproc, nproc)]


_network_lock = threading.Lock()


def ensure_network(name, subnet, gateway):
    with _network_lock:  # hosts of one vSwitch boot in parallel
        if podman('network', 'exists', name, check=False).returncode != 0:
            podman('network', 'create', '--subnet', subnet, '--gateway', gateway, *labels(), name)


def remove_network(name):
    """Remove a network no container uses any more (without -f, which would remove those containers too)."""
    podman('network', 'rm', name, check=False)


def run_host(name, hostname, network, address, image, extra_labels):
    """Start a systemd host (the hosts.sh recipe: runc, explicit ulimits, systemd as PID 1) at a fixed address."""
    podman('run', '-d', '--name', name, '--hostname', hostname, '--network', network, '--ip', address,
           *labels(**extra_labels), '--runtime', 'runc', *limits(), '--systemd=always', image, '/sbin/init')


def exec_in(name, *command, stdin=None, timeout=120, check=True):
    return podman('exec', '-i', name, *command, stdin=stdin, timeout=timeout, check=check)


def remove(name):
    podman('rm', '-f', '-t', '0', name, check=False)


def exists(name):
    return podman('container', 'exists', name, check=False).returncode == 0


def alive(pid):
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def owned(kind, pid=None):
    """[(name, pid)] of the containers or networks the data plane made (of one emulator process when ``pid``)."""
    if kind == 'container':
        done = podman('ps', '-a', '--filter', 'label=%s=1' % LABEL, '--format', 'json')
        rows = [(c['Names'][0], (c.get('Labels') or {}).get(PID_LABEL, '')) for c in json.loads(done.stdout or '[]')]
    else:
        done = podman('network', 'ls', '--filter', 'label=%s=1' % LABEL, '--format', 'json')
        rows = [(n['name'], (n.get('labels') or {}).get(PID_LABEL, '')) for n in json.loads(done.stdout or '[]')]
    return [(name, owner) for name, owner in rows if pid is None or owner == str(pid)]


def clean(pid=None, everything=False):
    """Remove the data plane's containers, then its networks: of emulator ``pid``, or of emulators no longer
    running, or (``everything``) all of them. Returns the names removed."""
    def wanted(owner):
        return everything or (owner == str(pid) if pid is not None else not alive(owner))
    containers = [name for name, owner in owned('container') if wanted(owner)]
    if containers:
        podman('rm', '-f', '-t', '0', *containers, check=False)
    networks = [name for name, owner in owned('network') if wanted(owner)]
    for name in networks:
        remove_network(name)
    return containers + networks

"""One ECS instance's host: a systemd container at the instance's private address, its key, its "cloud-init".

The network of a vSwitch is ``llemu-<vSwitchId>`` with the vSwitch's CIDR as subnet and, as gateway, the address
Alibaba Cloud's vRouter takes (the third last: ``.253`` in a /24), which the vSwitch never hands to instances.
"""

import ipaddress
import time

from emulator.dataplane import podman

READY_TIMEOUT = 90
USER_DATA_TIMEOUT = 1800
CLOUD_DIR = '/var/lib/cloud/instance'
LOG = '/var/log/cloud-init-output.log'
# Runs the user data once, as root, with its output in the log (what cloud-init's scripts-user module does).
CLOUD_INIT = r'''
set -u
sem=%(dir)s/sem/user-scripts
[ -e "$sem" ] && { echo "user data already ran on this host"; exit 0; }
mkdir -p %(dir)s/sem %(dir)s/scripts && : > "$sem"
base64 -d > %(dir)s/user-data.txt
cp %(dir)s/user-data.txt %(dir)s/scripts/part-001 && chmod 700 %(dir)s/scripts/part-001
if [ "$(head -c 2 %(dir)s/scripts/part-001)" != "#!" ]; then
  echo "emulator data plane: user data is not a script (#!...); only scripts are run" >> %(log)s
  exit 0
fi
echo "emulator data plane: running user data (%(dir)s/scripts/part-001) at $(date -u +%%FT%%TZ)" >> %(log)s
%(dir)s/scripts/part-001 >> %(log)s 2>&1 < /dev/null
code=$?
echo "emulator data plane: user data finished with exit code $code at $(date -u +%%FT%%TZ)" >> %(log)s
exit $code
''' % {'dir': CLOUD_DIR, 'log': LOG}


def network_name(vswitch_id):
    return 'llemu-' + vswitch_id


def gateway(cidr):
    return str(ipaddress.ip_network(cidr).broadcast_address - 2)


def container_name(instance_id):
    return 'llemu-' + instance_id


def boot(plan, image, started=None):
    """Start the host and wait for systemd and sshd; install the key pair's public key for root."""
    name = container_name(plan['InstanceId'])
    network = network_name(plan['VSwitchId'])
    try:
        podman.ensure_network(network, plan['CidrBlock'], gateway(plan['CidrBlock']))
    except podman.PodmanError as error:
        raise podman.PodmanError('%s (a vSwitch CIDR must not overlap a network of this machine, podman or another '
                                 'data plane)' % error)
    podman.remove(name)  # a leftover of a crashed run with the same instance id
    podman.run_host(name, plan['HostName'], network, plan['PrivateIpAddress'], image,
                    {'lowlatency.emulator-instance': plan['InstanceId']})
    if started:
        started()
    wait_ready(name)
    if plan['PublicKey']:
        podman.exec_in(name, 'sh', '-c', 'mkdir -p -m 700 /root/.ssh && cat >> /root/.ssh/authorized_keys && '
                       'chmod 600 /root/.ssh/authorized_keys', stdin=plan['PublicKey'].strip() + '\n')
    wait_ssh(name)


def start(instance_id, started=None):
    name = container_name(instance_id)
    podman.podman('start', name)
    if started:
        started()
    wait_ready(name)
    wait_ssh(name)


def pid(instance_id):
    """The pid of the container's init (its network namespace is the host's)."""
    return int(podman.podman('container', 'inspect', '-f', '{{.State.Pid}}', container_name(instance_id)).stdout)


def stop(instance_id):
    podman.podman('stop', '-t', '10', container_name(instance_id))


def remove(instance_id):
    podman.remove(container_name(instance_id))


def wait_ready(name):
    """systemd has finished booting (running, or degraded: a failed unit does not stop an ECS instance)."""
    deadline = time.monotonic() + READY_TIMEOUT
    state = ''
    while time.monotonic() < deadline:
        done = podman.exec_in(name, 'systemctl', 'is-system-running', '--wait', check=False,
                              timeout=max(1, deadline - time.monotonic()))
        state = done.stdout.strip()
        if state in ('running', 'degraded'):
            return
        time.sleep(0.3)
    raise podman.PodmanError('%s: systemd is %r after %ss' % (name, state, READY_TIMEOUT))


def wait_ssh(name):
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if podman.exec_in(name, 'systemctl', 'is-active', 'ssh', check=False).stdout.strip() == 'active':
            return
        time.sleep(0.2)
    raise podman.PodmanError('%s: sshd is not active after %ss' % (name, READY_TIMEOUT))


def run_user_data(instance_id, user_data):
    """Run the (base64) user data once as root; (exit code, contents of the output log)."""
    name = container_name(instance_id)
    done = podman.exec_in(name, 'sh', '-c', CLOUD_INIT, stdin=user_data, timeout=USER_DATA_TIMEOUT, check=False)
    log = podman.exec_in(name, 'cat', LOG, check=False).stdout
    return done.returncode, log


def boot_log(instance_id):
    """What the host's console would have shown: the boot's messages (systemd in a container logs to the journal)."""
    return podman.exec_in(container_name(instance_id), 'journalctl', '-b', '--no-pager', '-q', '-o', 'short',
                          check=False).stdout

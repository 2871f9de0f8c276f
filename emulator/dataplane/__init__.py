"""The emulator's data plane (``python -m emulator serve --data-plane podman``): what the API creates, really runs.

* Each ECS instance is a podman test host (systemd, sshd) at its PrivateIpAddress on its vSwitch's network; the key
  pair's public key is root's; the user data runs once at first boot, its output is the console output
  (GetInstanceConsoleOutput) and /var/log/cloud-init-output.log. Stop/Start stop and start the host, DeleteInstance
  and ESS scale-in remove it. The instance turns ``Running`` (``Stopped``) only once its host runs (has stopped):
  ECS asks ``holds()`` before those transitions, and the data plane replays the held transition when the host is there.
* Each ALB listener that is ``Running`` is a reverse proxy on 127.0.0.1 (proxy.py), forwarding to the healthy backends
  of its server groups, whose health checks run for real; GetListenerHealthStatus reports them (``backend_health()``).

One thread reconciles the state with podman every ``tick`` seconds (and when woken): it also runs the emulator's due
events, so transitions complete without API calls. Slow podman work runs in a small pool of workers, outside the
state lock; workers write what they learn back into the state under the lock (``_host``, ``_console`` bookkeeping
fields of the instance, never shown as such by the API).
"""

import concurrent.futures
import functools
import math
import os
import threading
import time
import traceback

from emulator.core.runtime import Context, run_due_events
from emulator.dataplane import hosts, images, network, podman, proxy
from emulator.products import vpc_eip_nat

INSTANCE = 'ecs.instance'
DEFAULT_LISTENER_OFFSET = 18000
CONSOLE_LIMIT = 64 * 1024  # GetInstanceConsoleOutput returns the last 64 KB of the console


class Host:
    """What the data plane knows about one instance's container."""

    def __init__(self, instance_id, region, network, address, image_id):
        self.instance_id, self.region, self.network, self.address = instance_id, region, network, address
        self.image_id, self.image = image_id, None
        self.state = 'booting'  # booting, running, stopping, stopped, starting, removing, failed
        self.generation = 0
        self.busy = True
        self.error = None
        self.user_data = None   # None (not run), 'running', or the exit code
        self.pid = None         # of the container's init: its network namespace
        self.sg_wanted = None   # the nft script of its security groups (network.sg_script)
        self.sg_applied = None  # (pid, script) last applied

    def view(self):
        return {'container': hosts.container_name(self.instance_id), 'network': self.network, 'address': self.address,
                'state': self.state, 'image_id': self.image_id, 'image': self.image, 'error': self.error,
                'user_data_exit_code': self.user_data if isinstance(self.user_data, int) else None,
                'user_data': 'ran' if isinstance(self.user_data, int) else self.user_data or 'none'}


class DataPlane:
    def __init__(self, emulator, image_map=(), listener_offset=DEFAULT_LISTENER_OFFSET, listener_ports=None,
                 listen_host='127.0.0.1', standins=None, tick=0.25, workers=4):
        self.emulator = emulator
        self.image_map = images.parse_map(image_map)
        self.listener_offset = listener_offset
        self.listener_ports = dict(listener_ports or {})
        self.listen_host = listen_host
        self.standins = standins or os.path.join(podman.REPOSITORY, '.cache', 'standins', 'ams')
        self.tick = tick
        self.pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix='dataplane')
        self.hosts = {}        # instance id -> Host
        self.proxies = {}      # listener id -> ListenerProxy
        self.listener_errors = {}
        self.backends = {}     # listener id -> [(server group id, server id, port, address, weight, secure)]
        self.health = proxy.HealthChecks()
        self.lock = threading.RLock()
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self.thread = None
        self.generation = 0    # a reset or close starts a new one: work of an older one is undone
        self._network_applied = None  # the host table's script as last applied
        self.public = {}              # instance id -> its public address (PublicIpAddress or bound EIP)

    # Life cycle.

    def start(self):
        podman.podman('version', '--format', '{{.Client.Version}}')  # fail at start when podman is missing
        network.clean()  # what crashed emulators left
        network.ensure_link(os.getpid())
        self._apply_network(network.host_script(os.getpid(), {}, {}, {}))
        self.thread = threading.Thread(target=self._loop, name='dataplane', daemon=True)
        self.thread.start()
        return self

    def close(self):
        self.stopping.set()
        self.wakeup.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
        self._teardown()
        self.pool.shutdown(wait=True, cancel_futures=True)
        podman.clean(pid=os.getpid())  # a worker that was still inside `podman run` may have finished since
        network.clean(pid=os.getpid())

    def reset(self):
        """Remove every container, network and proxy (the state was cleared): POST /_emulator/reset."""
        with self.lock:
            self._teardown()

    def _teardown(self):
        with self.lock:
            self.generation += 1
            for listener_proxy in self.proxies.values():
                listener_proxy.close()
            self.proxies.clear()
            self.backends.clear()
            self.health.close()
            self.hosts.clear()
            podman.clean(pid=os.getpid())
            if not self.stopping.is_set():
                self._apply_network(network.host_script(os.getpid(), {}, {}, {}))

    def wake(self):
        self.wakeup.set()

    def _loop(self):
        while not self.stopping.is_set():
            self.wakeup.wait(self.tick)
            self.wakeup.clear()
            if self.stopping.is_set():
                return
            try:
                self.reconcile()
            except Exception:  # a bug here must not stop the data plane
                traceback.print_exc()

    # Hooks the products call (under the state lock).

    def holds(self, ctx, instance, status, steps):
        """True when ``instance`` may not turn ``status`` yet: its host is not there; the data plane replays the
        transition (``ecs.advance``) once it is."""
        if status not in ('Running', 'Stopped') or instance.get('_host') == status:
            return False
        instance['_held'] = {'status': status, 'expected': instance['Status'], 'steps': steps}
        self.wakeup.set()
        return True

    def backend_health(self, server_group_id, server):
        """('Healthy'|'Unhealthy'|'Initial', reason or None) from the real checks, or None when not checked."""
        return self.health.verdict((server_group_id, server['ServerId'], server['Port']))

    # Reconciliation.

    def reconcile(self):
        store = self.emulator.store
        generation = self.generation
        with store.lock:
            if run_due_events(self.emulator):
                store.save()
            wanted = self._wanted_hosts(store)
            listeners, targets = self._wanted_listeners(store)
            host_script = self._wanted_network(store)
        with self.lock:
            if self.stopping.is_set() or generation != self.generation:
                return  # closed, or reset since the state was read: that state is gone
            self._apply_network(host_script)
            self._converge_hosts(wanted)
            self._converge_listeners(listeners)
            self.health.update(targets)

    def _wanted_hosts(self, store):
        plans = {}
        vswitches = store.kind('vpc.vswitch')
        key_pairs = store.kind('ecs.key_pair')
        groups = store.kind('ecs.security_group')
        live = [i for i in store.kind(INSTANCE).values() if not i['_releasing']]
        members = {}
        for instance in live:
            for group_id in instance['SecurityGroupIds']:
                members.setdefault(group_id, []).append(instance['PrivateIpAddress'])
        for instance in live:
            vswitch = vswitches.get(instance['VSwitchId']) or {}
            own = [groups[g] for g in instance['SecurityGroupIds'] if g in groups]
            rules = network.sg_script(own, members, instance['PrivateIpAddress'],
                                      hosts.gateway(vswitch['CidrBlock'])) if vswitch.get('CidrBlock') else None
            key_pair = key_pairs.get('%s/%s' % (instance['_region'], instance['KeyPairName'])) or {}
            plans[instance['InstanceId']] = {
                'InstanceId': instance['InstanceId'], 'Region': instance['_region'], 'HostName': instance['HostName'],
                'VSwitchId': instance['VSwitchId'], 'CidrBlock': vswitch.get('CidrBlock'),
                'PrivateIpAddress': instance['PrivateIpAddress'], 'ImageId': instance['ImageId'],
                'PublicKey': key_pair.get('PublicKey', ''), 'UserData': instance['UserData'],
                'running': instance['Status'] not in ('Stopping', 'Stopped'), 'host': instance.get('_host'),
                'held': (instance.get('_held') or {}).get('status'), 'SecurityGroupRules': rules,
            }
        return plans

    def _wanted_network(self, store):
        """The host table's script: the VPCs' vSwitches, public addresses, and each host's way to the internet."""
        vpcs = {}
        for vswitch in store.kind('vpc.vswitch').values():
            vpcs.setdefault(vswitch['VpcId'], []).append(vswitch['CidrBlock'])
        public, egress, self.public = {}, {}, {}
        for instance in store.kind(INSTANCE).values():
            if instance['_releasing']:
                continue
            private = instance['PrivateIpAddress']
            address = instance.get('PublicIpAddress') or vpc_eip_nat.instance_eip(store, instance['InstanceId'])
            if address:
                public[address] = private
                self.public[instance['InstanceId']] = address
            # Out through the host's own public address or EIP, else an SNAT entry of a NAT gateway for it.
            egress_address = address or vpc_eip_nat.snat_address(store, instance['VSwitchId'], private)
            if egress_address:
                egress[private] = egress_address
        return network.host_script(os.getpid(), vpcs, public, egress)

    def _apply_network(self, script):
        if script != self._network_applied:
            network.apply_host(script)
            self._network_applied = script

    def _apply_sg(self, host):
        """Put the host's security group rules in place when they (or its network namespace) changed."""
        if host.pid and host.sg_wanted and host.sg_applied != (host.pid, host.sg_wanted):
            network.apply_sg(host.pid, host.sg_wanted)
            host.sg_applied = (host.pid, host.sg_wanted)

    def _converge_hosts(self, wanted):
        for instance_id, host in list(self.hosts.items()):
            if instance_id not in wanted and not host.busy:
                self._submit(host, 'removing', self._remove, host)
        for instance_id, plan in wanted.items():
            host = self.hosts.get(instance_id)
            if host is not None:
                host.sg_wanted = plan['SecurityGroupRules']
            if host is None and not plan['running']:
                if plan['held'] or plan['host'] != 'Stopped':
                    self._settle(instance_id, 'Stopped')  # never started here: nothing to boot until it starts
            elif host is None:
                host = Host(instance_id, plan['Region'], hosts.network_name(plan['VSwitchId']),
                            plan['PrivateIpAddress'], plan['ImageId'])
                host.sg_wanted = plan['SecurityGroupRules']
                self.hosts[instance_id] = host
                self._submit(host, 'booting', self._boot, host, plan)
            elif host.busy or host.state == 'failed':
                continue
            elif host.state == 'running' and host.sg_wanted and host.sg_applied != (host.pid, host.sg_wanted):
                self._submit(host, 'running', self._apply_sg, host)
            elif plan['running'] and host.state == 'stopped':
                self._submit(host, 'starting', self._start, host)
            elif not plan['running'] and host.state == 'running':
                self._submit(host, 'stopping', self._stop, host)
            elif plan['held'] or plan['host'] != ('Running' if plan['running'] else 'Stopped'):
                self._settle(instance_id, 'Running' if host.state == 'running' else 'Stopped')

    def _submit(self, host, state, work, *args):
        host.state, host.busy, host.generation = state, True, self.generation

        def run():
            try:
                work(*args)
            except Exception as error:  # the host could not be made: say why in the console and the admin API
                host.state, host.error = 'failed', str(error)
                self._console(host, 'emulator data plane: %s\n' % error)
                if not isinstance(error, podman.PodmanError):
                    traceback.print_exc()
            finally:
                host.busy = False
                if host.generation != self.generation:  # reset meanwhile: what this work made must go too
                    hosts.remove(host.instance_id)
                    podman.remove_network(host.network)  # refused while a newer host uses it
                self.wakeup.set()
        self.pool.submit(run)

    # Work (in the pool, outside the state lock).

    def _boot(self, host, plan):
        if not plan['CidrBlock']:
            raise podman.PodmanError('vSwitch %s is gone' % plan['VSwitchId'])
        host.image = images.resolve(self.image_map, plan['ImageId'], self.standins)
        hosts.boot(plan, host.image, started=functools.partial(self._started, host))
        host.state = 'running'
        self._settle(host.instance_id, 'Running')
        if plan['UserData']:
            # In a thread of its own: a long script must neither hold a worker nor delay a stop or a delete
            # (which end it, as they would on a real instance).
            host.user_data = 'running'
            threading.Thread(target=self._cloud_init, args=(host, plan['UserData']), daemon=True).start()
        else:
            self._console(host, hosts.boot_log(host.instance_id))

    def _cloud_init(self, host, user_data):
        try:
            code, log = hosts.run_user_data(host.instance_id, user_data)
            host.user_data = code
            self._console(host, hosts.boot_log(host.instance_id) + log)
        except podman.PodmanError as error:
            host.user_data = None
            self._console(host, 'emulator data plane: the user data could not run: %s\n' % error)

    def _started(self, host):
        """The container runs (systemd still booting): its security groups apply before any service listens."""
        host.pid = hosts.pid(host.instance_id)
        self._apply_sg(host)

    def _start(self, host):
        hosts.start(host.instance_id, started=functools.partial(self._started, host))
        host.state = 'running'
        self._settle(host.instance_id, 'Running')

    def _stop(self, host):
        hosts.stop(host.instance_id)
        host.state = 'stopped'
        self._settle(host.instance_id, 'Stopped')

    def _remove(self, host):
        hosts.remove(host.instance_id)
        with self.lock:
            self.hosts.pop(host.instance_id, None)
            if not any(other.network == host.network for other in self.hosts.values()):
                podman.remove_network(host.network)

    # Writing back into the state.

    def _settle(self, instance_id, status):
        """Record the host's status on the instance and replay a transition ECS held for it."""
        store = self.emulator.store
        with store.lock:
            instance = store.kind(INSTANCE).get(instance_id)
            if instance is None or instance['_releasing']:
                return
            instance['_host'] = status
            held = instance.get('_held')
            if held and held['status'] == status:
                del instance['_held']
                ctx = Context(self.emulator, instance['_region'])
                ctx.run_event('ecs.advance', {'instance_id': instance_id, 'expected': held['expected'],
                                              'steps': held['steps']})
            store.save()

    def _console(self, host, text):
        store = self.emulator.store
        with store.lock:
            instance = store.kind(INSTANCE).get(host.instance_id)
            if instance is not None:
                instance['_console'] = text[-CONSOLE_LIMIT:]
                instance['_console_time'] = self.emulator.now()
                store.save()

    # Listeners.

    def _wanted_listeners(self, store):
        groups = store.kind('alb.servergroup')
        certificates = store.kind('cas.certificate')
        balancers = store.kind('alb.loadbalancer')
        vswitches = store.kind('vpc.vswitch')
        listeners, targets = {}, {}
        for listener in store.kind('alb.listener').values():
            sources = self._balancer_sources(balancers.get(listener['LoadBalancerId']), vswitches)
            group_ids = [t['ServerGroupId'] for a in listener['DefaultActions']
                         for t in a['ForwardGroupConfig']['ServerGroupTuples']]
            backends = []
            for group_id in group_ids:
                group = groups.get(group_id)
                if group is None:
                    continue
                config = group['HealthCheckConfig']
                for server in group['Servers']:
                    if server['Status'] == 'Removing':
                        continue
                    key = (group_id, server['ServerId'], server['Port'])
                    if config['HealthCheckEnabled']:
                        targets[key] = (server['ServerIp'], server['Port'], dict(config), group['Protocol'], sources)
                    if server['Status'] == 'Available' and server['Weight'] > 0:
                        backends.append(key + (server['ServerIp'], server['Weight'], group['Protocol'] == 'HTTPS',
                                               config['HealthCheckEnabled']))
            if listener['ListenerStatus'] != 'Running' or listener['ListenerProtocol'] == 'QUIC':
                continue
            certificate = None
            if listener['Certificates']:
                cert_id = listener['Certificates'][0]['CertificateId'].partition('-')[0]
                found = certificates.get(cert_id)
                certificate = {'Cert': found['Cert'], 'Key': found['Key']} if found else None
            listeners[listener['ListenerId']] = {
                'protocol': listener['ListenerProtocol'], 'port': listener['ListenerPort'], 'certificate': certificate,
                'idle_timeout': listener['IdleTimeout'], 'request_timeout': listener['RequestTimeout'],
                'load_balancer': listener['LoadBalancerId'], 'backends': backends, 'sources': sources}
        return listeners, targets

    @staticmethod
    def _balancer_sources(balancer, vswitches):
        """The addresses the load balancer's connections to backends come from: its vSwitches' first, then the
        other vSwitches of its VPC (an address exists on this machine once a host of that vSwitch booted)."""
        if balancer is None:
            return ()
        own = [z['VSwitchId'] for z in balancer['Zones']]
        others = sorted(i for i, v in vswitches.items() if v['VpcId'] == balancer['VpcId'] and i not in own)
        return tuple(hosts.gateway(vswitches[i]['CidrBlock']) for i in own + others if i in vswitches)

    def local_port(self, listener_port):
        return self.listener_ports.get(listener_port, listener_port + self.listener_offset)

    def _converge_listeners(self, wanted):
        for listener_id in list(self.proxies):
            current = self.proxies[listener_id]
            spec = wanted.get(listener_id)
            if spec is None or (spec['protocol'], spec['port'], spec['certificate']) != \
                    (current.spec['protocol'], current.spec['port'], current.spec['certificate']):
                current.close()
                del self.proxies[listener_id]
        for listener_id, spec in wanted.items():
            self.backends[listener_id] = spec['backends']
            if listener_id in self.proxies:
                self.proxies[listener_id].spec = spec
                continue
            try:
                try:
                    created = proxy.ListenerProxy(self, listener_id, spec, self.listen_host,
                                                  self.local_port(spec['port']))
                except OSError:  # the port is taken (another load balancer's listener on the same port): any port
                    created = proxy.ListenerProxy(self, listener_id, spec, self.listen_host, 0)
                self.proxies[listener_id] = created
                self.listener_errors.pop(listener_id, None)
            except (OSError, ValueError) as error:
                self.listener_errors[listener_id] = str(error)
        for listener_id in list(self.backends):
            if listener_id not in wanted:
                del self.backends[listener_id]

    def pick_backend(self, listener_id, turn):
        """(address, port, tls) of a healthy backend of the listener, weighted round robin; None when none is."""
        with self.lock:
            healthy = []
            for group_id, server_id, port, address, weight, secure, checked in self.backends.get(listener_id, ()):
                verdict = self.health.verdict((group_id, server_id, port)) if checked else ('Healthy', None)
                if verdict is not None and verdict[0] == 'Healthy':
                    healthy.append(((address, port, secure), weight))
        if not healthy:
            return None
        # Weights reduced by their common divisor, then interleaved: 100/100 -> a b, 100/50 -> a b a.
        divisor = functools.reduce(math.gcd, (weight for _, weight in healthy))
        rounds = max(weight for _, weight in healthy) // divisor
        order = [backend for n in range(rounds) for backend, weight in healthy if weight // divisor > n]
        return order[turn % len(order)]

    # The admin view (GET /_emulator/dataplane).

    def describe(self):
        with self.lock:
            listeners = {}
            for listener_id, listener_proxy in self.proxies.items():
                host, port = listener_proxy.address[:2]
                scheme = 'http' if listener_proxy.spec['protocol'] == 'HTTP' else 'https'
                listeners[listener_id] = {
                    'load_balancer_id': listener_proxy.spec['load_balancer'],
                    'protocol': listener_proxy.spec['protocol'],
                    'listener_port': listener_proxy.spec['port'], 'address': '%s:%d' % (host, port),
                    'url': '%s://%s:%d/' % (scheme, host, port)}
            health = {}
            for (group_id, server_id, port), target in list(self.health.targets.items()):
                health.setdefault(group_id, []).append({'server_id': server_id, 'port': port, 'address': target.address,
                                                        'status': target.status, 'reason': target.reason})
            return {'enabled': True, 'driver': 'podman', 'pid': os.getpid(),
                    'instances': dict((i, dict(h.view(), public_address=self.public.get(i, '')))
                                      for i, h in self.hosts.items()),
                    'listeners': listeners, 'listener_errors': dict(self.listener_errors), 'health': health,
                    'image_map': ['%s=%s' % pair for pair in self.image_map], 'time': time.time(),
                    'internet': {'controller': network.CONTROLLER, 'services': network.SERVICES}}

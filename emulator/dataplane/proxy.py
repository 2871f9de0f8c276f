"""ALB listeners as real reverse proxies on local ports, and server group health checks run for real.

A listener proxy accepts a connection (terminating TLS for HTTPS listeners with the listener's CAS certificate),
reads the request head, picks a healthy backend of the listener's forward server groups (weighted round robin),
and sends the head on with ``X-Forwarded-For``/``-Proto``/``-Port`` added and ``Connection: close``, so every
request is balanced on its own. A WebSocket upgrade keeps its ``Connection: Upgrade`` and the two sockets are then
joined both ways. No healthy backend: ``503``; the backend refusing: ``502``, as ALB answers.

A health check target is one backend (server group, server id, port): every ``HealthCheckInterval`` seconds an HTTP(S)
request (``HealthCheckMethod`` ``HealthCheckPath``, ``Host: HealthCheckHost``, ``HealthCheckTimeout``) or a TCP connect
to ``HealthCheckConnectPort`` (or the backend's port). ``HealthyThreshold`` successes in a row make it healthy,
``UnhealthyThreshold`` failures unhealthy; a new backend is ``Initial`` (no traffic) until its first verdict.
"""

import http.client
import itertools
import os
import selectors
import socket
import ssl
import tempfile
import threading

from emulator.dataplane import network

HEAD_LIMIT = 64 * 1024
HOP_HEADERS = ('connection', 'keep-alive', 'proxy-connection')


class Target:
    """One backend's health: its check configuration and the verdict so far."""

    def __init__(self, address, port, config, protocol, sources=()):
        self.address, self.port, self.config, self.protocol = address, port, config, protocol
        self.sources = sources  # the load balancer's addresses in the VPC (network.vpc_socket)
        self.spec = self.identity(address, port, config, protocol, sources)
        self.status, self.reason = 'Initial', None
        self.successes = self.failures = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def identity(address, port, config, protocol, sources=()):
        """What a target is checked with: a change of any of it starts a new target."""
        return (address, port, repr(sorted(config.items())), protocol, sources)

    def _run(self):
        while not self.stop.wait(self.config['HealthCheckInterval'] if self.successes or self.failures else 0.2):
            reason = self.check()
            if reason is None:
                self.successes, self.failures = self.successes + 1, 0
                if self.successes >= self.config['HealthyThreshold']:
                    self.status, self.reason = 'Healthy', None
            else:
                self.successes, self.failures = 0, self.failures + 1
                if self.failures >= self.config['UnhealthyThreshold'] or self.status == 'Initial':
                    self.status, self.reason = 'Unhealthy', reason

    def check(self):
        """None when the backend passes the check, else the reason ({'ReasonCode': ..., ...})."""
        config = self.config
        port = config['HealthCheckConnectPort'] or self.port
        timeout = config['HealthCheckTimeout']
        try:
            sock = network.vpc_socket(self.address, port, timeout, self.sources)
        except socket.timeout:
            return {'ReasonCode': 'CONNECT_TIMEOUT'}
        except OSError:
            return {'ReasonCode': 'CONNECT_FAILED'}
        if config['HealthCheckProtocol'] in ('TCP', 'gRPC'):
            sock.close()
            return None
        connection = http.client.HTTPConnection(self.address, port, timeout=timeout)
        try:
            try:
                if config['HealthCheckProtocol'] == 'HTTPS':
                    sock = ssl._create_unverified_context().wrap_socket(sock, server_hostname=self.address)
            except (OSError, ssl.SSLError):
                sock.close()
                return {'ReasonCode': 'CONNECT_FAILED'}
            connection.sock = sock  # http.client sends on it as if it had connected itself
            headers = {'Host': config['HealthCheckHost'] or self.address, 'User-Agent': 'ALB-HealthCheck (emulator)'}
            try:
                connection.request(config['HealthCheckMethod'], config['HealthCheckPath'], headers=headers)
                code = connection.getresponse().status
            except socket.timeout:
                return {'ReasonCode': 'RECV_RESPONSE_TIMEOUT'}
            except (OSError, http.client.HTTPException):
                return {'ReasonCode': 'RECV_RESPONSE_FAILED'}
        finally:
            connection.close()
        if 'http_%dxx' % (code // 100) in config['HealthCheckCodes']:
            return None
        return {'ReasonCode': 'RESPONSE_MISMATCH', 'ActualResponse': str(code),
                'ExpectedResponse': ','.join(c.replace('http', 'HTTP') for c in config['HealthCheckCodes'])}


class HealthChecks:
    """The health check targets of every server group a listener forwards to, kept in line with the state."""

    def __init__(self):
        self.targets = {}  # (server group id, server id, port) -> Target
        self.lock = threading.Lock()

    def update(self, wanted):
        """``wanted``: {(group id, server id, port): (address, check port, health check config, group protocol)}."""
        with self.lock:
            for key in list(self.targets):
                target = self.targets[key]
                if key not in wanted or target.spec != Target.identity(*wanted[key]):
                    target.stop.set()
                    del self.targets[key]
            for key, spec in wanted.items():
                if key not in self.targets:
                    self.targets[key] = Target(*spec)
                    self.targets[key].thread.start()

    def verdict(self, key):
        """('Healthy'|'Unhealthy'|'Initial', reason) of a backend, or None when it is not checked."""
        target = self.targets.get(key)
        return None if target is None else (target.status, target.reason)

    def close(self):
        self.update({})


class ListenerProxy:
    """One listener on a local port."""

    def __init__(self, plane, listener_id, spec, host, port):
        self.plane, self.listener_id, self.spec = plane, listener_id, spec
        self.tls = None
        self.certificate_dir = None
        if spec['protocol'] != 'HTTP':
            self.tls = self._tls_context(spec['certificate'])
        self.server = socket.create_server((host, port), reuse_port=False)
        self.server.settimeout(0.5)
        self.address = self.server.getsockname()
        self.turn = itertools.count()
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _tls_context(self, certificate):
        if certificate is None:
            raise ValueError('the listener has no certificate')
        self.certificate_dir = tempfile.mkdtemp(prefix='emulator-alb-')
        paths = []
        for name in ('Cert', 'Key'):
            path = os.path.join(self.certificate_dir, name)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), 'w') as handle:
                handle.write(certificate[name])
            paths.append(path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*paths)
        return context

    def close(self):
        self.closed.set()
        self.server.close()
        if self.certificate_dir:
            for name in os.listdir(self.certificate_dir):
                os.unlink(os.path.join(self.certificate_dir, name))
            os.rmdir(self.certificate_dir)

    def _accept(self):
        while not self.closed.is_set():
            try:
                client, peer = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client, peer), daemon=True).start()

    def _serve(self, client, peer):
        backend = None
        try:
            client.settimeout(self.spec['idle_timeout'])
            if self.tls is not None:
                client = self.tls.wrap_socket(client, server_side=True)
            head, rest = _read_head(client)
            if head is None:
                return
            chosen = self.plane.pick_backend(self.listener_id, next(self.turn))
            if chosen is None:
                client.sendall(_answer(503, 'Service Temporarily Unavailable'))
                return
            address, port, secure = chosen
            try:
                backend = network.vpc_socket(address, port, 5, self.spec.get('sources', ()))
                if secure:
                    backend = ssl._create_unverified_context().wrap_socket(backend, server_hostname=address)
            except OSError:
                client.sendall(_answer(502, 'Bad Gateway'))
                return
            backend.settimeout(self.spec['request_timeout'])
            backend.sendall(_forwarded_head(head, peer[0], 'https' if self.tls else 'http', self.spec['port']) + rest)
            _join(client, backend, self.spec['idle_timeout'], self.spec['request_timeout'])
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            for sock in (client, backend):
                if sock is not None:
                    try:
                        sock.close()
                    except OSError:
                        pass


def _read_head(sock):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b''
        data += chunk
        if len(data) > HEAD_LIMIT:
            sock.sendall(_answer(400, 'Bad Request'))
            return None, b''
    head, _, rest = data.partition(b'\r\n\r\n')
    return head.decode('latin-1'), rest


def _forwarded_head(head, client_ip, scheme, port):
    """The request head for the backend: hop-by-hop headers dropped, X-Forwarded-* added, one request per
    connection (except a WebSocket upgrade)."""
    lines = head.split('\r\n')
    headers = [line for line in lines[1:] if line]
    names = [line.split(':', 1)[0].strip().lower() for line in headers]
    values = [line.split(':', 1)[1].strip() if ':' in line else '' for line in headers]
    connection = ','.join(v for n, v in zip(names, values) if n == 'connection').lower()
    upgrade = 'upgrade' in connection and 'upgrade' in names
    kept = [line for line, name in zip(headers, names) if name not in HOP_HEADERS
            and name not in ('x-forwarded-proto', 'x-forwarded-port')]
    forwarded = [v for n, v in zip(names, values) if n == 'x-forwarded-for']
    kept = [line for line in kept if not line.lower().startswith('x-forwarded-for')]
    kept += ['X-Forwarded-For: %s' % ', '.join(forwarded + [client_ip]), 'X-Forwarded-Proto: %s' % scheme,
             'X-Forwarded-Port: %d' % port, 'Connection: %s' % ('Upgrade' if upgrade else 'close')]
    return ('\r\n'.join([lines[0]] + kept) + '\r\n\r\n').encode('latin-1')


def _join(client, backend, idle_timeout, request_timeout):
    """Copy bytes both ways until the backend is done (it closes after its response, or the WebSocket ends), the
    backend has not answered within ``request_timeout`` or the connection is idle for ``idle_timeout`` seconds.

    One thread does both directions: an SSL object must not be read and written from two threads, and a reader
    thread left blocked on a socket closed under it reads the next connection that is given its file descriptor
    number (clients saw ``UNEXPECTED_MESSAGE`` handshakes that way)."""
    peers = {client: backend, backend: client}
    answered = False
    with selectors.DefaultSelector() as selector:
        for sock in peers:
            selector.register(sock, selectors.EVENT_READ)
        while True:
            ready = selector.select(idle_timeout if answered else request_timeout)
            if not ready:
                return
            for key, _ in ready:
                source = key.fileobj
                data = _receive(source)
                if source is backend:
                    if not data:
                        return
                    answered = True
                elif not data:  # the client is done sending: pass its half-close on, keep the answer coming
                    selector.unregister(client)
                    socket.socket.shutdown(backend, socket.SHUT_WR)  # SSLSocket.shutdown would drop its TLS layer
                    continue
                peers[source].sendall(data)


def _receive(sock):
    """What one read returns, with whatever TLS already decrypted behind it (a selector does not see that)."""
    data = sock.recv(65536)
    while data and isinstance(sock, ssl.SSLSocket) and sock.pending():
        data += sock.recv(sock.pending())
    return data


def _answer(status, reason):
    body = ('<html><body><center><h1>%d %s</h1></center></body></html>\n' % (status, reason)).encode()
    return ('HTTP/1.1 %d %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n'
            % (status, reason, len(body))).encode() + body

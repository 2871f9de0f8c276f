"""The listener proxy (emulator/dataplane/proxy.py) on its own: a local backend, no podman."""

import http.client
import socket
import ssl
import threading

import pytest

from emulator.dataplane import proxy
from emulator.tests import web_backend
from emulator.tests.test_cas import pair


class Plane:
    """What a proxy asks the data plane: always the one backend."""

    def __init__(self, port):
        self.port = port

    def pick_backend(self, listener_id, turn):
        return ('127.0.0.1', self.port, False)


@pytest.fixture(scope='module')
def backend():
    server = web_backend.serve('127.0.0.1', 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture
def listener(backend):
    cert_pem, key_text, _ = pair()
    spec = {'protocol': 'HTTPS', 'port': 443, 'certificate': {'Cert': cert_pem, 'Key': key_text},
            'idle_timeout': 15, 'request_timeout': 2}
    served = proxy.ListenerProxy(Plane(backend.server_address[1]), 'lsn-test', spec, '127.0.0.1', 0)
    yield served.address[1]
    served.close()


def connection(port):
    return http.client.HTTPSConnection('127.0.0.1', port, timeout=10, context=ssl._create_unverified_context())


def request(port, method='GET', path='/', body=None):
    client = connection(port)
    try:
        client.request(method, path, body=body)
        response = client.getresponse()
        return response.status, response.read()
    finally:
        client.close()


def test_every_request_in_a_long_run_is_answered(listener):
    # A reader thread left on a closed socket used to read the next connection's handshake (about 1 in 30 failed).
    answers = [request(listener) for _ in range(300)]
    assert answers == [(200, ('%s 127.0.0.1 https' % socket.gethostname()).encode())] * 300


def test_a_request_body_goes_to_the_backend_and_its_answer_comes_back(listener):
    body = b'stream key ' * 20000  # more than one read and one TLS record
    assert request(listener, 'POST', '/publish', body) == (200, body.upper())


def test_an_upgraded_connection_carries_data_both_ways(listener):
    with socket.create_connection(('127.0.0.1', listener), timeout=10) as raw:
        with ssl._create_unverified_context().wrap_socket(raw) as tls:
            tls.sendall(b'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
            head = b''
            while b'\r\n\r\n' not in head:
                head += tls.recv(1024)
            assert head.split(b'\r\n')[0] == b'HTTP/1.0 101 Switching Protocols'
            for message in (b'ping', b'second frame'):
                tls.sendall(message)
                assert tls.recv(1024) == message.upper()


def test_a_backend_that_does_not_answer_within_the_request_timeout_is_cut_off(listener):
    client = connection(listener)
    try:
        client.request('GET', '/slow')
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            client.getresponse()
    finally:
        client.close()

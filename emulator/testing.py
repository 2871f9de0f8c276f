"""Run the emulator from tests: a pytest fixture, SDK client helpers and a small admin client.

In a conftest.py::

    pytest_plugins = ['emulator.testing']

    def test_create(emulator_server):
        vpc = emulator_server.client('vpc')                       # an unmodified SDK client
        before = emulator_server.admin.marker()
        ...
        assert emulator_server.admin.counts(since=before)['mutating'] == 0

``emulator_server`` runs the server in a thread of the test process with a fresh state file (fast profile).
``EmulatorProcess`` runs ``python -m emulator serve`` as a child process instead (for restart and CLI tests).
"""

import importlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

TEST_ACCESS_KEY_ID = 'testAccessKeyId'
TEST_ACCESS_KEY_SECRET = 'testAccessKeySecret'
SDK_PACKAGES = {
    'vpc': 'alibabacloud_vpc20160428', 'ecs': 'alibabacloud_ecs20140526', 'ess': 'alibabacloud_ess20220222',
    'alb': 'alibabacloud_alb20200616', 'cas': 'alibabacloud_cas20200407', 'alidns': 'alibabacloud_alidns20150109',
}
PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy')
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def sdk_config(endpoint, region='cn-hangzhou', access_key_id=TEST_ACCESS_KEY_ID,
               access_key_secret=TEST_ACCESS_KEY_SECRET, region_header=False, **options):
    """The SDK Config of a client talking to the emulator: only endpoint and protocol differ from the cloud's.

    ``region_header=True`` adds the x-emulator-region header as the collection's module_utils does.
    ``options`` go to Config as they are (e.g. signature_algorithm='v2' for signature version 1).
    """
    from alibabacloud_tea_openapi.utils_models import Config, GlobalParameters
    if region_header:
        options['global_parameters'] = GlobalParameters(headers={'x-emulator-region': region})
    return Config(access_key_id=access_key_id, access_key_secret=access_key_secret, region_id=region,
                  endpoint=endpoint, protocol='http', **options)


def sdk_client(product, config):
    return importlib.import_module(SDK_PACKAGES[product] + '.client').Client(config)


def sdk_models(product):
    return importlib.import_module(SDK_PACKAGES[product] + '.models')


class AdminClient:
    """The unsigned admin API under /_emulator/."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip('/')

    def call(self, method, route, payload=None, **query):
        url = '%s/%s' % (self.base_url, route)
        if query:
            url += '?' + '&'.join('%s=%s' % (k, v) for k, v in query.items() if v is not None)
        data = json.dumps(payload).encode('utf-8') if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError('admin %s %s: %s %s' % (method, route, error.code, error.read().decode()))

    def health(self):
        return self.call('GET', 'health')

    def profile(self):
        return self.call('GET', 'profile')

    def set_profile(self, name=None, **settings):
        """Switch to a built-in profile by name, or to settings merged onto ``base`` (default 'fast')."""
        return self.call('PUT', 'profile', {'name': name} if name and not settings else dict(settings))

    def marker(self):
        return self.call('POST', 'marker')['marker']

    def counts(self, since=0, product=None):
        return self.call('GET', 'counts', since=since, product=product)

    def log(self, since=0):
        return self.call('GET', 'log', since=since)['entries']

    def reset(self):
        return self.call('POST', 'reset')

    def advance_clock(self, seconds):
        return self.call('POST', 'clock', {'advance': seconds})

    def state(self):
        return self.call('GET', 'state')


class _Server:
    endpoint = None

    @property
    def url(self):
        return 'http://%s' % self.endpoint

    @property
    def admin(self):
        return AdminClient(self.url + '/_emulator')

    def config(self, **options):
        return sdk_config(self.endpoint, **options)

    def client(self, product, **options):
        """An unmodified SDK client of ``product`` ('vpc', 'ecs', ...) pointed at this server."""
        return sdk_client(product, self.config(**options))

    def restart(self):
        self.stop()
        self.start()


class EmulatorServer(_Server):
    """The emulator in a thread of this process."""

    def __init__(self, state_path=None, profile='fast', log_path=None, access_keys=None):
        self.state_path = str(state_path) if state_path else None
        self.profile = profile
        self.log_path = str(log_path) if log_path else None
        self.access_keys = access_keys
        self.emulator = None
        self._http = None

    def start(self):
        from emulator.core.server import Emulator, EmulatorHTTPServer
        self.emulator = Emulator(self.state_path, self.profile, self.log_path, self.access_keys)
        self.emulator.store.claim()
        self._http = EmulatorHTTPServer(self.emulator, '127.0.0.1', 0)
        self.endpoint = '127.0.0.1:%d' % self._http.server_address[1]
        threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self.emulator.close()
            self._http = None


class EmulatorProcess(_Server):
    """``python -m emulator serve`` as a child process."""

    def __init__(self, state_path=None, profile='fast', log_path=None, extra_args=(), python=sys.executable):
        self.arguments = ['--profile', profile] + (['--state', str(state_path)] if state_path else [])
        self.arguments += (['--log', str(log_path)] if log_path else []) + list(extra_args)
        self.python = python
        self.process = None

    def start(self, timeout=20):
        port = free_port()
        self.endpoint = '127.0.0.1:%d' % port
        environment = dict((k, v) for k, v in os.environ.items() if k not in PROXY_VARIABLES)
        environment['PYTHONPATH'] = REPOSITORY + os.pathsep + environment.get('PYTHONPATH', '')
        self.process = subprocess.Popen([self.python, '-m', 'emulator', 'serve', '--port', str(port)] + self.arguments,
                                        cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('the emulator exited: %s' % self.process.stdout.read())
            try:
                self.admin.health()
                return self
            except (OSError, AssertionError):
                time.sleep(0.05)
        raise RuntimeError('the emulator did not answer within %ss' % timeout)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def emulator_server(tmp_path, monkeypatch):
    """A running emulator (fast profile, fresh state file and request log under tmp_path)."""
    for variable in PROXY_VARIABLES:  # the SDK would send even loopback requests through a proxy
        monkeypatch.delenv(variable, raising=False)
    server = EmulatorServer(tmp_path / 'state.json', log_path=tmp_path / 'requests.jsonl').start()
    yield server
    server.stop()

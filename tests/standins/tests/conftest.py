"""Fixtures that run the stand-ins (test doubles) as local processes on loopback ports with temporary directories."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pymongo
import pytest
import yaml

STANDINS = Path(__file__).resolve().parents[1]
MONGOD_DIR = STANDINS / "mongod"
DEFAULT_VERSION = "7.0.14"


def free_port(host="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_open(host, port):
    try:
        socket.create_connection((host, port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_until(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, message))


def stop_process(process, timeout=15):
    """SIGTERM, wait; returns the exit code (SIGKILL and fail if it does not stop)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError("process %d ignored SIGTERM" % process.pid)
    return process.returncode


class Mongod:
    """One stand-in mongod with its own config file, dbPath and log under a temporary directory."""

    def __init__(self, root, version=DEFAULT_VERSION, port=None):
        self.root = Path(root)
        self.version = version
        self.port = port or free_port()
        self.db_path = self.root / "db"
        self.db_path.mkdir(parents=True, exist_ok=True)
        self.log_path = self.root / "mongod.log"
        self.config_path = self.root / "mongod.conf"
        self.config = {
            "storage": {"dbPath": str(self.db_path)},
            "systemLog": {"destination": "file", "path": str(self.log_path), "logAppend": True},
            "net": {"port": self.port, "bindIp": "127.0.0.1"},
        }
        self.process = None

    def set(self, section, key, value):
        self.config.setdefault(section, {})[key] = value
        return self

    def write_config(self):
        self.config_path.write_text(yaml.safe_dump(self.config))

    def launch(self):
        self.write_config()
        environment = dict(os.environ, PYTHONPATH=str(MONGOD_DIR), MONGOD_STANDIN_VERSION=self.version)
        self.process = subprocess.Popen([sys.executable, "-m", "mongod_standin", "--config", str(self.config_path)],
                                        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        return self.process

    def start(self):
        self.launch()
        host = self.config["net"]["bindIp"].split(",", maxsplit=1)[0].strip()
        wait_until(lambda: port_open(host, self.port) or self.process.poll() is not None, 10, "mongod to listen")
        assert self.process.poll() is None, "mongod exited: %s" % self.process.stderr.read()
        return self

    def run_until_exit(self, timeout=10):
        """Start and expect the process to end by itself (a refused start): (exit code, stderr)."""
        self.launch()
        stderr = self.process.communicate(timeout=timeout)[1]
        return self.process.returncode, stderr

    def stop(self):
        return stop_process(self.process)

    def uri(self, host="127.0.0.1"):
        return "mongodb://%s:%d" % (host, self.port)

    def client(self, host="127.0.0.1", **options):
        options.setdefault("serverSelectionTimeoutMS", 3000)
        return pymongo.MongoClient(self.uri(host), **options)

    def log_records(self):
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]


@pytest.fixture
def mongod_factory(tmp_path):
    created = []

    def create(version=DEFAULT_VERSION, name="mongod", port=None):
        server = Mongod(tmp_path / name, version, port)
        created.append(server)
        return server
    yield create
    for server in created:
        if server.process is not None and server.process.poll() is None:
            stop_process(server.process)


@pytest.fixture
def mongod(mongod_factory):
    return mongod_factory().start()


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A stand-in build (build.sh OUTDIR) shared by the tests that inspect or install artefacts."""
    out = tmp_path_factory.mktemp("standins-build")
    subprocess.run([str(STANDINS / "build.sh"), str(out)], check=True, stdout=subprocess.PIPE)
    return out


class AmsNode:
    """The AMS stand-in unpacked from the built zip into a temporary home, on its own HTTP and origin ports."""

    def __init__(self, zip_path, root):
        self.root = Path(root)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(self.root)
        self.home = self.root / "ant-media-server"
        for script in ("start.sh", "change_server_mode.sh"):
            (self.home / script).chmod(0o755)  # zipfile does not restore modes; unzip does
        self.http_port = free_port()
        self.hosts_file = self.root / "hosts"
        self.hosts_file.write_text("127.0.0.1 localhost\n")
        self.set_property("http.port", self.http_port)
        self.set_property("server.origin_port", free_port())
        self.process = None

    @property
    def log_path(self):
        return self.home / "log" / "ant-media-server.log"

    def set_property(self, key, value, relative="conf/red5.properties"):
        path = self.home / relative
        lines = [line for line in path.read_text().splitlines() if not line.startswith(key + "=")]
        path.write_text("\n".join(lines + ["%s=%s" % (key, value)]) + "\n")

    def script_environment(self):
        return dict(os.environ, ANTMEDIA_HOME=str(self.home), AMS_STANDIN_HOSTS_FILE=str(self.hosts_file))

    def change_mode(self, *arguments):
        """conf/functions.sh change_server_mode, the part of change_server_mode.sh and start.sh that edits files."""
        command = 'source conf/functions.sh && change_server_mode "$@"'
        return subprocess.run(["bash", "-c", command, "change_server_mode"] + list(arguments), cwd=self.home,
                              env=self.script_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)

    def launch(self, **environment):
        env = dict(os.environ, AMS_STANDIN_DB_TIMEOUT_MS="2000")
        env.update(environment)
        self.process = subprocess.Popen([sys.executable, "-I", str(self.home / "lib/standin/ams-standin")], cwd=self.home, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True)
        return self.process

    def start(self, **environment):
        self.launch(**environment)
        wait_until(lambda: port_open("127.0.0.1", self.http_port) or self.process.poll() is not None, 15, "AMS to listen")
        assert self.process.poll() is None, "AMS stand-in exited: %s" % self.process.stderr.read()
        return self

    def stop(self):
        return stop_process(self.process)

    def get(self, path, headers=None):
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.http_port, path), headers=headers or {})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=5) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), dict(error.headers)

    def get_json(self, path, headers=None):
        status, body = self.get(path, headers)[:2]
        assert status == 200, "%s -> %d %s" % (path, status, body)
        return json.loads(body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def ams_factory(built, tmp_path, mongod_factory):
    """Depends on mongod_factory so that AMS nodes stop before the servers they talk to."""
    created = []

    def create(version="2.11.3", name="ams"):
        node = AmsNode(built / "ams" / ("ant-media-server-enterprise-standin-%s.zip" % version), tmp_path / name)
        created.append(node)
        return node
    yield create
    for node in created:
        if node.process is not None and node.process.poll() is None:
            stop_process(node.process)


def make_jwt(payload, secret):
    """An HS256 token built here, independently of the stand-in's verifier."""
    def encode(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")
    signing_input = encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b"." + encode(json.dumps(payload).encode())
    return (signing_input + b"." + encode(hmac.new(secret.encode(), signing_input, hashlib.sha256).digest())).decode()


def require_tools(*tools):
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip("needs %s" % ", ".join(missing))

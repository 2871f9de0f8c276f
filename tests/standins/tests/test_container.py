"""The stand-ins installed the way roles install the real things, in a systemd container of the test-host image.

Skipped unless podman and the image built by tests/hosts (or STANDINS_CONTAINER_IMAGE) exist. The container
reaches the stand-in repository served on the podman bridge's host-side address; this machine reaches the
container's address. Tests run in order and build on each other: install, start, secure, then AMS.
"""
import json
import os
import resource
import shutil
import subprocess
import time
import urllib.request
import uuid

import pymongo
import pytest
from pymongo.errors import OperationFailure

from conftest import STANDINS, free_port, wait_until

IMAGE = os.environ.get("STANDINS_CONTAINER_IMAGE", "localhost/lowlatency-debian12-systemd:latest")
MONGODB_SERIES, MONGODB_VERSION = "7.0", "7.0.14"
AMS_VERSION = "2.11.3"
ADMIN_PASSWORD = "admin-%s" % uuid.uuid4().hex[:12]


def podman(*arguments, check=True):
    return subprocess.run(["podman"] + list(arguments), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=check)


class Container:
    def __init__(self, name):
        self.name = name
        self.address = self.gateway = self.base_url = None

    def run(self, script, check=True, timeout=300):
        result = subprocess.run(["podman", "exec", self.name, "bash", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True, timeout=timeout, check=False)
        if check and result.returncode != 0:
            raise AssertionError("in %s: %s\n-> %d\n%s" % (self.name, script, result.returncode, result.stdout))
        return result

    def python(self, code, check=True):
        return self.run("python3 - <<'PY'\n%s\nPY" % code, check=check)

    def fetch(self, url, target):
        self.python("import urllib.request\nurllib.request.urlretrieve(%r, %r)" % (url, target))

    def active(self, unit):
        return self.run("systemctl is-active %s" % unit, check=False).stdout.strip()


def _run_options():
    options = ["--systemd=always", "--hostname", "standins-test"]
    if shutil.which("runc"):
        options += ["--runtime", "runc"]  # crun cannot set up this kernel's cgroups here
    hard_nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return options + ["--ulimit", "nofile=%d:%d" % (hard_nofile, hard_nofile), "--ulimit", "nproc=32768:32768"]


@pytest.fixture(scope="module")
def container(built):
    if shutil.which("podman") is None or podman("image", "exists", IMAGE, check=False).returncode != 0:
        pytest.skip("needs podman and the test-host image %s" % IMAGE)
    box = Container("standins-test-%s" % uuid.uuid4().hex[:8])
    podman("run", "-d", "--name", box.name, *_run_options(), IMAGE, "/sbin/init")
    port = None
    try:
        wait_until(lambda: box.run("systemctl is-system-running", check=False).stdout.strip() in ("running", "degraded"), 60, "systemd")
        settings = json.loads(podman("inspect", box.name).stdout)[0]["NetworkSettings"]
        networks = list(settings.get("Networks", {}).values())
        box.address = settings.get("IPAddress") or networks[0]["IPAddress"]
        box.gateway = settings.get("Gateway") or networks[0]["Gateway"]
        port = free_port(box.gateway)
        box.base_url = subprocess.run([str(STANDINS / "serve.sh"), "start", str(built), box.gateway, str(port)], check=True,
                                      stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
        yield box
    finally:
        podman("rm", "-f", "-t", "2", box.name, check=False)
        if port:
            subprocess.run([str(STANDINS / "serve.sh"), "stop", str(built), box.gateway, str(port)], check=False)


def host_client(container, **options):
    options.setdefault("serverSelectionTimeoutMS", 5000)
    return pymongo.MongoClient("mongodb://%s:27017" % container.address, **options)


def test_apt_installs_mongodb_org_from_the_signed_repository(container):
    keyring = "/etc/apt/keyrings/mongodb-server-%s.asc" % MONGODB_SERIES
    container.run("mkdir -p /etc/apt/keyrings")
    container.fetch("%s/static/pgp/server-%s.asc" % (container.base_url, MONGODB_SERIES), keyring)
    source = "deb [signed-by=%s] %s/apt/debian bookworm/mongodb-org/%s main" % (keyring, container.base_url, MONGODB_SERIES)
    container.run("echo '%s' > /etc/apt/sources.list.d/mongodb-org-%s.list" % (source, MONGODB_SERIES))
    container.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mongodb-org=%s" % MONGODB_VERSION)
    assert container.run("dpkg-query -W -f '${Version}' mongodb-org-server").stdout == MONGODB_VERSION
    assert container.run("stat -c %U:%G /var/lib/mongodb /var/log/mongodb").stdout.split() == ["mongodb:mongodb"] * 2
    assert container.run("getent passwd mongodb").stdout.split(":")[5] == "/var/lib/mongodb"
    assert container.run("systemctl is-enabled mongod", check=False).stdout.strip() == "disabled"  # as MongoDB's package
    assert container.active("mongod") == "inactive"


def test_mongod_unit_runs_the_standin_as_the_mongodb_user(container):
    container.run("systemctl enable --now mongod")
    wait_until(lambda: container.run("python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", 27017), 1)'", check=False)
               .returncode == 0, 30, "mongod on 27017")
    assert container.active("mongod") == "active"
    main_pid = container.run("systemctl show -p MainPID --value mongod").stdout.strip()
    assert container.run("stat -c %%U /proc/%s" % main_pid).stdout.strip() == "mongodb"
    info = container.python("import pymongo\nprint(pymongo.MongoClient('mongodb://127.0.0.1:27017', serverSelectionTimeoutMS=5000)"
                            ".admin.command('buildInfo')['version'])").stdout.strip()
    assert info == MONGODB_VERSION  # Debian's own python3-pymongo (3.x) speaks to it too
    with pytest.raises(pymongo.errors.ServerSelectionTimeoutError):
        host_client(container, serverSelectionTimeoutMS=1500).admin.command("ping")  # default bindIp is 127.0.0.1 only


def test_auth_and_bind_address_from_mongod_conf_apply_after_a_restart(container):
    container.run("sed -i 's/^  bindIp: .*/  bindIp: 127.0.0.1,%s/; s/^#security:/security:\\n  authorization: enabled/' /etc/mongod.conf"
                  % container.address)
    container.run("systemctl restart mongod")
    wait_until(lambda: container.active("mongod") == "active", 20, "mongod restart")
    wait_until(lambda: container.run("python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", 27017), 1)'", check=False)
               .returncode == 0, 30, "mongod on 27017")
    container.python("import pymongo\nc = pymongo.MongoClient('mongodb://127.0.0.1:27017', serverSelectionTimeoutMS=5000)\n"
                     "c.admin.command('createUser', 'admin', pwd=%r, roles=['root'])" % ADMIN_PASSWORD)
    with pytest.raises(OperationFailure) as failure:
        host_client(container).list_database_names()
    assert failure.value.code == 13
    admin = host_client(container, username="admin", password=ADMIN_PASSWORD)
    admin.admin.command("createUser", "ams", pwd="ams-pw", roles=["readWriteAnyDatabase"])
    assert "admin" in admin.list_database_names()


def test_ams_zip_installs_as_a_service_and_joins_the_cluster(container):
    zip_name = "ant-media-server-enterprise-standin-%s.zip" % AMS_VERSION
    base = container.base_url.rsplit("/repo", 1)[0] + "/ams"
    container.fetch("%s/%s" % (base, zip_name), "/root/%s" % zip_name)
    container.fetch("%s/install_ant-media-server.sh" % base, "/root/install_ant-media-server.sh")
    container.run("cd /root && bash install_ant-media-server.sh -i %s -s true" % zip_name)
    wait_until(lambda: container.active("antmedia") == "active", 20, "antmedia")
    assert container.run("systemctl is-enabled antmedia").stdout.strip() == "enabled"
    liveness = "http://%s:5080/rest/v2/liveness" % container.address
    wait_until(lambda: _http_status(liveness) == 200, 30, "AMS liveness")
    uri = "mongodb://ams:ams-pw@127.0.0.1:27017/?authSource=admin"
    container.run("/usr/local/antmedia/change_server_mode.sh cluster '%s'" % uri)
    admin = host_client(container, username="admin", password=ADMIN_PASSWORD)
    wait_until(lambda: admin.clusterdb.clusternode.count_documents({"ip": container.address}) == 1, 30, "the node to register")
    first = admin.clusterdb.clusternode.find_one()["lastUpdateTime"]
    wait_until(lambda: admin.clusterdb.clusternode.find_one()["lastUpdateTime"] > first, 10, "a heartbeat")
    assert container.run("grep -c '<!-- cluster start -->' /usr/local/antmedia/conf/jee-container.xml").stdout.strip() == "2"
    container.run("systemctl stop antmedia")
    assert admin.clusterdb.clusternode.count_documents({}) == 0


def _http_status(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # straight to the container
    try:
        with opener.open(url, timeout=2) as response:
            return response.status
    except OSError:
        time.sleep(0.5)
        return None

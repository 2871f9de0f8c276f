"""The AMS stand-in's shell scripts: the same file edits and pitfalls as the vendor's."""
import os
import re
import subprocess
import sys

import pytest

from conftest import STANDINS, port_open, stop_process, wait_until


@pytest.fixture
def service_shim(tmp_path):
    """systemctl and service on PATH that only record their arguments, so the restart can be observed."""
    directory = tmp_path / "shim"
    directory.mkdir()
    record = tmp_path / "service-calls"
    for name in ("systemctl", "service"):
        script = directory / name
        script.write_text("#!/bin/sh\necho \"%s $*\" >> %s\n" % (name, record))
        script.chmod(0o755)
    return directory, record


def change_server_mode(node, shim, *arguments, stdin=""):
    directory = shim[0]
    environment = node.script_environment()
    environment["PATH"] = "%s:%s" % (directory, environment["PATH"])
    return subprocess.run(["./change_server_mode.sh"] + list(arguments), cwd=node.home, env=environment, input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)


def app_properties(node, app):
    return (node.home / "webapps" / app / "WEB-INF" / "red5-web.properties").read_text()


def jee(node):
    return (node.home / "conf" / "jee-container.xml").read_text()


def red5(node):
    return (node.home / "conf" / "red5.properties").read_text()


def test_shipped_state_is_standalone_with_commented_cluster_blocks(ams_factory):
    node = ams_factory("2.11.3")
    assert len(re.findall(r"<!-- cluster start\s*$", jee(node), re.M)) == 2
    assert "clusterdb.host=localhost" in red5(node)
    assert "db.type=mapdb" in app_properties(node, "WebRTCAppEE")


def test_3x_ships_a_third_cluster_block(ams_factory):
    assert len(re.findall(r"<!-- cluster start\s*$", jee(ams_factory("3.0.3")), re.M)) == 3


def test_cluster_mode_edits_every_file_and_restarts_the_service(ams_factory, service_shim):
    node = ams_factory("2.11.3")
    uri = "mongodb://ams:pw@10.0.0.5:27017/?authSource=admin&w=majority"
    result = change_server_mode(node, service_shim, "cluster", uri)
    assert result.returncode == 0, result.stdout
    assert jee(node).count("<!-- cluster start -->") == 2 and jee(node).count("<!-- cluster end -->") == 2
    assert "clusterdb.host=%s\n" % uri in red5(node)  # the "&" survives the sed edit
    assert "useGlobalIp=false" in red5(node)
    for app in ("root", "LiveApp", "WebRTCAppEE"):
        assert "db.type=mongodb\n" in app_properties(node, app)
        assert "db.host=%s\n" % uri in app_properties(node, app)
    assert service_shim[1].read_text().splitlines() == ["systemctl stop antmedia", "systemctl start antmedia"]
    hosts = node.hosts_file.read_text()
    assert hosts.splitlines()[-1].endswith(" " + open("/proc/sys/kernel/hostname").read().strip())


def test_standalone_mode_reverts_to_mapdb_and_comments_the_blocks(ams_factory, service_shim):
    node = ams_factory("2.11.3")
    change_server_mode(node, service_shim, "cluster", "mongodb://10.0.0.5")
    result = change_server_mode(node, service_shim, "standalone")
    assert result.returncode == 0
    assert len(re.findall(r"<!-- cluster start\s*$", jee(node), re.M)) == 2
    assert "clusterdb.host=\n" in red5(node)
    assert "db.type=mapdb\n" in app_properties(node, "LiveApp")


@pytest.mark.parametrize("argument,expected", [
    ("10.0.0.5", "mongodb"),          # a bare IPv4 is MongoDB
    ("localhost", "mongodb"),
    ("mongo", "mongodb"),             # the Kubernetes service name
    ("10.0.0.5:27017", "redisdb"),    # the pitfall: with a port it is taken for Redis
    ("db.internal", "redisdb"),       # and so is any hostname
    ("redis://10.0.0.6:6379", "redisdb"),
])
def test_2x_database_type_detection_in_cluster_mode(ams_factory, service_shim, argument, expected):
    node = ams_factory("2.11.3")
    assert change_server_mode(node, service_shim, "cluster", argument).returncode == 0
    assert "db.type=%s\n" % expected in app_properties(node, "LiveApp")


def test_standalone_mode_accepts_host_and_port_as_mongodb(ams_factory, service_shim):
    node = ams_factory("2.11.3")
    change_server_mode(node, service_shim, "standalone", "10.0.0.5:27017")
    assert "db.type=mongodb\n" in app_properties(node, "LiveApp")


def test_3x_asks_for_confirmation_and_cancels_without_a_terminal(ams_factory, service_shim):
    node = ams_factory("3.0.3")
    before = red5(node)
    result = change_server_mode(node, service_shim, "cluster", "10.0.0.5")
    assert result.returncode == 1
    assert "Are you sure this is correct? (y/n)" in result.stdout and "Operation cancelled." in result.stdout
    assert red5(node) == before and not service_shim[1].exists()


def test_3x_proceeds_when_confirmed_and_skips_the_prompt_for_a_uri(ams_factory, service_shim):
    node = ams_factory("3.0.3")
    assert change_server_mode(node, service_shim, "cluster", "10.0.0.5", stdin="y\n").returncode == 0
    assert "clusterdb.host=10.0.0.5\n" in red5(node)
    result = change_server_mode(node, service_shim, "cluster", "mongodb://10.0.0.5:27017")
    assert result.returncode == 0 and "Are you sure" not in result.stdout
    assert jee(node).count("<!-- cluster start -->") == 3


def test_cluster_mode_without_a_url_fails(ams_factory, service_shim):
    node = ams_factory("2.11.3")
    result = change_server_mode(node, service_shim, "cluster")
    assert result.returncode == 1
    assert "clusterdb.host=localhost" in red5(node)


def test_start_sh_switches_mode_and_runs_the_server_in_the_foreground(ams_factory, mongod):
    node = ams_factory("2.11.3")
    environment = node.script_environment()
    environment["PATH"] = "%s:%s" % (os.path.dirname(sys.executable), environment["PATH"])  # the python3 with pymongo
    process = subprocess.Popen(["./start.sh", "-m", "cluster", "-h", mongod.uri(), "-l", "LICENCE-KEY", "-c", "60"],
                               cwd=node.home, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: port_open("127.0.0.1", node.http_port) or process.poll() is not None, 15, "start.sh to serve")
        assert process.poll() is None
        assert "server.licence_key=LICENCE-KEY" in red5(node) and "server.cpu_limit=60" in red5(node)
        wait_until(lambda: mongod.client().clusterdb.clusternode.count_documents({}) == 1, 5, "registration")
    finally:
        assert stop_process(process) == 0


INSTALLER = STANDINS / "ams" / "install_ant-media-server.sh"


@pytest.mark.parametrize("arguments,message", [
    ([], "Please give the Ant Media Server zip file"),
    (["-l", "KEY"], "not supported by the stand-in installer"),
    (["-i", "/nonexistent.zip"], "not found"),
])
def test_installer_refuses_what_it_cannot_do_before_touching_the_system(arguments, message):
    result = subprocess.run(["bash", str(INSTALLER)] + arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False)
    assert result.returncode == 1 and message in result.stdout
    assert not os.path.exists("/usr/local/antmedia/lib/standin")  # nothing was installed on this machine

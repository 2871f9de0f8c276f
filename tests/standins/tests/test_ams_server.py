"""The AMS Enterprise stand-in as a local process against the mongod stand-in."""
import http.client
import ipaddress
import socket
import subprocess
import time

import pytest

from conftest import make_jwt as sign, port_open, wait_until

JWT_SECRET = "a-test-secret-that-is-at-least-32-characters"


def clustered(ams_factory, mongod, version="2.11.3", name="ams"):
    node = ams_factory(version, name)
    result = node.change_mode("cluster", mongod.uri())
    assert result.returncode == 0, result.stdout
    return node


def cluster_nodes(mongod):
    return list(mongod.client().clusterdb.clusternode.find())


def local_addresses():
    output = subprocess.run(["ip", "-4", "-o", "addr"], stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    return {line.split()[3].split("/")[0] for line in output.splitlines()}


def test_standalone_node_serves_the_app_paths_and_health(ams_factory):
    node = ams_factory().start()
    assert node.get("/")[0] == 200
    assert node.get("/LiveApp/")[0] == 200
    assert node.get("/WebRTCAppEE/")[0] == 200
    status, body, headers = node.get("/WebRTCAppEE")
    assert status == 302 and headers["Location"] == "/WebRTCAppEE/"
    assert node.get("/WebRTCAppEE/WEB-INF/red5-web.properties")[0] == 404
    assert node.get("/NoSuchApp/")[0] == 404
    assert node.get_json("/rest/v2/liveness") == {"host": socket.gethostname(), "status": "ok"}


def test_head_answers_like_get_without_a_body(ams_factory):
    node = ams_factory().start()
    connection = http.client.HTTPConnection("127.0.0.1", node.http_port, timeout=5)
    connection.request("HEAD", "/rest/v2/liveness")
    response = connection.getresponse()
    assert response.status == 200
    assert int(response.getheader("Content-Length")) > 0
    assert response.read() == b""
    connection.close()


def test_console_rest_needs_a_server_jwt_like_ams(ams_factory):
    node = ams_factory()
    node.set_property("server.jwtServerControlEnabled", "true")
    node.set_property("server.jwtServerSecretKey", JWT_SECRET)
    node.start()
    assert node.get("/rest/v2/version")[0] == 403
    assert node.get("/rest/v2/version", {"ProxyAuthorization": sign({}, "wrong-secret-wrong-secret-wrong-secret")})[0] == 403
    assert node.get("/rest/v2/version", {"ProxyAuthorization": sign({"exp": int(time.time()) - 10}, JWT_SECRET)})[0] == 403
    version = node.get_json("/rest/v2/version", {"ProxyAuthorization": sign({}, JWT_SECRET)})
    assert version == {"versionName": "2.11.3", "versionType": "Enterprise Edition", "buildNumber": "standin", "standin": True}
    assert node.get_json("/rest/v2/applications", {"ProxyAuthorization": sign({}, JWT_SECRET)}) == {"applications": ["LiveApp", "WebRTCAppEE"]}


def test_app_rest_is_open_to_localhost_only_by_default(ams_factory):
    node = ams_factory().start()
    assert node.get_json("/WebRTCAppEE/rest/v2/version")["versionName"] == "2.11.3"
    assert node.get_json("/LiveApp/rest/v2/broadcasts/count") == {"number": 0}
    node.stop()
    node.set_property("remoteAllowedCIDR", "10.9.8.0/24", "webapps/LiveApp/WEB-INF/red5-web.properties")
    node.start()
    assert node.get("/LiveApp/rest/v2/version")[0] == 403


def test_cluster_node_registers_its_private_address_and_resources(ams_factory, mongod):
    node = clustered(ams_factory, mongod).start()
    before = int(time.time() * 1000)
    documents = cluster_nodes(mongod)
    assert len(documents) == 1
    document = documents[0]
    assert document["ip"] in local_addresses() and not ipaddress.ip_address(document["ip"]).is_loopback
    assert abs(document["lastUpdateTime"] - before) < 10000
    assert set(document) >= {"_id", "ip", "lastUpdateTime", "cpu", "memory", "_t"}
    used, total = (int(part) for part in document["memory"].split("/"))
    assert 0 < used <= total
    assert 0 <= int(document["cpu"]) <= 100
    settings = {d["appName"] for d in mongod.client().clusterdb.AppSettings.find()}
    assert settings == {"LiveApp", "WebRTCAppEE"}
    assert port_open("127.0.0.1", node.http_port)


def test_heartbeat_advances_every_five_seconds(ams_factory, mongod):
    clustered(ams_factory, mongod).start()
    first = cluster_nodes(mongod)[0]["lastUpdateTime"]
    wait_until(lambda: cluster_nodes(mongod)[0]["lastUpdateTime"] > first, 8, "a heartbeat")
    second = cluster_nodes(mongod)[0]["lastUpdateTime"]
    assert 4000 <= second - first <= 7000


def test_host_address_comes_from_ams_host_address_when_set(ams_factory, mongod):
    clustered(ams_factory, mongod).start(AMS_HOST_ADDRESS="10.20.30.40")
    assert cluster_nodes(mongod)[0]["ip"] == "10.20.30.40"


def test_two_nodes_register_separately_and_cluster_rest_counts_them(ams_factory, mongod):
    first = clustered(ams_factory, mongod, name="one")
    first.set_property("server.jwtServerControlEnabled", "true")
    first.set_property("server.jwtServerSecretKey", JWT_SECRET)
    first.start(AMS_HOST_ADDRESS="10.0.0.11")
    clustered(ams_factory, mongod, name="two").start(AMS_HOST_ADDRESS="10.0.0.12")
    assert sorted(d["ip"] for d in cluster_nodes(mongod)) == ["10.0.0.11", "10.0.0.12"]
    token = {"ProxyAuthorization": sign({}, JWT_SECRET)}
    assert first.get_json("/rest/v2/cluster/node-count", token) == {"number": 2}
    assert first.get_json("/rest/v2/cluster-mode-status", token) == {"success": True}
    listed = first.get_json("/rest/v2/cluster/nodes/0/10", token)
    assert {n["ip"]: n["status"] for n in listed} == {"10.0.0.11": "alive", "10.0.0.12": "alive"}


def test_clean_stop_removes_the_node_record(ams_factory, mongod):
    node = clustered(ams_factory, mongod).start()
    assert len(cluster_nodes(mongod)) == 1
    assert node.stop() == 0
    assert cluster_nodes(mongod) == []
    assert "shutting down" in node.log_path.read_text()


def test_record_can_be_left_behind_like_a_crashed_node(ams_factory, mongod):
    node = clustered(ams_factory, mongod).start(AMS_STANDIN_KEEP_NODE_ON_STOP="1")
    node.stop()
    remaining = cluster_nodes(mongod)
    assert len(remaining) == 1
    time.sleep(1)
    assert cluster_nodes(mongod) == remaining  # no heartbeat after the stop


def test_refuses_to_start_when_mongodb_is_unreachable(ams_factory, mongod_factory):
    stopped = mongod_factory().start()
    node = clustered(ams_factory, stopped)
    stopped.stop()
    node.launch()
    assert node.process.wait(20) != 0
    log = node.log_path.read_text()
    assert "cannot start" in log and "MongoTimeoutException" in log
    assert not port_open("127.0.0.1", node.http_port)


def test_refuses_to_start_when_mongodb_rejects_the_credentials(ams_factory, mongod_factory):
    server = mongod_factory().set("security", "authorization", "enabled").start()
    server.client().admin.command("createUser", "ams", pwd="right", roles=["readWriteAnyDatabase"])
    node = ams_factory()
    assert node.change_mode("cluster", "mongodb://ams:wrong@127.0.0.1:%d/?authSource=admin" % server.port).returncode == 0
    node.launch()
    assert node.process.wait(20) != 0
    assert "MongoSecurityException" in node.log_path.read_text()


def test_joins_with_credentials_in_the_uri(ams_factory, mongod_factory):
    server = mongod_factory().set("security", "authorization", "enabled").start()
    server.client().admin.command("createUser", "ams", pwd="p&ss", roles=["readWriteAnyDatabase"])
    node = ams_factory()
    assert node.change_mode("cluster", "mongodb://ams:p%26ss@127.0.0.1:{}/?authSource=admin&connectTimeoutMS=3000".format(server.port)).returncode == 0
    node.start()
    admin = server.client(username="ams", password="p&ss")
    assert len(list(admin.clusterdb.clusternode.find())) == 1


def test_host_port_argument_is_taken_for_redis_and_the_apps_fail(ams_factory, mongod):
    """The vendor's pitfall: `cluster 127.0.0.1:PORT` sets db.type=redisdb; ClusterStore still reaches MongoDB."""
    node = ams_factory()
    assert node.change_mode("cluster", "127.0.0.1:%d" % mongod.port).returncode == 0
    assert "db.type=redisdb" in (node.home / "webapps/LiveApp/WEB-INF/red5-web.properties").read_text()
    node.start()
    assert len(cluster_nodes(mongod)) == 1
    assert node.get("/LiveApp/")[0] == 404
    assert "Redis is not modelled" in node.log_path.read_text()


def test_malformed_jee_container_stops_the_start(ams_factory):
    node = ams_factory()
    path = node.home / "conf" / "jee-container.xml"
    path.write_text(path.read_text().replace("<!-- cluster start", "<!-- <!-- cluster start", 1).replace("-->", "", 1))
    node.launch()
    assert node.process.wait(10) != 0
    assert "cannot load" in node.log_path.read_text()


@pytest.mark.parametrize("version", ["2.11.3", "3.0.3"])
def test_version_comes_from_the_jar_manifest(ams_factory, version):
    node = ams_factory(version).start()
    assert node.get_json("/WebRTCAppEE/rest/v2/version")["versionName"] == version

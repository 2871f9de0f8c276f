"""Access control on the mongod stand-in: authorization, SCRAM, the localhost exception, built-in roles."""
import socket

import pymongo
import pytest
from pymongo.errors import OperationFailure

from conftest import Mongod, free_port


@pytest.fixture
def secured(mongod_factory):
    """A server with authorization enabled and an admin (root) created through the localhost exception."""
    server = mongod_factory().set("security", "authorization", "enabled").start()
    server.client().admin.command("createUser", "admin", pwd="adminpw", roles=["root"])
    return server


def login(server, user, password, source="admin", **options):
    return server.client(username=user, password=password, authSource=source, **options)


def test_without_authorization_anyone_may_read_and_write(mongod):
    client = mongod.client()
    client.app.things.insert_one({"x": 1})
    assert client.app.things.count_documents({}) == 1


def test_unauthenticated_commands_are_refused_with_unauthorized(secured):
    client = secured.client()
    for command in ("listDatabases", "serverStatus"):
        with pytest.raises(OperationFailure) as failure:
            client.admin.command(command)
        assert failure.value.code == 13
        assert "requires authentication" in failure.value.details["errmsg"]
    with pytest.raises(OperationFailure) as failure:
        client.app.things.find_one()
    assert failure.value.code == 13


def test_handshake_commands_stay_open_without_authentication(secured):
    client = secured.client()
    assert client.admin.command("ping")["ok"] == 1.0
    assert client.admin.command("buildInfo")["standin"] is True
    assert client.admin.command("hello")["isWritablePrimary"] is True


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1"])
def test_scram_succeeds_with_the_right_password(secured, mechanism):
    client = login(secured, "admin", "adminpw", authMechanism=mechanism)
    status = client.admin.command("connectionStatus")["authInfo"]
    assert status["authenticatedUsers"] == [{"user": "admin", "db": "admin"}]
    assert client.list_database_names()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1", None])
def test_scram_fails_with_the_wrong_password(secured, mechanism):
    options = {"authMechanism": mechanism} if mechanism else {}
    with pytest.raises(OperationFailure) as failure:
        login(secured, "admin", "not-the-password", **options).admin.command("ping")
    assert failure.value.code == 18
    assert failure.value.details["errmsg"] == "Authentication failed."


def test_default_mechanism_negotiates_sha256_through_speculative_authentication(secured):
    login(secured, "admin", "adminpw").admin.command("ping")
    successes = [r["attr"] for r in secured.log_records() if r["msg"] == "Authentication succeeded"]
    assert successes and all(a["mechanism"] == "SCRAM-SHA-256" for a in successes)
    assert any(a["speculative"] for a in successes)


def test_sha1_only_user_is_offered_only_sha1(secured):
    admin = login(secured, "admin", "adminpw")
    admin.admin.command("createUser", "legacy", pwd="pw", roles=["read"], mechanisms=["SCRAM-SHA-1"])
    hello = secured.client().admin.command("hello", saslSupportedMechs="admin.legacy")
    assert hello["saslSupportedMechs"] == ["SCRAM-SHA-1"]
    assert login(secured, "legacy", "pw").admin.command("connectionStatus")["authInfo"]["authenticatedUsers"]
    with pytest.raises(OperationFailure):
        login(secured, "legacy", "pw", authMechanism="SCRAM-SHA-256").admin.command("ping")


def test_localhost_exception_allows_only_the_first_user(mongod_factory):
    server = mongod_factory().set("security", "authorization", "enabled").start()
    client = server.client()
    with pytest.raises(OperationFailure) as failure:
        client.admin.command("usersInfo")  # the exception covers creating the first user, nothing else
    assert failure.value.code == 13
    client.admin.command("createUser", "first", pwd="pw", roles=["userAdminAnyDatabase"])
    with pytest.raises(OperationFailure) as failure:
        client.admin.command("createUser", "second", pwd="pw", roles=["root"])
    assert failure.value.code == 13


def test_localhost_exception_is_off_when_the_bypass_parameter_is_false(mongod_factory):
    server = mongod_factory().set("security", "authorization", "enabled")
    server.config["setParameter"] = {"enableLocalhostAuthBypass": False}
    server.start()
    with pytest.raises(OperationFailure) as failure:
        server.client().admin.command("createUser", "first", pwd="pw", roles=["root"])
    assert failure.value.code == 13


def non_loopback_address():
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # never sent: asks which local address routes outwards
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_localhost_exception_does_not_apply_to_remote_peers(tmp_path):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    server = Mongod(tmp_path, port=free_port(address)).set("security", "authorization", "enabled").set("net", "bindIp", address)
    try:
        server.start()
        with pytest.raises(OperationFailure) as failure:
            server.client(host=address).admin.command("createUser", "first", pwd="pw", roles=["root"])
        assert failure.value.code == 13
    finally:
        server.stop()


def test_read_write_user_can_write_but_not_manage_users(secured):
    admin = login(secured, "admin", "adminpw")
    admin.app.command("createUser", "writer", pwd="pw", roles=["readWrite"])
    writer = login(secured, "writer", "pw", source="app")
    writer.app.things.insert_one({"x": 1})
    assert writer.app.things.count_documents({"x": 1}) == 1
    with pytest.raises(OperationFailure) as failure:
        writer.app.command("createUser", "intruder", pwd="pw", roles=["readWrite"])
    assert failure.value.code == 13 and "not authorized on app" in failure.value.details["errmsg"]
    with pytest.raises(OperationFailure):
        writer.other.things.insert_one({"x": 1})  # readWrite is scoped to its database


def test_read_user_cannot_write(secured):
    login(secured, "admin", "adminpw").app.command("createUser", "reader", pwd="pw", roles=["read"])
    reader = login(secured, "reader", "pw", source="app")
    assert reader.app.things.find_one() is None
    with pytest.raises(OperationFailure) as failure:
        reader.app.things.insert_one({"x": 1})
    assert failure.value.code == 13


def test_any_database_roles_reach_every_database_and_list_them(secured):
    admin = login(secured, "admin", "adminpw")
    admin.admin.command("createUser", "ams", pwd="pw", roles=["readWriteAnyDatabase"])
    ams = login(secured, "ams", "pw")
    ams.clusterdb.clusternode.insert_one({"ip": "10.0.0.1"})
    ams.liveapp.broadcast.insert_one({"streamId": "s"})
    assert {"clusterdb", "liveapp"} <= set(ams.list_database_names())
    with pytest.raises(OperationFailure):
        ams.admin.command("createUser", "x", pwd="pw", roles=["read"])


def test_user_admin_can_manage_users_but_not_read_data(secured):
    admin = login(secured, "admin", "adminpw")
    admin.admin.command("createUser", "useradmin", pwd="pw", roles=["userAdminAnyDatabase"])
    admin.app.things.insert_one({"secret": 1})
    user_admin = login(secured, "useradmin", "pw")
    user_admin.app.command("createUser", "made", pwd="pw", roles=["read"])
    with pytest.raises(OperationFailure):
        user_admin.app.things.find_one()


def test_cluster_admin_can_list_databases_but_not_read(secured):
    admin = login(secured, "admin", "adminpw")
    admin.admin.command("createUser", "ops", pwd="pw", roles=["clusterAdmin"])
    admin.app.things.insert_one({"x": 1})
    ops = login(secured, "ops", "pw")
    assert "app" in ops.list_database_names()
    with pytest.raises(OperationFailure):
        ops.app.things.find_one()


def test_users_info_update_and_drop(secured):
    admin = login(secured, "admin", "adminpw")
    admin.app.command("createUser", "u1", pwd="old", roles=["read", {"role": "readWrite", "db": "other"}])
    info = admin.app.command("usersInfo", "u1")["users"][0]
    assert info["_id"] == "app.u1" and info["db"] == "app"
    assert info["roles"] == [{"role": "read", "db": "app"}, {"role": "readWrite", "db": "other"}]
    assert info["mechanisms"] == ["SCRAM-SHA-1", "SCRAM-SHA-256"] and "credentials" not in info
    admin.app.command("updateUser", "u1", pwd="new", roles=["readWrite"])
    with pytest.raises(OperationFailure):
        login(secured, "u1", "old", source="app").app.command("ping")
    login(secured, "u1", "new", source="app").app.things.insert_one({"x": 1})
    admin.app.command("dropUser", "u1")
    assert admin.app.command("usersInfo", "u1")["users"] == []
    with pytest.raises(OperationFailure) as failure:
        admin.app.command("dropUser", "u1")
    assert failure.value.code == 11


def test_dropping_a_user_revokes_access_on_open_connections(secured):
    admin = login(secured, "admin", "adminpw")
    admin.app.command("createUser", "temp", pwd="pw", roles=["readWrite"])
    temp = login(secured, "temp", "pw", source="app")
    temp.app.things.insert_one({"x": 1})
    admin.app.command("dropUser", "temp")
    with pytest.raises(OperationFailure) as failure:
        temp.app.things.insert_one({"x": 2})
    assert failure.value.code == 13


def test_duplicate_user_and_unknown_role_fail_like_mongod(secured):
    admin = login(secured, "admin", "adminpw")
    with pytest.raises(OperationFailure) as failure:
        admin.admin.command("createUser", "admin", pwd="x", roles=["root"])
    assert failure.value.code == 51003
    with pytest.raises(OperationFailure) as failure:
        admin.app.command("createUser", "x", pwd="x", roles=["readWriteAnyDatabase"])  # an admin-only role
    assert failure.value.code == 31


def test_users_are_stored_as_salted_keys_not_passwords(secured):
    users = login(secured, "admin", "adminpw").admin.command("usersInfo", "admin", showCredentials=True)["users"]
    credentials = users[0]["credentials"]
    assert set(credentials) == {"SCRAM-SHA-1", "SCRAM-SHA-256"}
    assert credentials["SCRAM-SHA-256"]["iterationCount"] == 15000
    stored = b"".join(p.read_bytes() for p in secured.db_path.rglob("*.bson"))
    assert b"adminpw" not in stored


def test_pymongo_client_with_credentials_reaches_data_end_to_end(secured):
    uri = "mongodb://admin:adminpw@127.0.0.1:%d/?authSource=admin" % secured.port
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=3000)
    client.clusterdb.clusternode.insert_one({"ip": "10.1.1.1"})
    assert client.clusterdb.clusternode.find_one({}, {"_id": 0}) == {"ip": "10.1.1.1"}

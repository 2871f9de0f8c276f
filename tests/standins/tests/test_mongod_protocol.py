"""The mongod stand-in at the wire: handshake, buildInfo, errors, legacy OP_QUERY, per-version behaviour."""
import socket
import struct

import bson
import pymongo
import pytest
from pymongo.errors import ConfigurationError, OperationFailure


def op_query(collection, command, request_id=7):
    """A legacy OP_QUERY message, built here independently of the stand-in's framing code."""
    body = struct.pack("<i", 0) + collection.encode() + b"\x00" + struct.pack("<ii", 0, -1) + bson.encode(command)
    return struct.pack("<iiii", 16 + len(body), request_id, 0, 2004) + body


def read_reply(sock):
    header = sock.recv(16, socket.MSG_WAITALL)
    length, request_id, response_to, opcode = struct.unpack("<iiii", header)
    payload = sock.recv(length - 16, socket.MSG_WAITALL)
    return response_to, opcode, payload


def legacy_command(server, command, collection="admin.$cmd"):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(op_query(collection, command))
        response_to, opcode, payload = read_reply(sock)
    assert response_to == 7 and opcode == 1  # OP_REPLY answering our request
    flags, cursor_id, start, count = struct.unpack_from("<iqii", payload)
    assert count == 1
    return bson.decode(payload[20:])


def test_hello_reports_a_standalone_writable_server_with_the_wire_version_of_its_release(mongod):
    reply = mongod.client().admin.command("hello")
    assert reply["isWritablePrimary"] is True
    assert reply["maxWireVersion"] == 21  # MongoDB 7.0
    assert reply["minWireVersion"] == 0
    assert reply["logicalSessionTimeoutMinutes"] == 30
    assert "setName" not in reply and "msg" not in reply


def test_build_info_reports_the_package_version_and_the_standin_marker(mongod):
    info = mongod.client().admin.command("buildInfo")
    assert info["version"] == "7.0.14"
    assert info["versionArray"][:3] == [7, 0, 14]
    assert info["standin"] is True


def test_server_info_and_ping_work_through_pymongo(mongod):
    client = mongod.client()
    assert client.admin.command("ping")["ok"] == 1.0
    assert client.server_info()["version"] == "7.0.14"


def test_unknown_command_fails_with_command_not_found(mongod):
    with pytest.raises(OperationFailure) as failure:
        mongod.client().admin.command("frobnicate")
    assert failure.value.code == 59
    assert failure.value.details["codeName"] == "CommandNotFound"


def test_legacy_handshake_over_op_query_is_answered_with_op_reply(mongod):
    reply = legacy_command(mongod, {"isMaster": 1, "helloOk": True})
    assert reply["ismaster"] is True and reply["helloOk"] is True and reply["ok"] == 1.0


def test_mongodb_from_5_1_refuses_other_commands_over_op_query(mongod):
    reply = legacy_command(mongod, {"ping": 1})
    assert reply["ok"] == 0.0 and reply["code"] == 352


def test_mongodb_4_2_still_accepts_commands_over_op_query(mongod_factory):
    server = mongod_factory(version="4.2.25").start()
    reply = legacy_command(server, {"buildInfo": 1})
    assert reply["ok"] == 1.0 and reply["version"] == "4.2.25"
    assert legacy_command(server, {"isMaster": 1})["maxWireVersion"] == 8


def test_pymongo_4_refuses_the_4_2_standin_as_it_refuses_mongodb_4_2(mongod_factory):
    server = mongod_factory(version="4.2.25").start()
    if pymongo.common.MIN_SUPPORTED_WIRE_VERSION <= 8:
        pytest.skip("this pymongo still supports MongoDB 4.2")
    with pytest.raises(ConfigurationError, match="wire version 8"):
        server.client().admin.command("ping")


@pytest.mark.parametrize("version,wire", [("4.4.29", 9), ("6.0.19", 17), ("7.0.14", 21), ("8.0.4", 25)])
def test_each_release_reports_its_wire_version(mongod_factory, version, wire):
    server = mongod_factory(version=version, name=version).start()
    assert server.client().admin.command("hello")["maxWireVersion"] == wire


def test_garbage_on_the_socket_closes_only_that_connection(mongod):
    with socket.create_connection(("127.0.0.1", mongod.port), timeout=5) as sock:
        sock.sendall(struct.pack("<iiii", 16, 1, 0, 9999))  # an opcode nobody speaks
        assert sock.recv(16) == b""
    assert mongod.client().admin.command("ping")["ok"] == 1.0

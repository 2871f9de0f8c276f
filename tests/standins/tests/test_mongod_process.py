"""The mongod stand-in as a process: configuration, binding, data directory, persistence, exit codes."""
import os
import socket
import subprocess
import sys

import pytest
from pymongo.errors import OperationFailure

from conftest import MONGOD_DIR, free_port, port_open, stop_process, wait_until


def test_data_and_users_survive_a_restart(mongod_factory):
    server = mongod_factory().set("security", "authorization", "enabled").start()
    server.client().admin.command("createUser", "admin", pwd="pw", roles=["root"])
    admin = server.client(username="admin", password="pw")
    admin.app.things.insert_many([{"n": i} for i in range(5)])
    admin.app.things.create_index("n", unique=True)
    assert server.stop() == 0
    server.start()
    again = server.client(username="admin", password="pw")
    assert again.app.things.count_documents({}) == 5
    assert "n_1" in again.app.things.index_information()
    with pytest.raises(OperationFailure):
        server.client(username="admin", password="wrong").app.command("ping")


def test_clean_shutdown_exits_zero_and_empties_the_lock_file(mongod):
    lock = mongod.db_path / "mongod.lock"
    assert lock.read_text().strip() == str(mongod.process.pid)
    assert mongod.stop() == 0
    assert lock.read_text() == ""
    assert any(r["msg"] == "Shutting down" for r in mongod.log_records())


def test_writes_leave_no_temporary_files(mongod):
    client = mongod.client()
    for i in range(20):
        client.app.things.insert_one({"n": i})
    files = [p.name for p in mongod.db_path.rglob("*") if p.is_file()]
    assert "things.bson" in files
    assert not [name for name in files if ".tmp-" in name]


def test_binds_only_to_the_configured_address(mongod):
    assert port_open("127.0.0.1", mongod.port)
    assert not port_open("127.0.0.2", mongod.port)  # still loopback, but not configured


def test_binds_to_every_address_of_a_comma_list(mongod_factory):
    server = mongod_factory().set("net", "bindIp", "127.0.0.1, 127.0.0.3").start()
    assert port_open("127.0.0.1", server.port) and port_open("127.0.0.3", server.port)
    assert not port_open("127.0.0.2", server.port)
    assert server.client(host="127.0.0.3").admin.command("ping")["ok"] == 1.0


def test_refuses_to_start_without_its_data_directory(mongod_factory):
    server = mongod_factory().set("storage", "dbPath", "/nonexistent/standin/db")
    code, stderr = server.run_until_exit()
    assert code == 100
    assert "NonExistentPath" in stderr


def test_refuses_a_second_server_on_the_same_data_directory(mongod_factory, mongod):
    second = mongod_factory(name="second").set("storage", "dbPath", str(mongod.db_path))
    code, stderr = second.run_until_exit()
    assert code == 100 and "DBPathInUse" in stderr


def test_refuses_a_port_in_use(mongod_factory):
    with socket.socket() as occupier:
        occupier.bind(("127.0.0.1", 0))
        occupier.listen(1)
        server = mongod_factory(port=occupier.getsockname()[1])
        code, stderr = server.run_until_exit()
    assert code == 48 and "Address already in use" in stderr


@pytest.mark.parametrize("section,key,value,message", [
    ("net", "bindAddress", "127.0.0.1", "Unrecognized option: net.bindAddress"),
    ("net", "port", "27017", "Bad value for net.port"),
    ("security", "authorization", "on", "Bad value for security.authorization"),
])
def test_refuses_invalid_configuration_with_exit_code_2(mongod_factory, section, key, value, message):
    code, stderr = mongod_factory().set(section, key, value).run_until_exit()
    assert code == 2 and message in stderr


def test_storage_journal_option_is_refused_from_6_1_as_mongod_refuses_it(mongod_factory):
    newer = mongod_factory(version="7.0.14", name="seven").set("storage", "journal", {"enabled": True})
    code, stderr = newer.run_until_exit()
    assert code == 2 and "Unrecognized option: storage.journal.enabled" in stderr
    older = mongod_factory(version="6.0.19", name="six").set("storage", "journal", {"enabled": True}).start()
    assert older.client().admin.command("ping")["ok"] == 1.0


def test_replica_set_configuration_is_refused_as_not_modelled(mongod_factory):
    server = mongod_factory()
    server.config["replication"] = {"replSetName": "rs0"}
    code, stderr = server.run_until_exit()
    assert code == 2 and "not modelled" in stderr


def mongod_command(version, *arguments):
    environment = dict(os.environ, PYTHONPATH=str(MONGOD_DIR), MONGOD_STANDIN_VERSION=version)
    return [sys.executable, "-m", "mongod_standin"] + list(arguments), environment


def test_command_line_overrides_the_config_file(mongod_factory):
    server = mongod_factory()
    server.write_config()
    port = free_port()
    command, environment = mongod_command("7.0.14", "-f", str(server.config_path), "--port", str(port))
    process = subprocess.Popen(command, env=environment)
    try:
        wait_until(lambda: port_open("127.0.0.1", port), 10, "mongod on the command-line port")
        assert not port_open("127.0.0.1", server.port)
    finally:
        assert stop_process(process) == 0


def test_version_flag_prints_the_release():
    command, environment = mongod_command("6.0.19", "--version")
    output = subprocess.run(command, env=environment, check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert output.splitlines()[0] == "db version v6.0.19"
    assert '"standin": true' in output


def test_without_log_append_the_previous_log_is_set_aside(mongod_factory):
    server = mongod_factory()
    server.config["systemLog"]["logAppend"] = False
    server.log_path.write_text('{"msg": "from the previous run"}\n')
    server.start()
    server.stop()
    kept = [p for p in server.root.iterdir() if p.name.startswith("mongod.log.")]
    assert len(kept) == 1 and "previous run" in kept[0].read_text()
    assert "previous run" not in server.log_path.read_text()

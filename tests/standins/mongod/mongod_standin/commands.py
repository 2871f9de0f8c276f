"""Command dispatch, access control, and the server-level commands (hello, ping, buildInfo, listDatabases...)."""
import datetime
import os
import socket
import time
import traceback

from mongod_standin import crud, usercmds, users
from mongod_standin.query import matches
from mongod_standin.errors import CommandError
from mongod_standin.state import Context

# Accepted over legacy OP_QUERY by every release (drivers send their first handshake that way).
HANDSHAKE_COMMANDS = ("hello", "isMaster", "ismaster")


class Command:
    def __init__(self, run, privileges=None, open_to_all=False):
        self.run = run
        self.privileges = privileges or (lambda ctx: [])
        self.open_to_all = open_to_all


def hello(ctx):
    state, session = ctx.state, ctx.session
    primary_field = "isWritablePrimary" if ctx.name == "hello" else "ismaster"
    reply = {
        primary_field: True,
        "maxBsonObjectSize": 16 * 1024 * 1024,
        "maxMessageSizeBytes": 48000000,
        "maxWriteBatchSize": 100000,
        "localTime": datetime.datetime.now(datetime.timezone.utc),
        "logicalSessionTimeoutMinutes": 30,
        "connectionId": session.connection_id,
        "minWireVersion": 0,
        "maxWireVersion": state.version.max_wire_version,
        "readOnly": False,
    }
    if ctx.body.get("helloOk"):
        reply["helloOk"] = True
    if ctx.body.get("saslSupportedMechs"):
        mechanisms = usercmds.supported_mechanisms(state, ctx.body["saslSupportedMechs"])
        if mechanisms:
            reply["saslSupportedMechs"] = mechanisms
    speculative = ctx.body.get("speculativeAuthenticate")
    if isinstance(speculative, dict) and speculative.get("saslStart"):
        try:
            reply["speculativeAuthenticate"] = usercmds.start_conversation(ctx, speculative, speculative.get("db", "admin"), speculative=True)
        except CommandError:
            pass  # mongod stays silent; the driver then authenticates the ordinary way and gets the error there
    return reply


def build_info(ctx):
    return build_info_document(ctx.state.version)


def build_info_document(version):
    return {
        "version": version.text,
        "gitVersion": "standin-test-double",
        "versionArray": list(version.parts) + [0],
        "modules": [],
        "allocator": "system",
        "javascriptEngine": "none",
        "sysInfo": "deprecated",
        "bits": 64,
        "debug": False,
        "maxBsonObjectSize": 16 * 1024 * 1024,
        "storageEngines": ["standin"],
        "standin": True,
        "standinNote": "TEST DOUBLE for mongod (lowlatency.alicloud), not MongoDB",
    }


def list_databases(ctx):
    roles = ctx.session.roles(ctx.state)
    see_all = not ctx.state.options.authorization or users.is_authorized(roles, users.CLUSTER, "listDatabases")
    entries = []
    for name in ctx.store.database_names():
        if not see_all and not users.is_authorized(roles, name, "find"):
            continue
        size = sum(ctx.store.collection(name, c).size() for c in ctx.store.collection_names(name))
        entry = {"name": name} if ctx.body.get("nameOnly") else {"name": name, "sizeOnDisk": size, "empty": size == 0}
        if matches(entry, ctx.body.get("filter")):
            entries.append(entry)
    total = sum(entry.get("sizeOnDisk", 0) for entry in entries)
    return {"databases": entries, "totalSize": total, "totalSizeMb": total // (1024 * 1024)}


def server_status(ctx):
    state = ctx.state
    uptime = time.time() - state.started
    return {
        "host": socket.gethostname(),
        "version": state.version.text,
        "process": "mongod",
        "pid": os.getpid(),
        "uptime": float(int(uptime)),
        "uptimeMillis": int(uptime * 1000),
        "localTime": datetime.datetime.now(datetime.timezone.utc),
        "connections": {"current": state.connections, "available": 838860, "totalCreated": next(state.connection_ids) - 1},
        "standin": True,
    }


def get_cmd_line_opts(ctx):
    return {"argv": ["mongod", "--config", ctx.state.options.command_line.get("config") or ""],
            "parsed": ctx.state.options.command_line.get("parsed", {})}


def whats_my_uri(ctx):
    return {"you": "%s:%d" % ctx.session.peer[:2]}


def _nothing(ctx):
    return {}


def _on_database(action):
    def privileges(ctx):
        needed = [(ctx.db, action)]
        name = ctx.argument
        if isinstance(name, str) and name.startswith("system."):
            needed.append((users.CLUSTER, "systemCollections"))
        return needed
    return privileges


def _update_privileges(ctx):
    needed = _on_database("update")(ctx)
    if any(statement.get("upsert") for statement in ctx.body.get("updates", [])):
        needed.append((ctx.db, "insert"))
    return needed


def _user_admin(action):
    """The action on the user's database, plus grantRole on the database of every role handed out."""
    def privileges(ctx):
        needed = [(ctx.db, action)]
        for role in ctx.body.get("roles", []):
            role_db = ctx.db if isinstance(role, str) else role.get("db", ctx.db)
            needed.append((role_db, "grantRole"))
        return needed
    return privileges


def _users_info_privileges(ctx):
    wanted = usercmds.requested_users(ctx)
    if wanted is not None and all(pair in ctx.session.authenticated for pair in wanted):
        return []  # everyone may look at their own user
    if wanted is None:
        return [(ctx.db, "viewUser")]
    return [(db, "viewUser") for user, db in wanted]


COMMANDS = {
    "hello": Command(hello, open_to_all=True),
    "isMaster": Command(hello, open_to_all=True),
    "ismaster": Command(hello, open_to_all=True),
    "ping": Command(_nothing, open_to_all=True),
    "buildInfo": Command(build_info, open_to_all=True),
    "buildinfo": Command(build_info, open_to_all=True),
    "saslStart": Command(usercmds.sasl_start, open_to_all=True),
    "saslContinue": Command(usercmds.sasl_continue, open_to_all=True),
    "logout": Command(usercmds.logout, open_to_all=True),
    "connectionStatus": Command(usercmds.connection_status, open_to_all=True),
    "whatsmyuri": Command(whats_my_uri, open_to_all=True),
    "endSessions": Command(_nothing, open_to_all=True),
    "listDatabases": Command(list_databases),
    "serverStatus": Command(server_status, lambda ctx: [(users.CLUSTER, "serverStatus")]),
    "getCmdLineOpts": Command(get_cmd_line_opts, lambda ctx: [(users.CLUSTER, "getCmdLineOpts")]),
    "createUser": Command(usercmds.create_user, _user_admin("createUser")),
    "updateUser": Command(usercmds.update_user, _user_admin("updateUser")),
    "dropUser": Command(usercmds.drop_user, lambda ctx: [(ctx.db, "dropUser")]),
    "grantRolesToUser": Command(usercmds.grant_roles, _user_admin("grantRole")),
    "revokeRolesFromUser": Command(usercmds.revoke_roles, _user_admin("revokeRole")),
    "usersInfo": Command(usercmds.users_info, _users_info_privileges),
    "find": Command(crud.find, _on_database("find")),
    "getMore": Command(crud.get_more, lambda ctx: [(ctx.db, "find")]),
    "killCursors": Command(crud.kill_cursors, _on_database("killCursors")),
    "count": Command(crud.count, _on_database("find")),
    "distinct": Command(crud.distinct, _on_database("find")),
    "aggregate": Command(crud.aggregate, _on_database("find")),
    "insert": Command(crud.insert, _on_database("insert")),
    "update": Command(crud.update, _update_privileges),
    "delete": Command(crud.delete, _on_database("remove")),
    "createIndexes": Command(crud.create_indexes, _on_database("createIndex")),
    "listIndexes": Command(crud.list_indexes, _on_database("listIndexes")),
    "listCollections": Command(crud.list_collections, lambda ctx: [(ctx.db, "listCollections")]),
    "create": Command(crud.create, _on_database("createCollection")),
    "drop": Command(crud.drop, _on_database("dropCollection")),
    "dropDatabase": Command(crud.drop_database, lambda ctx: [(ctx.db, "dropDatabase")]),
}


def _localhost_exception(ctx):
    options = ctx.state.options
    return options.localhost_auth_bypass and ctx.session.is_local and not ctx.state.any_users()


def _authorize(ctx, command):
    if not ctx.state.options.authorization or command.open_to_all:
        return
    if ctx.name == "createUser" and _localhost_exception(ctx):
        return
    if not ctx.session.authenticated:
        raise CommandError("Unauthorized", "command %s requires authentication" % ctx.name)
    roles = ctx.session.roles(ctx.state)
    for resource, action in command.privileges(ctx):
        if not users.is_authorized(roles, resource, action):
            raise CommandError("Unauthorized", "not authorized on %s to execute command { %s: %r }" % (ctx.db, ctx.name, ctx.argument))


def run(state, session, db, body, legacy=False):
    """Run one command and return its reply document ({ok: 1, ...} or the error)."""
    try:
        if not body:
            raise CommandError("FailedToParse", "empty command")
        ctx = Context(state, session, db, body)
        command = COMMANDS.get(ctx.name)
        if command is None:
            raise CommandError("CommandNotFound", "no such command: '%s'" % ctx.name)
        if legacy and ctx.name not in HANDSHAKE_COMMANDS and not state.version.accepts_op_query_commands:
            raise CommandError("UnsupportedOpQueryCommand", "Unsupported OP_QUERY command: %s. The client driver may require an upgrade." % ctx.name)
        with state.store.lock:
            _authorize(ctx, command)
            reply = command.run(ctx)
        reply["ok"] = 1.0
        return reply
    except CommandError as error:
        return error.reply()
    except Exception as error:  # a stand-in bug must not take the connection down silently
        state.logger.log("COMMAND", "stand-in internal error", severity="E", error=repr(error), trace=traceback.format_exc())
        return CommandError("InternalError", "stand-in internal error: %r" % error).reply()

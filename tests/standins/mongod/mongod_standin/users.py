"""Users (kept in admin.system.users like mongod does) and the built-in roles' privileges.

Privileges are grouped into a few action sets rather than MongoDB's full action list; the grouping keeps
the distinctions roles rely on: read vs write, user administration, database administration,
cluster-wide actions such as listDatabases.
"""
import uuid

from mongod_standin import scram
from mongod_standin.errors import CommandError

USERS_DB, USERS_COLLECTION = "admin", "system.users"
CLUSTER = "<cluster>"
ANY_DATABASE = "<any>"

READ = frozenset({"find", "listCollections", "listIndexes", "killCursors"})
WRITE = READ | {"insert", "update", "remove", "createCollection", "createIndex", "dropCollection"}
DB_ADMIN = frozenset({"listCollections", "listIndexes", "createCollection", "createIndex", "dropCollection", "dropDatabase"})
USER_ADMIN = frozenset({"createUser", "dropUser", "updateUser", "viewUser", "grantRole", "revokeRole"})
CLUSTER_MONITOR = frozenset({"listDatabases", "serverStatus", "getCmdLineOpts"})
# systemCollections: writing to system.* collections directly, which only root may do here.
ALL = WRITE | DB_ADMIN | USER_ADMIN | CLUSTER_MONITOR | {"shutdown", "systemCollections"}

# role name -> list of (scope, actions); scope "db" means the database the role is granted in.
_DB_ROLES = {
    "read": [("db", READ)],
    "readWrite": [("db", WRITE)],
    "dbAdmin": [("db", DB_ADMIN)],
    "userAdmin": [("db", USER_ADMIN)],
    "dbOwner": [("db", WRITE | DB_ADMIN | USER_ADMIN)],
}
_ADMIN_ROLES = {
    "readAnyDatabase": [(ANY_DATABASE, READ), (CLUSTER, {"listDatabases"})],
    "readWriteAnyDatabase": [(ANY_DATABASE, WRITE), (CLUSTER, {"listDatabases"})],
    "userAdminAnyDatabase": [(ANY_DATABASE, USER_ADMIN), (CLUSTER, {"listDatabases"})],
    "dbAdminAnyDatabase": [(ANY_DATABASE, DB_ADMIN), (CLUSTER, {"listDatabases"})],
    "clusterMonitor": [(CLUSTER, CLUSTER_MONITOR)],
    "clusterManager": [(CLUSTER, CLUSTER_MONITOR)],
    "hostManager": [(CLUSTER, {"shutdown", "serverStatus"})],
    "clusterAdmin": [(CLUSTER, CLUSTER_MONITOR | {"shutdown"}), (ANY_DATABASE, {"dropDatabase"})],
    "backup": [(ANY_DATABASE, READ), (CLUSTER, {"listDatabases"})],
    "restore": [(ANY_DATABASE, WRITE), (CLUSTER, {"listDatabases"})],
    "root": [(ANY_DATABASE, ALL), (CLUSTER, ALL)],
}
# The "AnyDatabase" roles stop short of these; only root reaches them.
_RESERVED_DATABASES = ("local", "config")


def role_exists(role, db):
    return role in _DB_ROLES or (db == "admin" and role in _ADMIN_ROLES)


def _grants(role, role_db):
    if role in _DB_ROLES:
        return [(role_db, actions) for scope, actions in _DB_ROLES[role]]
    if role_db == "admin" and role in _ADMIN_ROLES:
        return list(_ADMIN_ROLES[role])
    return []


def is_authorized(roles, resource, action):
    """resource: a database name or CLUSTER. roles: [{"role": ..., "db": ...}]."""
    is_root = any(r["role"] == "root" and r["db"] == "admin" for r in roles)
    for role in roles:
        for scope, actions in _grants(role["role"], role["db"]):
            if action not in actions:
                continue
            if scope == resource:
                return True
            if scope == ANY_DATABASE and resource != CLUSTER and (is_root or resource not in _RESERVED_DATABASES):
                return True
    return False


def normalise_roles(roles, db):
    """Role arguments ("readWrite" or {"role": ..., "db": ...}) -> [{"role", "db"}]; unknown roles fail like mongod."""
    result = []
    for role in roles:
        entry = {"role": role, "db": db} if isinstance(role, str) else {"role": role.get("role"), "db": role.get("db")}
        if not role_exists(entry["role"], entry["db"]):
            raise CommandError("RoleNotFound", "Could not find role: %s@%s" % (entry["role"], entry["db"]))
        if entry not in result:
            result.append(entry)
    return result


def user_id(db, name):
    return "%s.%s" % (db, name)


def build_user(db, name, password, roles, mechanisms=None, digest_password=True):
    """The admin.system.users document for a new user, with credentials for each mechanism."""
    mechanisms = list(mechanisms or scram.MECHANISMS)
    return {
        "_id": user_id(db, name),
        "userId": uuid.uuid4(),
        "user": name,
        "db": db,
        "credentials": make_credentials(name, password, mechanisms, digest_password),
        "roles": normalise_roles(roles, db),
    }


def make_credentials(name, password, mechanisms, digest_password=True):
    credentials = {}
    for mechanism in mechanisms:
        if mechanism not in scram.MECHANISMS:
            raise CommandError("BadValue", "Unknown auth mechanism '%s'" % mechanism)
        if not digest_password and mechanism == "SCRAM-SHA-256":
            raise CommandError("BadValue", "Use of SCRAM-SHA-256 requires undigested passwords")
        secret = password.encode("utf-8") if not digest_password else scram.mongo_password(mechanism, name, password)
        credentials[mechanism] = scram.make_credentials(mechanism, secret)
    return credentials


def public_view(user, show_credentials=False):
    """What usersInfo returns for a user."""
    view = {key: user[key] for key in ("_id", "userId", "user", "db", "roles")}
    view["mechanisms"] = sorted(user["credentials"])
    if show_credentials:
        view["credentials"] = user["credentials"]
    return view

"""Server-wide state (store, cursors, users) and per-connection sessions."""
import ipaddress
import itertools
import threading
import time

from bson.int64 import Int64

from mongod_standin import users
from mongod_standin.errors import CommandError

DEFAULT_FIRST_BATCH = 101


class Cursor:
    def __init__(self, cursor_id, namespace, documents):
        self.id = cursor_id
        self.namespace = namespace
        self.documents = documents


class Cursors:
    def __init__(self):
        self.lock = threading.Lock()
        self.open = {}
        self.ids = itertools.count(1000001)

    def first_batch(self, namespace, documents, batch_size=None, single_batch=False):
        """The first batch, and a cursor id (0 when everything fit) for getMore."""
        size = DEFAULT_FIRST_BATCH if batch_size is None else batch_size
        batch, rest = documents[:size], documents[size:]
        if not rest or single_batch:
            return batch, Int64(0)
        with self.lock:
            cursor = Cursor(Int64(next(self.ids)), namespace, rest)
            self.open[cursor.id] = cursor
        return batch, cursor.id

    def next_batch(self, cursor_id, namespace, batch_size=None):
        with self.lock:
            cursor = self.open.get(cursor_id)
            if cursor is None or cursor.namespace != namespace:
                raise CommandError("CursorNotFound", "cursor id %d not found" % cursor_id)
            size = len(cursor.documents) if not batch_size else batch_size
            batch, cursor.documents = cursor.documents[:size], cursor.documents[size:]
            if cursor.documents:
                return batch, cursor.id
            del self.open[cursor_id]
            return batch, Int64(0)

    def kill(self, cursor_ids):
        with self.lock:
            killed = [c for c in cursor_ids if self.open.pop(c, None) is not None]
        return killed, [c for c in cursor_ids if c not in killed]


class ServerState:
    def __init__(self, options, version, store, logger):
        self.options = options
        self.version = version
        self.store = store
        self.logger = logger
        self.cursors = Cursors()
        self.connection_ids = itertools.count(1)
        self.started = time.time()
        self.connections = 0
        self.connections_lock = threading.Lock()

    def user_document(self, db, name):
        collection = self.store.collection(users.USERS_DB, users.USERS_COLLECTION)
        if collection is None:
            return None
        wanted = users.user_id(db, name)
        return next((doc for doc in collection.docs if doc["_id"] == wanted), None)

    def any_users(self):
        collection = self.store.collection(users.USERS_DB, users.USERS_COLLECTION)
        return bool(collection and collection.docs)


class Session:
    """One client connection: who it authenticated as, its SASL conversations."""

    def __init__(self, connection_id, peer):
        self.connection_id = connection_id
        self.peer = peer
        self.authenticated = []  # (user, db) pairs
        self.conversations = {}
        self.conversation_ids = itertools.count(1)

    @property
    def is_local(self):
        """mongod's localhost exception trusts only loopback peers."""
        try:
            return ipaddress.ip_address(self.peer[0].split("%")[0]).is_loopback
        except ValueError:
            return False

    def roles(self, state):
        roles = []
        for name, db in self.authenticated:
            user = state.user_document(db, name)
            roles.extend(user["roles"] if user else [])
        return roles

    def add_conversation(self, conversation, db, skip_empty_exchange):
        conversation_id = next(self.conversation_ids)
        self.conversations[conversation_id] = (conversation, db, skip_empty_exchange)
        return conversation_id


class Context:
    """One command being run: where, by whom, with which arguments."""

    def __init__(self, state, session, db, body):
        self.state = state
        self.session = session
        self.db = db
        self.body = body
        self.name = next(iter(body))

    @property
    def store(self):
        return self.state.store

    @property
    def argument(self):
        return self.body[self.name]

    def collection_name(self):
        name = self.argument
        if not isinstance(name, str) or not name or "\x00" in name or name.startswith("$"):
            raise CommandError("InvalidNamespace", "Invalid namespace specified '%s.%s'" % (self.db, name))
        return name

    def namespace(self, collection=None):
        return "%s.%s" % (self.db, collection or self.collection_name())

"""Databases and collections kept in memory and written through to BSON files under storage.dbPath.

Layout: <dbPath>/standin/<db>/<collection>.bson, each file one header document (uuid, indexes, options)
followed by the collection's documents. Every change rewrites the collection's file atomically
(temporary file, fsync, rename, fsync of the directory), so a crash leaves either the old or the new file.
"""
import os
import threading
import uuid
from urllib.parse import quote, unquote

import bson
from bson.binary import STANDARD
from bson.codec_options import CodecOptions

# Round-trips UUIDs (subtype 4) and legacy binary (subtype 3) unchanged with pymongo 3.x and 4.x.
CODEC = CodecOptions(uuid_representation=STANDARD)
DATA_DIR = "standin"
ID_INDEX = {"v": 2, "key": {"_id": 1}, "name": "_id_"}
# Databases a standalone mongod always lists.
BUILTIN_DATABASES = ("admin", "config", "local")


class Collection:
    def __init__(self, name, docs=None, indexes=None, collection_uuid=None, options=None):
        self.name = name
        self.docs = docs if docs is not None else []
        self.indexes = indexes if indexes is not None else [dict(ID_INDEX)]
        self.uuid = collection_uuid or uuid.uuid4()
        self.options = options or {}

    def header(self):
        return {"standin": True, "uuid": self.uuid, "indexes": self.indexes, "options": self.options}

    def size(self):
        return sum(len(bson.encode(doc, codec_options=CODEC)) for doc in self.docs)


class Store:
    """All databases. Callers hold `lock` around any sequence of reads and writes that must be atomic."""

    def __init__(self, db_path):
        self.root = os.path.join(db_path, DATA_DIR)
        self.databases = {}
        self.lock = threading.RLock()

    def load(self):
        os.makedirs(self.root, exist_ok=True)
        for db_dir in sorted(os.listdir(self.root)):
            db_name = unquote(db_dir)
            for file_name in sorted(os.listdir(os.path.join(self.root, db_dir))):
                if file_name.endswith(".bson"):
                    collection = self._read(os.path.join(self.root, db_dir, file_name), unquote(file_name[:-5]))
                    self.databases.setdefault(db_name, {})[collection.name] = collection

    @staticmethod
    def _read(path, name):
        with open(path, "rb") as handle:
            documents = bson.decode_all(handle.read(), CODEC)
        header, docs = documents[0], documents[1:]
        return Collection(name, docs, header["indexes"], header["uuid"], header.get("options"))

    def collection(self, db, name, create=False):
        collection = self.databases.get(db, {}).get(name)
        if collection is None and create:
            collection = self.databases.setdefault(db, {})[name] = Collection(name)
            self.save(db, collection)
        return collection

    def collection_names(self, db):
        return sorted(self.databases.get(db, {}))

    def database_names(self):
        return sorted(set(BUILTIN_DATABASES) | {db for db, colls in self.databases.items() if colls})

    def save(self, db, collection):
        directory = os.path.join(self.root, quote(db, safe=""))
        os.makedirs(directory, exist_ok=True)
        payload = b"".join(bson.encode(doc, codec_options=CODEC) for doc in [collection.header()] + collection.docs)
        _atomic_write(os.path.join(directory, quote(collection.name, safe="") + ".bson"), payload)

    def drop_collection(self, db, name):
        if self.databases.get(db, {}).pop(name, None) is None:
            return False
        path = os.path.join(self.root, quote(db, safe=""), quote(name, safe="") + ".bson")
        os.unlink(path)
        _fsync_directory(os.path.dirname(path))
        return True

    def drop_database(self, db):
        for name in list(self.databases.get(db, {})):
            self.drop_collection(db, name)
        self.databases.pop(db, None)


def _atomic_write(path, payload):
    temporary = "%s.tmp-%d-%d" % (path, os.getpid(), threading.get_ident())
    with open(temporary, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_directory(os.path.dirname(path))


def _fsync_directory(directory):
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

"""Test probe for the mongodb role's Molecule scenario: one MongoDB operation, its outcome as JSON on stdout.

Runs on the MongoDB host with the host's pymongo (Debian's 3.11 speaks to MongoDB 4.2). Always exits 0; the outcome is
{"ok": true, "result": ...} or {"ok": false, "code": <MongoDB error code>, "error": "..."}.

usage: python3 mongo_probe.py HOST PORT USER|- PASSWORD|- ACTION [ARGUMENT...]
  build-info                       the server's version
  list-databases                   database names
  write DB COLLECTION              insert a document, read it back by its marker, delete it
  create-user DB NAME              try to create a user (with role read on DB)
"""
import json
import sys
import uuid

import pymongo
from pymongo.errors import OperationFailure, PyMongoError


def client(host, port, user, password):
    options = dict(host=host, port=int(port), serverSelectionTimeoutMS=5000)
    if user != "-":
        options.update(username=user, password=password, authSource="admin")
    return pymongo.MongoClient(**options)


def run(connection, action, arguments):
    if action == "build-info":
        return connection.admin.command("buildInfo")["version"]
    if action == "list-databases":
        return sorted(connection.list_database_names())
    if action == "write":
        collection = connection[arguments[0]][arguments[1]]
        marker = uuid.uuid4().hex
        collection.insert_one({"probe": marker})
        found = collection.count_documents({"probe": marker})
        collection.delete_many({"probe": marker})
        return found
    if action == "create-user":
        connection[arguments[0]].command("createUser", arguments[1], pwd=uuid.uuid4().hex, roles=["read"])
        return "created"
    raise SystemExit("unknown action %s" % action)


def main():
    host, port, user, password, action = sys.argv[1:6]
    connection = client(host, port, user, password)
    try:
        outcome = {"ok": True, "result": run(connection, action, sys.argv[6:])}
    except OperationFailure as error:
        outcome = {"ok": False, "code": error.code, "error": str(error)}
    except PyMongoError as error:
        outcome = {"ok": False, "code": None, "error": "%s: %s" % (type(error).__name__, error)}
    finally:
        connection.close()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()

"""CRUD and collection commands: insert, find, getMore, update, delete, count, distinct, aggregate,
createIndexes, listIndexes, listCollections, create, drop, dropDatabase, killCursors."""
from bson import ObjectId

from mongod_standin import query
from mongod_standin.errors import CommandError, WriteError
from mongod_standin.storage import ID_INDEX


def _cursor_reply(ctx, namespace, documents, batch_size=None, single_batch=False):
    batch, cursor_id = ctx.state.cursors.first_batch(namespace, documents, batch_size, single_batch)
    return {"cursor": {"firstBatch": batch, "id": cursor_id, "ns": namespace}}


def _documents(ctx, name):
    collection = ctx.store.collection(ctx.db, name)
    return list(collection.docs) if collection else []


def find(ctx):
    name = ctx.collection_name()
    body = ctx.body
    found = [doc for doc in _documents(ctx, name) if query.matches(doc, body.get("filter"))]
    found = query.sort_documents(found, body.get("sort"))[body.get("skip", 0) or 0:]
    limit = body.get("limit", 0) or 0
    if limit:
        found = found[:abs(limit)]
    projected = [query.project(doc, body.get("projection")) for doc in found]
    single_batch = body.get("singleBatch", False) or limit < 0
    return _cursor_reply(ctx, ctx.namespace(name), projected, body.get("batchSize"), single_batch)


def get_more(ctx):
    namespace = ctx.namespace(ctx.body.get("collection"))
    batch, cursor_id = ctx.state.cursors.next_batch(ctx.argument, namespace, ctx.body.get("batchSize"))
    return {"cursor": {"nextBatch": batch, "id": cursor_id, "ns": namespace}}


def kill_cursors(ctx):
    killed, not_found = ctx.state.cursors.kill(list(ctx.body.get("cursors", [])))
    return {"cursorsKilled": killed, "cursorsNotFound": not_found, "cursorsAlive": [], "cursorsUnknown": []}


def count(ctx):
    name = ctx.collection_name()
    found = [doc for doc in _documents(ctx, name) if query.matches(doc, ctx.body.get("query"))]
    found = found[ctx.body.get("skip", 0) or 0:]
    limit = abs(ctx.body.get("limit", 0) or 0)
    return {"n": len(found[:limit] if limit else found)}


def distinct(ctx):
    name = ctx.collection_name()
    values = []
    for doc in _documents(ctx, name):
        if query.matches(doc, ctx.body.get("query")):
            for value in query.resolve(doc, ctx.body["key"]):
                for item in value if isinstance(value, list) else [value]:
                    if not any(query.values_equal(item, seen) for seen in values):
                        values.append(item)
    return {"values": values}


def _ensure_id_first(doc):
    if "_id" not in doc:
        return dict([("_id", ObjectId())] + list(doc.items()))
    if next(iter(doc)) != "_id":
        return dict([("_id", doc["_id"])] + [(k, v) for k, v in doc.items() if k != "_id"])
    return doc


def _index_key(index, doc):
    return [query.resolve(doc, field)[:1] or [None] for field in index["key"]]


def _check_unique(ctx, collection, doc, ignore_position=None):
    """Raise DuplicateKey when `doc` collides with another document on _id or a unique index."""
    for index in collection.indexes:
        if index["name"] != "_id_" and not index.get("unique"):
            continue
        key = _index_key(index, doc)
        for position, other in enumerate(collection.docs):
            if position != ignore_position and all(query.values_equal(a[0], b[0]) for a, b in zip(key, _index_key(index, other))):
                shown = ", ".join("%s: %r" % (field, value[0]) for field, value in zip(index["key"], key))
                raise WriteError("DuplicateKey", "E11000 duplicate key error collection: %s.%s index: %s dup key: { %s }"
                                 % (ctx.db, collection.name, index["name"], shown))


def _write_reply(count_written, errors, **extra):
    reply = {"n": count_written}
    reply.update(extra)
    if errors:
        reply["writeErrors"] = errors
    return reply


def _write_error(index, error):
    return {"index": index, "code": error.code, "codeName": error.code_name, "errmsg": error.message}


def insert(ctx):
    name = ctx.collection_name()
    collection = ctx.store.collection(ctx.db, name, create=True)
    written, errors = 0, []
    for index, doc in enumerate(ctx.body.get("documents", [])):
        try:
            doc = _ensure_id_first(doc)
            _check_unique(ctx, collection, doc)
        except CommandError as error:
            errors.append(_write_error(index, error))
            if ctx.body.get("ordered", True):
                break
            continue
        collection.docs.append(doc)
        written += 1
    ctx.store.save(ctx.db, collection)
    return _write_reply(written, errors)


def update(ctx):
    name = ctx.collection_name()
    collection = ctx.store.collection(ctx.db, name, create=any(u.get("upsert") for u in ctx.body.get("updates", [])))
    totals = {"n": 0, "nModified": 0, "upserted": []}
    errors = []
    for index, statement in enumerate(ctx.body.get("updates", [])):
        try:
            if collection is not None:
                _apply_update_statement(ctx, collection, index, statement, totals)
        except CommandError as error:
            errors.append(_write_error(index, error))
            if ctx.body.get("ordered", True):
                break
    if collection is not None:
        ctx.store.save(ctx.db, collection)
    extra = {"nModified": totals["nModified"]}
    if totals["upserted"]:
        extra["upserted"] = totals["upserted"]
    return _write_reply(totals["n"], errors, **extra)


def _apply_update_statement(ctx, collection, index, statement, totals):
    selector, change = statement.get("q", {}), statement.get("u", {})
    is_replacement = isinstance(change, dict) and not (change and next(iter(change)).startswith("$"))
    if statement.get("multi") and is_replacement:
        raise CommandError("FailedToParse", "multi update is not supported for replacement-style update")
    positions = [i for i, doc in enumerate(collection.docs) if query.matches(doc, selector)]
    if not statement.get("multi"):
        positions = positions[:1]
    for position in positions:
        old = collection.docs[position]
        new = _ensure_id_first(query.apply_update(old, change, inserting=False))
        _check_unique(ctx, collection, new, ignore_position=position)
        collection.docs[position] = new
        totals["nModified"] += 0 if query.values_equal(old, new) else 1
    totals["n"] += len(positions)
    if not positions and statement.get("upsert"):
        new = _ensure_id_first(query.apply_update(query.upsert_seed(selector), change, inserting=True))
        _check_unique(ctx, collection, new)
        collection.docs.append(new)
        totals["upserted"].append({"index": index, "_id": new["_id"]})
        totals["n"] += 1


def delete(ctx):
    name = ctx.collection_name()
    collection = ctx.store.collection(ctx.db, name)
    removed = 0
    for statement in ctx.body.get("deletes", []):
        if collection is None:
            break
        positions = [i for i, doc in enumerate(collection.docs) if query.matches(doc, statement.get("q", {}))]
        if statement.get("limit", 0) == 1:
            positions = positions[:1]
        for position in reversed(positions):
            del collection.docs[position]
        removed += len(positions)
    if collection is not None:
        ctx.store.save(ctx.db, collection)
    return {"n": removed}


def aggregate(ctx):
    """The stages roles and pymongo helpers use: $match $sort $skip $limit $project $count, $group with $sum."""
    name = ctx.argument if ctx.argument != 1 else None
    documents = _documents(ctx, name) if name else []
    for stage in ctx.body.get("pipeline", []):
        documents = _run_stage(stage, documents)
    batch_size = (ctx.body.get("cursor") or {}).get("batchSize")
    return _cursor_reply(ctx, ctx.namespace(name or "$cmd.aggregate"), documents, batch_size)


def _run_stage(stage, documents):
    (operator, argument), = stage.items()
    if operator == "$match":
        return [doc for doc in documents if query.matches(doc, argument)]
    if operator == "$sort":
        return query.sort_documents(documents, argument)
    if operator == "$skip":
        return documents[argument:]
    if operator == "$limit":
        return documents[:argument]
    if operator == "$project":
        return [query.project(doc, argument) for doc in documents]
    if operator == "$count":
        return [{argument: len(documents)}] if documents else []
    if operator == "$group":
        return _group(argument, documents)
    raise CommandError("Location40324", "Unrecognized pipeline stage name: '%s'" % operator)


def _expression_value(expression, doc):
    if isinstance(expression, str) and expression.startswith("$"):
        values = query.resolve(doc, expression[1:])
        return values[0] if values else None
    return expression


def _group(spec, documents):
    groups = []
    for doc in documents:
        key = _expression_value(spec["_id"], doc)
        group = next((g for g in groups if query.values_equal(g["_id"], key)), None)
        if group is None:
            group = {"_id": key}
            group.update({field: 0 for field in spec if field != "_id"})
            groups.append(group)
        for field, accumulator in spec.items():
            if field == "_id":
                continue
            if list(accumulator) != ["$sum"]:
                raise CommandError("Location40324", "stand-in: only the $sum accumulator is modelled")
            value = _expression_value(accumulator["$sum"], doc)
            group[field] += value if query.type_bracket(value) == "number" else 0
    return groups


def create_indexes(ctx):
    name = ctx.collection_name()
    created = ctx.store.collection(ctx.db, name) is None
    collection = ctx.store.collection(ctx.db, name, create=True)
    before = len(collection.indexes)
    for spec in ctx.body.get("indexes", []):
        _add_index(ctx, collection, spec)
    ctx.store.save(ctx.db, collection)
    reply = {"createdCollectionAutomatically": created, "numIndexesBefore": before, "numIndexesAfter": len(collection.indexes)}
    if before == len(collection.indexes):
        reply["note"] = "all indexes already exist"
    return reply


def _add_index(ctx, collection, spec):
    key, name = spec.get("key"), spec.get("name")
    if not key or not name:
        raise CommandError("FailedToParse", "index specification must have a non-empty 'key' and a 'name'")
    for existing in collection.indexes:
        same_key = query.values_equal(existing["key"], key)
        if existing["name"] == name:
            if same_key and bool(existing.get("unique")) == bool(spec.get("unique")):
                return
            raise CommandError("IndexKeySpecsConflict", "An existing index has the same name as the requested index: %s" % name)
        if same_key:
            raise CommandError("IndexOptionsConflict", "Index already exists with a different name: %s" % existing["name"])
    index = {"v": 2, "key": key, "name": name}
    index.update({k: v for k, v in spec.items() if k not in ("key", "name", "v")})
    collection.indexes.append(index)
    if index.get("unique"):
        try:
            for position, doc in enumerate(collection.docs):
                _check_unique(ctx, collection, doc, ignore_position=position)
        except CommandError as error:
            collection.indexes.remove(index)
            raise CommandError("DuplicateKey", error.message)


def list_indexes(ctx):
    name = ctx.collection_name()
    collection = ctx.store.collection(ctx.db, name)
    if collection is None:
        raise CommandError("NamespaceNotFound", "ns does not exist: %s" % ctx.namespace(name))
    return _cursor_reply(ctx, ctx.namespace(name), list(collection.indexes), (ctx.body.get("cursor") or {}).get("batchSize"))


def list_collections(ctx):
    entries = []
    for name in ctx.store.collection_names(ctx.db):
        collection = ctx.store.collection(ctx.db, name)
        entry = {"name": name, "type": "collection"}
        if not ctx.body.get("nameOnly"):
            entry.update({"options": collection.options, "info": {"readOnly": False, "uuid": collection.uuid}, "idIndex": ID_INDEX})
        if query.matches(entry, ctx.body.get("filter")):
            entries.append(entry)
    return _cursor_reply(ctx, ctx.namespace("$cmd.listCollections"), entries, (ctx.body.get("cursor") or {}).get("batchSize"))


# Generic command fields that are not options of the collection being created.
_NOT_COLLECTION_OPTIONS = ("create", "lsid", "txnNumber", "writeConcern", "comment")


def create(ctx):
    name = ctx.collection_name()
    if ctx.store.collection(ctx.db, name) is not None:
        raise CommandError("NamespaceExists", "Collection %s already exists." % ctx.namespace(name))
    collection = ctx.store.collection(ctx.db, name, create=True)
    collection.options = {k: v for k, v in ctx.body.items() if k not in _NOT_COLLECTION_OPTIONS and not k.startswith("$")}
    ctx.store.save(ctx.db, collection)
    return {}


def drop(ctx):
    name = ctx.collection_name()
    collection = ctx.store.collection(ctx.db, name)
    if collection is None:
        if ctx.state.version.drop_missing_collection_fails:
            raise CommandError("NamespaceNotFound", "ns not found")
        return {}
    indexes = len(collection.indexes)
    ctx.store.drop_collection(ctx.db, name)
    return {"nIndexesWas": indexes, "ns": ctx.namespace(name)}


def drop_database(ctx):
    ctx.store.drop_database(ctx.db)
    return {"dropped": ctx.db}

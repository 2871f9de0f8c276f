"""CRUD and collection commands of the mongod stand-in through pymongo."""
import pytest
from pymongo.errors import DuplicateKeyError, OperationFailure


@pytest.fixture
def things(mongod):
    collection = mongod.client().app.things
    collection.insert_many([{"n": i, "even": i % 2 == 0, "tags": ["a", "b"] if i < 3 else ["c"]} for i in range(10)])
    return collection


def numbers(cursor):
    return [doc["n"] for doc in cursor]


def test_filters_equality_ranges_sets_and_arrays(things):
    assert numbers(things.find({"even": True}).sort("n", 1)) == [0, 2, 4, 6, 8]
    assert numbers(things.find({"n": {"$gt": 6}}).sort("n", 1)) == [7, 8, 9]
    assert numbers(things.find({"n": {"$gte": 2, "$lt": 4}}).sort("n", 1)) == [2, 3]
    assert numbers(things.find({"n": {"$in": [1, 5, 42]}}).sort("n", 1)) == [1, 5]
    assert numbers(things.find({"tags": "b"}).sort("n", 1)) == [0, 1, 2]  # equality matches array elements
    assert numbers(things.find({"$or": [{"n": 0}, {"n": 9}]}).sort("n", 1)) == [0, 9]
    assert things.count_documents({"missing": {"$exists": True}}) == 0
    assert things.count_documents({"n": {"$gt": "5"}}) == 0  # $gt compares within the same type only


def test_projection_sort_skip_limit(things):
    docs = list(things.find({}, {"n": 1, "_id": 0}).sort("n", -1).skip(1).limit(3))
    assert docs == [{"n": 8}, {"n": 7}, {"n": 6}]
    excluded = things.find_one({"n": 1}, {"tags": 0})
    assert set(excluded) == {"_id", "n", "even"}


def test_large_results_come_in_batches_through_get_more(mongod):
    collection = mongod.client().app.many
    collection.insert_many([{"i": i} for i in range(350)])
    cursor = collection.find({}, batch_size=100)
    assert len(list(cursor)) == 350
    assert sorted(d["i"] for d in collection.find()) == list(range(350))


def test_update_operators_and_upsert(things):
    result = things.update_one({"n": 1}, {"$set": {"label": "one"}, "$inc": {"n": 100}})
    assert (result.matched_count, result.modified_count) == (1, 1)
    assert things.find_one({"n": 101})["label"] == "one"
    assert things.update_many({"even": True}, {"$unset": {"tags": ""}}).modified_count == 5
    assert things.count_documents({"tags": {"$exists": True}}) == 5
    upserted = things.update_one({"key": "k"}, {"$set": {"v": 1}, "$setOnInsert": {"created": True}}, upsert=True)
    assert upserted.upserted_id is not None
    assert things.find_one({"key": "k"}, {"_id": 0}) == {"key": "k", "v": 1, "created": True}
    things.update_one({"key": "k"}, {"$set": {"v": 2}, "$setOnInsert": {"created": False}}, upsert=True)
    assert things.find_one({"key": "k"}, {"_id": 0}) == {"key": "k", "v": 2, "created": True}


def test_replace_one_keeps_the_id(things):
    original = things.find_one({"n": 2})
    things.replace_one({"n": 2}, {"replaced": True})
    assert things.find_one({"_id": original["_id"]}) == {"_id": original["_id"], "replaced": True}


def test_changing_the_id_is_refused(things):
    with pytest.raises(OperationFailure) as failure:
        things.update_one({"n": 3}, {"$set": {"_id": "other"}})
    assert failure.value.code == 66


def test_delete_one_and_many(things):
    assert things.delete_one({"even": True}).deleted_count == 1
    assert things.delete_many({"even": True}).deleted_count == 4
    assert things.count_documents({}) == 5


def test_counts(things):
    assert things.count_documents({}) == 10
    assert things.count_documents({"even": False}, skip=1, limit=2) == 2
    assert things.estimated_document_count() == 10
    assert sorted(things.distinct("tags")) == ["a", "b", "c"]


def test_unique_indexes_and_duplicate_ids_are_enforced(things):
    assert things.create_index("n", unique=True) == "n_1"
    with pytest.raises(DuplicateKeyError) as failure:
        things.insert_one({"n": 4})
    assert "E11000" in str(failure.value) and "n_1" in str(failure.value)
    doc = things.find_one({"n": 5})
    with pytest.raises(DuplicateKeyError):
        things.insert_one({"_id": doc["_id"], "n": 1000})
    with pytest.raises(DuplicateKeyError):
        things.update_one({"n": 6}, {"$set": {"n": 7}})
    names = [index["name"] for index in things.list_indexes()]
    assert names == ["_id_", "n_1"]
    assert things.create_index("n", unique=True) == "n_1"  # same spec again: nothing to do


def test_unique_index_cannot_be_built_over_duplicates(things):
    with pytest.raises(OperationFailure) as failure:
        things.create_index("even", unique=True)
    assert failure.value.code == 11000
    assert [index["name"] for index in things.list_indexes()] == ["_id_"]


def test_list_collections_and_databases(mongod):
    client = mongod.client()
    client.app.one.insert_one({})
    client.app.create_collection("two")
    assert client.app.list_collection_names() == ["one", "two"]
    assert [c["name"] for c in client.app.list_collections(filter={"name": "two"})] == ["two"]
    with pytest.raises(OperationFailure) as failure:
        client.app.command("create", "two")
    assert failure.value.code == 48
    assert {"admin", "config", "local", "app"} <= set(client.list_database_names())


def test_list_indexes_on_a_missing_collection_fails_with_namespace_not_found(mongod):
    with pytest.raises(OperationFailure) as failure:
        mongod.client().app.command("listIndexes", "nothing")
    assert failure.value.code == 26


def test_drop_collection_and_database(mongod):
    client = mongod.client()
    client.app.one.insert_one({})
    client.app.one.drop()
    assert client.app.list_collection_names() == []
    client.app.command("drop", "never-existed")  # MongoDB 7.0 accepts this
    client.gone.c.insert_one({})
    client.drop_database("gone")
    assert "gone" not in client.list_database_names()


def test_drop_of_a_missing_collection_fails_before_7_0(mongod_factory):
    server = mongod_factory(version="6.0.19").start()
    with pytest.raises(OperationFailure) as failure:
        server.client().app.command("drop", "never-existed")
    assert failure.value.code == 26


def test_aggregate_match_group_count(things):
    pipeline = [{"$match": {"n": {"$lt": 6}}}, {"$group": {"_id": "$even", "total": {"$sum": "$n"}, "count": {"$sum": 1}}}]
    groups = {g["_id"]: (g["total"], g["count"]) for g in things.aggregate(pipeline)}
    assert groups == {True: (6, 3), False: (9, 3)}
    assert list(things.aggregate([{"$match": {"even": True}}, {"$count": "c"}])) == [{"c": 5}]
    with pytest.raises(OperationFailure) as failure:
        list(things.aggregate([{"$lookup": {}}]))
    assert failure.value.code == 40324


def test_kill_cursors_releases_an_open_cursor(mongod):
    collection = mongod.client().app.many
    collection.insert_many([{"i": i} for i in range(300)])
    cursor = collection.find({}, batch_size=10)
    next(cursor)
    cursor_id = cursor.cursor_id
    assert cursor_id
    cursor.close()
    with pytest.raises(OperationFailure) as failure:
        mongod.client().app.command("getMore", cursor_id, collection="many")
    assert failure.value.code == 43

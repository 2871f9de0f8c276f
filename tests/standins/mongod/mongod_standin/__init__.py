"""TEST DOUBLE for mongod, built for the lowlatency.alicloud role tests.

This is not MongoDB. It speaks enough of the MongoDB wire protocol (OP_MSG, legacy OP_QUERY handshake),
SCRAM authentication, user management and CRUD for pymongo and the collection's roles, and keeps its data
in plain BSON files under storage.dbPath. See tests/standins/README.md for what it models and what it does not.
"""

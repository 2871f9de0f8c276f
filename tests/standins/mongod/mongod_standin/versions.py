"""The MongoDB release the stand-in impersonates, and the behaviour that differs between releases."""
import os

# Highest wire version each release series reports in hello (MongoDB's driver specifications).
_WIRE_VERSIONS = [
    ((8, 0), 25),
    ((7, 0), 21),
    ((6, 0), 17),
    ((5, 0), 13),
    ((4, 4), 9),
    ((4, 2), 8),
    ((4, 0), 7),
]

# Where the packaged stand-in finds the version its package was built for: next to this package.
VERSION_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "version")
VERSION_ENV = "MONGOD_STANDIN_VERSION"


class ServerVersion:
    """A MongoDB server version such as 7.0.14, with the release-dependent behaviour the stand-in models."""

    def __init__(self, text):
        parts = text.strip().split(".")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError("not a MongoDB version: %r" % text)
        self.text = text.strip()
        self.parts = tuple(int(p) for p in parts)

    @property
    def series(self):
        return "%d.%d" % self.parts[:2]

    @property
    def max_wire_version(self):
        for series, wire in _WIRE_VERSIONS:
            if self.parts[:2] >= series:
                return wire
        raise ValueError("MongoDB %s is older than the stand-in models" % self.text)

    @property
    def accepts_op_query_commands(self):
        """MongoDB 5.1 removed OP_QUERY for everything but the hello/isMaster handshake."""
        return self.parts[:2] < (5, 1)

    @property
    def drop_missing_collection_fails(self):
        """Before 7.0, drop on a missing collection failed with NamespaceNotFound."""
        return self.parts[:2] < (7, 0)

    @property
    def has_journal_option(self):
        """storage.journal.enabled was removed in 6.1: newer mongod refuses the option."""
        return self.parts[:2] < (6, 1)

    def __str__(self):
        return self.text


def installed_version():
    """The version from the environment (local test runs) or from the file the package ships."""
    text = os.environ.get(VERSION_ENV)
    if not text and os.path.exists(VERSION_FILE):
        with open(VERSION_FILE, encoding="utf-8") as handle:
            text = handle.read()
    if not text:
        raise ValueError("no version: set %s or install the package that provides %s" % (VERSION_ENV, VERSION_FILE))
    return ServerVersion(text)

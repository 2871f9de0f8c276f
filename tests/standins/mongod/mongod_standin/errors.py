"""Command errors with the codes and code names real mongod answers with."""

CODES = {
    "InternalError": 1,
    "BadValue": 2,
    "FailedToParse": 9,
    "ProtocolError": 17,
    "UserNotFound": 11,
    "Unauthorized": 13,
    "TypeMismatch": 14,
    "AuthenticationFailed": 18,
    "IllegalOperation": 20,
    "NamespaceNotFound": 26,
    "RoleNotFound": 31,
    "CursorNotFound": 43,
    "NamespaceExists": 48,
    "CommandNotFound": 59,
    "ImmutableField": 66,
    "InvalidOptions": 72,
    "InvalidNamespace": 73,
    "IndexOptionsConflict": 85,
    "IndexKeySpecsConflict": 86,
    "NotImplemented": 238,
    "MechanismUnavailable": 334,
    "UnsupportedOpQueryCommand": 352,
    "DuplicateKey": 11000,
    "Location31254": 31254,
    "Location40324": 40324,
    "Location51003": 51003,
}


class CommandError(Exception):
    """A command failure, turned into {ok: 0, errmsg, code, codeName} for the client."""

    def __init__(self, code_name, message):
        super().__init__(message)
        self.code_name = code_name
        self.code = CODES[code_name]
        self.message = message

    def reply(self):
        return {"ok": 0.0, "errmsg": self.message, "code": self.code, "codeName": self.code_name}


class WriteError(CommandError):
    """A per-document write failure, reported in writeErrors rather than failing the command."""


class StartupError(Exception):
    """The server cannot start; carries the process exit code real mongod uses for the same cause."""

    BAD_OPTIONS = 2
    NET_ERROR = 48
    DBPATH_IN_USE = 100

    def __init__(self, message, exit_code):
        super().__init__(message)
        self.exit_code = exit_code

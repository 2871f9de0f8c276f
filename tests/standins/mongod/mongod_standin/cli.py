"""Process lifecycle: options, data directory lock, listeners, clean shutdown on SIGTERM/SIGINT."""
import fcntl
import json
import os
import signal
import sys
import threading

from mongod_standin.commands import build_info_document
from mongod_standin.config import load_options, parse_arguments
from mongod_standin.errors import StartupError
from mongod_standin.log import Logger
from mongod_standin.server import MongodServer
from mongod_standin.state import ServerState
from mongod_standin.storage import Store
from mongod_standin.versions import installed_version

BANNER = "TEST DOUBLE: mongod stand-in for lowlatency.alicloud role tests, not MongoDB"


def main(argv):
    arguments = parse_arguments(argv)
    try:
        version = installed_version()
    except ValueError as error:
        print("mongod stand-in: %s" % error, file=sys.stderr)
        return StartupError.BAD_OPTIONS
    if arguments.version:
        _print_version(version)
        return 0
    try:
        return _run(load_options(arguments, version), version)
    except StartupError as error:
        print("mongod stand-in: fatal: %s" % error, file=sys.stderr)
        return error.exit_code


def _print_version(version):
    print("db version v%s" % version.text)
    print("Build Info: " + json.dumps(build_info_document(version), indent=4))


def _run(options, version):
    logger = _open_log(options)
    try:
        logger.log("CONTROL", BANNER, log_id=0, context="initandlisten", version=version.text, dbPath=options.db_path)
        lock = _lock_data_directory(options.db_path)
        store = Store(options.db_path)
        store.load()
        state = ServerState(options, version, store, logger)
        server = MongodServer(state)
        server.bind()
        _write_pid_file(options.pid_file)
        stop = _stop_on_signals()
        server.start()
        logger.log("NETWORK", "Waiting for connections", log_id=23016, context="listener", port=options.port, ssl="off")
        while not stop.wait(0.2):
            pass
        logger.log("CONTROL", "Received signal; shutting down", log_id=23377, context="SignalHandler")
        server.stop()
        _release_data_directory(lock)
        _remove_pid_file(options.pid_file)
        logger.log("CONTROL", "Shutting down", log_id=20565, context="SignalHandler", exitCode=0)
        return 0
    except StartupError as error:
        logger.log("CONTROL", str(error), severity="F", context="initandlisten", exitCode=error.exit_code)
        raise
    finally:
        logger.close()


def _open_log(options):
    try:
        return Logger(options.log_path, options.log_append)
    except OSError as error:
        raise StartupError("Failed to open log file %s: %s" % (options.log_path, error.strerror), 1)


def _lock_data_directory(db_path):
    """mongod.lock holds the pid while running and is emptied on clean shutdown; a second server is refused."""
    if not os.path.isdir(db_path):
        raise StartupError("NonExistentPath: Data directory %s not found. Create the missing directory or specify another path "
                           "using (1) the --dbpath command line option, or (2) by adding the 'storage.dbPath' option in the "
                           "configuration file." % db_path, StartupError.DBPATH_IN_USE)
    try:
        handle = open(os.path.join(db_path, "mongod.lock"), "a+")
    except OSError as error:
        raise StartupError("IllegalOperation: Attempted to create a lock file on a read-only directory: %s (%s)" % (db_path, error.strerror),
                           StartupError.DBPATH_IN_USE)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StartupError("DBPathInUse: Unable to lock the lock file: %s/mongod.lock (Resource temporarily unavailable). "
                           "Another mongod instance is already running on the %s directory" % (db_path, db_path), StartupError.DBPATH_IN_USE)
    handle.seek(0)
    handle.truncate()
    handle.write("%d\n" % os.getpid())
    handle.flush()
    return handle


def _release_data_directory(handle):
    handle.seek(0)
    handle.truncate()
    handle.close()


def _write_pid_file(path):
    if path:
        with open(path, "w", encoding="ascii") as handle:
            handle.write("%d\n" % os.getpid())


def _remove_pid_file(path):
    if path and os.path.exists(path):
        os.unlink(path)


def _stop_on_signals():
    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    return stop

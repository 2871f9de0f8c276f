"""mongod's YAML configuration file and command-line options, validated the way mongod validates them."""
import argparse

import yaml

from mongod_standin.errors import StartupError

ANY = object()
_SCHEMA = {
    "net": {
        "port": int, "bindIp": str, "bindIpAll": bool, "ipv6": bool, "maxIncomingConnections": int,
        "wireObjectCheck": bool, "unixDomainSocket": ANY, "tls": ANY, "ssl": ANY, "compression": ANY,
        "serviceExecutor": str, "transportLayer": str,
    },
    "storage": {
        "dbPath": str, "journal": {"enabled": bool, "commitIntervalMs": int}, "directoryPerDB": bool,
        "syncPeriodSecs": ANY, "engine": str, "wiredTiger": ANY, "inMemory": ANY, "oplogMinRetentionHours": ANY,
    },
    "systemLog": {
        "verbosity": int, "quiet": bool, "traceAllExceptions": bool, "syslogFacility": str, "path": str,
        "logAppend": bool, "logRotate": str, "destination": str, "timeStampFormat": str, "component": ANY,
    },
    "security": {
        "authorization": str, "keyFile": str, "clusterAuthMode": str, "transitionToAuth": bool,
        "javascriptEnabled": bool, "redactClientLogData": bool, "clusterIpSourceAllowlist": ANY,
        "clusterIpSourceWhitelist": ANY, "sasl": ANY, "enableEncryption": ANY, "encryptionKeyFile": ANY,
        "kmip": ANY, "ldap": ANY,
    },
    "processManagement": {"fork": bool, "pidFilePath": str, "timeZoneInfo": str},
    "operationProfiling": ANY, "replication": ANY, "sharding": ANY, "setParameter": ANY,
    "auditLog": ANY, "cloud": ANY, "snmp": ANY,
}


class Options:
    """The settings the stand-in acts on, with mongod's defaults."""

    def __init__(self):
        self.port = 27017
        self.bind_ip = ["localhost"]
        self.bind_ip_all = False
        self.db_path = "/data/db"
        self.authorization = False
        self.log_path = None
        self.log_append = False
        self.pid_file = None
        self.localhost_auth_bypass = True
        self.command_line = {}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="mongod", description="mongod stand-in (TEST DOUBLE, not MongoDB)")
    parser.add_argument("-f", "--config")
    parser.add_argument("--port", type=int)
    parser.add_argument("--bind_ip")
    parser.add_argument("--bind_ip_all", action="store_true")
    parser.add_argument("--dbpath")
    parser.add_argument("--auth", action="store_true")
    parser.add_argument("--noauth", action="store_true")
    parser.add_argument("--logpath")
    parser.add_argument("--logappend", action="store_true")
    parser.add_argument("--pidfilepath")
    parser.add_argument("--fork", action="store_true")
    parser.add_argument("--version", action="store_true")
    return parser.parse_args(argv)


def load_options(arguments, version):
    """Options from the config file (if any) overridden by the command line, as mongod merges them."""
    options = Options()
    parsed = _read_config_file(arguments.config) if arguments.config else {}
    _validate(parsed, _SCHEMA, "")
    _refuse_unmodelled(parsed, version)
    _apply_file(options, parsed)
    _apply_command_line(options, arguments)
    options.command_line = {"config": arguments.config, "parsed": parsed}
    return options


def _read_config_file(path):
    try:
        with open(path, encoding="utf-8") as handle:
            parsed = yaml.safe_load(handle)
    except OSError as error:
        raise StartupError("Error reading config file: %s" % error, StartupError.BAD_OPTIONS)
    except yaml.YAMLError as error:
        raise StartupError("Error parsing YAML config file: %s" % error, StartupError.BAD_OPTIONS)
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise StartupError("Error parsing YAML config file: not a mapping", StartupError.BAD_OPTIONS)
    return parsed


def _validate(section, schema, prefix):
    for key, value in section.items():
        name = prefix + str(key)
        if key not in schema:
            raise StartupError("Unrecognized option: %s" % name, StartupError.BAD_OPTIONS)
        expected = schema[key]
        if expected is ANY:
            continue
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise StartupError("Bad value for %s: expected a mapping" % name, StartupError.BAD_OPTIONS)
            _validate(value, expected, name + ".")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise StartupError("Bad value for %s: expected %s" % (name, expected.__name__), StartupError.BAD_OPTIONS)


def _refuse_unmodelled(parsed, version):
    if "enabled" in parsed.get("storage", {}).get("journal", {}) and not version.has_journal_option:
        raise StartupError("Unrecognized option: storage.journal.enabled", StartupError.BAD_OPTIONS)
    if (parsed.get("replication") or {}).get("replSetName") or parsed.get("sharding"):
        raise StartupError("stand-in: replica sets and sharding are not modelled", StartupError.BAD_OPTIONS)
    if parsed.get("processManagement", {}).get("fork"):
        raise StartupError("stand-in: processManagement.fork is not modelled; run it in the foreground", StartupError.BAD_OPTIONS)
    authorization = parsed.get("security", {}).get("authorization", "disabled")
    if authorization not in ("enabled", "disabled"):
        raise StartupError("Bad value for security.authorization: %r" % authorization, StartupError.BAD_OPTIONS)


def _apply_file(options, parsed):
    net, storage, log = parsed.get("net", {}), parsed.get("storage", {}), parsed.get("systemLog", {})
    options.port = net.get("port", options.port)
    if "bindIp" in net:
        options.bind_ip = split_bind_ip(net["bindIp"])
    options.bind_ip_all = net.get("bindIpAll", False)
    options.db_path = storage.get("dbPath", options.db_path)
    options.authorization = parsed.get("security", {}).get("authorization") == "enabled"
    if log.get("destination") == "file":
        if not log.get("path"):
            raise StartupError("systemLog.path is required if systemLog.destination is to a file", StartupError.BAD_OPTIONS)
        options.log_path = log["path"]
    options.log_append = log.get("logAppend", False)
    options.pid_file = parsed.get("processManagement", {}).get("pidFilePath")
    bypass = (parsed.get("setParameter") or {}).get("enableLocalhostAuthBypass", True)
    options.localhost_auth_bypass = bypass not in (False, "false", 0, "0")


def _apply_command_line(options, arguments):
    if arguments.fork:
        raise StartupError("stand-in: --fork is not modelled; run it in the foreground", StartupError.BAD_OPTIONS)
    if arguments.port is not None:
        options.port = arguments.port
    if arguments.bind_ip:
        options.bind_ip = split_bind_ip(arguments.bind_ip)
    options.bind_ip_all = options.bind_ip_all or arguments.bind_ip_all
    options.db_path = arguments.dbpath or options.db_path
    options.authorization = (options.authorization or arguments.auth) and not arguments.noauth
    options.log_path = arguments.logpath or options.log_path
    options.log_append = options.log_append or arguments.logappend
    options.pid_file = arguments.pidfilepath or options.pid_file


def split_bind_ip(value):
    addresses = [part.strip() for part in str(value).split(",") if part.strip()]
    if not addresses:
        raise StartupError("Bad value for net.bindIp: empty", StartupError.BAD_OPTIONS)
    return addresses

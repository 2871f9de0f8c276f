"""Cluster membership through MongoDB, as AMS Enterprise's ClusterStore does it.

Each node upserts its clusterdb.clusternode document (ip, lastUpdateTime in epoch ms, cpu, memory, ...)
at start and every NODE_UPDATE_PERIOD_S; other nodes and the console call it dead 20 s after the last
update. AMS cannot start in cluster mode when MongoDB cannot be reached (the ClusterStore bean connects
in its constructor), so neither can the stand-in.
"""
import hashlib
import os
import socket
import threading
import time
import uuid

import pymongo
from pymongo.errors import OperationFailure, PyMongoError

NODE_UPDATE_PERIOD_S = 5
CLUSTER_DB = "clusterdb"
# Seconds to wait for MongoDB at start; the Java driver's serverSelectionTimeout default is 30 s.
DEFAULT_DB_TIMEOUT_MS = 30000


class ClusterStartError(Exception):
    """Raised when AMS would abort its start because the cluster database is unusable."""


def db_timeout_ms():
    return int(os.environ.get("AMS_STANDIN_DB_TIMEOUT_MS", DEFAULT_DB_TIMEOUT_MS))


def connect(uri, timeout_ms):
    """A client that has reached the server (and authenticated, when the URI carries credentials)."""
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms)
    try:
        client.admin.command("ping")
        client[CLUSTER_DB].list_collection_names()
    except OperationFailure as error:
        client.close()
        raise ClusterStartError("com.mongodb.MongoSecurityException: Exception authenticating or authorizing: %s" % error)
    except PyMongoError as error:
        client.close()
        raise ClusterStartError("com.mongodb.MongoTimeoutException: Timed out after %d ms while waiting to connect. %s" % (timeout_ms, error))
    return client


def host_address(use_global_ip, log):
    """The address a node registers: AMS_HOST_ADDRESS, else the private address outbound traffic leaves from."""
    configured = os.environ.get("AMS_HOST_ADDRESS")
    if configured:
        return configured
    if use_global_ip:
        log("WARN", "useGlobalIp=true needs a public-IP lookup (checkip.amazonaws.com) the stand-in does not make; using the private address")
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("8.8.8.8", 53))  # no packet is sent: this only asks the kernel which source address it would use
        return probe.getsockname()[0]
    except OSError:
        return socket.gethostbyname(socket.gethostname())
    finally:
        probe.close()


def instance_id(home, version):
    """AMS >= 2.13 derives the instance id from the MAC address; older versions keep a UUID in conf/instanceId."""
    if tuple(int(p) for p in version.split(".")[:2]) >= (2, 13):
        return hashlib.md5(uuid.getnode().to_bytes(6, "big")).hexdigest()
    path = os.path.join(home, "conf", "instanceId")
    if not os.path.exists(path):
        with open(path, "w", encoding="ascii") as handle:
            handle.write(str(uuid.uuid4()))
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()


class ResourceMeter:
    """CPU load since the previous sample and memory use, in the string forms ClusterNode stores."""

    def __init__(self):
        self.previous = self._cpu_times()

    @staticmethod
    def _cpu_times():
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    def cpu(self):
        idle, total = self._cpu_times()
        busy_share = 1 - (idle - self.previous[0]) / max(total - self.previous[1], 1)
        self.previous = (idle, total)
        return str(int(round(100 * max(busy_share, 0))))

    @staticmethod
    def memory():
        values = {}
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                key, separator, rest = line.partition(":")
                values[key] = int(rest.split()[0])
        total_mb = values["MemTotal"] // 1024
        return "%d/%d" % (total_mb - values["MemAvailable"] // 1024, total_mb)


class ClusterMember:
    """This node's registration: created at start, refreshed by a heartbeat thread, removed on clean stop."""

    def __init__(self, client, node_id, ip, log):
        self.nodes = client[CLUSTER_DB]["clusternode"]
        self.app_settings = client[CLUSTER_DB]["AppSettings"]
        self.node_id = node_id
        self.ip = ip
        self.log = log
        self.meter = ResourceMeter()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._heartbeat_loop, daemon=True)

    def document(self):
        return {
            "_id": self.node_id,
            "_t": "ClusterNode",
            "ip": self.ip,
            "lastUpdateTime": int(time.time() * 1000),
            "memory": self.meter.memory(),
            "cpu": self.meter.cpu(),
            "master": False,
            "dbQueryAveargeTimeMs": 0,
        }

    def register(self):
        self.nodes.replace_one({"_id": self.node_id}, self.document(), upsert=True)
        self.log("INFO", "registered in %s.clusternode as %s (ip %s)" % (CLUSTER_DB, self.node_id, self.ip))
        self.thread.start()

    def publish_app_settings(self, apps):
        """The first node of a cluster stores each app's settings; later nodes find them there."""
        for app in apps:
            if self.app_settings.find_one({"appName": app.name}) is None:
                self.app_settings.insert_one({"appName": app.name, "updateTime": int(time.time() * 1000),
                                              "dbName": app.db_name, "standin": True})

    def _heartbeat_loop(self):
        while not self.stopping.wait(NODE_UPDATE_PERIOD_S):
            try:
                self.nodes.replace_one({"_id": self.node_id}, self.document(), upsert=True)
            except PyMongoError as error:
                self.log("ERROR", "cluster heartbeat failed: %s" % error)

    def leave(self, keep_record):
        """Stop heartbeating; delete the node document unless told to leave it behind like a crashed node."""
        self.stopping.set()
        self.thread.join(timeout=NODE_UPDATE_PERIOD_S + 1)
        if keep_record:
            return
        try:
            self.nodes.delete_one({"_id": self.node_id})
            self.log("INFO", "removed %s from %s.clusternode" % (self.node_id, CLUSTER_DB))
        except PyMongoError as error:
            self.log("ERROR", "could not remove the node record: %s" % error)

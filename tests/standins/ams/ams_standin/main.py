"""Start-up and shutdown in the order AMS does them: configuration, cluster store, applications, HTTP."""
import datetime
import os
import signal
import socket
import sys
import threading

from ams_standin import cluster
from ams_standin.config import ConfigError, ServerConfig, mongo_uri
from ams_standin.web import AmsHttpServer

BANNER = "TEST DOUBLE: Ant Media Server Enterprise stand-in for lowlatency.alicloud role tests, not Ant Media Server"
# The stand-in extension that models a node whose record outlives it (ISS ant-media/Ant-Media-Server#3434).
KEEP_NODE_ENV = "AMS_STANDIN_KEEP_NODE_ON_STOP"


class AmsServer:
    def __init__(self, home, log_file):
        self.home = home
        self.log_file = log_file
        self.config = None
        self.member = None
        self.clients = []
        self.listeners = []

    def log(self, level, message):
        line = "%s %-5s [standin] %s\n" % (datetime.datetime.now().isoformat(sep=" ", timespec="milliseconds"), level, message)
        self.log_file.write(line)
        self.log_file.flush()

    def start(self):
        self.config = ServerConfig(self.home)
        self.log("INFO", "%s; version %s; %s mode" % (BANNER, self.config.version, "cluster" if self.config.cluster_mode else "standalone"))
        if self.config.cluster_mode:
            self._join_cluster()
        self._start_apps()
        self._listen()

    def _join_cluster(self):
        client = cluster.connect(self.config.cluster_uri, cluster.db_timeout_ms())
        self.clients.append(client)
        ip = cluster.host_address(self.config.use_global_ip, self.log)
        node_id = cluster.instance_id(self.home, self.config.version) + ip
        self.member = cluster.ClusterMember(client, node_id, ip, self.log)
        self.member.publish_app_settings([app for app in self.config.apps if app.name != "root"])
        self.member.register()

    def _start_apps(self):
        """Each app opens its own datastore; an app whose datastore fails is not deployed (404), the server runs on."""
        for app in self.config.apps:
            if app.db_type == "redisdb":
                app.failure = "db.type=redisdb with db.host=%r: Redis is not modelled by the stand-in" % app.db_host
            elif app.db_type == "mongodb":
                app.failure = self._check_app_database(app)
            if app.failure:
                self.log("ERROR", "application %s failed to start: %s" % (app.name, app.failure))
            else:
                self.log("INFO", "application %s started (%s)" % (app.name, app.db_type))

    def _check_app_database(self, app):
        try:
            self.clients.append(cluster.connect(mongo_uri(app.db_host), cluster.db_timeout_ms()))
        except cluster.ClusterStartError as error:
            return str(error)
        return None

    def _listen(self):
        self.http = AmsHttpServer(self, (self.config.http_host, self.config.http_port))
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.log("INFO", "HTTP listening on %s:%d" % (self.config.http_host, self.config.http_port))
        if self.member is not None:
            self._listen_origin_port()

    def _listen_origin_port(self):
        """Edges connect to the origin on server.origin_port; the stand-in accepts and closes those connections."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("0.0.0.0", self.config.origin_port))
        listener.listen(16)
        self.listeners.append(listener)

        def accept_and_close():
            while True:
                try:
                    connection = listener.accept()[0]
                except OSError:
                    return
                connection.close()
        threading.Thread(target=accept_and_close, daemon=True).start()

    def stop(self):
        self.log("INFO", "shutting down")
        if self.member is not None:
            self.member.leave(keep_record=os.environ.get(KEEP_NODE_ENV) == "1")
        self.http.shutdown()
        for listener in self.listeners:
            listener.close()
        for client in self.clients:
            client.close()


def main():
    home = os.environ.get("ANTMEDIA_HOME", os.getcwd())
    log_directory = os.path.join(home, "log")
    os.makedirs(log_directory, exist_ok=True)
    with open(os.path.join(log_directory, "ant-media-server.log"), "a", encoding="utf-8") as log_file:
        server = AmsServer(home, log_file)
        try:
            server.start()
        except (ConfigError, cluster.ClusterStartError, OSError) as error:
            server.log("ERROR", "Ant Media Server cannot start: %s" % error)
            print("Ant Media Server stand-in cannot start: %s" % error, file=sys.stderr)
            for client in server.clients:
                client.close()
            return 1
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.wait(0.2):
            pass
        server.stop()
    return 0

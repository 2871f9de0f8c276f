"""HTTP on http.port: the applications' pages, the console REST the roles use, each app's REST behind its IP filter."""
import ipaddress
import json
import mimetypes
import os
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ams_standin import jwt

NODE_DEAD_AFTER_MS = 4 * 5000  # ClusterNode: dead when not updated for 4 heartbeat periods
# Console REST paths the AuthenticationFilter lets through without a session or token.
OPEN_CONSOLE_PATHS = ("/rest/v2/liveness",)


class AmsHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, server, address):
        self.ams = server
        super().__init__(address, RequestHandler)


class RequestHandler(BaseHTTPRequestHandler):
    server_version = "AntMediaStandin"
    _head_only = False  # set for a HEAD request: the answer goes without its body

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by BaseHTTPRequestHandler
        self.server.ams.log("DEBUG", "http %s - %s" % (self.client_address[0], format % args))

    def do_HEAD(self):
        # As Tomcat answers HEAD for every GET resource: the same status and headers, no body (ALB health checks
        # use HEAD by default).
        self._head_only = True
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path.startswith("/rest/"):
            return self._console_rest(path)
        app_name, separator, rest = path.lstrip("/").partition("/")
        app = self.server.ams.config.app(app_name) if app_name else None
        if app is None:
            return self._static(self.server.ams.config.app("root"), path.lstrip("/"))
        if not path.startswith("/%s/" % app_name):
            return self._redirect("/%s/" % app_name)
        if rest.startswith("rest/"):
            return self._app_rest(app, "/" + rest)
        return self._static(app, rest)

    # -- console REST (root application) -------------------------------------------------------------

    def _console_rest(self, path):
        ams = self.server.ams
        if path not in OPEN_CONSOLE_PATHS:
            token = self.headers.get("ProxyAuthorization")
            if not (ams.config.jwt_enabled and token):
                return self._error(403, "Not authenticated user")
            if not jwt.is_valid(token, ams.config.jwt_secret):
                return self._error(403, "Invalid Server JWT Token")
        route = _CONSOLE_ROUTES.get(path)
        if route is not None:
            return route(self)
        if path.startswith("/rest/v2/cluster/nodes/") and ams.member is not None:
            return self._cluster_nodes(path)
        return self._error(404, "Not Found")

    def _liveness(self):
        self._json(200, {"host": socket.gethostname(), "status": "ok"})

    def _version(self):
        self._json(200, {"versionName": self.server.ams.config.version, "versionType": "Enterprise Edition",
                         "buildNumber": "standin", "standin": True})

    def _enterprise(self):
        self._json(200, {"success": True})

    def _cluster_mode_status(self):
        self._json(200, {"success": self.server.ams.member is not None})

    def _applications(self):
        self._json(200, {"applications": [app.name for app in self.server.ams.config.apps if app.name != "root"]})

    def _node_count(self):
        member = self.server.ams.member
        if member is None:
            return self._error(404, "Not Found")
        self._json(200, {"number": member.nodes.count_documents({})})

    def _cluster_nodes(self, path):
        try:
            offset, size = (int(part) for part in path.rsplit("/", 2)[-2:])
        except ValueError:
            return self._error(404, "Not Found")
        now = int(time.time() * 1000)
        nodes = []
        for node in self.server.ams.member.nodes.find({}).skip(offset).limit(size):
            node["id"] = node.pop("_id")
            node.pop("_t", None)
            node["status"] = "alive" if now - node["lastUpdateTime"] <= NODE_DEAD_AFTER_MS else "dead"
            nodes.append(node)
        self._json(200, nodes)

    # -- application REST and pages ------------------------------------------------------------------

    def _app_rest(self, app, path):
        if app.failure:
            return self._error(404, "Not Found")
        if not _address_allowed(self.client_address[0], app.remote_allowed_cidr):
            return self._error(403, "Not allowed IP")
        if path == "/rest/v2/version":
            return self._version()
        if path == "/rest/v2/broadcasts/count":
            return self._json(200, {"number": 0})
        return self._error(404, "Not Found")

    def _static(self, app, relative):
        if app is None or app.failure:
            return self._error(404, "Not Found")
        relative = relative or "index.html"
        target = os.path.realpath(os.path.join(app.directory, relative))
        hidden = relative.split("/")[0] in ("WEB-INF", "META-INF")
        if hidden or not target.startswith(os.path.realpath(app.directory) + os.sep) or not os.path.isfile(target):
            return self._error(404, "Not Found")
        with open(target, "rb") as handle:
            body = handle.read()
        self._send(200, mimetypes.guess_type(target)[0] or "application/octet-stream", body)

    # -- responses -----------------------------------------------------------------------------------

    def _json(self, status, document):
        self._send(status, "application/json", json.dumps(document).encode("utf-8"))

    def _error(self, status, message):
        self._send(status, "text/plain; charset=utf-8", message.encode("utf-8"))

    def _redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self._head_only:
            self.wfile.write(body)


_CONSOLE_ROUTES = {
    "/rest/v2/liveness": RequestHandler._liveness,
    "/rest/v2/version": RequestHandler._version,
    "/rest/v2/enterprise-edition": RequestHandler._enterprise,
    "/rest/v2/cluster-mode-status": RequestHandler._cluster_mode_status,
    "/rest/v2/applications": RequestHandler._applications,
    "/rest/v2/cluster/node-count": RequestHandler._node_count,
}


def _address_allowed(address, cidrs):
    client = ipaddress.ip_address(address)
    return any(client in ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)
